"""group_share: the selected suppliers together get between `min` and `max` of the measure.

Volume: min * D <= sum_{S' x I'} v <= max * D, D the demand of the selected items (per item:
that item's demand). Spend: sum_{S' x I'} e - min * sum_{all x I'} e >= 0 and
sum_{S' x I'} e - max * sum_{all x I'} e <= 0 (the denominator is itself a variable).
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

from sourceopt.formulation.context import Context
from sourceopt.formulation.rules._shared import per_item_rows, total
from sourceopt.scenario.schema import GroupShareRule


def build(rule: GroupShareRule, ctx: Context, ref: int) -> None:
    """Add the rows of one group_share rule."""
    items = ctx.selected_items(rule)
    sel = ctx.selected_pairs(rule)
    on_items = items[ctx.pair_item]
    m = ctx.V if rule.measure == "volume" else ctx.E
    if rule.per == "item":
        item_ids = np.flatnonzero(items)
        own = per_item_rows(ctx, sel, m, item_ids)
        if rule.measure == "volume":
            denom = ctx.scenario.items["demand"].to_numpy(float)[item_ids]
            _volume_rows(ctx, rule, ref, own, denom, item_ids)
        else:
            _spend_rows(ctx, rule, ref, own, per_item_rows(ctx, on_items, m, item_ids), item_ids)
        return
    own = total(ctx, sel, m)
    if rule.measure == "volume":
        d = float(ctx.scenario.items["demand"].to_numpy(float)[items].sum())
        _volume_rows(ctx, rule, ref, own, np.array([d]), -1)
    else:
        _spend_rows(ctx, rule, ref, own, total(ctx, on_items, m), -1)


def _volume_rows(
    ctx: Context,
    rule: GroupShareRule,
    ref: int,
    own: sp.csr_array,
    demand: np.ndarray,
    item: np.ndarray | int,
) -> None:
    lo = -np.inf if rule.min is None else rule.min * demand
    hi = np.inf if rule.max is None else rule.max * demand
    ctx.add_rule_rows(rule, ref, [own], lo=lo, hi=hi, item=item)


def _spend_rows(
    ctx: Context,
    rule: GroupShareRule,
    ref: int,
    own: sp.csr_array,
    denom: sp.csr_array,
    item: np.ndarray | int,
) -> None:
    if rule.min is not None:
        ctx.add_rule_rows(rule, ref, [own, -rule.min * denom], lo=0.0, hi=np.inf, item=item)
    if rule.max is not None:
        ctx.add_rule_rows(rule, ref, [own, -rule.max * denom], lo=-np.inf, hi=0.0, item=item)
