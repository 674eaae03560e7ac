"""max_items_per_supplier: each selected supplier wins at most `max` selected items.

sum_{i in I'} w_si <= max, with w_si the binary "s receives units of i" (upper link only:
a binary at 1 without units only makes the row tighter, so it is never chosen).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import scipy.sparse as sp

from sourceopt.formulation.context import Context, IndicatorNeed
from sourceopt.formulation.family import Bound, Family
from sourceopt.formulation.rules import wording as w
from sourceopt.scenario.model import Scenario
from sourceopt.scenario.schema import MaxItemsPerSupplierRule
from sourceopt.scenario.selectors import supplier_mask


def build(rule: MaxItemsPerSupplierRule, ctx: Context, ref: int) -> None:
    """Add one row per selected supplier that can win selected items."""
    items = ctx.selected_items(rule)
    sups = np.flatnonzero(supplier_mask(ctx.scenario, rule.suppliers))
    cols = ctx.indicators(sups, items, per_item=True)
    pairs = np.flatnonzero(np.isin(ctx.pair_supplier, sups) & items[ctx.pair_item])
    owners, row = np.unique(ctx.pair_supplier[pairs], return_inverse=True)
    m = sp.csr_array((np.ones(len(cols)), (row, cols)), shape=(len(owners), ctx.builder.n_cols))
    ctx.builder.add_rows(
        [m],
        lo=-np.inf,
        hi=float(rule.max),
        family=rule.type,
        rule=str(rule.name),
        supplier=owners,
        soft=rule.soft,
        rule_ref=ref,
    )


def words(scenario: Scenario, rule: Any) -> str:
    """The rule in a conflict, in business words (after "rule <name>")."""
    items = w.who(scenario, rule.items, suppliers=False)
    return f"lets each of {w.who(scenario, rule.suppliers)} win at most {rule.max} of {items}"


def indicators(rule: MaxItemsPerSupplierRule, ctx: Context) -> list[IndicatorNeed]:
    """One binary per (selected supplier, selected item) pair, upper link only."""
    items = ctx.selected_items(rule)
    sups = np.flatnonzero(supplier_mask(ctx.scenario, rule.suppliers))
    return [IndicatorNeed(sups, items, per_item=True, floor=False)]


FAMILY = Family(
    "max_items_per_supplier", build, words, bound=Bound.COUNT, unit="item", needs=indicators
)
