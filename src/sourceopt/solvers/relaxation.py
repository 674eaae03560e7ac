"""What the LP relaxation of a large MIP proves and suggests, backend-neutral numpy.

A backend that solved the LP relaxation (even approximately, by an interior point method
without crossover) hands over its row duals ``y``. From them:

- :func:`lagrangian_bound` is a lower bound on the MIP's objective that is valid for *any*
  ``y``: with reduced costs ``d = c - A^T y``, for every feasible ``x``
  ``c x = y (A x) + d x >= sum_i min(y_i lo_i, y_i hi_i) + sum_j min(d_j l_j, d_j u_j)``.
  Solver tolerances can weaken it, never overstate it. Upper bounds ``u_j`` missing on a
  column are taken from its rows where that is valid (:func:`implied_upper`).
- :func:`bound_without_rows` is that bound once some rows are dropped: rows whose duals are
  0 add nothing to it, so it changes only through the column bounds those rows implied.
- :func:`promising_columns` picks the columns a good award is made of: the integer columns,
  those that may not sit at 0, those the relaxation uses and those whose reduced cost is
  almost 0. The MIP restricted to them is small, and any award it finds is an award of the
  whole program (the other columns are simply 0).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from sourceopt.formulation.program import Program

USED = 1e-6  # a column is "used" by the relaxation above this value
NEAR_ZERO_COST = 1e-3  # reduced cost below this x max(1, |c_j|) counts as almost 0


@dataclass(frozen=True)
class Pricing:
    """Row duals cleaned of wrong signs, the reduced costs they give and their bound."""

    duals: np.ndarray
    reduced: np.ndarray
    bound: float


def implied_upper(program: Program) -> np.ndarray:
    """Column upper bounds, tightened where a row implies one.

    A row whose coefficients are all >= 0, over columns whose lower bounds are all >= 0, with
    a finite upper side ``hi`` gives ``x_j <= hi / a_ij`` for each of its columns (the other
    terms are >= 0). The result is the least of these and the column's own bound.
    """
    a = program.A.tocsr()
    row_of = np.repeat(np.arange(a.shape[0]), np.diff(a.indptr))
    eligible = packing_rows(program)
    use = eligible[row_of] & (a.data > 0)
    upper = np.asarray(program.col_hi, dtype=float).copy()
    np.minimum.at(upper, a.indices[use], program.row_hi[row_of[use]] / a.data[use])
    return upper


def packing_rows(program: Program) -> np.ndarray:
    """Mask of the rows that imply column upper bounds (:func:`implied_upper`)."""
    a = program.A.tocsr()
    row_of = np.repeat(np.arange(a.shape[0]), np.diff(a.indptr))
    bad = (a.data < 0) | (program.col_lo[a.indices] < 0)
    return np.asarray(
        np.isfinite(program.row_hi) & (np.bincount(row_of[bad], minlength=a.shape[0]) == 0)
    )


def lagrangian_bound(
    program: Program, cost: np.ndarray, duals: np.ndarray, upper: np.ndarray | None = None
) -> Pricing:
    """The Lagrangian bound of `duals` for ``min cost x + offset`` over `program`'s rows.

    Duals of the wrong sign for a row with an infinite side are set to 0 first (the bound is
    valid for any duals, and those would make it ``-inf``). `upper` defaults to
    :func:`implied_upper`.
    """
    lo, hi = program.row_lo, program.row_hi
    y = np.where((duals > 0) & ~np.isfinite(lo), 0.0, duals)
    y = np.where((y < 0) & ~np.isfinite(hi), 0.0, y)
    reduced = cost - program.A.T @ y
    col_hi = implied_upper(program) if upper is None else upper
    with np.errstate(invalid="ignore", over="ignore"):
        rows = np.where(y > 0, y * lo, np.where(y < 0, y * hi, 0.0))
        cols = np.where(
            reduced > 0, reduced * program.col_lo, np.where(reduced < 0, reduced * col_hi, 0.0)
        )
    bound = float(program.offset + rows.sum() + cols.sum())
    return Pricing(y, reduced, bound if np.isfinite(bound) else -np.inf)


def bound_without_rows(
    program: Program, pricing: Pricing, cost: np.ndarray, rows: np.ndarray
) -> float:
    """The Lagrangian bound of `pricing` for `program` with `rows` freed (-inf: not proven).

    Only when every dual of `rows` is exactly 0 (a simplex leaves a slack row's dual at 0):
    the bound is then that of the same duals over the program without the rows. Their terms
    were 0 already and the reduced costs stay; it can move only where a column with a
    negative reduced cost took its upper bound from one of `rows` (:func:`implied_upper`),
    and is then computed again.
    """
    y = pricing.duals
    if np.any(y[rows] != 0.0):
        return -np.inf
    a = program.A.tocsr()[rows]
    if not np.any(pricing.reduced[np.unique(a.indices)] < 0):
        return pricing.bound
    lo, hi = program.row_lo.copy(), program.row_hi.copy()
    lo[rows], hi[rows] = -np.inf, np.inf
    return lagrangian_bound(replace(program, row_lo=lo, row_hi=hi), cost, y).bound


def promising_columns(
    program: Program, x: np.ndarray, pricing: Pricing, cost: np.ndarray
) -> np.ndarray:
    """Indices of the columns of the restricted MIP (sorted), see the module text."""
    keep = (
        (program.integrality > 0)
        | (program.col_lo > 0)
        | (program.col_hi < 0)
        | (np.abs(x) > USED)
        | (pricing.reduced <= NEAR_ZERO_COST * np.maximum(1.0, np.abs(cost)))
    )
    return np.flatnonzero(keep)
