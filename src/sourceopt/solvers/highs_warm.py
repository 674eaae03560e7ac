"""The HiGHS warm start of large MIPs: a proven bound and a start award from the relaxation.

HiGHS's own root on a large sourcing MIP (a dual simplex over every column, cut rounds) is
slow to a first award while the LP relaxation is nearly integral (coupa-scale,
benchmarks/README.md). So before the whole MIP runs:

1. The LP relaxation (on the same instance) within ``WARM_START_SHARE`` of a finite time
   limit: by the dual simplex, or from ``IPM_MIN_COLS`` columns by the interior point method
   without crossover (at 300,000 columns 45 s against 78 s, at 1,080,000 227 s against
   497 s; at 100,000 the simplex is three times faster).
2. Its row duals give a bound valid whatever their accuracy
   (:func:`~sourceopt.solvers.relaxation.lagrangian_bound`).
3. A sifted relaxation's point is rounded, or completed by an LP over the continuous
   columns (:func:`.highs_kept.completed_base`); within the gap of the bound, that is the
   award and no MIP runs.
4. Otherwise the MIP restricted to the promising columns (integer columns, those the
   relaxation uses or prices at almost 0) is solved within ``RESTRICTED_SHARE`` of the time
   left; its award, an award of the whole program, is handed to HiGHS with ``setSolution``
   as the incumbent to beat.

The math of steps 2 and 4 is backend-neutral (:mod:`sourceopt.solvers.relaxation`); this
module drives HiGHS through it.

An analysis re-solving edits of one large MIP (a rule's rows freed, a supplier's columns fixed
at 0) keeps the base's relaxation in a :class:`~.highs_kept.Kept`: a sifted relaxation's
working LP (and its optimal basis) is re-solved warm for each edit
(:func:`.highs_kept.edited`) instead of from scratch, and an edit that keeps the base award
feasible hands it to the restricted MIP as its start.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from sourceopt.solvers import highs_threads
from sourceopt.solvers.highs_kept import Kept, completed_base, edited, integer_part
from sourceopt.solvers.highs_model import (
    FEASIBLE_POINT,
    budget,
    new_highs,
    pass_model,
    set_budget,
)
from sourceopt.solvers.highs_sift import sifted_relaxation
from sourceopt.solvers.relaxation import lagrangian_bound, promising_columns

if TYPE_CHECKING:
    from sourceopt.formulation.program import Program

WARM_START_MODES = ("auto", "on", "off")
RELAXATION_METHODS = ("auto", "simplex", "ipm", "sift")
WARM_START_MIN_COLS = 50_000  # "auto" warm start from this many columns (MIPs only)
WARM_START_SHARE = 0.5  # share of a finite time limit the LP relaxation may use
IPM_MIN_COLS = 200_000  # the relaxation by interior point (no crossover) from this many columns
SIFT_MIN_COLS = (
    500_000  # "auto" sifts from this many columns (3.2x at coupa-scale, benchmarks/README)
)
RESTRICTED_SHARE = 0.6  # share of the time left the restricted MIP may use
RINS_SHARE = 0.25  # ... of which the MIP of an edit's neighbourhood of its start


@dataclass(frozen=True)
class WarmStart:
    """What :func:`warm_start` found: a bound, and an award unless none was."""

    bound: float  # lower bound on the MIP's solver objective (-inf when none is proven)
    x: np.ndarray | None  # the start award over all columns
    objective: float  # its solver objective (inf without an award)
    extra: dict[str, object]  # timings and sizes for the result's solver details
    infeasible: bool = False  # the relaxation is infeasible, so the MIP is too


def uses_warm_start(mode: str, program: Program) -> bool:
    """Whether a run in warm-start `mode` builds a start award first.

    ``"auto"``: for MIPs with at least ``WARM_START_MIN_COLS`` columns; ``"on"``: every MIP;
    ``"off"``: never.
    """
    if not program.is_mip or mode == "off":
        return False
    return mode == "on" or program.n_cols >= WARM_START_MIN_COLS


def sifts(mode: str, relaxation: str, program: Program) -> bool:
    """Whether a run in warm-start `mode` sifts the relaxation of `program` (see the module)."""
    if not uses_warm_start(mode, program):
        return False
    return relaxation == "sift" or (relaxation == "auto" and program.n_cols >= SIFT_MIN_COLS)


def warm_start(
    hs: Any,
    h: Any,
    program: Program,
    relaxation: str = "auto",
    *,
    kept: Kept | None = None,
    start: np.ndarray | None = None,
) -> WarmStart | None:
    """A proven bound and a start award for a prepared MIP instance `h` (see the module text).

    `hs` is the highspy module. Options and the time limit of `h` are restored (the time
    spent here is deducted). `relaxation` is how the LP relaxation is solved (one of
    ``RELAXATION_METHODS``): ``"auto"`` as in the module text, ``"simplex"``, ``"ipm"`` (no
    crossover), or ``"sift"`` (:mod:`.highs_sift`, falling back to ``"auto"`` when sifting
    does not finish). `kept`: the base's relaxation is stored there, or, once it holds a
    working LP, `program` is an edit of the base's bounds re-sifted warm from it. `start`: an
    award of `program` the restricted MIP starts from (its columns join it), or a partial one
    (NaN where no value is given: HiGHS completes the others by an LP). Returns None when
    the relaxation was not solved (then nothing is set), and a start marked ``infeasible``
    when the relaxation is infeasible (so is the MIP).
    """
    if relaxation not in RELAXATION_METHODS:
        raise ValueError(f"relaxation must be one of {RELAXATION_METHODS}, not {relaxation!r}")
    started = time.perf_counter()
    limit = budget(h)
    cost = program.solver_objective()
    extra: dict[str, object] = {}
    sifted = None
    seconds = WARM_START_SHARE * limit if np.isfinite(limit) else np.inf
    completed = None
    gap = float(h.getOptionValue("mip_rel_gap")[1])
    if kept is not None and kept.working is not None:
        fix = _integers(program, start)
        sifted, completed = edited(kept.working, program, seconds, fix, gap)
        extra["sifting"] = "re-solved from the base's" if sifted is not None else "gave up"
    elif sifts("on", relaxation, program):
        options = {o: h.getOptionValue(o)[1] for o in ("output_flag", "random_seed", "threads")}
        sifted = sifted_relaxation(hs, program, cost, options, seconds)
        extra["sifting"] = "solved" if sifted is not None else "gave up"
        if sifted is not None and sifted.working is not None:
            completed = completed_base(sifted.working, sifted, seconds, gap)
            if kept is not None:
                kept.working = sifted.working
    if sifted is not None:
        x_lp, duals = sifted.x, sifted.duals
        extra.update(sifted.extra)
    else:
        if np.isfinite(limit):
            left = limit - (time.perf_counter() - started)
            set_budget(h, max(1.0, WARM_START_SHARE * left))
        solved = _relax_whole(h, program, relaxation)
        if not isinstance(solved, tuple):
            _deduct(h, limit, started)
            if solved == "kInfeasible":
                return WarmStart(np.inf, None, np.inf, extra, infeasible=True)
            return None
        x_lp, duals = solved
    upper = None if kept is None else kept.implied_upper(program)
    pricing = lagrangian_bound(program, cost, duals, upper)
    if kept is not None and kept.pricing is None:
        kept.pricing = pricing
    relaxed_s = time.perf_counter() - started
    columns = promising_columns(program, x_lp, pricing, cost)
    target = _target(pricing.bound, gap)
    left = limit - (time.perf_counter() - started)
    found = _Award(hs, h, program, cost, target, RESTRICTED_SHARE * left, extra)
    x0, start = found.best(columns, x_lp, start, completed)
    _deduct(h, limit, started)
    objective = float(cost @ x0 + program.offset) if x0 is not None else np.inf
    whole = start is not None and not np.isnan(start).any()
    if whole and start is not None and float(cost @ start + program.offset) < objective:
        x0, objective = start, float(cost @ start + program.offset)
    if x0 is not None:
        h.setSolution(len(x0), np.arange(len(x0), dtype=np.int32), x0)
    extra.update(
        {
            "relaxation_s": round(relaxed_s, 3),
            "start_s": round(time.perf_counter() - started, 3),
        }
    )
    return WarmStart(pricing.bound, x0, objective, extra)


def _relax_whole(h: Any, program: Program, relaxation: str) -> tuple[np.ndarray, np.ndarray] | str:
    """The LP relaxation of the whole program on `h`: (point, row duals), else HiGHS's status."""
    h.setOptionValue("solve_relaxation", True)
    if relaxation == "ipm" or (relaxation in ("auto", "sift") and program.n_cols >= IPM_MIN_COLS):
        h.setOptionValue("solver", "ipm")
        h.setOptionValue("run_crossover", "off")
    elif relaxation == "simplex":
        h.setOptionValue("solver", "simplex")
    try:
        highs_threads.run(h)
        relaxed = str(h.getModelStatus().name)
        sol = h.getSolution() if relaxed == "kOptimal" else None
    finally:
        h.setOptionValue("solve_relaxation", False)
        h.setOptionValue("solver", "choose")
        h.setOptionValue("run_crossover", "on")
    if sol is None:
        return relaxed
    return np.asarray(sol.col_value, dtype=float), np.asarray(sol.row_dual, dtype=float)


@dataclass
class _Award:
    """The warm start's award, the cheapest way first (see :meth:`best`)."""

    hs: Any
    h: Any
    program: Program
    cost: np.ndarray
    target: float  # an award at or below it is within the gap of the relaxation's bound
    seconds: float
    extra: dict[str, object]

    def value(self, x: np.ndarray) -> float:
        """The solver objective of an award."""
        return float(self.cost @ x + self.program.offset)

    def best(
        self,
        columns: np.ndarray,
        x_lp: np.ndarray,
        start: np.ndarray | None,
        completed: np.ndarray | None,
    ) -> tuple[np.ndarray | None, np.ndarray | None]:
        """An award and the start it came from.

        1. `completed` (a start's integer columns completed by the LP over the others) within
           the target: no MIP at all.
        2. With a start: the restricted MIP with the integer columns on which the start and
           the relaxation `x_lp` agree fixed there (a RINS neighbourhood, small), within the
           target.
        3. The restricted MIP over `columns` from the best start so far.
        """
        if completed is not None:
            start = completed
            if self.value(completed) <= self.target:
                self.extra["completed"] = True
                return completed, start
        if start is None:
            self.extra["restricted_columns"] = len(columns)
            return self._restricted(columns, None), None
        columns = np.union1d(columns, np.flatnonzero(np.nan_to_num(start)))
        integer = self.program.integrality > 0
        agree = integer & ~np.isnan(start) & (np.abs(x_lp - np.nan_to_num(start)) <= 1e-6)
        if agree.any() and not agree[integer].all():
            near = self._restricted(columns, start, agree, RINS_SHARE)
            self.extra["neighbourhood_fixed"] = int(agree.sum())
            if near is not None and self.value(near) <= self.target:
                return near, start
            if near is not None and (np.isnan(start).any() or self.value(near) < self.value(start)):
                start = near
        self.extra["restricted_columns"] = len(columns)
        return self._restricted(columns, start), start

    def _restricted(
        self,
        columns: np.ndarray,
        start: np.ndarray | None,
        fixed: np.ndarray | None = None,
        share: float = 1.0,
    ) -> np.ndarray | None:
        return _restricted_award(
            self.hs, self.h, self.program, self.cost, columns, share * self.seconds,
            start, self.target, fixed,
        )  # fmt: skip


def _restricted_award(
    hs: Any,
    h: Any,
    program: Program,
    cost: np.ndarray,
    columns: np.ndarray,
    seconds: float,
    start: np.ndarray | None = None,
    target: float = -np.inf,
    fixed: np.ndarray | None = None,
) -> np.ndarray | None:
    """The best award of the MIP (objective `cost`) over `columns` only (others 0).

    `start`: an award (over all columns, 0 outside `columns`; NaN where not given) the MIP
    starts from. It stops at the first award whose objective is at most `target`
    (``objective_target``). `fixed`: a mask of columns (all in `columns`) held at `start`.
    """
    r = new_highs(hs)
    for option in ("output_flag", "random_seed", "threads", "mip_rel_gap", "mip_abs_gap"):
        r.setOptionValue(option, h.getOptionValue(option)[1])
    if np.isfinite(seconds):
        r.setOptionValue("time_limit", max(1.0, seconds))
    if np.isfinite(target):
        r.setOptionValue("objective_target", target)
    pass_model(hs, r, program, cost, columns)
    if fixed is not None and start is not None:
        where = np.searchsorted(columns, np.flatnonzero(fixed)).astype(np.int32)
        values = start[columns[where]]
        r.changeColsBounds(len(where), where, values, values)
    if start is not None:
        given = np.flatnonzero(~np.isnan(start[columns]))
        r.setSolution(len(given), given.astype(np.int32), start[columns][given])
    highs_threads.run(r)
    if int(r.getInfo().primal_solution_status) != FEASIBLE_POINT:
        return None
    x = np.zeros(program.n_cols)
    x[columns] = np.asarray(r.getSolution().col_value, dtype=float)
    integer = program.integrality > 0
    x[integer] = np.round(x[integer])
    return x


def _integers(program: Program, start: np.ndarray | None) -> np.ndarray | None:
    """The integer columns' values of a (partial) start, NaN elsewhere (None: no start)."""
    if start is None:
        return None
    out = integer_part(program, start)
    return None if np.isnan(out[program.integrality > 0]).any() else out


def _target(bound: float, gap: float) -> float:
    """An objective at or below which an award is within `gap` of `bound` (-inf: none).

    For ``bound > 0`` an award with ``objective <= bound + 0.999 gap bound`` has
    ``(objective - bound) / max(1, objective) <= gap`` (:func:`.base.relative_gap`): the
    restricted MIP need not go on once it has one.
    """
    if not np.isfinite(bound) or bound <= 1.0 or gap <= 0:
        return -np.inf
    return bound + 0.999 * gap * bound


def _deduct(h: Any, limit: float, started: float) -> None:
    """Restore `h`'s time budget `limit` less the time spent since `started`."""
    if np.isfinite(limit):
        set_budget(h, max(1.0, limit - (time.perf_counter() - started)))
