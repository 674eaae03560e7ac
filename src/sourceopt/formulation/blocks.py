"""Accumulate column and row blocks, then stack them once into a Program.

Columns are added in blocks (arrays), rows as sparse blocks whose column indices are global;
soft rows get their slack columns here, so every rule family can say ``soft=rule.soft``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
import pandas as pd
import scipy.sparse as sp

from sourceopt.formulation.program import ColumnKind, Program, RowFamily
from sourceopt.formulation.provenance import Provenance
from sourceopt.scenario.schema import Soft

Sparse = Any  # a scipy sparse matrix or array
COLUMN_CODES = ("supplier", "item", "ref")  # integer labels of a column (-1: not about one)
ROW_CODES = ("supplier", "item")  # integer labels of a row


@dataclass
class _Block:
    """The rows of one ``add_rows`` call: CSR parts (local rows) and extra (row, col, value)."""

    first: int
    n: int
    parts: list[sp.csr_array]
    extra: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = field(default_factory=list)

    def matrix(self, n_cols: int) -> sp.csr_array:
        """The block as one canonical CSR matrix of `n_cols` columns."""
        out: sp.csr_array | None = None
        for part in self.parts:
            part.resize((self.n, n_cols))
            out = part if out is None else sp.csr_array(out + part)
        for rows, cols, vals in self.extra:
            coo = sp.csr_array((vals, (rows - self.first, cols)), shape=(self.n, n_cols))
            out = coo if out is None else sp.csr_array(out + coo)
        if out is None:
            return sp.csr_array((self.n, n_cols))
        out.sum_duplicates()
        return out


def _stack(blocks: list[sp.csr_array], n_rows: int, n_cols: int) -> sp.csr_matrix:
    """Canonical CSR blocks, in row order, one under the other: canonical, nothing sorted."""
    sizes = [b.nnz for b in blocks]
    index = np.int32 if max(sum(sizes), n_cols) < np.iinfo(np.int32).max else np.int64
    indptr = np.zeros(n_rows + 1, dtype=index)
    row, start = 0, 0
    for b, size in zip(blocks, sizes, strict=True):
        indptr[row + 1 : row + b.shape[0] + 1] = b.indptr[1:] + start
        row, start = row + b.shape[0], start + size
    data = np.concatenate([b.data for b in blocks]) if blocks else np.zeros(0)
    indices = np.concatenate([b.indices.astype(index, copy=False) for b in blocks] or [indptr[:0]])
    a = sp.csr_matrix((data, indices, indptr), shape=(n_rows, n_cols))
    a.has_sorted_indices = True
    return a


def _repeat_text(values: list[str], picks: np.ndarray) -> pd.Series:
    """``values[picks]`` as a string column, made in one Arrow ``take``."""
    import pyarrow as pa

    taken = pa.array(values, pa.large_string()).take(pa.array(picks, pa.int64()))
    return pd.Series(taken, dtype="str")


Keyed = tuple[Sequence[str], np.ndarray | int]  # text per entry: names, index per entry (-1: "")


@dataclass
class _Labels:
    """Label columns gathered block by block and made into one table by :meth:`frame`.

    A block's text labels (kind; family and rule) are one value each: kept once per block and
    expanded at the end, not broadcast into a string column per block. *Keyed* text labels
    (a row's ``group``) vary within a block: a few names and an index into them per entry.
    """

    text: tuple[str, ...]
    codes: tuple[str, ...]
    keyed: tuple[str, ...] = ()
    _text: list[tuple[str, ...]] = field(default_factory=list)
    _codes: list[list[np.ndarray]] = field(default_factory=list)
    _keyed: list[list[tuple[list[str], np.ndarray]]] = field(default_factory=list)
    _sizes: list[int] = field(default_factory=list)

    def add(
        self,
        n: int,
        text: tuple[str, ...],
        codes: tuple[np.ndarray | int, ...],
        keyed: tuple[Keyed, ...] = (),
    ) -> None:
        """Labels of `n` more entries: the same text for all, integer codes (or one for all)."""
        self._sizes.append(n)
        self._text.append(text)
        self._codes.append([np.array(np.broadcast_to(c, (n,)), dtype=np.int64) for c in codes])
        given = list(keyed) + [((), -1)] * (len(self.keyed) - len(keyed))
        self._keyed.append(
            [(list(names), np.array(np.broadcast_to(at, (n,)), np.int64)) for names, at in given]
        )

    def frame(self, scenario: str) -> pd.DataFrame:
        """One row per entry: the text columns, the code columns, then ``scenario``."""
        block = np.repeat(np.arange(len(self._sizes)), self._sizes)
        columns: dict[str, object] = {
            name: _repeat_text([t[k] for t in self._text], block)
            for k, name in enumerate(self.text)
        }
        for k, name in enumerate(self.keyed):
            columns[name] = self._keyed_column(k)
        for k, name in enumerate(self.codes):
            columns[name] = np.concatenate([c[k] for c in self._codes])
        columns["scenario"] = _repeat_text([scenario], np.zeros(len(block), dtype=np.int64))
        return pd.DataFrame(columns, copy=False)

    def _keyed_column(self, k: int) -> pd.Series:
        """The `k`-th keyed label of every entry: each block's names pooled, one take."""
        pool, picks = [""], []
        for entries in self._keyed:
            names, at = entries[k]
            picks.append(np.where(at >= 0, at + len(pool), 0))
            pool += names
        return _repeat_text(pool, np.concatenate(picks) if picks else np.zeros(0, np.int64))


@dataclass
class ProgramBuilder:
    """Collects blocks of columns and rows; :meth:`build` stacks them into a Program."""

    scenario: str = ""
    _cost: list[np.ndarray] = field(default_factory=list)
    _true_cost: list[np.ndarray] = field(default_factory=list)
    _lo: list[np.ndarray] = field(default_factory=list)
    _hi: list[np.ndarray] = field(default_factory=list)
    _int: list[np.ndarray] = field(default_factory=list)
    _col_labels: _Labels = field(default_factory=lambda: _Labels(("kind",), COLUMN_CODES))
    _extra_cost: list[np.ndarray] = field(default_factory=list)
    _extra_true: list[np.ndarray] = field(default_factory=list)
    _blocks: list[_Block] = field(default_factory=list)
    _row_lo: list[np.ndarray] = field(default_factory=list)
    _row_hi: list[np.ndarray] = field(default_factory=list)
    _row_labels: _Labels = field(
        default_factory=lambda: _Labels(("family", "rule"), ROW_CODES, ("group",))
    )
    _switches: list[tuple[np.ndarray, np.ndarray, bool]] = field(default_factory=list)
    n_cols: int = 0
    n_rows: int = 0

    def add_columns(
        self,
        n: int,
        *,
        kind: ColumnKind,
        cost: np.ndarray | float = 0.0,
        lo: np.ndarray | float = 0.0,
        hi: np.ndarray | float = np.inf,
        integer: bool | np.ndarray = False,
        supplier: np.ndarray | int = -1,
        item: np.ndarray | int = -1,
        ref: np.ndarray | int = -1,
        counts_as_cost: bool = True,
    ) -> np.ndarray:
        """Add `n` columns; returns their global indices.

        ``counts_as_cost``: the cost is part of the award's total cost (not a penalty).
        """
        idx = np.arange(self.n_cols, self.n_cols + n)
        c = np.broadcast_to(np.asarray(cost, dtype=float), (n,)).copy()
        self._cost.append(c)
        self._true_cost.append(c if counts_as_cost else np.zeros(n))
        self._lo.append(np.broadcast_to(np.asarray(lo, dtype=float), (n,)).copy())
        self._hi.append(np.broadcast_to(np.asarray(hi, dtype=float), (n,)).copy())
        self._int.append(np.broadcast_to(np.asarray(integer, dtype=bool), (n,)).copy())
        self._col_labels.add(n, (str(kind),), (supplier, item, ref))
        self.n_cols += n
        return idx

    def add_cost(self, cols: np.ndarray, amount: np.ndarray, *, counts_as_cost: bool) -> None:
        """Add to the objective coefficients of existing columns (e.g. penalties)."""
        extra = np.zeros(self.n_cols)
        np.add.at(extra, cols, amount)
        self._extra_cost.append(extra)
        self._extra_true.append(extra if counts_as_cost else np.zeros(self.n_cols))

    def add_rows(
        self,
        parts: Sequence[Sparse],
        *,
        lo: np.ndarray | float,
        hi: np.ndarray | float,
        family: RowFamily | str,
        rule: str = "",
        supplier: np.ndarray | int = -1,
        item: np.ndarray | int = -1,
        soft: Soft | None = None,
        rule_ref: int = -1,
        groups: Sequence[str] = (),
        group: np.ndarray | int = -1,
        switch: np.ndarray | None = None,
        floor: bool = False,
    ) -> np.ndarray:
        """Add rows ``lo <= sum(parts) x <= hi``; a soft rule gets slack columns priced per unit.

        ``groups``/``group``: the rows' ``group`` labels (the value of an ``each`` rule's field
        that each row is about): row r is labelled ``groups[group[r]]`` ("" where -1).
        ``switch``: per row, the binary whose coefficient in it is a big-M (or, with `floor`,
        an award quantum): recorded in the program's provenance.
        """
        n = max(p.shape[0] for p in parts)
        first = self.n_rows
        block = _Block(first, n, [sp.csr_array(p, dtype=float, copy=True) for p in parts])
        self._blocks.append(block)
        lo_a = np.broadcast_to(np.asarray(lo, dtype=float), (n,)).copy()
        hi_a = np.broadcast_to(np.asarray(hi, dtype=float), (n,)).copy()
        self._row_lo.append(lo_a)
        self._row_hi.append(hi_a)
        self._row_labels.add(n, (str(family), rule), (supplier, item), ((groups, group),))
        self.n_rows += n
        rows = np.arange(first, first + n)
        if switch is not None:
            self._switches.append((rows, np.asarray(switch, dtype=np.int64), floor))
        if soft is not None:
            for sign, bounded in ((-1.0, np.isfinite(hi_a)), (1.0, np.isfinite(lo_a))):
                r = rows[bounded]
                cols = self.add_columns(
                    len(r),
                    kind=ColumnKind.SLACK,
                    cost=soft.penalty,
                    ref=rule_ref,
                    counts_as_cost=False,
                )
                block.extra.append((r, cols, np.full(len(r), sign)))
        return rows

    def upper_bounds(self) -> np.ndarray:
        """Upper bounds of the columns so far."""
        return np.concatenate(self._hi) if self._hi else np.zeros(0)

    def total_cost(self) -> np.ndarray:
        """Coefficients of the award's total cost (no penalties) over the columns so far."""
        out = np.concatenate(self._true_cost) if self._true_cost else np.zeros(0)
        for extra in self._extra_true:
            out[: len(extra)] += extra
        return out

    def _provenance(self) -> Provenance:
        """The switches recorded so far (the pair expressions are added by the caller)."""
        none = Provenance.empty()
        if not self._switches:
            return none
        return replace(
            none,
            switch_row=np.concatenate([r for r, _, _ in self._switches]),
            switch_col=np.concatenate([c for _, c, _ in self._switches]),
            switch_floor=np.concatenate([np.full(len(r), f) for r, _, f in self._switches]),
        )

    def build(self) -> tuple[Program, np.ndarray]:
        """Stack everything into a Program; also returns the total-cost coefficient vector."""
        n = self.n_cols

        def total(parts: list[np.ndarray]) -> np.ndarray:
            out = np.zeros(n)
            for p in parts:
                out[: len(p)] += p
            return out

        cost = np.concatenate(self._cost) + total(self._extra_cost)
        true_cost = np.concatenate(self._true_cost) + total(self._extra_true)
        cat = np.concatenate
        a = _stack([b.matrix(n) for b in self._blocks], self.n_rows, n)
        a.eliminate_zeros()
        col_labels = self._col_labels.frame(self.scenario)
        if self._blocks:
            row_labels = self._row_labels.frame(self.scenario)
        else:
            row_labels = pd.DataFrame(columns=["family", "rule", "group", "supplier", "item"])
            row_labels["scenario"] = self.scenario
        program = Program(
            c=cost,
            A=a,
            row_lo=cat(self._row_lo) if self._row_lo else np.zeros(0),
            row_hi=cat(self._row_hi) if self._row_hi else np.zeros(0),
            col_lo=cat(self._lo),
            col_hi=cat(self._hi),
            integrality=cat(self._int),
            columns=col_labels,
            rows=row_labels,
            tie_break=np.zeros(n),
            name=self.scenario,
            provenance=self._provenance(),
        )
        return program, true_cost
