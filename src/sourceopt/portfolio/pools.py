"""The pools of a portfolio (``pool: [tiers]``) as data: which offers share a tier choice.

Formulation-free (the verifier reads it too): the rows are in :mod:`sourceopt.portfolio.pooling`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sourceopt.portfolio.model import Portfolio
from sourceopt.scenario.model import Scenario


@dataclass(frozen=True)
class PoolGroup:
    """One pool: a supplier id and an item id, its price and tiers, its member offers."""

    supplier: str
    item: str
    price: float
    tiers: tuple[tuple[float, float], ...]  # (from, price), increasing
    members: tuple[tuple[int, int], ...]  # (category index, local offer code)


@dataclass(frozen=True)
class CategoryPools:
    """The pooled offers of one category: (group index, local offer code)."""

    members: tuple[tuple[int, int], ...]
    groups: tuple[PoolGroup, ...]


@dataclass(frozen=True)
class PooledRebate:
    """A firm's rebate counted over its spend in every category that has it (`members`)."""

    supplier: str
    tiers: tuple[tuple[float, float], ...]  # (from_spend, percent), increasing
    members: tuple[int, ...]  # category indices


@dataclass(frozen=True)
class PoolPlan:
    """Every pool of a portfolio (none without ``pool: [tiers]`` or ``pool: [rebates]``)."""

    groups: tuple[PoolGroup, ...] = ()
    rebates: tuple[PooledRebate, ...] = ()

    def prepared(self, k: int, scenario: Scenario) -> Scenario:
        """Category `k` as built in the portfolio: pooled offers untiered, pooled rebates out."""
        scenario = self.untiered(k, scenario)
        mine = [r.supplier for r in self.rebates if k in r.members]
        if not mine:
            return scenario
        ids = scenario.suppliers["id"].astype(str).to_numpy()
        reb = scenario.rebates
        keep = ~np.isin(ids[reb["supplier"].to_numpy()], mine)
        return scenario.with_changes(rebates=reb[keep].reset_index(drop=True))

    def for_category(self, k: int) -> CategoryPools | None:
        """The pooled offers of category `k` (None: it has none)."""
        mine = tuple(
            (g, offer)
            for g, group in enumerate(self.groups)
            for c, offer in group.members
            if c == k
        )
        return CategoryPools(mine, self.groups) if mine else None

    def untiered(self, k: int, scenario: Scenario) -> Scenario:
        """Category `k` with its pooled offers' tiers taken out (the pool prices them)."""
        mine = self.for_category(k)
        if mine is None:
            return scenario
        pooled = np.array([offer for _, offer in mine.members], dtype=np.int64)
        tiers = scenario.tiers
        keep = ~np.isin(tiers["offer"].to_numpy(), pooled)
        return scenario.with_changes(tiers=tiers[keep].reset_index(drop=True))


def plan_pools(portfolio: Portfolio) -> PoolPlan:
    """The pools: tiered offers of one supplier id and item id in two or more categories.

    With ``pool: [rebates]``, also a firm's rebate found in two or more categories.
    """
    rebates = pooled_rebates(portfolio) if "rebates" in portfolio.pool else ()
    if "tiers" not in portfolio.pool:
        return PoolPlan((), rebates)
    found: dict[tuple[str, str], list[tuple[int, int]]] = {}
    terms: dict[tuple[str, str], tuple[float, tuple[tuple[float, float], ...]]] = {}
    for k, cat in enumerate(portfolio.categories):
        sc = cat.scenario
        ti = sc.tiers
        sup_ids = sc.suppliers["id"].astype(str).to_numpy()
        item_ids = sc.items["id"].astype(str).to_numpy()
        o_sup, o_item = sc.offers["supplier"].to_numpy(), sc.offers["item"].to_numpy()
        o_price = sc.offers["price"].to_numpy(float)
        for o in np.unique(ti["offer"].to_numpy()):
            key = (str(sup_ids[o_sup[o]]), str(item_ids[o_item[o]]))
            mine = ti[ti["offer"] == o].sort_values("from")
            steps = tuple(zip(mine["from"].astype(float), mine["price"].astype(float), strict=True))
            found.setdefault(key, []).append((k, int(o)))
            terms[key] = (float(o_price[o]), steps)
    groups = [
        PoolGroup(key[0], key[1], terms[key][0], terms[key][1], tuple(members))
        for key, members in found.items()
        if len({c for c, _ in members}) > 1
    ]
    return PoolPlan(tuple(groups), rebates)


def rebate_terms(sc: Scenario) -> dict[str, tuple[tuple[float, float], ...]]:
    """Per supplier id with a rebate: its tiers (from_spend, percent), in order."""
    reb = sc.rebates
    ids = sc.suppliers["id"].astype(str).to_numpy()
    out: dict[str, tuple[tuple[float, float], ...]] = {}
    for s in np.unique(reb["supplier"].to_numpy()).tolist():
        mine = reb[reb["supplier"].to_numpy() == s].sort_values("from_spend")
        out[str(ids[s])] = tuple(
            zip(mine["from_spend"].astype(float), mine["percent"].astype(float), strict=True)
        )
    return out


def pooled_rebates(portfolio: Portfolio) -> tuple[PooledRebate, ...]:
    """Firms with a rebate in two or more categories (terms as in the first one)."""
    found: dict[str, tuple[tuple[tuple[float, float], ...], list[int]]] = {}
    for k, cat in enumerate(portfolio.categories):
        for firm, tiers in rebate_terms(cat.scenario).items():
            found.setdefault(firm, (tiers, []))[1].append(k)
    return tuple(
        PooledRebate(firm, tiers, tuple(members))
        for firm, (tiers, members) in found.items()
        if len(members) > 1
    )


def pooled_price(group: PoolGroup, units: float, tolerance: float = 1e-6) -> float:
    """The all-units price the pool's `units` reach (its base price below the first tier)."""
    price = group.price
    for start, tier_price in group.tiers:
        if units >= start - tolerance * max(1.0, start):
            price = tier_price
    return price
