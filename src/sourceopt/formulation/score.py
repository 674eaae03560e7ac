"""The score objective (format 1.1) on a built program: minus the score, cost kept aside.

Each unit through an offer's segment earns that offer's score / the item's demand, so an
item contributes its award's volume-weighted score. The program minimises
``-score + soft-rule penalties`` (read as score points per unit of violation); its
``total_cost`` keeps the money so that a second stage can break ties in score by cost
(sourceopt.lexicographic; models/README.md, "Score objective").
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from sourceopt.formulation.program import ColumnKind, Program
from sourceopt.scenario.model import Scenario
from sourceopt.scenario.score import offer_scores


def score_per_unit(program: Program, scenario: Scenario) -> np.ndarray:
    """Per program column: the score one unit of it earns (0 off the offer columns)."""
    scores = np.nan_to_num(offer_scores(scenario))
    demand = scenario.items["demand"].to_numpy(float)
    cols = program.columns
    units = (cols["kind"] == ColumnKind.OFFER_UNITS).to_numpy()
    offer = cols["ref"].to_numpy()
    out = np.zeros(program.n_cols)
    out[units] = scores[offer[units]] / demand[cols["item"].to_numpy()[units]]
    return out


def score_program(program: Program, scenario: Scenario, true_cost: np.ndarray) -> Program:
    """`program` (a cost program of `scenario`) made to maximise the score instead."""
    penalties = program.c - true_cost  # soft-rule slacks only: a score has no objective penalty
    return replace(
        program,
        c=penalties - score_per_unit(program, scenario),
        total_cost=np.asarray(true_cost, dtype=float),
    )
