"""max_share: no selected supplier gets more than `limit` of the volume or spend.

Per item: v_si <= limit * d_i (volume) or e_si - limit * sum_t e_ti <= 0 (spend).
Per category (items I'): sum_{i in I'} v_si <= limit * sum_{i in I'} d_i, or the spend analogue.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from sourceopt.formulation.context import Context
from sourceopt.formulation.family import Bound, Family
from sourceopt.formulation.rules import wording as w
from sourceopt.formulation.rules._shared import by_item, by_supplier, total
from sourceopt.scenario.model import Scenario
from sourceopt.scenario.schema import MaxShareRule


def build(rule: MaxShareRule, ctx: Context, ref: int) -> None:
    """Add the rows of one max_share rule."""
    sel = ctx.selected_pairs(rule)
    if not sel.any():
        return
    lim = rule.limit
    demand = ctx.scenario.items["demand"].to_numpy(float)
    m = ctx.V if rule.measure == "volume" else ctx.E
    items_sel = ctx.selected_items(rule)
    in_items = items_sel[ctx.pair_item]  # every supplier's pairs on the selected items
    if rule.per == "item":
        rows = np.flatnonzero(sel)
        if rule.measure == "volume":
            ctx.add_rule_rows(
                rule,
                ref,
                [m[rows]],
                lo=-np.inf,
                hi=lim * demand[ctx.pair_item[rows]],
                supplier=ctx.pair_supplier[rows],
                item=ctx.pair_item[rows],
            )
            return
        per_item, items = by_item(ctx, in_items, m)
        where = np.full(ctx.scenario.n_items, -1)
        where[items] = np.arange(len(items))
        ctx.add_rule_rows(
            rule,
            ref,
            [m[rows], -lim * per_item[where[ctx.pair_item[rows]]]],
            lo=-np.inf,
            hi=0.0,
            supplier=ctx.pair_supplier[rows],
            item=ctx.pair_item[rows],
        )
        return
    own, sups = by_supplier(ctx, sel, m)
    if rule.measure == "volume":
        d = float(demand[items_sel].sum())
        ctx.add_rule_rows(rule, ref, [own], lo=-np.inf, hi=lim * d, supplier=sups)
        return
    whole = total(ctx, in_items, m)
    ctx.add_rule_rows(
        rule,
        ref,
        [own, -lim * whole[np.zeros(len(sups), dtype=np.int64)]],
        lo=-np.inf,
        hi=0.0,
        supplier=sups,
    )


def words(scenario: Scenario, rule: Any) -> str:
    """The rule in a conflict, in business words (after "rule <name>")."""
    who = w.who(scenario, rule.suppliers)
    return (
        f"allows no single supplier among {who} more than {w.share(rule.limit)} of the "
        f"{w.measure_word(rule)} {w.scope(scenario, rule)}"
    )


FAMILY = Family(
    "max_share",
    build,
    words,
    bound=Bound.SHARE,
    bound_word="limit",
    share=lambda rule, upper: rule.limit,
)
