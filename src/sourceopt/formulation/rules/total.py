"""total: the awarded volume (or spend) on the selected items within `min` and `max`.

Per supplier (each selected supplier s): min <= sum_{i in I'} v_si <= max (or e_si for spend).
A `min` holds for every selected supplier, awarded or not (a commitment): a supplier with no
offer on I' gets the row 0 >= min, which only a soft rule can violate. Per all:
min <= sum_{s in S', i in I'} v_si <= max. Purely linear rows, no indicator.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from sourceopt.formulation.context import Context
from sourceopt.formulation.family import Family
from sourceopt.formulation.rules import wording as w
from sourceopt.formulation.rules._shared import bounds
from sourceopt.scenario.model import Scenario
from sourceopt.scenario.schema import TotalRule
from sourceopt.scenario.selectors import item_mask, supplier_mask


def build(rule: TotalRule, ctx: Context, ref: int) -> None:
    """Add the rows of one total rule."""
    chosen = supplier_mask(ctx.scenario, rule.suppliers)
    if not chosen.any():
        return
    sel = ctx.selected_pairs(rule)
    m = ctx.V if rule.measure == "volume" else ctx.E
    lo, hi = bounds(rule.min, rule.max)
    if rule.per == "all":
        own = ctx.group_sum(np.where(sel, 0, -1), 1, m)
        ctx.add_rule_rows(rule, ref, [own], lo=lo, hi=hi)
        return
    sups = np.flatnonzero(chosen)
    if rule.min is None or rule.min <= 0:  # a maximum only: suppliers with no pair hold it
        sups = np.unique(ctx.pair_supplier[sel])
        if not len(sups):
            return
    where = np.full(ctx.scenario.n_suppliers, -1)
    where[sups] = np.arange(len(sups))
    groups = np.where(sel, where[ctx.pair_supplier], -1)
    own = ctx.group_sum(groups, len(sups), m)
    ctx.add_rule_rows(rule, ref, [own], lo=lo, hi=hi, supplier=sups)


def words(scenario: Scenario, rule: Any) -> str:
    """The rule in a conflict, in business words (after "rule <name>")."""
    unit = scenario.currency if rule.measure == "spend" else "units"
    what = "spend" if rule.measure == "spend" else "volume"
    who = w.who(scenario, rule.suppliers)
    items = w.who(scenario, rule.items, suppliers=False)
    span = w.bounds_text(rule.min, rule.max, w.num)
    whom = f"each of {who}" if rule.per == "supplier" else f"{who} together"
    text = f"needs the awarded {what} of {whom} on {items} to be {span} {unit}"
    if rule.min is None:
        return text
    sup = supplier_mask(scenario, rule.suppliers)
    on = item_mask(scenario, rule.items)
    reach = w.reach(scenario, sup, on, spend=rule.measure == "spend")
    if rule.min > 0 and rule.per == "supplier":
        off = scenario.offers
        bid = np.zeros(scenario.n_suppliers, dtype=bool)
        bid[off["supplier"].to_numpy()[on[off["item"].to_numpy()]]] = True
        none = scenario.suppliers["id"].to_numpy()[sup & ~bid]
        if len(none):
            return text + f"; {w.id_list([str(n) for n in none])} bid on none of those items"
    return text + f"; they can reach at most {w.num(reach)} {unit} together"


FAMILY = Family("total", build, words)
