"""group_share: the selected suppliers together get between `min` and `max` of the measure.

Volume: min * D <= sum_{S' x I'} v <= max * D, D the demand of the selected items (per item:
that item's demand). Spend: sum_{S' x I'} e - min * sum_{all x I'} e >= 0 and
sum_{S' x I'} e - max * sum_{all x I'} e <= 0 (the denominator is itself a variable).

With ``each``, S' is replaced in turn by each group S'_g of the selected suppliers that share a
value g of the field (country, region, tag): one row (per item: one per item) for every g,
all built at once from the pairs' group memberships. The rows carry the group in their
``group`` label; the denominators are those of the rule without ``each``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import scipy.sparse as sp

from sourceopt.formulation.context import Context
from sourceopt.formulation.family import Bound, Family
from sourceopt.formulation.rules import wording as w
from sourceopt.formulation.rules._shared import per_item_rows, sum_entries, total
from sourceopt.scenario.model import Scenario
from sourceopt.scenario.schema import GroupShareRule
from sourceopt.scenario.selectors import each_groups, item_mask, supplier_mask


@dataclass(frozen=True)
class _Groups:
    """Which selected pairs count toward which group: entries (pair, group), and the names."""

    pair: np.ndarray
    group: np.ndarray
    names: tuple[str, ...]  # () without `each`: one unnamed group

    @property
    def n(self) -> int:
        """Number of groups (rows per item, or rows)."""
        return max(1, len(self.names))


def _groups(rule: GroupShareRule, ctx: Context, sel: np.ndarray) -> _Groups:
    """The rule's groups: all selected pairs in one, or split by the `each` field."""
    pairs = np.flatnonzero(sel)
    if rule.each is None:
        return _Groups(pairs, np.zeros(len(pairs), dtype=np.int64), ())
    found = each_groups(ctx.scenario, rule.each, supplier_mask(ctx.scenario, rule.suppliers))
    member = sp.csr_array(
        (np.ones(len(found.supplier)), (found.supplier, found.group)),
        shape=(ctx.scenario.n_suppliers, found.n_groups),
    )
    entries = sp.coo_array(member[ctx.pair_supplier[pairs]])  # one row per selected pair
    return _Groups(pairs[entries.row].astype(np.int64), entries.col.astype(np.int64), found.values)


@dataclass(frozen=True)
class _Labels:
    """What the rows are about: an item (or -1) and a group (or -1) per row, group names."""

    item: np.ndarray | int
    group: np.ndarray
    names: tuple[str, ...]


def build(rule: GroupShareRule, ctx: Context, ref: int) -> None:
    """Add the rows of one group_share rule (one block per bound, every group at once)."""
    items = ctx.selected_items(rule)
    on_items = items[ctx.pair_item]
    m = ctx.V if rule.measure == "volume" else ctx.E
    g = _groups(rule, ctx, ctx.selected_pairs(rule))
    if rule.each is not None and not g.names:
        return  # no selected supplier has a value of the field: no group, nothing to bound
    if rule.per == "item":
        item_ids = np.flatnonzero(items)
        k = len(item_ids)
        where = np.full(ctx.scenario.n_items, -1)
        where[item_ids] = np.arange(k)
        own = sum_entries(ctx, g.group * k + where[ctx.pair_item[g.pair]], g.pair, g.n * k, m)
        each_item = np.tile(np.arange(k), g.n)  # row r is about item item_ids[r % k]
        at = _Labels(item_ids[each_item], _group_labels(g, k), g.names)
        if rule.measure == "volume":
            demand = ctx.scenario.items["demand"].to_numpy(float)[item_ids][each_item]
            _volume_rows(ctx, rule, ref, own, demand, at)
        else:
            by_item = per_item_rows(ctx, on_items, m, item_ids)
            _spend_rows(ctx, rule, ref, own, sp.csr_array(by_item[each_item]), at)
        return
    own = sum_entries(ctx, g.group, g.pair, g.n, m)
    at = _Labels(-1, _group_labels(g, 1), g.names)
    if rule.measure == "volume":
        d = float(ctx.scenario.items["demand"].to_numpy(float)[items].sum())
        _volume_rows(ctx, rule, ref, own, np.full(g.n, d), at)
    else:
        everyone = total(ctx, on_items, m)
        _spend_rows(ctx, rule, ref, own, sp.csr_array(everyone[np.zeros(g.n, np.int64)]), at)


def _group_labels(g: _Groups, per_group: int) -> np.ndarray:
    """Each row's group (-1 without `each`), rows ordered by group then item."""
    if not g.names:
        return np.full(per_group, -1, dtype=np.int64)
    return np.repeat(np.arange(g.n), per_group)


def _add(
    ctx: Context,
    rule: GroupShareRule,
    ref: int,
    parts: list[sp.csr_array],
    lo: np.ndarray | float,
    hi: np.ndarray | float,
    at: _Labels,
) -> None:
    ctx.add_rule_rows(rule, ref, parts, lo=lo, hi=hi, item=at.item, groups=at.names, group=at.group)


def _volume_rows(
    ctx: Context,
    rule: GroupShareRule,
    ref: int,
    own: sp.csr_array,
    demand: np.ndarray,
    at: _Labels,
) -> None:
    lo = -np.inf if rule.min is None else rule.min * demand
    hi = np.inf if rule.max is None else rule.max * demand
    _add(ctx, rule, ref, [own], lo, hi, at)


def _spend_rows(
    ctx: Context,
    rule: GroupShareRule,
    ref: int,
    own: sp.csr_array,
    denom: sp.csr_array,
    at: _Labels,
) -> None:
    if rule.min is not None:
        _add(ctx, rule, ref, [own, -rule.min * denom], 0.0, np.inf, at)
    if rule.max is not None:
        _add(ctx, rule, ref, [own, -rule.max * denom], -np.inf, 0.0, at)


def words(scenario: Scenario, rule: Any) -> str:
    """The rule in a conflict, in business words (after "rule <name>")."""
    if rule.each is not None:
        return _each_share(scenario, rule)
    who = w.who(scenario, rule.suppliers)
    scope = f"the {w.measure_word(rule)} {w.scope(scenario, rule)}"
    if rule.min is None:
        return f"allows at most {w.share(rule.max)} of {scope} to {who}"
    text = f"needs at least {w.share(rule.min)} of {scope} from {who}"
    if rule.max is not None:
        text += f" (and at most {w.share(rule.max)})"
    sup = supplier_mask(scenario, rule.suppliers)
    items = item_mask(scenario, rule.items)
    units = w.reach(scenario, sup, items, spend=False)
    demand = float(scenario.items["demand"].to_numpy(float)[items].sum())
    if w.measure_word(rule) == "volume" and rule.per == "category":
        return (
            text + f": at least {w.num(rule.min * demand)} of {w.num(demand)} units, but they can "
            f"deliver at most {w.num(units)} units"
        )
    spend = w.reach(scenario, sup, items, spend=True)
    return (
        text + f"; their capacity on those items is at most {w.num(units)} units, worth at most "
        f"{w.num(spend)} {scenario.currency} at their offered prices"
    )


_EACH_WORDS = {"country": "from", "region": "in", "tag": "tagged"}


_EACH_PLURAL = {"country": "countries", "region": "regions", "tag": "tags"}


def _each_share(scenario: Scenario, rule: Any) -> str:
    """A group_share rule with ``each``: its bounds per group, and the groups that fall short.

    For a minimum, what each group's suppliers can deliver at most (units, and money at
    their offered prices); the groups that cannot reach the minimum (or, for shares of
    spend, the weakest ones) are named.
    """
    sup = supplier_mask(scenario, rule.suppliers)
    groups = each_groups(scenario, rule.each, sup)
    names = list(groups.values)
    listing = f"{len(names)} {_EACH_PLURAL[rule.each]}: {w.id_list(names)}" if names else "none"
    who = f"{w.who(scenario, rule.suppliers)} ({listing})"
    scope = f"the {w.measure_word(rule)} {w.scope(scenario, rule)}"
    if rule.min is None:
        return (
            f"allows at most {w.share(rule.max)} of {scope} to each {rule.each} among {who}; "
            f"suppliers without a {rule.each} are not limited"
        )
    text = f"needs at least {w.share(rule.min)} of {scope} from each {rule.each} among {who}"
    if rule.max is not None:
        text += f" (and at most {w.share(rule.max)})"
    items = item_mask(scenario, rule.items)
    demand = float(scenario.items["demand"].to_numpy(float)[items].sum())
    reached = []
    for g, name in enumerate(names):
        mine = np.zeros(scenario.n_suppliers, dtype=bool)
        mine[groups.supplier[groups.group == g]] = True
        units = w.reach(scenario, mine, items, spend=False)
        reached.append((units, w.reach(scenario, mine, items, spend=True), name))
    reached.sort()
    volume = w.measure_word(rule) == "volume" and rule.per == "category"
    short = [r for r in reached if r[0] < rule.min * demand] if volume else reached[: w.SHOWN]
    if volume and short:
        text += f": at least {w.num(rule.min * demand)} of {w.num(demand)} units each"
    parts = [
        f"the suppliers {_EACH_WORDS[rule.each]} {name} can deliver at most {w.num(units)} "
        f"units, worth at most {w.num(spend)} {scenario.currency}"
        for units, spend, name in short[: w.SHOWN]
    ]
    return text + ("; " + "; ".join(parts) if parts else "")


FAMILY = Family(
    "group_share",
    build,
    words,
    bound=Bound.SHARE,
    share=lambda rule, upper: rule.max if upper else rule.min,
)
