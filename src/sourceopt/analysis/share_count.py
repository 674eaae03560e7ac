"""The rows a max-share bound implies over the program's own award indicators.

A cap ``spend_s <= b T`` on every supplier, with every award spending at least ``L > 0``
(``T >= L``, :func:`least_spend`), and a binary ``y_s`` whose value 0 forces every column of
the supplier's spend to 0 (a fixed cost's or a minimum's indicator, :func:`_covered`), implies
two rows that cut off no award within the bound (proofs: models/README.md, "Trade-off
frontier"):

- **the count row**: ``T = sum_s spend_s <= b T * #{s : spend_s > 0}``, so at least
  ``ceil(1/b)`` suppliers spend: ``sum y >= ceil(1/b) - (spenders without an indicator)``;
- **the linked share row**: ``spend_s - b T + b L (1 - y_s) <= 0`` in place of
  ``spend_s - b T <= 0`` (at ``y_s = 0`` the spend is 0 and ``T >= L``).

The LP relaxation otherwise opens a fraction ``units_s / M_s`` of a supplier, so at a tight
bound it pays a fraction of the fixed costs the bound forces; with the rows it pays for about
``share_s / b`` of each (benchmarks/README.md, "Frontier at event scale (fourth pass)").
:func:`share_cuts` reads the indicators and ``L`` from the program's rows, never from the
scenario's rules, and returns None where no indicator or no positive ``L`` is certain.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from sourceopt.formulation.program import ColumnKind, Program, RowFamily

SLACK = 1e-9  # ceil(1/b - SLACK): a bound of exactly 1/k asks for k suppliers, not k + 1


@dataclass(frozen=True)
class ShareCuts:
    """The indicators of the spenders, the least total spend, and how to bound with them."""

    link: sp.csr_matrix  # spenders x n_cols: 1 at the spender's indicator (a row of 0: none)
    least: float  # L > 0: every award spends at least this much in total

    @property
    def linked(self) -> np.ndarray:
        """Per spender: whether it has an indicator."""
        return np.asarray(np.diff(self.link.indptr) > 0, dtype=bool)

    @property
    def count(self) -> sp.csr_matrix:
        """The count row's coefficients: per indicator, how many spenders it is the one of."""
        return sp.csr_matrix(self.link.sum(axis=0))

    @property
    def size(self) -> int:
        """How many spenders the count row counts (those with an indicator)."""
        return int(self.linked.sum())

    @property
    def free(self) -> int:
        """Spenders without an indicator (they may spend without one)."""
        return int((~self.linked).sum())

    def needed(self, bound: float) -> float:
        """The count row's lower bound at a max share `bound` (more than all: no award)."""
        if bound <= 0:
            return float(self.size + 1)
        return float(math.ceil(1.0 / bound - SLACK) - self.free)


def share_cuts(program: Program, spend: sp.csr_matrix, total: np.ndarray) -> ShareCuts | None:
    """The cuts for the spenders' rows `spend` (total spend `total`), or None (module text).

    `spend` has one row per spender over the program's columns (or its first ones).
    """
    least = least_spend(program, total)
    if least <= 0:
        return None
    covers = _covered(program)
    csr = sp.csr_matrix(spend)
    n = csr.shape[0]
    ind = np.full(n, -1)
    for s in range(n):
        support = set(csr.indices[csr.indptr[s] : csr.indptr[s + 1]].tolist())
        ind[s] = next((c for c, cov in covers if support <= cov), -1)
    has = ind >= 0
    if not has.any():
        return None
    link = sp.csr_matrix(
        (np.ones(int(has.sum())), (np.flatnonzero(has), ind[has])), shape=(n, program.n_cols)
    )
    return ShareCuts(link, least)


def least_spend(program: Program, total: np.ndarray) -> float:
    """A total spend every award reaches (`total` @ x >= it); 0 where none is certain.

    With all spend coefficients t_j >= 0 on columns >= 0, each demand row ``a x >= d``
    (d > 0, a > 0) whose columns no earlier counted row has adds ``d * min_j t_j / a_j``:
    T >= sum over those rows of sum_j t_j x_j >= sum of min_j(t_j / a_j) * a x.
    """
    n = len(total)
    used = np.flatnonzero(total != 0)
    if np.any(total[used] < 0) or np.any(program.col_lo[used] < 0):
        return 0.0
    a = sp.csr_matrix(program.A)
    seen = np.zeros(n, dtype=bool)
    least = 0.0
    for r in program.rows_of(RowFamily.DEMAND):
        cols = a.indices[a.indptr[r] : a.indptr[r + 1]]
        vals = a.data[a.indptr[r] : a.indptr[r + 1]]
        if program.row_lo[r] <= 0 or len(cols) == 0 or not np.all(vals > 0):
            continue
        if not np.all(cols < n) or seen[cols].any() or np.any(program.col_lo[cols] < 0):
            continue
        seen[cols] = True
        least += float(program.row_lo[r] * np.min(total[cols] / vals))
    return least


def _covered(program: Program) -> list[tuple[int, set[int]]]:
    """Each award indicator with the columns its value 0 forces to 0, costliest first.

    A row ``sum a_j x_j - M y <= 0`` (family awarded_link, a_j > 0 on columns with lower
    bound 0, M > 0, no other entry) forces each x_j to 0 when y is 0.
    """
    kind = program.columns["kind"].to_numpy()
    binary = (kind == ColumnKind.AWARDED) & program.integrality & (program.col_lo >= 0)
    a = sp.csr_matrix(program.A)
    covers: dict[int, set[int]] = {}
    for r in program.rows_of(RowFamily.AWARDED_LINK):
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
