"""Whole units and alternates (format 1.1), re-checked on the award from the scenario alone.

- ``whole_units``: units through an offer with a ``pack_size`` (else its item's ``lot_size``)
  are a whole multiple of it, within the tolerance (relative to the multiple);
- ``alternates``: of the offers one supplier makes for one item, at most one has units.
"""

from __future__ import annotations

import numpy as np

from sourceopt.award import Award
from sourceopt.verify.checks import Finding, finding, fmt
from sourceopt.verify.view import AwardView


def check_whole_units(view: AwardView, award: Award) -> Finding:
    """Every offer's units are a whole multiple of its pack or lot size."""
    sc = view.scenario
    pack = sc.offers["pack_size"].to_numpy(float) if "pack_size" in sc.offers else None
    lot = (
        sc.items["lot_size"].to_numpy(float)[sc.offers["item"].to_numpy(np.int64)]
        if "lot_size" in sc.items
        else np.full(sc.n_offers, np.nan)
    )
    size = lot if pack is None else np.where(np.isnan(pack), lot, pack)
    x = np.where(np.isfinite(award.offer_units), award.offer_units, 0.0)
    on = np.flatnonzero(x)  # 0 units are a whole multiple of anything (0/0 fails no test)
    with np.errstate(invalid="ignore"):
        lots = x[on] / size[on]
        near = np.abs(lots - np.round(lots)) * size[on]  # units away from the nearest multiple
    sized = ~np.isnan(size[on])
    near = np.where(sized, near, 0.0)
    off, failed = np.zeros(len(x)), np.zeros(len(x), dtype=bool)
    off[on] = near
    failed[on] = sized & (near > view.tolerance * np.maximum(1.0, size[on]))

    def message(k: int) -> str:
        what = "pack_size" if pack is not None and not np.isnan(pack[k]) else "lot_size"
        return (
            f"{view.pair_label(int(view.pair[k]))}: {fmt(x[k])} units through the offer, not a "
            f"whole multiple of its {what} {fmt(size[k])}"
        )

    return finding("whole_units", failed, off, message)


def check_alternates(view: AwardView, award: Award) -> Finding:
    """At most one of a supplier's alternate offers for an item receives units."""
    sc = view.scenario
    x = np.where(np.isfinite(award.offer_units), award.offer_units, 0.0)
    used = x > view.tolerance
    pair = view.pair[: view.n_offer_lines]
    on = np.flatnonzero(used)  # the offers with units: all that can count
    count = np.bincount(pair[on], minlength=len(view.pair_supplier))
    rows = on[count[pair[on]] > 1]
    _, pos = np.unique(pair[rows], return_index=True)
    first = np.zeros(len(pair), dtype=bool)
    first[rows[pos]] = True
    ids = sc.offer_ids()

    def message(k: int) -> str:
        mine = np.flatnonzero((pair == pair[k]) & used)
        names = ", ".join(f"{ids[m]!s} ({fmt(x[m])} units)" for m in mine)
        return (
            f"{view.pair_label(int(pair[k]))}: {len(mine)} alternate offers receive units "
            f"({names}); at most one may"
        )

    amount = np.zeros(len(pair))
    amount[rows[pos]] = count[pair[rows[pos]]] - 1.0
    return finding("alternates", first, amount, message)
