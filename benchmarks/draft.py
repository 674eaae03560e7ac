"""The scenario being generated: shapes, offered pairs, the reference award, the tables.

The reference award splits each item's demand evenly over allowed offers; capacities and rule
bounds are set with slack around it, so every generated scenario is feasible.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd

FAMILIES = ("split-lp", "award-mip", "coupa-scale", "freight-loads")
COUNTRIES = ["US"] * 7 + ["DE"] * 3 + ["CN"] * 3 + ["MX"] * 2 + ["IN"] * 2 + ["PL", "VN", "BR"]
REGION = {"US": "NA", "MX": "NA", "BR": "SA", "DE": "EU", "PL": "EU", "CN": "AP", "IN": "AP"}
REGION["VN"] = "AP"
ITEMS_PER_GROUP = 100


class Draft:
    """A scenario being generated: frames, the reference award and the rules."""

    def __init__(self, family: str, n_offers: int, seed: int) -> None:
        if family not in FAMILIES:
            raise ValueError(f"unknown family {family!r}; families are: {', '.join(FAMILIES)}")
        self.family, self.rng = family, np.random.default_rng(seed)
        n_items, n_sup, density = _shape(family, n_offers)
        self.n_items, self.n_sup = n_items, n_sup
        self.item, self.sup = _pairs(self.rng, n_items, n_sup, n_offers, density)
        self.item_ids = np.array([f"I{i:05d}" for i in range(n_items)], dtype=object)
        self.sup_ids = np.array([f"S{s:04d}" for s in range(n_sup)], dtype=object)
        self.groups = np.arange(n_items) // ITEMS_PER_GROUP
        self.n_groups = int(self.groups.max()) + 1
        self.demand = self.rng.integers(50, 1001, n_items).astype(float)
        base = np.round(np.exp(self.rng.uniform(np.log(5), np.log(500), n_items)), 2)
        factor = self.rng.uniform(0.85, 1.15, n_sup)
        noise = self.rng.uniform(0.93, 1.07, len(self.item))
        self.price = np.round(base[self.item] * factor[self.sup] * noise, 2)
        self.baseline = np.round(base * 1.08, 2)
        self.allowed = np.ones(len(self.item), dtype=bool)
        self.rules: list[dict[str, Any]] = []
        j = np.arange(n_sup)
        self.country = np.array(COUNTRIES, dtype=object)[j % len(COUNTRIES)]
        self.small = np.isin(j % 10, (0, 3, 6))
        self.iso = np.isin(j % 5, (0, 1, 2))
        self.risk = 0.05 + 0.4 * self.rng.permutation(n_sup) / max(1, n_sup - 1)
        self.quality = 0.9 + 0.1 * self.rng.permutation(n_sup) / max(1, n_sup - 1)
        self.x = np.zeros(len(self.item))

    def reference(self, per_item: int | None = None) -> None:
        """The reference award: each item split evenly over (up to `per_item`) allowed offers."""
        key = self.rng.random(len(self.item)) + (~self.allowed) * 2.0
        order = np.lexsort((key, self.item))
        rank = np.empty(len(order), dtype=np.int64)
        start = np.searchsorted(self.item[order], np.arange(self.n_items))
        rank[order] = np.arange(len(order)) - start[self.item[order]]
        use = self.allowed & (rank < (per_item or self.n_sup))
        count = np.bincount(self.item[use], minlength=self.n_items)
        if (count == 0).any():
            raise ValueError("generator bug: an item has no allowed offer")
        self.x = np.where(use, self.demand[self.item] / np.maximum(count, 1)[self.item], 0.0)

    def load(self, measure: str = "volume", mask: np.ndarray | None = None) -> np.ndarray:
        """Reference units (or spend) per supplier over the offers in `mask`."""
        w = self.x * (self.price if measure == "spend" else 1.0)
        w = w if mask is None else np.where(mask, w, 0.0)
        return np.bincount(self.sup, w, minlength=self.n_sup)

    def share(self, sup_mask: np.ndarray, measure: str, items: np.ndarray | None = None) -> float:
        """The reference share of the selected suppliers over the selected items."""
        on = np.ones(len(self.item), dtype=bool) if items is None else items[self.item]
        w = self.x * (self.price if measure == "spend" else 1.0)
        return float(w[on & sup_mask[self.sup]].sum() / w[on].sum())

    def average(self, attr: np.ndarray, items: np.ndarray | None = None) -> float:
        """The reference volume-weighted average of a supplier attribute."""
        on = np.ones(len(self.item), dtype=bool) if items is None else items[self.item]
        return float((self.x * attr[self.sup])[on].sum() / self.x[on].sum())

    def cost(self) -> float:
        """The reference purchase cost (list prices, no tiers)."""
        return float((self.x * self.price).sum())

    def group_sel(self, g: int) -> dict[str, Any]:
        """A selector of item group `g`."""
        return {"group": [f"G{g:02d}"]}

    def frames(self, sup_cap: np.ndarray, offer_cap: np.ndarray) -> dict[str, pd.DataFrame]:
        """The items, suppliers and offers tables."""
        items = pd.DataFrame(
            {
                "id": self.item_ids,
                "demand": self.demand,
                "unit": "ea",
                "baseline_price": self.baseline,
                "group": np.array([f"G{g:02d}" for g in self.groups], dtype=object),
            }
        )
        tags = np.where(self.small, "small_business", "supplier").astype(object)
        tags = tags + np.where(self.iso, ";iso9001", "")
        suppliers = pd.DataFrame(
            {
                "id": self.sup_ids,
                "name": np.array([f"Supplier {s}" for s in range(self.n_sup)], dtype=object),
                "country": self.country,
                "region": np.array([REGION[c] for c in self.country], dtype=object),
                "tags": tags,
                "capacity": sup_cap,
                "attr.risk": np.round(self.risk, 4),
                "attr.quality": np.round(self.quality, 4),
            }
        )
        offers = pd.DataFrame(
            {
                "supplier": self.sup_ids[self.sup],
                "item": self.item_ids[self.item],
                "price": self.price,
                "capacity": offer_cap,
            }
        )
        return {"items": items, "suppliers": suppliers, "offers": offers}


def _shape(family: str, n: int) -> tuple[int, int, float]:
    """(items, suppliers, density) for a family at `n` offers."""
    if family == "split-lp":
        n_sup = max(4, round(math.sqrt(n / 25)))
        return math.ceil(n / n_sup), n_sup, 1.0
    if family == "award-mip":
        n_sup = max(5, min(100, round(math.sqrt(n) / 2)))
        return math.ceil(n / n_sup), n_sup, 1.0
    if family == "freight-loads":  # lanes x carriers, a third of the carriers bid a lane
        n_sup = max(6, min(60, round(math.sqrt(n / 3))))
        return math.ceil(n / (n_sup / 3)), n_sup, 1 / 3
    n_sup = max(10, round(300 * math.sqrt(n / 1_080_000)))
    return math.ceil(n / (0.6 * n_sup)), n_sup, 0.6


def _pairs(
    rng: np.random.Generator, n_items: int, n_sup: int, n: int, density: float
) -> tuple[np.ndarray, np.ndarray]:
    """Exactly `n` offered (item, supplier) pairs, every item offered by >= 2 suppliers."""
    k = np.full(n_items, n // n_items)
    k[: n % n_items] += 1
    if k.min() < 2 or k.max() > n_sup:
        raise ValueError(f"cannot place {n} offers on {n_items} items x {n_sup} suppliers")
    if density >= 1.0 and k.min() == n_sup:
        return np.repeat(np.arange(n_items), n_sup), np.tile(np.arange(n_sup), n_items)
    order = np.argsort(rng.random((n_items, n_sup)), axis=1)
    pos = np.empty_like(order)
    np.put_along_axis(pos, order, np.broadcast_to(np.arange(n_sup), order.shape), axis=1)
    item, sup = np.nonzero(pos < k[:, None])
    return item.astype(np.int64), sup.astype(np.int64)
