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
class PoolPlan:
    """Every pool of a portfolio (none without ``pool: [tiers]``)."""

    groups: tuple[PoolGroup, ...] = ()

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
    """The pools: tiered offers of one supplier id and item id in two or more categories."""
    if "tiers" not in portfolio.pool:
        return PoolPlan()
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
    return PoolPlan(tuple(groups))


def pooled_price(group: PoolGroup, units: float, tolerance: float = 1e-6) -> float:
    """The all-units price the pool's `units` reach (its base price below the first tier)."""
    price = group.price
    for start, tier_price in group.tiers:
        if units >= start - tolerance * max(1.0, start):
            price = tier_price
    return price
