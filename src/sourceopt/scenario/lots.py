"""Whole units (format 1.1): demands and bundle units that must be whole multiples of lots.

An item's ``lot_size`` makes every offer allocation of it a whole multiple of the lot, so its
demand, and every bundle's units of it, must be multiples too; otherwise no award can meet
the demand exactly. Checked on the loaded scenario and on every variant as applied, so that
any demand edit a variant makes is covered.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from sourceopt.errors import Problem
from sourceopt.scenario.model import Scenario

MULTIPLE_TOLERANCE = 1e-9  # relative: 0.30000000000000004 / 0.1 is a multiple


def is_multiple(units: np.ndarray, size: np.ndarray) -> np.ndarray:
    """Whether each amount is a whole multiple of its size (True where size is NaN)."""
    with np.errstate(invalid="ignore", divide="ignore"):
        ratio = units / size
        off = np.abs(ratio - np.round(ratio))
        ok = off <= MULTIPLE_TOLERANCE * np.maximum(1.0, np.abs(ratio))
    return np.asarray(np.isnan(size) | ok, dtype=bool)


def _lots(scenario: Scenario) -> np.ndarray:
    if "lot_size" not in scenario.items:
        return np.full(scenario.n_items, np.nan)
    return np.asarray(scenario.items["lot_size"].to_numpy(float))


def lot_problems(
    scenario: Scenario,
    file: str,
    demand_place: Callable[[int], str],
    bundle_place: Callable[[int, str], str],
    context: str = "",
) -> list[Problem]:
    """Demands and bundle units that are not whole multiples of their item's ``lot_size``.

    `demand_place(item_row)` and `bundle_place(bundle_row, item_id)` name the places;
    `context` is appended to each message (e.g. which variant made the demand).
    """
    lot = _lots(scenario)
    ids = scenario.items["id"].astype(str).to_numpy()
    demand = scenario.items["demand"].to_numpy(float)
    problems = [
        Problem(
            file,
            demand_place(int(i)),
            f"demand {demand[i]:g} of item {ids[i]!r} is not a whole multiple of its lot_size "
            f"{lot[i]:g}{context} (give a demand of whole lots, e.g. "
            f"{max(1.0, np.round(demand[i] / lot[i])) * lot[i]:g})",
        )
        for i in np.flatnonzero(~is_multiple(demand, lot))[:10]
    ]
    bu = scenario.bundle_units
    if len(bu):
        item = bu["item"].to_numpy(np.int64)
        units = bu["units"].to_numpy(float)
        bad = np.flatnonzero(~is_multiple(units, lot[item]))
        bundle_ids = scenario.bundles["id"].astype(str).to_numpy()
        for r in bad[:10]:
            b, i = int(bu["bundle"].to_numpy(np.int64)[r]), int(item[r])
            problems.append(
                Problem(
                    file,
                    bundle_place(b, str(ids[i])),
                    f"bundle {bundle_ids[b]!r} has {units[r]:g} units of item {ids[i]!r}, not a "
                    f"whole multiple of its lot_size {lot[i]:g}{context} (give whole lots)",
                )
            )
    return problems


def applied_variant_problems(scenario: Scenario, name: str, file: str, place: str) -> list[Problem]:
    """Problems of a variant as applied: demands that break a lot, alternates without ids."""
    from sourceopt.scenario.variants import apply_variant  # variants import this module's peers

    variant = next(v for v in scenario.variants if v.name == name)
    if np.isnan(_lots(scenario)).all() and not (variant.add_offers or variant.exclude_offers):
        return []  # nothing a variant can break: no copy of the tables at load time
    applied = apply_variant(scenario, name)
    context = f" in variant {name!r}"
    problems = lot_problems(
        applied,
        file,
        lambda i: place,
        lambda b, item: place,
        context,
    )
    groups = applied.alternate_groups()
    ids = applied.offer_ids()
    lacking = np.flatnonzero((groups >= 0) & np.array([i is None for i in ids], dtype=bool))
    o_sup = applied.offers["supplier"].to_numpy(np.int64)
    o_item = applied.offers["item"].to_numpy(np.int64)
    for k in lacking[:10]:
        sup = applied.suppliers["id"].iat[int(o_sup[k])]
        item = applied.items["id"].iat[int(o_item[k])]
        problems.append(
            Problem(
                file,
                f"{place}.add_offers",
                f"variant {name!r} leaves supplier {sup!r} with several offers for item "
                f"{item!r}, not all with an id (alternates each need a distinct id; an added "
                "offer without id replaces every offer of its pair)",
            )
        )
    return problems
