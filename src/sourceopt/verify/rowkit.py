"""What every rule check builds on: rows compared with a bound, labels, selections.

A rule is turned into *rows*: one per item, per supplier, per (supplier, item) pair or one
for the selected items together. A row compares ``lhs`` with ``bound x base`` (its linear
form: ``lhs - max x base <= 0`` or ``min x base - lhs <= 0``), and reports the business value
``lhs / base`` (a share, an average, a count, units, money). The amount past the bound in
linear-form units is the row's violation; a soft rule's total violation is priced.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from sourceopt.verify.checks import fmt
from sourceopt.verify.view import AwardView

TOGETHER = "the selected items together"


@dataclass(frozen=True)
class Rows:
    """The rows of a rule, each side of a two-sided bound being a row of its own."""

    value: np.ndarray
    bound: np.ndarray
    sense: np.ndarray  # +1: value <= bound, -1: value >= bound
    excess: np.ndarray  # amount past the bound in linear-form units (> 0: violated)
    scale: np.ndarray  # magnitude of the linear form, for relative tolerances
    row: np.ndarray  # the row (item, supplier, pair...) each entry belongs to
    label: Callable[[int], str]
    what: str
    show: Callable[[float], str]
    group: Callable[[int], str] | None = None  # the group of a row (rules with `each`)


def bounded(
    lhs: np.ndarray,
    base: np.ndarray,
    lo: float | None,
    hi: float | None,
    *,
    label: Callable[[int], str],
    what: str,
    show: Callable[[float], str] = fmt,
    group: Callable[[int], str] | None = None,
) -> Rows:
    """Rows ``lo x base <= lhs <= hi x base`` whose business value is ``lhs / base``."""
    lhs, base = np.asarray(lhs, dtype=float), np.asarray(base, dtype=float)
    safe = np.where(base > 0, base, 1.0)
    value = np.where(base > 0, lhs / safe, 0.0)
    sides = [(1.0, hi), (-1.0, lo)]
    parts = [(s, b, s * (lhs - b * base)) for s, b in sides if b is not None]
    n = len(lhs)
    return Rows(
        value=np.concatenate([value for _ in parts]),
        bound=np.concatenate([np.full(n, b) for _, b, _ in parts]),
        sense=np.concatenate([np.full(n, s) for s, _, _ in parts]),
        excess=np.concatenate([e for _, _, e in parts]),
        scale=np.concatenate([max(1.0, abs(b)) * np.abs(base) for _, b, _ in parts]),
        row=np.concatenate([np.arange(n) for _ in parts]),
        label=label,
        what=what,
        show=show,
        group=group,
    )


def at(name: Callable[[int], str], codes: np.ndarray) -> Callable[[int], str]:
    """Labels of rows that stand for ``codes`` (suppliers, items or pairs)."""
    return lambda k: name(int(codes[k]))


def always(text: str) -> Callable[[int], str]:
    """The same label for every row."""
    return lambda _: text


def masks(view: AwardView, rule: Any) -> tuple[np.ndarray, np.ndarray]:
    """The suppliers and items a rule selects (read-only masks, computed once per view)."""
    return view.scope.masks(rule)


def lines(view: AwardView, s_sel: np.ndarray, i_sel: np.ndarray) -> np.ndarray:
    """Ascending positions of the lines of a selected supplier on a selected item."""
    return view.scope.lines(s_sel, i_sel)


def pairs(view: AwardView, s_sel: np.ndarray, i_sel: np.ndarray) -> np.ndarray:
    """Ascending positions of the pairs of a selected supplier and a selected item."""
    return view.scope.pairs(s_sel, i_sel)


def by(codes: np.ndarray, weights: np.ndarray, at: np.ndarray, n: int) -> np.ndarray:
    """Sum of ``weights`` per code over the positions `at` (ascending, or a mask)."""
    return np.bincount(codes[at], weights=weights[at], minlength=n)


def wins(view: AwardView, s_sel: np.ndarray, i_sel: np.ndarray) -> np.ndarray:
    """Ascending positions of the pairs of a selected supplier and item it wins."""
    return view.scope.wins(s_sel, i_sel)


def min_or_max(rule: Any) -> float | None:
    """A rule's bound when it selects nothing: its maximum if it has one, else its minimum."""
    high, low = rule.max, rule.min
    return float(high) if high is not None else None if low is None else float(low)


@dataclass(frozen=True)
class RuleChecker:
    """How the verifier measures one rule type (its own module, its own registry).

    ``rows(rule, view, total_cost)``: the rule's rows on the award (``None`` when it selects
    nothing); ``nominal(rule)``: its bound when it selects nothing.
    """

    type: str
    rows: Callable[[Any, AwardView, float], Rows | None]
    nominal: Callable[[Any], float | None]
