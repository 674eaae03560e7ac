"""supplier_count: between `min` and `max` selected suppliers are awarded.

Per item: min <= sum_{s in S'} w_si <= max for each selected item i. Per category:
min <= sum_{s in S'} a_s <= max, a_s the binary "s receives units of the selected items".
The binaries get a floor (award quantum) when `min` is given, so that only real awards count.
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

from sourceopt.formulation.context import Context
from sourceopt.formulation.rules._shared import bounds
from sourceopt.scenario.schema import SupplierCountRule
from sourceopt.scenario.selectors import supplier_mask


def build(rule: SupplierCountRule, ctx: Context, ref: int) -> None:
    """Add the rows of one supplier_count rule."""
    items = ctx.selected_items(rule)
    sups = np.flatnonzero(supplier_mask(ctx.scenario, rule.suppliers))
    floor = rule.min is not None and rule.min > 0
    lo, hi = bounds(rule.min, rule.max)
    b = ctx.builder
    if rule.per == "item":
        cols = ctx.indicators(sups, items, per_item=True, floor=floor)
        col_item = b_items = np.flatnonzero(items)
        where = np.full(ctx.scenario.n_items, -1)
        where[b_items] = np.arange(len(b_items))
        pairs = np.flatnonzero(np.isin(ctx.pair_supplier, sups) & items[ctx.pair_item])
        col_item = where[ctx.pair_item[pairs]]
        m = sp.csr_array((np.ones(len(cols)), (col_item, cols)), shape=(len(b_items), b.n_cols))
        ctx.add_rule_rows(rule, ref, [m], lo=lo, hi=hi, item=b_items)
        return
    has = np.isin(sups, ctx.pair_supplier[items[ctx.pair_item]])
    cols = ctx.indicators(sups[has], items, per_item=False, floor=floor)
    m = sp.csr_array(
        (np.ones(len(cols)), (np.zeros(len(cols), dtype=np.int64), cols)), shape=(1, b.n_cols)
    )
    ctx.add_rule_rows(rule, ref, [m], lo=lo, hi=hi)
