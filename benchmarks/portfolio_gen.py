"""Seeded portfolio generator: N categories x M offers with 5 organisation-wide goals.

``write_portfolio(n_categories, offers_per_category, folder, seed)`` writes ``portfolio.yaml``
and one scenario file per category (YAML + Parquet tables) and returns the portfolio's path.
At 200 x 5,000 that is 1,000,000 offers (100 items x 50 suppliers per category, every pair
offered; LP-class: no binaries).

Shape (what makes the decomposition question real):

- The first tenth of the categories are *strategic*: 10 national firms (``N00``..``N09``, one
  ``capacity`` each, the same in every category, so held once over all of them) bid there
  beside 40 local firms, and three goals select only those categories by
  ``items: {category: [...]}``. The other categories have only their own local firms.
- Goals (``rules`` of the portfolio): small-business share of the strategic spend (min), wosb
  share of the strategic spend (min), the national firms' shared capacity (``total``, per: all,
  volume), no national firm over a share of *total* spend (``max_share`` over every category;
  each selected firm's row holds every category's spend: 10 firms, not every local firm, keep
  it at 10 x 1,000,000 nonzeros) and a budget on total cost (every category).
- Feasible by construction (as benchmarks/draft.py): a reference award splits every item's
  demand evenly over its offers; capacities and goal bounds are set around it so that it
  satisfies everything. National firms are priced low (their shared capacity binds), small
  businesses high (the small-business goal binds); the firm cap and the budget never bind
  (the cap: a national firm's capacity at its highest price over the cheapest possible
  total; the budget: the reference cost): they link every category but cost nothing, the
  case of organisation-wide guard rails that a decomposition must still prove.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

NATIONAL_SB = 3  # N00..N02 are small businesses, N03 is a wosb (and small)


def shape(n_offers_total: int) -> tuple[int, int]:
    """(categories, offers per category) of a ``portfolio`` benchmark size (total offers)."""
    per = 5_000 if n_offers_total >= 50_000 else 200
    return max(2, n_offers_total // per), per


def _up(value: float, digits: int = 4) -> float:
    return math.ceil(value * 10**digits) / 10**digits


def _down(value: float, digits: int = 4) -> float:
    return math.floor(value * 10**digits) / 10**digits


class _Category:
    """One generated category: tables and its reference award."""

    def __init__(self, rng: np.random.Generator, index: int, per: int, n_nat: int) -> None:
        n_sup = 50 if per >= 5_000 else 20
        n_items = per // n_sup
        self.n_sup = n_sup
        self.name = f"cat-{index:03d}"
        local = [f"c{index:03d}-s{s:02d}" for s in range(n_sup - n_nat)]
        self.sup_ids = np.array([f"N{k:02d}" for k in range(n_nat)] + local, dtype=object)
        self.national = np.arange(n_sup) < n_nat
        j = np.arange(n_sup) - n_nat
        self.small = np.where(self.national, np.arange(n_sup) < NATIONAL_SB + 1, j % 10 < 3)
        self.wosb = np.where(self.national, np.arange(n_sup) == NATIONAL_SB, j % 10 == 0)
        item, sup = np.repeat(np.arange(n_items), n_sup), np.tile(np.arange(n_sup), n_items)
        self.item, self.sup = item, sup
        self.demand = rng.integers(50, 1001, n_items).astype(float)
        base = np.exp(rng.uniform(np.log(5), np.log(500), n_items))
        factor = np.where(
            self.national,
            rng.uniform(0.85, 0.95, n_sup),
            np.where(self.small, rng.uniform(1.0, 1.15, n_sup), rng.uniform(0.9, 1.1, n_sup)),
        )
        self.price = np.round(base[item] * factor[sup] * rng.uniform(0.95, 1.05, len(item)), 2)
        self.baseline = np.round(base * 1.08, 2)
        self.x = self.demand[item] / n_sup  # the reference award: even split
        self.offer_cap = np.maximum(
            np.ceil(2 * self.x), np.round(self.demand[item] * rng.uniform(0.4, 1.0, len(item)))
        )
        self.load = np.bincount(sup, self.x, minlength=n_sup)
        self.spend = np.bincount(sup, self.x * self.price, minlength=n_sup)

    def tables(self, national_cap: dict[str, float]) -> dict[str, pd.DataFrame]:
        """The items, suppliers and offers tables (national capacities shared)."""
        n_items = len(self.demand)
        caps = np.where(
            self.national,
            [national_cap.get(s, 0.0) for s in self.sup_ids],
            np.ceil(1.3 * self.load) + 1.0,
        )
        tags = np.where(self.small, "small_business", "other").astype(object)
        tags = tags + np.where(self.wosb, ";wosb", "")
        items = pd.DataFrame(
            {
                "id": np.array([f"I{i:03d}" for i in range(n_items)], dtype=object),
                "demand": self.demand,
                "unit": "ea",
                "baseline_price": self.baseline,
            }
        )
        suppliers = pd.DataFrame({"id": self.sup_ids, "tags": tags, "capacity": caps})
        offers = pd.DataFrame(
            {
                "supplier": self.sup_ids[self.sup],
                "item": items["id"].to_numpy()[self.item],
                "price": self.price,
                "capacity": self.offer_cap,
            }
        )
        return {"items": items, "suppliers": suppliers, "offers": offers}


def portfolio_parts(
    n_categories: int, per: int, seed: int = 0
) -> tuple[dict[str, Any], list[tuple[dict[str, Any], dict[str, pd.DataFrame]]]]:
    """The portfolio document and each category's (header, tables)."""
    rng = np.random.default_rng(seed)
    n_strategic = max(2, n_categories // 10)
    n_nat = 10 if per >= 5_000 else 4
    cats = [_Category(rng, c, per, n_nat if c < n_strategic else 0) for c in range(n_categories)]
    strategic = cats[:n_strategic]
    nat_load: dict[str, float] = {}
    for cat in strategic:
        for s in np.flatnonzero(cat.national):
            nat_load[cat.sup_ids[s]] = nat_load.get(cat.sup_ids[s], 0.0) + cat.load[s]
    national_cap = {s: math.ceil(1.3 * v) + 1.0 for s, v in nat_load.items()}
    parts = []
    for cat in cats:
        header = {
            "sourceopt": 1,
            "name": cat.name,
            "category": "benchmark portfolio category",
            "rules": [{"type": "max_share", "name": "max-60pct-per-item", "limit": 0.6}],
        }
        parts.append((header, cat.tables(national_cap)))
    doc = {
        "sourceopt_portfolio": 1,
        "name": f"portfolio-{n_categories}x{per}-s{seed}",
        "currency": "USD",
        "categories": [f"{c.name}.yaml" for c in cats],
        "rules": _goals(cats, strategic, nat_load),
    }
    return doc, parts


def _goals(
    cats: list[_Category], strategic: list[_Category], nat_load: dict[str, float]
) -> list[dict[str, Any]]:
    """The 5 organisation-wide goals, each met by the reference award."""
    spend_strat = sum(float(c.spend.sum()) for c in strategic)
    sb = sum(float(c.spend[c.small].sum()) for c in strategic) / spend_strat
    wosb = sum(float(c.spend[c.wosb].sum()) for c in strategic) / spend_strat
    total_spend = sum(float(c.spend.sum()) for c in cats)
    # the most a national firm can be paid: its capacity at its highest price; the least the
    # portfolio can cost: every item at its lowest price. Their ratio bounds any national
    # firm's share of total spend, so the cap below holds at every award (never binds)
    top: dict[str, float] = {}
    for c in strategic:
        for k in np.flatnonzero(c.national):
            top[c.sup_ids[k]] = max(top.get(c.sup_ids[k], 0.0), float(c.price[c.sup == k].max()))
    cheapest = sum(
        float((c.demand * np.minimum.reduceat(c.price, np.arange(0, len(c.item), c.n_sup))).sum())
        for c in cats
    )
    max_firm = max(1.3 * nat_load[s] * top[s] for s in top) / cheapest
    shared = sorted(nat_load)[: max(1, len(nat_load) // 2)]
    names = {"category": [c.name for c in strategic]}
    return [
        {
            "type": "group_share",
            "name": "small-business-share",
            "min": _down(sb),
            "suppliers": {"tags": ["small_business"]},
            "items": {"category": list(names["category"])},
            "measure": "spend",
        },
        {
            "type": "group_share",
            "name": "wosb-share",
            "min": _down(wosb),
            "suppliers": {"tags": ["wosb"]},
            "items": {"category": list(names["category"])},
            "measure": "spend",
        },
        {
            "type": "total",
            "name": "national-shared-capacity",
            "max": float(math.ceil(1.02 * sum(nat_load[s] for s in shared))),
            "suppliers": shared,
            "measure": "volume",
            "per": "all",
        },
        {
            "type": "max_share",
            "name": "no-national-firm-over-cap",
            "limit": min(1.0, _up(max_firm, 6)),
            "suppliers": sorted(top),
            "measure": "spend",
        },
        {"type": "budget", "name": "budget", "max": float(math.ceil(total_spend))},
    ]


def write_portfolio(n_categories: int, per: int, folder: Path, seed: int = 0) -> Path:
    """Write ``portfolio.yaml`` and the category files into `folder`; return its path."""
    import yaml

    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    doc, parts = portfolio_parts(n_categories, per, seed)
    for header, frames in parts:
        name = header["name"]
        body = dict(header)
        for key, frame in frames.items():
            frame.to_parquet(folder / f"{name}.{key}.parquet", index=False)
            body[key] = {"file": f"{name}.{key}.parquet"}
        (folder / f"{name}.yaml").write_text(yaml.safe_dump(body, sort_keys=False))
    path = folder / "portfolio.yaml"
    path.write_text(yaml.safe_dump(doc, sort_keys=False))
    return path
