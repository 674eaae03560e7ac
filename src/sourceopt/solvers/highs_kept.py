"""Edits of a large MIP re-solved on its kept relaxation (the analyses' in-place re-solves).

The base's warm start (:mod:`.highs_warm`) sifted the LP relaxation in a working LP
(:class:`.highs_sift.WorkingLP`); :class:`Kept` holds it, at the base's optimal basis, with the
relaxation's duals. :func:`edited` solves the relaxation of an edit of the base's bounds (a
rule's rows freed, a supplier's columns fixed at 0) from that basis and finds an award near
it (:func:`_best_award`: the relaxation rounded, or integer values completed by the LP over
the other columns), leaving the working LP as the base left it; :func:`completed_base` does
the same for the base's own relaxation.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from sourceopt.solvers.relaxation import implied_upper, packing_rows

if TYPE_CHECKING:
    from sourceopt.formulation.program import Program
    from sourceopt.solvers.highs_sift import Sifted, WorkingLP
    from sourceopt.solvers.relaxation import Pricing


@dataclass
class Kept:
    """A base MIP's relaxation, kept between its solve and the re-solves of its edits.

    Filled by the base's warm start (``working`` only when it sifted); each later warm start
    with it treats its program as an edit of the base's bounds.
    """

    working: WorkingLP | None = None  # sifting's working LP, at the base's optimal basis
    pricing: Pricing | None = None  # the base relaxation's duals, reduced costs and bound
    upper: np.ndarray | None = None  # the base's column bounds tightened by its rows
    packing: np.ndarray | None = None  # the base's rows that tighten them

    def implied_upper(self, program: Program) -> np.ndarray:
        """:func:`~.relaxation.implied_upper` of `program`, the base or an edit of it.

        The base's is computed once; an edit that only frees rows and lowers upper bounds has
        the base's tightened by its own upper bounds, recomputed for the freed rows' columns.
        """
        base = None if self.working is None else self.working.program
        if self.upper is None or base is None:
            upper = implied_upper(program)
            if self.upper is None:
                self.upper = upper
            return upper
        moved = (program.row_lo != base.row_lo) | (program.row_hi != base.row_hi)
        freed = ~np.isfinite(program.row_lo) & ~np.isfinite(program.row_hi)
        same_lo = np.array_equal(program.col_lo, base.col_lo)
        if np.any(moved & ~freed) or not same_lo or np.any(program.col_hi > base.col_hi):
            return implied_upper(program)
        tight: np.ndarray = np.minimum(self.upper, program.col_hi)
        rows = np.flatnonzero(moved)
        if rows.size:  # the columns of freed rows: their bounds from the other rows again
            cols = np.unique(base.A.tocsr()[rows].indices)
            tight[cols] = self._without(program, cols, moved)
        return tight

    def _without(self, program: Program, cols: np.ndarray, freed: np.ndarray) -> np.ndarray:
        """Upper bounds of `cols` implied by the base's packing rows other than `freed`."""
        assert self.working is not None
        if self.packing is None:
            self.packing = packing_rows(self.working.program)
        sub = self.working.a_csc[:, cols]
        col_of = np.repeat(np.arange(len(cols)), np.diff(sub.indptr))
        use = self.packing[sub.indices] & ~freed[sub.indices] & (sub.data > 0)
        out = np.asarray(program.col_hi[cols], dtype=float).copy()
        np.minimum.at(out, col_of[use], program.row_hi[sub.indices[use]] / sub.data[use])
        return out


def edited(
    working: WorkingLP,
    program: Program,
    seconds: float,
    fix: np.ndarray | None = None,
    gap: float = 0.0,
) -> tuple[Sifted | None, np.ndarray | None]:
    """The LP relaxation of `program`, an edit of the base's bounds, sifted warm; an award.

    The edit's rows and working columns get their new bounds, the rounds start from the
    base's optimal basis (the dual simplex: fixing columns at 0 and freeing rows keep a
    basis primal or dual feasible), and afterwards the columns that joined are deleted and
    every bound, cost and the basis are as the base left them. The relaxation is None as in
    :func:`.highs_sift.sifted_relaxation`. The award is the best of :func:`_best_award`
    (`fix`: the integer columns' values of a start, NaN elsewhere); None when none is found.
    """
    base, h = working.program, working.h
    kept, art_cost = len(working.order), working.art_cost.copy()
    rows = np.flatnonzero((program.row_lo != base.row_lo) | (program.row_hi != base.row_hi))
    cols = np.flatnonzero((program.col_lo != base.col_lo) | (program.col_hi != base.col_hi))
    where = _positions(working, cols)
    cols, where = cols[where >= 0], where[where >= 0]
    h.setBasis(working.basis)
    _bounds(h, rows, program.row_lo, program.row_hi, cols, where, program)
    try:
        relaxed = working.sift(program, seconds)
        if relaxed is None:
            return None, None
        best = _best_award(working, program, relaxed, fix, seconds, gap)
        return relaxed, best
    finally:
        _drop_joined(working, kept)
        _bounds(h, rows, base.row_lo, base.row_hi, cols, where, base)
        if not np.array_equal(art_cost, working.art_cost):
            working.art_cost[:] = art_cost
            n = working.n_art
            h.changeColsCost(
                n, np.arange(working.n_first, working.n_first + n, dtype=np.int32), art_cost
            )
        h.setBasis(working.basis)


def completed_base(
    working: WorkingLP, relaxed: Sifted, seconds: float, gap: float
) -> np.ndarray | None:
    """An award of the base program from its relaxation `relaxed`, which `working` just solved.

    As for an edit (:func:`_best_award`, without a start); the working LP is left as the
    relaxation left it (its columns, at the base's optimal basis). None when none is found.
    """
    kept = len(working.order)
    try:
        return _best_award(working, working.program, relaxed, None, seconds, gap)
    finally:
        _drop_joined(working, kept)
        working.h.setBasis(working.basis)


def _best_award(
    working: WorkingLP,
    program: Program,
    relaxed: Sifted,
    fix: np.ndarray | None,
    seconds: float,
    gap: float,
) -> np.ndarray | None:
    """The cheapest award of three, stopping at one within `gap` of the relaxation `relaxed`.

    1. The relaxation's point with its integer columns rounded up (:func:`rounded_point`),
       when that keeps its rows: no LP at all (the indicators of a sourcing relaxation are
       fractional only where they cost nothing, e.g. ``units <= M z`` with ``z`` free).
    2. The relaxation's integer columns rounded up (:func:`rounded_up`), completed by the LP
       over the continuous columns (:func:`_completed`) from the relaxation's basis: at
       coupa-scale 3 to a few hundred iterations.
    3. `fix`, given values of the integer columns (NaN elsewhere), completed so (a start
       the edit keeps feasible, e.g. the base award without a rule; 700-3,700 iterations
       from a relaxation it is far from).
    """
    enough = relaxed.objective + gap * max(1.0, abs(relaxed.objective))
    best = rounded_point(program, working.a_csc, relaxed.x)
    value = np.inf if best is None else float(working.cost @ best)
    for given in [None] + ([] if fix is None else [fix]):
        if value + program.offset <= enough:
            break
        values = rounded_up(program, relaxed.x) if given is None else given
        x = _completed(working, program, values, seconds)
        if x is not None and float(working.cost @ x) < value:
            best, value = x, float(working.cost @ x)
    return best


ROUNDED_TOL = 1e-7  # a rounded point keeps a row within this x max(1, |side|)


def rounded_point(program: Program, a_csc: Any, x: np.ndarray) -> np.ndarray | None:
    """`x` with its integer columns rounded up within their bounds, if it keeps its rows.

    Only the rows of columns that moved are checked (the others keep `x`'s activity), each
    within ``ROUNDED_TOL`` x max(1, |side|) of its sides; None when one is not.
    """
    integer = np.flatnonzero(program.integrality > 0)
    out = x.copy()
    up = np.ceil(x[integer] - 1e-9)
    out[integer] = np.clip(up, program.col_lo[integer], program.col_hi[integer])
    moved = integer[out[integer] != x[integer]]
    rows = np.unique(a_csc[:, moved].indices)
    if rows.size == 0:
        return out
    activity = program.A[rows] @ out
    lo, hi = program.row_lo[rows], program.row_hi[rows]
    with np.errstate(invalid="ignore"):
        low = activity < lo - ROUNDED_TOL * np.maximum(1.0, np.abs(lo))
        high = activity > hi + ROUNDED_TOL * np.maximum(1.0, np.abs(hi))
    return None if np.any(low | high) else out


def _drop_joined(working: WorkingLP, kept: int) -> None:
    """Delete the working columns that joined after the first `kept` (the base's set)."""
    h = working.h
    joined = np.arange(kept + working.n_art, h.getNumCol())
    if joined.size:
        h.deleteCols(len(joined), joined.astype(np.int32))
    working.order = working.order[:kept]


def integer_part(program: Program, x: np.ndarray) -> np.ndarray:
    """The integer columns of `x` within their bounds, NaN elsewhere (a partial start)."""
    integer = program.integrality > 0
    out = np.full(program.n_cols, np.nan)
    out[integer] = np.clip(x[integer], program.col_lo[integer], program.col_hi[integer])
    return out


def rounded_up(program: Program, x: np.ndarray) -> np.ndarray:
    """The integer columns of `x` rounded up within their bounds, NaN elsewhere."""
    return integer_part(program, np.ceil(x - 1e-6))


def _completed(
    working: WorkingLP, program: Program, fix: np.ndarray, seconds: float
) -> np.ndarray | None:
    """An award of `program` with its integer columns at `fix`: the LP over the others.

    Sifted on from the relaxation just solved (the integer columns are working columns);
    None when those values leave no point without an artificial, or not in time. The
    integer columns get `program`'s bounds back.
    """
    ints = np.flatnonzero(~np.isnan(fix))
    where = _positions(working, ints)
    if np.any(where < 0):
        return None
    values = fix[ints]
    h = working.h
    _swap_out(working, ints, where, values)
    h.changeColsBounds(len(ints), where.astype(np.int32), values, values)
    try:
        point = working.sift(program, seconds, strict=True)
    finally:
        h.changeColsBounds(
            len(ints), where.astype(np.int32), program.col_lo[ints], program.col_hi[ints]
        )
    if point is None:
        return None
    x = point.x
    x[ints] = values
    return x


def _swap_out(working: WorkingLP, ints: np.ndarray, where: np.ndarray, values: np.ndarray) -> None:
    """Make the basic columns of `ints` that `values` move nonbasic, a row of each basic.

    Fixing a basic column away from its value makes it primal infeasible, and the dual
    simplex would pivot it out one iteration at a time: at coupa-scale some 10,800 award
    indicators sit basic at fractions (``units <= M z`` with ``z`` free), which took 2-13 s
    per completion. Each such column (HiGHS position `where`) swaps places with one of its
    rows that is nonbasic (its ``units <= M z`` row, which the new value leaves slack), so
    the basis stays the same size and the row duals, and the simplex is left with the few
    rows the new values break. The swap changes only where the simplex starts: should the
    basis be singular, HiGHS repairs it, and the LP's optimum is the same.
    """
    h = working.h
    basis = h.getBasis()
    values_now = np.asarray(h.getSolution().col_value, dtype=float)
    if not basis.valid or len(values_now) != h.getNumCol():
        return  # no basis or point to start from (e.g. after a failed run): nothing to swap
    col_status, row_status = list(basis.col_status), list(basis.row_status)
    basic = type(col_status[0]).kBasic
    now = values_now[where]
    is_basic = np.fromiter((col_status[p] == basic for p in where), dtype=bool, count=len(where))
    move = np.flatnonzero(is_basic & (np.abs(now - values) > 1e-9))
    if move.size == 0:
        return
    sub = working.a_csc[:, ints[move]]
    col_of = np.repeat(np.arange(move.size), np.diff(sub.indptr))
    free = np.fromiter((row_status[r] != basic for r in sub.indices), bool, count=sub.nnz)
    first_col, at = np.unique(col_of[free], return_index=True)  # one row per column ...
    rows = sub.indices[free][at]
    rows, keep = np.unique(rows, return_index=True)  # ... and one column per row
    lower = type(col_status[0]).kLower
    for k, r in zip(first_col[keep].tolist(), rows.tolist(), strict=True):
        col_status[int(where[move[k]])] = lower
        row_status[r] = basic
    basis.col_status, basis.row_status = col_status, row_status
    h.setBasis(basis)


def _positions(working: WorkingLP, cols: np.ndarray) -> np.ndarray:
    """HiGHS's index of each program column in `cols` (-1: not a working column)."""
    at = np.full(working.program.n_cols, -1, dtype=np.int64)
    k = np.arange(len(working.order))
    at[working.order] = np.where(k < working.n_first, k, k + working.n_art)
    return np.asarray(at[cols], dtype=np.int64)


def _bounds(
    h: Any,
    rows: np.ndarray,
    row_lo: np.ndarray,
    row_hi: np.ndarray,
    cols: np.ndarray,
    where: np.ndarray,
    program: Program,
) -> None:
    """Set `rows`' bounds and columns `cols` (at HiGHS positions `where`) to `program`'s."""
    if rows.size:
        h.changeRowsBounds(len(rows), rows.astype(np.int32), row_lo[rows], row_hi[rows])
    if cols.size:
        h.changeColsBounds(
            len(cols), where.astype(np.int32), program.col_lo[cols], program.col_hi[cols]
        )
