"""group_share: the selected suppliers together get between `min` and `max` of the measure.

Volume: min * D <= sum_{S' x I'} v <= max * D, D the demand of the selected items (per item:
that item's demand). Spend: sum_{S' x I'} e - min * sum_{all x I'} e >= 0 and
sum_{S' x I'} e - max * sum_{all x I'} e <= 0 (the denominator is itself a variable).
"""

from __future__ import annotations

from typing import Any

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
    kw: dict[str, Any] = {"family": "group_share", "rule": str(rule.name), "soft": rule.soft,
                          "rule_ref": ref}
    if rule.per == "item":
        item_ids = np.flatnonzero(items)
        own = per_item_rows(ctx, sel, m, item_ids)
        kw["item"] = item_ids
        if rule.measure == "volume":
            denom = ctx.scenario.items["demand"].to_numpy(float)[item_ids]
            _volume_rows(ctx, rule, own, denom, kw)
        else:
            _spend_rows(ctx, rule, own, per_item_rows(ctx, on_items, m, item_ids), kw)
        return
    own = total(ctx, sel, m)
    if rule.measure == "volume":
        d = float(ctx.scenario.items["demand"].to_numpy(float)[items].sum())
        _volume_rows(ctx, rule, own, np.array([d]), kw)
    else:
        _spend_rows(ctx, rule, own, total(ctx, on_items, m), kw)


def _volume_rows(ctx: Context, rule: GroupShareRule, own: sp.csr_array, demand: np.ndarray,
                 kw: dict[str, Any]) -> None:
    lo = -np.inf if rule.min is None else rule.min * demand
    hi = np.inf if rule.max is None else rule.max * demand
    ctx.builder.add_rows([own], lo=lo, hi=hi, **kw)


def _spend_rows(ctx: Context, rule: GroupShareRule, own: sp.csr_array, denom: sp.csr_array,
                kw: dict[str, Any]) -> None:
    if rule.min is not None:
        ctx.builder.add_rows([own, -rule.min * denom], lo=0.0, hi=np.inf, **kw)
    if rule.max is not None:
        ctx.builder.add_rows([own, -rule.max * denom], lo=-np.inf, hi=0.0, **kw)
