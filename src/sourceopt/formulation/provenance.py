"""What a Program's parts mean, recorded while it is built (so no one decodes the matrix).

- The award's expressions: one row per (supplier, item) pair that can receive units,
  ``pair_units @ x`` its units and ``pair_spend @ x`` its spend before rebates (the ``V`` and
  ``E`` every rule family builds on; see :mod:`sourceopt.formulation.context`).
- The *switches*: every entry of the matrix that is a big-M or an award quantum, i.e. the
  coefficient of a binary in a row whose other entries it switches: ``x - H y <= 0``
  (``segment_upper``: H is a segment's top, capped by capacities), ``units - M z <= 0``
  (``awarded_link``: M from capacities and demand) and ``units - q z >= 0``
  (``awarded_floor``: q the award quantum). Lifting a capacity rewrites exactly these.

Which rule owns which rows is in the row labels (``rule``), its slack and auxiliary columns
carry its position in ``ref``; :meth:`sourceopt.formulation.program.Program.rule_rows` reads them.
Edits keep all of this aligned (:mod:`sourceopt.formulation.edits`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

_EMPTY = np.zeros(0, dtype=np.int64)


def _renumber(keep: np.ndarray) -> np.ndarray:
    """New position of each kept entry of a boolean mask (-1: dropped)."""
    out = np.full(len(keep), -1, dtype=np.int64)
    out[keep] = np.arange(int(keep.sum()))
    return out


@dataclass(frozen=True)
class Provenance:
    """The award's expressions per pair and where each big-M and award quantum lives."""

    pair_supplier: np.ndarray
    pair_item: np.ndarray
    pair_units: sp.csr_array  # pairs x (columns when the core was built)
    pair_spend: sp.csr_array
    switch_row: np.ndarray  # the row of each switch entry
    switch_col: np.ndarray  # its binary's column
    switch_floor: np.ndarray  # a floor (units - q z >= 0) rather than an upper link

    @staticmethod
    def empty() -> Provenance:
        """No pairs, no switches (a program made by hand)."""
        none = sp.csr_array((0, 0))
        return Provenance(_EMPTY, _EMPTY, none, none, _EMPTY, _EMPTY, np.zeros(0, dtype=bool))

    def units(self, n_cols: int) -> sp.csr_array:
        """Units per pair over `n_cols` program columns."""
        return _widen(self.pair_units, n_cols)

    def spend(self, n_cols: int) -> sp.csr_array:
        """Spend (before rebates) per pair over `n_cols` program columns."""
        return _widen(self.pair_spend, n_cols)

    def switches(self, rows: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Switch entries (row, binary column, is a floor), in row order; only `rows` if given."""
        order = np.argsort(self.switch_row, kind="stable")
        row, col, floor = self.switch_row[order], self.switch_col[order], self.switch_floor[order]
        if rows is not None:
            pick = np.isin(row, rows)
            row, col, floor = row[pick], col[pick], floor[pick]
        return row, col, floor

    def subset(self, keep_rows: np.ndarray, keep_cols: np.ndarray) -> Provenance:
        """The provenance of a program restricted to some rows and columns (boolean masks)."""
        new_row, new_col = _renumber(keep_rows), _renumber(keep_cols)
        row, col = new_row[self.switch_row], new_col[self.switch_col]
        alive = (row >= 0) & (col >= 0)
        width = self.pair_units.shape[1]
        cols = keep_cols[:width]
        return Provenance(
            self.pair_supplier,
            self.pair_item,
            sp.csr_array(self.pair_units[:, cols]) if width else self.pair_units,
            sp.csr_array(self.pair_spend[:, cols]) if width else self.pair_spend,
            row[alive],
            col[alive],
            self.switch_floor[alive],
        )


def _widen(m: sp.csr_array, n_cols: int) -> sp.csr_array:
    """`m` with `n_cols` columns (the program's columns added after it are empty in it)."""
    out = sp.csr_array(m, copy=True)
    out.resize((m.shape[0], n_cols))
    return out
