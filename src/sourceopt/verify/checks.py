"""The award's own feasibility: demand, offer and supplier capacities, minimum quantities.

Each check returns a :class:`Finding`: the messages of every failed row, in business words,
and the largest amount past a bound. Tolerances are relative: a row fails when it is past its
bound by more than ``tolerance * max(1, |bound|)``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from sourceopt.award import Award
from sourceopt.verify.view import AwardView

MAX_MESSAGES = 20  # per check; the rest are counted


@dataclass(frozen=True)
class Finding:
    """The outcome of one check: its name, what failed, and the worst amount past a bound."""

    name: str
    problems: tuple[str, ...] = ()
    worst: float = 0.0


def fmt(value: float) -> str:
    """A number for a message: integers without decimals, others with up to 10 digits."""
    if np.isfinite(value) and abs(value - round(value)) <= 1e-9 * max(1.0, abs(value)):
        return f"{round(value):d}"
    return f"{value:.10g}"


def pct(value: float) -> str:
    """A share as a percentage."""
    return f"{value * 100:.6g}%"


def finding(
    name: str, failed: np.ndarray, amount: np.ndarray, message: Callable[[int], str]
) -> Finding:
    """A finding from a boolean mask of failed rows, their amounts past bound, and a message."""
    rows = np.flatnonzero(failed)
    if len(rows) == 0:
        return Finding(name)
    texts = [message(int(k)) for k in rows[:MAX_MESSAGES]]
    if len(rows) > MAX_MESSAGES:
        texts.append(f"{name}: ... and {len(rows) - MAX_MESSAGES} more")
    return Finding(name, tuple(texts), float(np.max(amount[rows])))


def _past(amount: np.ndarray, scale: np.ndarray, tolerance: float) -> np.ndarray:
    with np.errstate(invalid="ignore"):
        return np.asarray(amount > tolerance * np.maximum(1.0, np.abs(scale)), dtype=bool)


def check_demand(view: AwardView) -> Finding:
    """Every item's demand is met exactly by offer units plus accepted bundle units."""
    demand = view.scenario.items["demand"].to_numpy(float)
    diff = view.item_units - demand
    got = view.item_units

    def message(i: int) -> str:
        return f"{view.item_label(i)}: awarded {fmt(got[i])} units, demand {fmt(demand[i])}"

    return finding("demand", _past(np.abs(diff), demand, view.tolerance), np.abs(diff), message)


def check_offer_capacity(view: AwardView, award: Award) -> Finding:
    """Units through every offer are finite, non-negative and within the offer's capacity."""
    x = award.offer_units
    cap = view.scenario.offers["capacity"].to_numpy(float)
    finite = np.isfinite(x)
    over = np.where(finite, np.maximum(-x, x - cap), np.inf)
    failed = ~finite | _past(over, np.where(x < 0, 0.0, cap), view.tolerance)

    def message(k: int) -> str:
        where = view.pair_label(int(view.pair[k]))
        if not finite[k]:
            return f"{where}: units through the offer are {x[k]}, not a number of units"
        if x[k] < 0:
            return f"{where}: {fmt(x[k])} units through the offer (negative)"
        return f"{where}: {fmt(x[k])} units through the offer, capacity {fmt(cap[k])}"

    return finding("offer_capacity", failed, over, message)


def check_min_units(view: AwardView) -> Finding:
    """Offers are used not at all or from their minimum; awarded suppliers reach theirs."""
    tol = view.tolerance
    x = view.units[: view.n_offer_lines]
    o_min = view.scenario.offers["min_units"].to_numpy(float)
    o_short = np.where(x > tol, np.minimum(x, o_min - x), 0.0)
    s_min = view.scenario.suppliers["min_units"].to_numpy(float)
    total = view.supplier_units
    s_short = np.where(view.awarded, np.minimum(total, s_min - total), 0.0)
    n_o = len(x)
    failed = np.concatenate([_past(o_short, o_min, tol), _past(s_short, s_min, tol)])

    def message(k: int) -> str:
        if k < n_o:
            return (
                f"{view.pair_label(int(view.pair[k]))}: {fmt(x[k])} units through the offer, "
                f"below its minimum {fmt(o_min[k])} (give 0 or at least the minimum)"
            )
        s = k - n_o
        return (
            f"{view.supplier_label(s)}: awarded {fmt(total[s])} units in total, "
            f"below its minimum {fmt(s_min[s])} for an awarded supplier"
        )

    return finding("min_units", failed, np.concatenate([o_short, s_short]), message)


def check_supplier_capacity(view: AwardView) -> Finding:
    """No supplier receives more units in total (offers and bundles) than its capacity."""
    cap = view.scenario.suppliers["capacity"].to_numpy(float)
    total = view.supplier_units
    over = total - cap

    def message(s: int) -> str:
        return (
            f"{view.supplier_label(s)}: awarded {fmt(total[s])} units in total, "
            f"capacity {fmt(cap[s])}"
        )

    return finding("supplier_capacity", _past(over, cap, view.tolerance), over, message)
