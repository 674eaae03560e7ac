"""award: a manual lock, min_units <= v_si <= max_units for one (supplier, item)."""

from __future__ import annotations

from typing import Any

import numpy as np

from sourceopt.formulation.context import Context
from sourceopt.formulation.family import Family
from sourceopt.formulation.rules import wording as w
from sourceopt.formulation.rules._shared import bounds, total
from sourceopt.scenario.model import Scenario
from sourceopt.scenario.schema import AwardRule


def build(rule: AwardRule, ctx: Context, ref: int) -> None:
    """Add the row of one award lock (an empty row if the pair has no offer: 0 in bounds)."""
    s = ctx.scenario.supplier_code(rule.supplier)
    i = ctx.scenario.item_code(rule.item)
    pair = (ctx.pair_supplier == s) & (ctx.pair_item == i)
    lo, hi = bounds(rule.min_units, rule.max_units)
    ctx.builder.add_rows(
        [total(ctx, pair, ctx.V)],
        lo=lo,
        hi=hi,
        family=rule.type,
        rule=str(rule.name),
        supplier=s,
        item=i,
        soft=rule.soft,
        rule_ref=ref,
    )


def words(scenario: Scenario, rule: Any) -> str:
    """The rule in a conflict, in business words (after "rule <name>")."""
    bounds = w.bounds_text(rule.min_units, rule.max_units, w.num)
    s, i = scenario.supplier_code(rule.supplier), scenario.item_code(rule.item)
    sup = np.zeros(scenario.n_suppliers, dtype=bool)
    sup[s] = True
    items = np.zeros(scenario.n_items, dtype=bool)
    items[i] = True
    most = w.reach(scenario, sup, items, spend=False)
    return (
        f"locks {rule.supplier} on item {rule.item} to {bounds} units "
        f"({rule.supplier} can deliver at most {w.num(most)} units of it)"
    )


FAMILY = Family("award", build, words, unit="unit")
