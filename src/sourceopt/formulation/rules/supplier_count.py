"""supplier_count: between `min` and `max` selected suppliers are awarded.

Per item: min <= sum_{s in S'} w_si <= max for each selected item i. Per category:
min <= sum_{s in S'} a_s <= max, a_s the binary "s receives units of the selected items".
The binaries get a floor (award quantum) when `min` is given, so that only real awards count.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import scipy.sparse as sp

from sourceopt.formulation.context import Context, IndicatorNeed
from sourceopt.formulation.family import Bound, Family
from sourceopt.formulation.rules import wording as w
from sourceopt.formulation.rules._shared import bounds
from sourceopt.scenario.model import Scenario
from sourceopt.scenario.schema import SupplierCountRule
from sourceopt.scenario.selectors import item_mask, supplier_mask


def build(rule: SupplierCountRule, ctx: Context, ref: int) -> None:
    """Add the rows of one supplier_count rule."""
    items = ctx.selected_items(rule)
    sups = np.flatnonzero(supplier_mask(ctx.scenario, rule.suppliers))
    lo, hi = bounds(rule.min, rule.max)
    b = ctx.builder
    if rule.per == "item":
        cols = ctx.indicators(sups, items, per_item=True)
        col_item = b_items = np.flatnonzero(items)
        where = np.full(ctx.scenario.n_items, -1)
        where[b_items] = np.arange(len(b_items))
        pairs = np.flatnonzero(np.isin(ctx.pair_supplier, sups) & items[ctx.pair_item])
        col_item = where[ctx.pair_item[pairs]]
        m = sp.csr_array((np.ones(len(cols)), (col_item, cols)), shape=(len(b_items), b.n_cols))
        ctx.add_rule_rows(rule, ref, [m], lo=lo, hi=hi, item=b_items)
        return
    has = np.isin(sups, ctx.pair_supplier[items[ctx.pair_item]])
    cols = ctx.indicators(sups[has], items, per_item=False)
    m = sp.csr_array(
        (np.ones(len(cols)), (np.zeros(len(cols), dtype=np.int64), cols)), shape=(1, b.n_cols)
    )
    ctx.add_rule_rows(rule, ref, [m], lo=lo, hi=hi)


def words(scenario: Scenario, rule: Any) -> str:
    """The rule in a conflict, in business words (after "rule <name>")."""
    who = w.who(scenario, rule.suppliers)
    where = "for each selected item" if rule.per == "item" else "in the category"
    sup = supplier_mask(scenario, rule.suppliers)
    items = item_mask(scenario, rule.items)
    off = scenario.offers
    o_sup, o_item = off["supplier"].to_numpy(), off["item"].to_numpy()
    bidders = np.unique(o_sup[items[o_item]])
    offering = int(sup[bidders].sum())
    text = (
        f"needs {w.bounds_text(rule.min, rule.max, str)} awarded suppliers among {who} {where}; "
        f"{offering} of them bid on those items"
    )
    # an offer (or a supplier) with no capacity is a bid that can never be awarded
    own = scenario.suppliers["capacity"].to_numpy(float)[o_sup]
    able = sup[o_sup] & items[o_item] & (np.minimum(off["capacity"].to_numpy(float), own) > 0)
    if rule.per != "item":
        real = len(np.unique(o_sup[able]))
        return text + (f", {real} with any capacity" if real < offering else "")
    pairs = np.unique(o_item[able] * scenario.n_suppliers + o_sup[able])
    count = np.bincount(pairs // scenario.n_suppliers, minlength=scenario.n_items)
    chosen = np.flatnonzero(items)
    if not len(chosen):
        return text
    fewest = chosen[np.argmin(count[chosen])]
    names = scenario.suppliers["id"].to_numpy()[
        pairs[pairs // scenario.n_suppliers == fewest] % scenario.n_suppliers
    ]
    can = f" ({w.id_list([str(n) for n in names])})" if len(names) else ""
    item_id = scenario.items["id"].iat[int(fewest)]
    return text + f"; item {item_id} has {int(count[fewest])} with any capacity{can}"


def indicators(rule: SupplierCountRule, ctx: Context) -> list[IndicatorNeed]:
    """Per item: one binary per pair; per category: one per selected supplier with offers.

    With a minimum, the binaries get a floor (only real awards count).
    """
    items = ctx.selected_items(rule)
    sups = np.flatnonzero(supplier_mask(ctx.scenario, rule.suppliers))
    floor = rule.min is not None and rule.min > 0
    if rule.per == "item":
        return [IndicatorNeed(sups, items, per_item=True, floor=floor)]
    has = np.isin(sups, ctx.pair_supplier[items[ctx.pair_item]])
    return [IndicatorNeed(sups[has], items, per_item=False, floor=floor)]


FAMILY = Family(
    "supplier_count", build, words, bound=Bound.COUNT, unit="supplier", needs=indicators
)
