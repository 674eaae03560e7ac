"""The score of an award under a score objective (format 1.1), recomputed from the scenario.

Score = sum over offer lines of units / the item's demand x the offer's score
(sourceopt.scenario.score), minus soft-rule penalties read as score points per unit of
violation. The verifier reports it as the objective; every money figure stays as usual.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from sourceopt.scenario.score import offer_scores
from sourceopt.verify.costs import CostBreakdown
from sourceopt.verify.view import AwardView


def award_score(view: AwardView) -> float:
    """The volume-weighted score of the award's offer lines (before soft-rule penalties)."""
    sc = view.scenario
    n = view.n_offer_lines
    scores = np.nan_to_num(offer_scores(sc))
    demand = sc.items["demand"].to_numpy(float)[sc.offers["item"].to_numpy()]
    return float(np.sum(view.units[:n] * scores / demand))


def scored(cost: CostBreakdown, view: AwardView, soft_penalty: float) -> CostBreakdown:
    """The breakdown with the objective replaced by the score net of soft-rule penalties.

    ``penalties`` then holds the soft-rule penalties in score points (no money is added).
    """
    return replace(cost, penalties=soft_penalty, objective=award_score(view) - soft_penalty)
