"""award: a manual lock, min_units <= v_si <= max_units for one (supplier, item)."""

from __future__ import annotations

from sourceopt.formulation.context import Context
from sourceopt.formulation.rules._shared import bounds, total
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
