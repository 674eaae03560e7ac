"""Where a rule's work lies: the lines and pairs of its selected suppliers and items.

A rule over one item group of sixty touches a sixtieth of the award's lines; finding them
with a mask over every line costs as much as the rule itself. A :class:`Scope` is built
once per award view and answers, for a rule's supplier and item masks, the positions of the
lines (or pairs) it selects, in ascending order, through indexes of the lines by item and by
supplier (built on first use). It also keeps what several rules share: the masks of their
selectors, the attribute per line, the pairs a supplier wins.

Every answer is the same array a mask over every line would give (same positions, same
order), so sums and counts over it are the same to the last bit as before.
"""

from __future__ import annotations

from functools import cached_property
from typing import TYPE_CHECKING, Any

import numpy as np

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
    def order(self) -> np.ndarray:
        """Positions sorted by code (stable: ascending within a code)."""
        if len(self.codes) < 2 or bool(np.all(self.codes[1:] >= self.codes[:-1])):
            return np.arange(len(self.codes))
        return np.argsort(self.codes, kind="stable")

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


class Scope:
    """The lines and pairs of selected suppliers and items of one award view, and shared work.

    Built by :func:`~sourceopt.verify.view.build_view`; its caches live as long as the view.
    """

    def __init__(self, view: AwardView) -> None:
        self.view = view
        self._masks: dict[tuple[str, str], np.ndarray] = {}
        self._attributes: dict[str, np.ndarray] = {}

    @cached_property
    def _line_items(self) -> _Index:
        return _Index(self.view.item, self.view.scenario.n_items)

    @cached_property
    def _line_suppliers(self) -> _Index:
        return _Index(self.view.supplier, self.view.scenario.n_suppliers)

    @cached_property
    def _pair_items(self) -> _Index:
        return _Index(self.view.pair_item, self.view.scenario.n_items)

    @cached_property
    def _pair_suppliers(self) -> _Index:
        return _Index(self.view.pair_supplier, self.view.scenario.n_suppliers)

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
            pick = supplier_mask if kind == "suppliers" else item_mask
            found = pick(self.view.scenario, selector)
            found.flags.writeable = False
            self._masks[key] = found
        return found

    def lines(self, s_sel: np.ndarray, i_sel: np.ndarray) -> np.ndarray:
        """Ascending positions of the lines of a selected supplier on a selected item.

        The same as ``np.flatnonzero(s_sel[view.supplier] & i_sel[view.item])``.
        """
        n = len(self.view.item)
        return _within(self._line_items, i_sel, self._line_suppliers, s_sel, n)

    def pairs(self, s_sel: np.ndarray, i_sel: np.ndarray) -> np.ndarray:
        """Ascending positions of the pairs of a selected supplier and a selected item.

        The same as ``np.flatnonzero(s_sel[view.pair_supplier] & i_sel[view.pair_item])``.
        """
        n = len(self.view.pair_item)
        return _within(self._pair_items, i_sel, self._pair_suppliers, s_sel, n)

    def wins(self, s_sel: np.ndarray, i_sel: np.ndarray) -> np.ndarray:
        """Ascending positions of the selected pairs where the supplier wins the item."""
        pairs = self.pairs(s_sel, i_sel)
        return np.asarray(pairs[self.view.pair_units[pairs] > self.view.tolerance])

    def attribute(self, name: str) -> np.ndarray:
        """The attribute per line (bundle lines take their supplier's; NaN where unset)."""
        found = self._attributes.get(name)
        if found is None:
            sc, view = self.view.scenario, self.view
            bundle_sup = view.supplier[view.n_offer_lines :]
            found = np.concatenate(
                [sc.offer_attribute(name), sc.supplier_attribute(name)[bundle_sup]]
            )
            found.flags.writeable = False
            self._attributes[name] = found
        return found

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
