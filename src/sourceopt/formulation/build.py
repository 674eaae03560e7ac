"""The builder: a Scenario in, a Program with labels out (stacked once)."""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from sourceopt.formulation.blocks import ProgramBuilder
from sourceopt.formulation.core import build_core
from sourceopt.formulation.family import family_of
from sourceopt.formulation.objective import add_penalties, tie_break
from sourceopt.formulation.program import ColumnKind, Program
from sourceopt.formulation.rebates import build_rebates
from sourceopt.scenario.model import Scenario


def build_program(scenario: Scenario) -> Program:
    """The mathematical program of a scenario (see models/README.md for every block)."""
    builder = ProgramBuilder(scenario=scenario.name)
    ctx = build_core(scenario, builder)
    build_rebates(ctx)
    add_penalties(ctx)
    found = [family_of(rule) for rule in scenario.rules]  # an unknown type raises
    for deferred in (False, True):  # budgets need every cost column first
        for ref, (rule, family) in enumerate(zip(scenario.rules, found, strict=True)):
            if family.deferred is deferred:
                family.build(rule, ctx, ref)
    program, true_cost = builder.build()
    program = replace(
        program,
        provenance=replace(
            program.provenance,
            pair_supplier=ctx.pair_supplier,
            pair_item=ctx.pair_item,
            pair_units=ctx.V,
            pair_spend=ctx.E,
        ),
    )
    units = (program.columns["kind"] == ColumnKind.OFFER_UNITS).to_numpy()
    suppliers = program.columns["supplier"].to_numpy()
    return _with_tie_break(program, tie_break(units, suppliers, true_cost, scenario.n_suppliers))


def _with_tie_break(program: Program, tb: np.ndarray) -> Program:
    return replace(program, tie_break=tb)
