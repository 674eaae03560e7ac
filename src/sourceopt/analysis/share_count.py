"""The count row a max-share bound implies: at most a share b each, at least ceil(1/b) suppliers.

When every award has a positive total spend T, a cap ``spend_s <= b T`` on every supplier
means ``T = sum_s spend_s <= b T * #{s : spend_s > 0}``, so at least ``ceil(1/b)`` suppliers
have a positive spend. The program's own award indicators (a binary y whose value 0 forces
every column of a supplier's spend to 0: a fixed cost's or a minimum's indicator) then
satisfy ``sum y >= ceil(1/b) - (spenders without one)``. That row cuts off no award within
the bound (models/README.md, "Trade-off frontier"), but the LP relaxation no longer opens a
fraction of a supplier where the bound needs a whole one: on award-mip it closes most of the
root gap of the tight points (benchmarks/README.md).

:func:`count_row` finds the indicators from the program's rows (never from the scenario's
rules) and returns None where a positive total spend is not certain, so the row is added
only where the argument above holds.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from sourceopt.formulation.program import ColumnKind, Program, RowFamily

SLACK = 1e-9  # ceil(1/b - SLACK): a bound of exactly 1/k asks for k suppliers, not k + 1


@dataclass(frozen=True)
class CountRow:
    """``row @ x >= needed(b)``: the indicators of the spenders, and how many have none."""

    row: sp.csr_matrix  # 1 x n_cols: per indicator, how many spenders it is the one of
    free: int  # spenders without an indicator (they may spend without one)

    @property
    def size(self) -> int:
        """How many spenders the row counts (those with an indicator)."""
        return round(float(self.row.sum()))

    def needed(self, bound: float) -> float:
        """The row's lower bound at a max share `bound` (more than all: no award exists)."""
        if bound <= 0:
            return float(self.size + 1)
        return float(math.ceil(1.0 / bound - SLACK) - self.free)


def count_row(program: Program, spend: sp.csr_matrix, total: np.ndarray) -> CountRow | None:
    """The count row of the spenders' rows `spend` (total spend `total`), or None.

    None where some award might have no spend at all (:func:`_spends`) or no spender has an
    indicator. `spend` has one row per spender over the program's first columns.
    """
    if not _spends(program, total):
        return None
    covers = _covered(program)
    row = np.zeros(program.n_cols)
    free = 0
    csr = sp.csr_matrix(spend)
    for s in range(csr.shape[0]):
        support = set(csr.indices[csr.indptr[s] : csr.indptr[s + 1]].tolist())
        ind = next((c for c, cov in covers if support <= cov), None)
        if ind is None:
            free += 1
        else:
            row[ind] += 1.0  # an indicator of several spenders counts each
    if not row.any():
        return None
    return CountRow(sp.csr_matrix(row.reshape(1, -1)), free)


def _covered(program: Program) -> list[tuple[int, set[int]]]:
    """Each award indicator with the columns its value 0 forces to 0, the costliest first.

    A row ``sum a_j x_j - M y <= 0`` (family awarded_link, a_j > 0 on columns with lower
    bound 0, M > 0, no other entry) forces each x_j to 0 when y is 0.
    """
    kind = program.columns["kind"].to_numpy()
    binary = (kind == ColumnKind.AWARDED) & (program.col_lo >= 0)
    links = program.rows_of(RowFamily.AWARDED_LINK)
    a = sp.csr_matrix(program.A)
    covers: dict[int, set[int]] = {}
    for r in links:
        if program.row_hi[r] > 0:
            continue
        cols = a.indices[a.indptr[r] : a.indptr[r + 1]]
        vals = a.data[a.indptr[r] : a.indptr[r + 1]]
        neg = cols[vals < 0]
        if len(neg) != 1 or not binary[neg[0]] or np.any(program.col_lo[cols[vals > 0]] != 0):
            continue
        covers.setdefault(int(neg[0]), set()).update(cols[vals > 0].tolist())
    cost = program.solver_objective()
    return sorted(covers.items(), key=lambda kv: -float(cost[kv[0]]))


def _spends(program: Program, total: np.ndarray) -> bool:
    """Whether every award has a positive total spend (`total` @ x > 0).

    So when the spend's columns are >= 0 with coefficients >= 0 and a demand row ``a x >= d``
    (d > 0, a > 0) has only columns of positive spend: one of them is positive in any award.
    """
    n = len(total)
    used = np.flatnonzero(total != 0)
    if np.any(total[used] < 0) or np.any(program.col_lo[used] < 0):
        return False
    a = sp.csr_matrix(program.A)
    for r in program.rows_of(RowFamily.DEMAND):
        cols = a.indices[a.indptr[r] : a.indptr[r + 1]]
        vals = a.data[a.indptr[r] : a.indptr[r + 1]]
        if program.row_lo[r] <= 0 or not np.all(vals > 0) or not np.all(cols < n):
            continue
        if np.all(total[cols] > 0) and np.all(program.col_lo[cols] >= 0):
            return True
    return False
