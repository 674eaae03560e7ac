"""The LP relaxation of a very large program by sifting (column generation) on HiGHS.

A sourcing program with a million offer columns has an LP optimum that uses at most as many
columns as it has rows (coupa-scale: 66,735 rows, 1,104,014 columns), and nearly all the
others are dear offers no optimum needs. Sifting solves the LP over a small working set of
columns and lets the row duals say which of the others could still help:

1. The working set: the integer columns, the columns that may not sit at 0, those with a
   cost <= 0, and per *covering* row (a finite lower side > 0, e.g. an item's demand or a
   group's share) its ``SIFT_PER_ROW`` cheapest columns by cost per unit of the row, plus as
   many more of the cheapest as it takes to reach ``SIFT_COVER`` times the row's lower side
   with the columns' (implied) upper bounds, plus (``SIFT_GREEDY``) the columns a
   cheapest-first filling of the covering rows uses within the room packing rows (e.g.
   capacities) leave.
2. Every row that 0 does not satisfy (lower side > 0, upper side < 0) gets an *artificial*
   column (1 or -1 in that row alone) at ``SIFT_M_FACTOR`` times the row's dearest cost per
   unit: unmet demand at a price, so the restricted LP is feasible in the usual case. When
   it is not (other rows conflict), the columns that break HiGHS's proof of infeasibility
   (its dual ray, :func:`farkas_gain`) join the set and the LP is solved again.
3. The restricted LP is solved (its integer columns relaxed); its row duals ``y`` price every
   column of the whole program, ``d = c - A^T y``. The ``SIFT_ADD`` x (covering rows) most
   negative reduced costs outside the working set join it (``addCols``: HiGHS re-solves from
   the kept basis), and the LP is solved again: by the primal simplex when at most
   ``SIFT_PRIMAL_MAX`` columns joined (the basis stays primal feasible and a few entering
   columns need about as few pivots; the dual simplex spent 400-900 pivots on such a basis),
   else by the instance's own (the dual simplex by default: its pivots cost about 40 % of a
   primal one over 157,000 working columns).
4. When no column prices out (``d_j >= -SIFT_TOL max(1, |c_j|)``) and the artificials are 0,
   the restricted optimum is the LP optimum of the whole program: its point, extended by
   zeros, is feasible for the whole program and the duals are dual feasible for it. With
   artificials still in use ``M`` grows (``SIFT_M_GROWTH``) up to ``SIFT_M_MAX``; past that
   the relaxation is handed back unsolved (the caller falls back to the interior point).

What the caller relies on is only the point and the duals: the bound it reports is the
Lagrangian bound of these duals over *every* column of the program
(:func:`~sourceopt.solvers.relaxation.lagrangian_bound`), valid for any duals, so a column
that prices out just inside the tolerance can weaken the bound, never overstate it.

The default of ``relaxation="auto"`` from ``highs_warm.SIFT_MIN_COLS`` (500,000) columns;
``HighsBackend(relaxation="sift")`` forces it. At coupa-scale (1,104,014 columns), started side
by side with the interior point on the idle 2-core machine: proven optimal in 108 s of solve
against 342 s (benchmarks/README.md, "One solve faster").
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

import numpy as np

from sourceopt.solvers import highs_threads
from sourceopt.solvers.highs_model import new_highs, pass_model, set_budget
from sourceopt.solvers.relaxation import implied_upper

if TYPE_CHECKING:
    from collections.abc import Callable

    import scipy.sparse as sp

    from sourceopt.formulation.program import Program

    Trace = Callable[[int, str, float, int, float], None]

SIFT_PER_ROW = 10  # cheapest columns per covering row in the first working set
SIFT_COVER = 2.0  # ... plus the cheapest until their upper bounds cover this x the row's lower side
SIFT_GREEDY = True  # ... plus the columns of a cheapest-first filling within packing rows
SIFT_ADD = 1  # columns added per round: this many x the number of covering rows, most negative
SIFT_TOL = 1e-7  # a column prices out below -SIFT_TOL x max(1, |cost|)
SIFT_M_FACTOR = 10.0  # artificial cost: this x the row's dearest cost per unit ...
SIFT_M_GROWTH = 100.0  # ... times this while artificials stay in use at the end ...
SIFT_M_MAX = 1e12  # ... up to this x the largest |cost|; then sifting gives up
SIFT_MAX_ROUNDS = 200
SIFT_MAX_SHARE = 0.5  # sifting gives up when the working set would pass this share ...
SIFT_ANY_SIZE = 50_000  # ... of the columns and this many
ARTIFICIAL_USED = 1e-7  # an artificial column above this is in use
SIFT_PRIMAL_MAX = 50  # at most this many columns joined: the next run is the primal simplex
PRIMAL = 4  # HiGHS's simplex_strategy for it (else the instance's own, the dual by default)


@dataclass(frozen=True)
class Sifted:
    """The LP relaxation solved by sifting: point and row duals of the whole program."""

    x: np.ndarray  # over all the program's columns (0 outside the working set)
    duals: np.ndarray  # row duals (HiGHS's sign convention: d = c - A^T y)
    objective: float  # cost x + offset
    extra: dict[str, object] = field(default_factory=dict)
    working: WorkingLP | None = None  # the working LP it was solved in, kept for edits


def first_columns(program: Program, cost: np.ndarray, upper: np.ndarray) -> np.ndarray:
    """Boolean mask of the first working set (step 1 of the module text)."""
    keep: np.ndarray = (
        (program.integrality > 0) | (program.col_lo != 0) | (program.col_hi < 0) | (cost <= 0)
    )
    a = program.A.tocsr()
    greedy = _Greedy(program, upper) if SIFT_GREEDY else None
    for row in np.flatnonzero(program.row_lo > 0):
        lo, hi = a.indptr[row], a.indptr[row + 1]
        cols, coef = a.indices[lo:hi], a.data[lo:hi]
        cols, coef = cols[coef > 0], coef[coef > 0]
        order = np.argsort(cost[cols] / coef, kind="stable")
        reach = np.cumsum((coef * upper[cols])[order])
        take = max(SIFT_PER_ROW, int(np.searchsorted(reach, SIFT_COVER * program.row_lo[row])) + 1)
        keep[cols[order[:take]]] = True
        if greedy is not None:
            keep[greedy.fill(float(program.row_lo[row]), cols[order], coef[order])] = True
    return keep


class _Greedy:
    """Cheapest-first filling of covering rows within what packing rows leave.

    Packing rows: all coefficients >= 0 over columns >= 0 with a finite upper side (e.g. a
    supplier's capacity). Filling a covering row takes its columns cheapest first, each as far
    as its bound and the room left in its packing rows allow, until the row's lower side is
    met; the columns used join the working set, so it holds a point that meets the covering
    and packing rows together (other rows are left to the artificials and pricing).
    """

    def __init__(self, program: Program, upper: np.ndarray) -> None:
        a = program.A.tocsr()
        row_of = np.repeat(np.arange(a.shape[0]), np.diff(a.indptr))
        bad = (a.data < 0) | (program.col_lo[a.indices] < 0)
        self.packing = np.isfinite(program.row_hi) & (
            np.bincount(row_of[bad], minlength=a.shape[0]) == 0
        )
        self.room = np.where(self.packing, program.row_hi, np.inf)
        self.csc = program.A.tocsc()
        self.upper = upper

    def fill(self, need: float, cols: np.ndarray, coef: np.ndarray) -> list[int]:
        """Columns used to meet `need` with `cols` (cheapest first) at `coef` per unit."""
        used: list[int] = []
        indptr, indices, data = self.csc.indptr, self.csc.indices, self.csc.data
        for j, per_unit in zip(cols.tolist(), coef.tolist(), strict=True):
            if need <= 0:
                break
            rows, vals = indices[indptr[j] : indptr[j + 1]], data[indptr[j] : indptr[j + 1]]
            mine = self.packing[rows]
            with np.errstate(divide="ignore"):
                room = np.min(self.room[rows[mine]] / vals[mine], initial=self.upper[j])
            units = min(float(room), need / per_unit)
            if units <= 0:
                continue
            self.room[rows[mine]] -= units * vals[mine]
            need -= units * per_unit
            used.append(j)
        return used


def sifted_relaxation(
    hs: Any,
    program: Program,
    cost: np.ndarray,
    options: dict[str, Any],
    seconds: float,
    trace: Trace | None = None,
) -> Sifted | None:
    """The LP relaxation of `program` (objective `cost`) by sifting, or None when not solved.

    `hs` is the highspy module, `options` HiGHS options for the working instance (e.g. the
    seed and threads of the caller's), `seconds` the time it may take (``inf``: no limit),
    `trace` is called after each round with (round, HiGHS status, seconds, working columns,
    HiGHS's objective).
    None when the time ran out, HiGHS failed, or no column of the program repairs an
    infeasible working set (the program may be infeasible: the caller decides with the whole
    program). The working LP is kept in the result (``working``) for :func:`.highs_kept.edited`.
    """
    working = WorkingLP(hs, program, cost, options)
    sifted = working.sift(program, seconds, trace)
    if sifted is None:
        return None
    working.basis = working.h.getBasis()
    return replace(sifted, working=working)


class WorkingLP:
    """Sifting's working LP in a HiGHS instance, kept so that edits of the program re-solve warm.

    HiGHS's columns are the working columns in the order they joined (``order``: the program
    column of each), the artificials sitting after the first ``n_first`` of them.
    :func:`.highs_kept.edited` re-solves an edit of the program's bounds (rows freed, columns
    fixed at 0) from the base's optimal basis and leaves the instance as the base left it.
    """

    def __init__(self, hs: Any, program: Program, cost: np.ndarray, options: dict[str, Any]):
        self.program, self.cost = program, cost
        upper = implied_upper(program)
        self.order = np.flatnonzero(first_columns(program, cost, upper))
        self.h = new_highs(hs)
        for name, value in options.items():
            self.h.setOptionValue(name, value)
        self.h.setOptionValue("solve_relaxation", True)
        pass_model(hs, self.h, program, cost, self.order)
        self.art_rows, self.art_cost = _add_artificials(self.h, program, cost)
        self.n_first, self.n_art = len(self.order), len(self.art_rows)
        self.limit = SIFT_ADD * max(1, int(np.count_nonzero(program.row_lo > 0)))
        self.a_csc = program.A.tocsc()
        self.basis: Any = None  # the base's optimal basis, once :func:`sifted_relaxation` ends

    def sift(
        self,
        program: Program,
        seconds: float,
        trace: Trace | None = None,
        *,
        strict: bool = False,
    ) -> Sifted | None:
        """Sifting rounds on `program` (the base, or an edit of its bounds) from HiGHS's state.

        `strict`: None as soon as the working LP is infeasible or needs an artificial (no
        repair, no dearer artificials): for an LP that may well have no point at all.
        """
        h = self.h
        strategy = h.getOptionValue("simplex_strategy")[1]
        try:
            return self._rounds(program, seconds, trace, strict, strategy)
        finally:
            h.setOptionValue("simplex_strategy", strategy)

    def _rounds(
        self, program: Program, seconds: float, trace: Trace | None, strict: bool, given: int
    ) -> Sifted | None:
        """:meth:`sift`'s rounds, `given` the instance's simplex strategy (they change it)."""
        started = time.perf_counter()
        h = self.h
        inside = np.zeros(program.n_cols, dtype=bool)
        inside[self.order] = True
        rounds, repairs, simplex = 0, 0, given
        while rounds < SIFT_MAX_ROUNDS:
            left = seconds - (time.perf_counter() - started)
            if left <= 0:
                return None
            set_budget(h, left)
            h.setOptionValue("simplex_strategy", simplex)
            highs_threads.run(h)
            rounds += 1
            status = h.getModelStatus().name
            if trace is not None:
                objective = float(h.getInfo().objective_function_value)
                trace(rounds, status, time.perf_counter() - started, int(inside.sum()), objective)
            if status == "kInfeasible":
                if strict:
                    return None
                out = _repairing(h, program, implied_upper(program), inside, self.limit)
                repairs += 1
            elif status == "kOptimal":
                out = _priced_out(h, program, self.cost, inside, self.limit)
                if out.size == 0:
                    if not _artificials_used(h, self.n_first, self.n_art):
                        break
                    if strict or not _raise_prices(h, self.art_cost, self.n_first, self.cost):
                        return None
                    continue
            else:
                return None
            if out is None or out.size == 0:
                return None
            if int(inside.sum()) + out.size > max(SIFT_MAX_SHARE * program.n_cols, SIFT_ANY_SIZE):
                return None  # most columns are needed: the whole program is the better LP
            _add_columns(h, self.a_csc, program, self.cost, out)
            priced = status == "kOptimal" and out.size <= SIFT_PRIMAL_MAX
            simplex = PRIMAL if priced else given
            inside[out] = True
            self.order = np.concatenate([self.order, out])
        else:
            return None
        return self._point(program, rounds, repairs, started)

    def _point(self, program: Program, rounds: int, repairs: int, started: float) -> Sifted:
        """The working LP's optimum as a point and duals of the whole `program`."""
        x = np.zeros(program.n_cols)
        sol = self.h.getSolution()
        col = np.asarray(sol.col_value, dtype=float)
        first, n_art = self.n_first, self.n_art
        x[self.order[:first]] = col[:first]
        x[self.order[first:]] = col[first + n_art :]
        extra: dict[str, object] = {
            "sifting_rounds": rounds,
            "sifting_repairs": repairs,
            "sifting_columns": len(self.order),
            "sifting_s": round(time.perf_counter() - started, 3),
        }
        y = np.asarray(sol.row_dual, dtype=float)
        return Sifted(x, y, float(self.cost @ x + program.offset), extra)


def _priced_out(
    h: Any, program: Program, cost: np.ndarray, inside: np.ndarray, limit: int
) -> np.ndarray:
    """The (at most `limit`) most negative columns outside the set at the LP's row duals."""
    y = np.asarray(h.getSolution().row_dual, dtype=float)
    reduced = cost - program.A.T @ y
    tol = SIFT_TOL * np.maximum(1.0, np.abs(cost))
    out = np.flatnonzero(~inside & (reduced < -tol) & (program.col_hi > 0))
    if out.size > limit:
        out = np.sort(out[np.argpartition(reduced[out], limit)[:limit]])
    return out


def _artificials_used(h: Any, first: int, n_art: int) -> bool:
    """Whether an artificial column (at `first`, `n_art` of them) is in use at the LP point."""
    col = np.asarray(h.getSolution().col_value, dtype=float)
    return bool(col[first : first + n_art].max(initial=0.0) > ARTIFICIAL_USED)


def _raise_prices(h: Any, art_cost: np.ndarray, first: int, cost: np.ndarray) -> bool:
    """Multiply the artificials' costs by ``SIFT_M_GROWTH`` (False past ``SIFT_M_MAX``)."""
    art_cost *= SIFT_M_GROWTH
    if art_cost.min(initial=np.inf) > SIFT_M_MAX * max(1.0, float(np.abs(cost).max())):
        return False
    n = len(art_cost)
    h.changeColsCost(n, np.arange(first, first + n, dtype=np.int32), art_cost)
    return True


def _add_artificials(h: Any, program: Program, cost: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """An artificial column per row that 0 does not satisfy (unmet demand, at a price).

    Its cost is ``SIFT_M_FACTOR`` x the dearest cost per unit of the row among its columns,
    so the working LP is feasible and well scaled; returns the rows and the costs.
    """
    a = program.A.tocsr()
    lo_rows = np.flatnonzero(program.row_lo > 0)
    hi_rows = np.flatnonzero(program.row_hi < 0)
    rows = np.concatenate([lo_rows, hi_rows])
    sign = np.concatenate([np.ones(len(lo_rows)), -np.ones(len(hi_rows))])
    row_of = np.repeat(np.arange(a.shape[0]), np.diff(a.indptr))
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.abs(cost[a.indices]) / np.abs(a.data)
    dearest = np.zeros(a.shape[0])
    np.maximum.at(dearest, row_of, np.where(np.isfinite(ratio), ratio, 0.0))
    price = SIFT_M_FACTOR * np.maximum(1.0, dearest[rows])
    n = len(rows)
    h.addCols(
        n,
        price,
        np.zeros(n),
        np.full(n, np.inf),
        n,
        np.arange(n, dtype=np.int32),
        rows.astype(np.int32),
        sign,
    )
    return rows, price


def farkas_gain(
    program: Program, ray: np.ndarray, inside: np.ndarray, upper: np.ndarray
) -> np.ndarray | None:
    """Per column, how much it weakens the infeasibility proof `ray` of the working set.

    For row multipliers ``y`` every feasible ``x`` has ``y A x >= R = sum_i min(y_i lo_i,
    y_i hi_i)``, while over the columns' bounds ``y A x <= B = sum_j max(g_j l_j, g_j u_j)``
    with ``g = A^T y``: ``B < R`` proves the working set infeasible. A column outside it
    (``l_j = 0``) raises ``B`` by ``max(0, g_j u_j)``: that is its gain. The ray's sign is
    whichever of ``y``, ``-y`` proves infeasibility (HiGHS's convention is not relied on);
    None when neither does.
    """
    for sign in (1.0, -1.0):
        y = sign * ray
        y = np.where((y > 0) & ~np.isfinite(program.row_lo), 0.0, y)
        y = np.where((y < 0) & ~np.isfinite(program.row_hi), 0.0, y)
        with np.errstate(invalid="ignore", over="ignore"):
            rows = np.where(y > 0, y * program.row_lo, np.where(y < 0, y * program.row_hi, 0.0))
            g = program.A.T @ y
            box = np.where(g > 0, g * upper, np.where(g < 0, g * program.col_lo, 0.0))
        need, have = float(rows.sum()), float(box[inside].sum())
        if np.isfinite(need) and have < need:
            with np.errstate(invalid="ignore"):
                return np.where(inside | (program.col_lo != 0), 0.0, np.maximum(0.0, g * upper))
    return None


def _repairing(
    h: Any, program: Program, upper: np.ndarray, inside: np.ndarray, limit: int
) -> np.ndarray | None:
    """Columns outside the infeasible working set that break its Farkas proof (most first)."""
    ray = _dual_ray(h)
    if ray is None:
        return None
    gain = farkas_gain(program, ray, inside, upper)
    if gain is None:
        return None
    out = np.flatnonzero(gain > 0)
    if out.size > limit:
        out = np.sort(out[np.argpartition(-gain[out], limit)[:limit]])
    return out


def _dual_ray(h: Any) -> np.ndarray | None:
    """HiGHS's dual ray of an infeasible LP (solved again without presolve if it has none)."""
    _, has, ray = h.getDualRay()
    if not has:
        h.setOptionValue("presolve", "off")
        try:
            highs_threads.run(h)
            _, has, ray = h.getDualRay()
        finally:
            h.setOptionValue("presolve", "choose")
    return np.asarray(ray, dtype=float) if has else None


def _add_columns(
    h: Any, a_csc: sp.csc_matrix, program: Program, cost: np.ndarray, cols: np.ndarray
) -> None:
    """Append the program's columns `cols` to the working LP (HiGHS keeps its basis)."""
    sub = a_csc[:, cols]
    h.addCols(
        len(cols),
        np.ascontiguousarray(cost[cols], dtype=np.float64),
        np.ascontiguousarray(program.col_lo[cols], dtype=np.float64),
        np.ascontiguousarray(program.col_hi[cols], dtype=np.float64),
        int(sub.nnz),
        sub.indptr[:-1].astype(np.int32),
        sub.indices.astype(np.int32),
        np.ascontiguousarray(sub.data, dtype=np.float64),
    )
