"""min_award_share: a selected supplier awarded anything of a scope gets at least `limit` of it.

With z the award indicator of (supplier s, scope) (upper link ``units <= M z``, so any units
set it to 1), per item (scope: item i, demand d_i):

    volume:  v_si - limit * d_i * z_si >= 0
    spend:   e_si - limit * sum_t e_ti - M_i z_si >= -M_i,   M_i = limit * (spend bound of i)

and per category (scope: the selected items I' together, demand D) the same with v_s(I'),
D, e_s(I') and the spend of I'. z = 0 forces no units (link) and the row then holds
(0 >= 0, or the scope's spend times `limit` <= M); z = 1 is the bound itself. The volume form
needs no big-M: demand is a constant. M_i bounds the item's spend from above: its demand
times the dearest unit price of any of its pairs (models/README.md, "min_award_share").
"""

from __future__ import annotations

from typing import Any

import numpy as np
import scipy.sparse as sp

from sourceopt.errors import SourceoptError
from sourceopt.formulation.context import Context, IndicatorNeed
from sourceopt.formulation.family import Bound, Family
from sourceopt.formulation.rules import wording as w
from sourceopt.formulation.rules._shared import per_item_rows
from sourceopt.scenario.model import Scenario
from sourceopt.scenario.schema import MinAwardShareRule
from sourceopt.scenario.selectors import supplier_mask


def _suppliers(rule: MinAwardShareRule, ctx: Context) -> np.ndarray:
    """Selected suppliers with a pair on the selected items."""
    items = ctx.selected_items(rule)
    sups = np.flatnonzero(supplier_mask(ctx.scenario, rule.suppliers))
    return sups[np.isin(sups, ctx.pair_supplier[items[ctx.pair_item]])]


def indicators(rule: MinAwardShareRule, ctx: Context) -> list[IndicatorNeed]:
    """Per item: one binary per selected pair; per category: one per selected supplier.

    Upper link only: the rule's own row keeps a binary at 1 from standing for no award.
    """
    if rule.limit <= 0:
        return []  # a zero limit holds by itself: no row, no binary
    items = ctx.selected_items(rule)
    return [IndicatorNeed(_suppliers(rule, ctx), items, per_item=rule.per == "item", floor=False)]


def item_spend_bound(ctx: Context) -> np.ndarray:
    """Per item: an upper bound on its spend.

    Demand times the dearest spend per unit of any column of the item's pairs, valid when every
    spend entry has a units entry (spend per unit, as formulation/core.py builds them) and
    whatever capacities an analysis lifts (an item's units never exceed its demand). Otherwise
    the sum of the spend entries times their columns' upper bounds; neither finite raises.
    """
    e, v = sp.csr_array(ctx.E), sp.csr_array(ctx.V)
    per_unit = np.full(ctx.scenario.n_items, np.inf)
    has_spend = e != 0
    if has_spend.multiply(v != 0).nnz == has_spend.nnz:  # spend only where there are units
        unit = sp.coo_array(e.multiply(v.power(-1.0)))
        top = np.zeros(ctx.n_pairs)  # per pair: its dearest spend per unit
        np.maximum.at(top, unit.row, unit.data)
        dearest = np.zeros(ctx.scenario.n_items)
        np.maximum.at(dearest, ctx.pair_item, top)
        per_unit = ctx.scenario.items["demand"].to_numpy(float) * dearest
    hi = ctx.builder.upper_bounds()
    ec = sp.coo_array(e)
    by_column = np.zeros(ctx.scenario.n_items)
    with np.errstate(invalid="ignore"):
        np.add.at(by_column, ctx.pair_item[ec.row], np.maximum(ec.data, 0.0) * hi[ec.col])
    out = np.where(np.isfinite(per_unit), per_unit, np.nan_to_num(by_column, nan=np.inf))
    if not np.isfinite(out).all():  # pragma: no cover - offer columns are bounded by demand
        raise SourceoptError("internal: no finite bound on an item's spend for min_award_share")
    return np.asarray(out)


def build(rule: MinAwardShareRule, ctx: Context, ref: int) -> None:
    """Add the rows of one min_award_share rule."""
    sups = _suppliers(rule, ctx)
    if not len(sups) or rule.limit <= 0:
        return
    items = ctx.selected_items(rule)
    m = ctx.V if rule.measure == "volume" else ctx.E
    if rule.per == "item":
        _per_item(rule, ctx, ref, sups, items, m)
        return
    z = ctx.indicators(sups, items, per_item=False)
    where = np.full(ctx.scenario.n_suppliers, -1)
    where[sups] = np.arange(len(sups))
    groups = np.where(items[ctx.pair_item], where[ctx.pair_supplier], -1)
    own = ctx.group_sum(groups, len(sups), m)
    k = len(sups)
    if rule.measure == "volume":
        scope = float(ctx.scenario.items["demand"].to_numpy(float)[items].sum())
        zed = _z(ctx, z, -rule.limit * np.full(k, scope))
        ctx.add_rule_rows(rule, ref, [own, zed], lo=0.0, hi=np.inf, supplier=sups)
        return
    big = rule.limit * float(item_spend_bound(ctx)[items].sum())
    whole = ctx.group_sum(np.where(items[ctx.pair_item], 0, -1), 1, m)
    scope_rows = sp.csr_array(whole[np.zeros(k, dtype=np.int64)])
    parts = [own, -rule.limit * scope_rows, _z(ctx, z, np.full(k, -big))]
    ctx.add_rule_rows(rule, ref, parts, lo=-big, hi=np.inf, supplier=sups)


def _per_item(
    rule: MinAwardShareRule,
    ctx: Context,
    ref: int,
    sups: np.ndarray,
    items: np.ndarray,
    m: sp.csr_array,
) -> None:
    """One row per selected (supplier, item) pair."""
    z = ctx.indicators(sups, items, per_item=True)
    chosen = np.zeros(ctx.scenario.n_suppliers, dtype=bool)
    chosen[sups] = True
    pairs = np.flatnonzero(chosen[ctx.pair_supplier] & items[ctx.pair_item])
    item_of, sup_of = ctx.pair_item[pairs], ctx.pair_supplier[pairs]
    own = sp.csr_array(m[pairs])
    if rule.measure == "volume":
        demand = ctx.scenario.items["demand"].to_numpy(float)[item_of]
        zed = _z(ctx, z, -rule.limit * demand)
        ctx.add_rule_rows(rule, ref, [own, zed], lo=0.0, hi=np.inf, supplier=sup_of, item=item_of)
        return
    big = rule.limit * item_spend_bound(ctx)[item_of]
    by_item = per_item_rows(ctx, items[ctx.pair_item], m, np.flatnonzero(items))
    where = np.full(ctx.scenario.n_items, -1)
    where[np.flatnonzero(items)] = np.arange(int(items.sum()))
    scope_rows = sp.csr_array(by_item[where[item_of]])
    parts = [own, -rule.limit * scope_rows, _z(ctx, z, -big)]
    ctx.add_rule_rows(rule, ref, parts, lo=-big, hi=np.inf, supplier=sup_of, item=item_of)


def _z(ctx: Context, cols: np.ndarray, coef: np.ndarray) -> sp.csr_array:
    """One row per binary: `coef` on its column."""
    k = len(cols)
    return sp.csr_array((coef, (np.arange(k), cols)), shape=(k, ctx.builder.n_cols))


def words(scenario: Scenario, rule: Any) -> str:
    """The rule in a conflict, in business words (after "rule <name>")."""
    who = w.who(scenario, rule.suppliers)
    scope = "of each selected item" if rule.per == "item" else "of the selected items together"
    return (
        f"gives each of {who} that is awarded anything {scope} at least "
        f"{w.share(rule.limit)} of its {w.measure_word(rule)}"
    )


FAMILY = Family(
    "min_award_share",
    build,
    words,
    bound=Bound.SHARE,
    bound_word="limit",
    needs=indicators,
    share=lambda rule, upper: None if upper else rule.limit,
)
