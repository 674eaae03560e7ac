"""Where a rule's work lies: the lines and pairs of its selected suppliers and items.

A rule over one item group of sixty touches a sixtieth of the award's lines; finding them
with a mask over every line costs as much as the rule itself. A :class:`Scope` is built
once per award view and answers, for a rule's supplier and item masks, the positions of the
lines (or pairs) it selects, in ascending order, through indexes of the lines by item and by
supplier (built on first use). It also keeps what several rules share: the masks of their
selectors (ids and field values from each column factorized once) and a zero buffer for sums
that must be taken as over every line (:meth:`Scope.spread_sum`). A scope belongs to one
view and one thread.

Every answer is the same array a mask over every line would give (same positions, same
order), so sums and counts over it are the same to the last bit as before.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from sourceopt.scenario.model import ATTR_PREFIX, Scenario
from sourceopt.scenario.schema import SelectorFilter
from sourceopt.scenario.selectors import item_mask, supplier_mask

if TYPE_CHECKING:
    from sourceopt.verify.view import AwardView


class _Index:
    """Positions of an array of codes grouped by code (each group in ascending position)."""

    def __init__(self, codes: np.ndarray, n: int) -> None:
        self.codes = codes
        self.sizes = np.bincount(codes, minlength=n)
        self.starts = np.concatenate([[0], np.cumsum(self.sizes)])

    @cached_property
    def in_order(self) -> bool:
        """Whether the codes are sorted already (positions are then their own order)."""
        codes = self.codes
        return len(codes) < 2 or bool(np.all(codes[1:] >= codes[:-1]))

    @cached_property
    def order(self) -> np.ndarray:
        """Positions sorted by code (stable: ascending within a code)."""
        codes = self.codes
        if self.in_order:
            return np.arange(len(codes))
        if len(self.sizes) <= 1 << 16:  # a stable sort of 16-bit codes is a radix sort
            codes = codes.astype(np.uint16)
        return np.argsort(codes, kind="stable")

    def count(self, selected: np.ndarray) -> int:
        """Number of positions whose code is selected (a mask over codes)."""
        return int(np.sum(self.sizes[selected]))

    def members(self, selected: np.ndarray) -> np.ndarray:
        """Ascending positions whose code is selected."""
        chosen = np.flatnonzero(selected)
        lo, size = self.starts[chosen], self.sizes[chosen]
        total = int(np.sum(size))
        if total == 0:
            return np.zeros(0, dtype=np.int64)
        first = np.cumsum(size) - size  # where each chosen code's run starts in the output
        at = np.repeat(lo - first, size) + np.arange(total)
        if self.in_order:  # runs of ascending codes: ascending already
            return np.asarray(at, dtype=np.int64)
        out = np.asarray(self.order[at], dtype=np.int64)
        if len(out) > 1 and bool(np.any(out[1:] < out[:-1])):
            out.sort()
        return out


def _within(
    first: _Index, first_sel: np.ndarray, second: _Index, second_sel: np.ndarray, n: int
) -> np.ndarray:
    """Ascending positions selected by both masks, walking the smaller side's index."""
    first_n, second_n = first.count(first_sel), second.count(second_sel)
    if second_n < first_n:
        first, first_sel, second, second_sel = second, second_sel, first, first_sel
        first_n, second_n = second_n, first_n
    if first_n == n:  # every position selected on both sides
        return np.arange(n)
    found = first.members(first_sel)
    if second_n == n:
        return found
    return np.asarray(found[second_sel[second.codes[found]]])


@dataclass(frozen=True)
class _Lines:
    """What a scope reads of its view (the view's own arrays, not copies)."""

    scenario: Scenario
    tolerance: float
    supplier: np.ndarray
    item: np.ndarray
    pair: np.ndarray
    pair_supplier: np.ndarray
    pair_item: np.ndarray
    pair_units: np.ndarray
    n_offer_lines: int


class Scope:
    """The lines and pairs of selected suppliers and items of one award view, and shared work.

    Built by :func:`~sourceopt.verify.view.build_view`; its caches live as long as the view.
    """

    def __init__(self, view: AwardView) -> None:
        self.view = _Lines(  # not the view itself: no cycle, the view is freed when dropped
            view.scenario,
            view.tolerance,
            view.supplier,
            view.item,
            view.pair,
            view.pair_supplier,
            view.pair_item,
            view.pair_units,
            view.n_offer_lines,
        )
        self._masks: dict[tuple[str, str], np.ndarray] = {}
        self._columns: dict[tuple[str, str], tuple[np.ndarray, list[Any]]] = {}

    @cached_property
    def _line_items(self) -> _Index:
        return _Index(self.view.item, self.view.scenario.n_items)

    @cached_property
    def _line_suppliers(self) -> _Index:
        return _Index(self.view.supplier, self.view.scenario.n_suppliers)

    @cached_property
    def every_supplier(self) -> np.ndarray:
        """A mask selecting every supplier."""
        return np.ones(self.view.scenario.n_suppliers, dtype=bool)

    def one(self, supplier: int, item: int) -> np.ndarray:
        """Ascending positions of the lines of one supplier on one item."""
        s_sel = np.zeros(self.view.scenario.n_suppliers, dtype=bool)
        i_sel = np.zeros(self.view.scenario.n_items, dtype=bool)
        s_sel[supplier], i_sel[item] = True, True
        return self.lines(s_sel, i_sel)

    def masks(self, rule: Any) -> tuple[np.ndarray, np.ndarray]:
        """The suppliers and items a rule selects (read-only masks, computed once a selector)."""
        return self._mask("suppliers", rule.suppliers), self._mask("items", rule.items)

    def _mask(self, kind: str, selector: Any) -> np.ndarray:
        key = (kind, repr(selector))
        found = self._masks.get(key)
        if found is None:
            found = self._by_codes(kind, selector)
            if found is None:
                pick = supplier_mask if kind == "suppliers" else item_mask
                found = pick(self.view.scenario, selector)
            found.flags.writeable = False
            self._masks[key] = found
        return found

    def _by_codes(self, kind: str, selector: Any) -> np.ndarray | None:
        """A selector of ids and field values only, from the columns' codes (else ``None``).

        The same mask as :mod:`sourceopt.scenario.selectors` gives (``isin`` on each
        column, every entry holding), from each column factorized once per view.
        """
        table = self.view.scenario.suppliers if kind == "suppliers" else self.view.scenario.items
        if isinstance(selector, list):
            entries = [("id", selector)]
        elif isinstance(selector, SelectorFilter) and (
            selector.tags is None and selector.attribute is None and selector.not_ is None
        ):
            keys = ("id", "country", "region", "group")
            entries = [(k, getattr(selector, k)) for k in keys if getattr(selector, k) is not None]
        else:
            return None if selector != "all" else np.ones(len(table), dtype=bool)
        mask = np.ones(len(table), dtype=bool)
        for column, values in entries:
            if column not in table:
                return np.zeros(len(table), dtype=bool)
            codes, uniques = self._factorized(kind, column, table)
            wanted = set(values)
            hit = np.fromiter((u in wanted for u in [*uniques, None]), bool, len(uniques) + 1)
            mask &= hit[codes]  # code -1 (no value) is the last: never a hit
        return mask

    def _factorized(
        self, kind: str, column: str, table: pd.DataFrame
    ) -> tuple[np.ndarray, list[Any]]:
        found = self._columns.get((kind, column))
        if found is None:
            codes, uniques = pd.factorize(table[column])
            found = (np.asarray(codes, dtype=np.int64), list(uniques))
            self._columns[(kind, column)] = found
        return found

    def lines(self, s_sel: np.ndarray, i_sel: np.ndarray) -> np.ndarray:
        """Ascending positions of the lines of a selected supplier on a selected item.

        The same as ``np.flatnonzero(s_sel[view.supplier] & i_sel[view.item])``.
        """
        n = len(self.view.item)
        return _within(self._line_items, i_sel, self._line_suppliers, s_sel, n)

    def pairs(self, s_sel: np.ndarray, i_sel: np.ndarray) -> np.ndarray:
        """Ascending positions of the pairs of a selected supplier and a selected item.

        The same as ``np.flatnonzero(s_sel[view.pair_supplier] & i_sel[view.pair_item])``:
        every pair has a line, so these are the pairs of the selected lines.
        """
        view = self.view
        lines = self.lines(s_sel, i_sel)
        n = len(view.pair_item)
        if len(lines) == len(view.item):
            return np.arange(n)
        if 16 * len(lines) < n:  # few: sort them
            found = np.sort(view.pair[lines])
            return found[np.r_[True, found[1:] != found[:-1]]] if len(found) else found
        present = np.zeros(n, dtype=bool)
        present[view.pair[lines]] = True
        return np.flatnonzero(present)

    def wins(self, s_sel: np.ndarray, i_sel: np.ndarray) -> np.ndarray:
        """Ascending positions of the selected pairs where the supplier wins the item."""
        pairs = self.pairs(s_sel, i_sel)
        return np.asarray(pairs[self.view.pair_units[pairs] > self.view.tolerance])

    def attribute(self, name: str, lines: np.ndarray) -> np.ndarray:
        """The attribute on the given lines: the offer's own, else its supplier's (NaN: unset).

        Bundle lines take their supplier's.
        """
        view = self.view
        values = view.scenario.supplier_attribute(name)[view.supplier[lines]]
        column = ATTR_PREFIX + name
        if column in view.scenario.offers:
            offer = lines < view.n_offer_lines
            own = view.scenario.offers[column].to_numpy(float)[lines[offer]]
            values[offer] = np.where(np.isnan(own), values[offer], own)
        return np.asarray(values, dtype=float)

    @cached_property
    def _zeros(self) -> np.ndarray:
        return np.zeros(len(self.view.item))

    def spread_sum(self, lines: np.ndarray, values: np.ndarray) -> float:
        """``np.sum`` of a line-long array holding `values` at `lines` and 0 elsewhere.

        Bit for bit the sum over every line (pairwise summation depends on where the zeros
        are), without building the array anew.
        """
        buffer = self._zeros
        buffer[lines] = values
        try:
            return float(np.sum(buffer))
        finally:
            buffer[lines] = 0.0
