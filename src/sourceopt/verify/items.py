"""Per-item figures of an award and today's award kept (format 1.1), recomputed from the scenario.

- an item's ``cost``: its offer units at landed unit cost (the effective unit price plus the
  offer's adders), offer and supplier fixed costs excluded; bundle units are not in it;
- ``baseline_cost``: baseline_price x the units bought through offers (NaN without a price);
- ``savings`` = baseline_cost - cost; ``savings_pct`` = 100 x savings / baseline_cost (NaN
  when that is 0 or unknown);
- ``current_units``: the units of the item suppliers supply today (its ``current``);
- ``retained_units``: sum over suppliers of min(today's units, units awarded, bundles included);
- ``retained_pct`` = 100 x sum of retained / sum of today's units (None when no item has a
  ``current`` or it sums to 0).

Each accepted bundle is an entry of its own, its cost its price.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from sourceopt.verify.checks import Finding, fmt
from sourceopt.verify.view import AwardView


@dataclass(frozen=True)
class ItemFigures:
    """Per-item arrays (aligned with ``scenario.items``), accepted bundles and retention.

    ``current`` is the (item, supplier) matrix of today's units; ``awarded`` the units awarded
    per (item, supplier), offers and bundles together; ``suppliers`` the ids awarded more than
    the tolerance of each item (in supplier file order); ``bundles`` the (bundle id, supplier
    id, price) of each accepted bundle, in file order.
    """

    demand: np.ndarray
    baseline_cost: np.ndarray
    cost: np.ndarray
    savings: np.ndarray
    savings_pct: np.ndarray
    current: np.ndarray
    awarded: np.ndarray
    suppliers: tuple[tuple[str, ...], ...]
    current_units: np.ndarray
    retained_units: np.ndarray
    bundles: tuple[tuple[str, str, float], ...]
    retained_pct: float | None


def item_figures(view: AwardView) -> ItemFigures:
    """The per-item cost, savings and retained units of the award in `view`."""
    sc = view.scenario
    n_i, n_s, n_off = sc.n_items, sc.n_suppliers, view.n_offer_lines
    item = view.item[:n_off]
    units = np.bincount(item, weights=view.units[:n_off], minlength=n_i)
    landed = view.spend[:n_off] + view.units[:n_off] * sc.offer_adders()
    cost = np.bincount(item, weights=landed, minlength=n_i)
    base = sc.items["baseline_price"].to_numpy(float) * units
    savings = base - cost
    with np.errstate(divide="ignore", invalid="ignore"):
        pct = np.where(base != 0, 100.0 * savings / np.where(base != 0, base, 1.0), np.nan)
    awarded = np.zeros((n_i, n_s))  # a pair's units are its lines' added in line order
    awarded[view.pair_item, view.pair_supplier] = view.pair_units
    current = sc.current_units()
    retained = np.minimum(current, awarded).sum(axis=1)
    ids = sc.suppliers["id"].astype(str).to_numpy()
    suppliers = _winners(view, ids)
    accepted = np.flatnonzero(view.bundles_accepted)
    b_ids = sc.bundles["id"].astype(str).to_numpy()
    b_sup = sc.bundles["supplier"].to_numpy(np.int64)
    b_price = sc.bundles["price"].to_numpy(float)
    bundles = tuple((str(b_ids[k]), str(ids[b_sup[k]]), float(b_price[k])) for k in accepted)
    total_now = float(current.sum())
    share = 100.0 * float(retained.sum()) / total_now if sc.has_current() and total_now else None
    return ItemFigures(
        demand=sc.items["demand"].to_numpy(float),
        baseline_cost=base,
        cost=cost,
        savings=savings,
        savings_pct=pct,
        current=current,
        awarded=awarded,
        suppliers=suppliers,
        current_units=current.sum(axis=1),
        retained_units=retained,
        bundles=bundles,
        retained_pct=share,
    )


def _winners(view: AwardView, ids: np.ndarray) -> tuple[tuple[str, ...], ...]:
    """Per item: the ids of the suppliers awarded more than the tolerance, in file order."""
    won = np.flatnonzero(view.pair_units > view.tolerance)
    order = won[np.lexsort((view.pair_supplier[won], view.pair_item[won]))]
    counts = np.bincount(view.pair_item[order], minlength=view.scenario.n_items)
    names = ids[view.pair_supplier[order]]
    return tuple(tuple(part) for part in np.split(names, np.cumsum(counts)[:-1]))


_CHECKED = ("baseline_cost", "cost", "savings", "savings_pct", "current_units", "retained_units")


def check_reported_items(
    figures: ItemFigures, item_ids: Sequence[str], reported: Sequence[Mapping[str, Any]], tol: float
) -> Finding:
    """Compare a result's ``items`` entries with the recomputed figures (``items`` check)."""
    index = {str(k): i for i, k in enumerate(item_ids)}
    problems: list[str] = []
    for entry in reported:
        i = index.get(str(entry.get("item")))
        if i is None:
            continue  # bundle entries: their cost is the bundle price, checked with the cost
        for key in _CHECKED:
            want = float(getattr(figures, key)[i])
            got = entry.get(key)
            if np.isnan(want) and got is None:
                continue
            ok = got is not None and abs(float(got) - want) <= tol * max(1.0, abs(want))
            if not ok:
                shown = "null" if np.isnan(want) else fmt(want)
                problems.append(f"item {item_ids[i]}: {key} reported {got}, recomputed {shown}")
    return Finding("items", tuple(problems))
