"""exclude: selected suppliers get nothing of the selected items: sum_{S' x I'} v <= 0."""

from __future__ import annotations

from typing import Any

from sourceopt.formulation.context import Context
from sourceopt.formulation.family import Family
from sourceopt.formulation.rules import wording as w
from sourceopt.formulation.rules._shared import total
from sourceopt.scenario.model import Scenario
from sourceopt.scenario.schema import ExcludeRule


def build(rule: ExcludeRule, ctx: Context, ref: int) -> None:
    """Add the row of one exclude rule (one row, so a conflict can name the rule)."""
    sel = ctx.selected_pairs(rule)
    ctx.builder.add_rows(
        [total(ctx, sel, ctx.V)],
        lo=0.0,
        hi=0.0,
        family=rule.type,
        rule=str(rule.name),
        soft=rule.soft,
        rule_ref=ref,
    )


def words(scenario: Scenario, rule: Any) -> str:
    """The rule in a conflict, in business words (after "rule <name>")."""
    items = w.who(scenario, rule.items, suppliers=False)
    return f"bans {w.who(scenario, rule.suppliers)} from {items}"


FAMILY = Family("exclude", build, words, unit="unit")
