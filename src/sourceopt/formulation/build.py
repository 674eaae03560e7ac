"""The builder: a Scenario in, a Program with labels out (stacked once)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Generic, TypeVar

import numpy as np

from sourceopt.formulation.blocks import ProgramBuilder
from sourceopt.formulation.context import Context
from sourceopt.formulation.core import add_fixed_costs, build_core, core_indicators
from sourceopt.formulation.cover import add_capacity_cover
from sourceopt.formulation.family import family_of
from sourceopt.formulation.objective import add_penalties, tie_break
from sourceopt.formulation.program import ColumnKind, Program
from sourceopt.formulation.rebates import build_rebates
from sourceopt.formulation.score import score_program
from sourceopt.scenario.model import Scenario

T = TypeVar("T")


@dataclass
class Built(Generic[T]):
    """A Program with what stacking it needs: its Context, its true cost, the hook's result."""

    program: Program
    ctx: Context
    true_cost: np.ndarray
    extra: T


def build_program(scenario: Scenario) -> Program:
    """The mathematical program of a scenario (see models/README.md for every block).

    The order is explicit: the core (offer, segment and bundle columns with their structural
    rows; demand and capacity rows); every award indicator the core or any rule needs,
    declared up front (columns, then their link rows); the capacity cover of the suppliers'
    binaries (a valid inequality, formulation/cover.py); rebates; the objective's penalties and
    fixed costs; then each rule's rows in the scenario's order. Every cost column exists
    before the first rule row, so a budget is built where it stands.
    """
    built = build_parts(scenario, lambda ctx: None)
    if scenario.objective.is_score:
        return score_program(built.program, scenario, built.true_cost)
    return built.program


def build_parts(scenario: Scenario, after_core: Callable[[Context], T]) -> Built[T]:
    """:func:`build_program`'s blocks (cost objective), `after_core` run right after the core.

    A portfolio adds its pooled tier columns there, so that every rule sees their spend.
    """
    found = [family_of(rule) for rule in scenario.rules]  # an unknown type raises
    builder = ProgramBuilder(scenario=scenario.name)
    ctx = build_core(scenario, builder)
    extra = after_core(ctx)
    needs = core_indicators(ctx)
    for rule, family in zip(scenario.rules, found, strict=True):
        needs += family.indicators(rule, ctx)
    ctx.declare_indicators(needs)
    add_fixed_costs(ctx)
    add_capacity_cover(ctx)
    build_rebates(ctx)
    add_penalties(ctx)
    for ref, (rule, family) in enumerate(zip(scenario.rules, found, strict=True)):
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
    tb = tie_break(units, suppliers, true_cost, scenario.n_suppliers)
    return Built(replace(program, tie_break=tb), ctx, true_cost, extra)
