"""HiGHS through highspy: the default backend, with a bulk CSR hand-off in one call."""

from __future__ import annotations

import os
import time
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

import numpy as np

from sourceopt.solvers.base import Capabilities, RawResult, SolveOptions, Status, relative_gap

if TYPE_CHECKING:
    from collections.abc import Iterator

    from sourceopt.formulation.program import Program

_LIMITS = {
    "kTimeLimit": "time_limit",
    "kIterationLimit": "iteration_limit",
    "kSolutionLimit": "solution_limit",
    "kObjectiveBound": "objective_bound",
    "kObjectiveTarget": "objective_target",
    "kMemoryLimit": "memory_limit",
    "kInterrupt": "interrupted",
    "kHighsInterrupt": "interrupted",
}
_ERRORS = (
    "kNotset",
    "kLoadError",
    "kModelError",
    "kPresolveError",
    "kSolveError",
    "kPostsolveError",
)
_FEASIBLE_POINT = 2  # HiGHS's kSolutionStatusFeasible
WARM_START_MIN_COLS = 50_000  # "auto" warm start from this many columns (MIPs only)
WARM_START_SHARE = 0.5  # share of a finite time limit the LP relaxation may use


@contextmanager
def _quiet_stdout() -> Iterator[None]:
    """Silence file descriptor 1 (HiGHS prints a banner from C++ on its first construction)."""
    try:
        saved = os.dup(1)
    except OSError:  # no stdout at all
        yield
        return
    try:
        with open(os.devnull, "wb") as null:
            os.dup2(null.fileno(), 1)
            yield
    finally:
        os.dup2(saved, 1)
        os.close(saved)


class HighsBackend:
    """HiGHS (LP and MIP, duals for LPs), the default backend."""

    name = "highs"
    capabilities = Capabilities(mip=True, duals=True, iis=True)

    def __init__(self, warm_start: str = "auto") -> None:
        import highspy

        if warm_start not in ("auto", "on", "off"):
            raise ValueError(f"warm_start must be 'auto', 'on' or 'off', not {warm_start!r}")
        self.warm_start_mode = warm_start

        self._highspy = highspy
        with _quiet_stdout():
            self.version = str(highspy.Highs().version())  # type: ignore[no-untyped-call]

    def _new(self, options: SolveOptions) -> Any:
        with _quiet_stdout():
            h = self._highspy.Highs()  # type: ignore[no-untyped-call]
        h.setOptionValue("output_flag", bool(options.verbose))
        h.setOptionValue("random_seed", int(options.seed))
        h.setOptionValue("threads", int(options.threads))
        h.setOptionValue("mip_rel_gap", float(options.mip_gap))
        h.setOptionValue("mip_abs_gap", 1e-9)
        if options.time_limit is not None:
            h.setOptionValue("time_limit", float(options.time_limit))
        return h

    def pass_program(self, h: Any, program: Program) -> None:
        """Hand the whole program to HiGHS in one bulk call (row-wise CSR, numpy buffers).

        The flat ``passModel`` overload copies the arrays once in C++; filling a ``HighsLp``
        attribute by attribute converts each array separately and costs about five times
        as much (0.2 s against 0.04 s at 100,000 columns and 830,000 nonzeros).
        """
        hs = self._highspy
        a = program.A.tocsr()
        h.passModel(
            program.n_cols,
            program.n_rows,
            int(a.nnz),
            int(hs.MatrixFormat.kRowwise),
            int(hs.ObjSense.kMinimize),
            float(program.offset),
            np.ascontiguousarray(program.solver_objective(), dtype=np.float64),
            np.ascontiguousarray(program.col_lo, dtype=np.float64),
            np.ascontiguousarray(program.col_hi, dtype=np.float64),
            np.ascontiguousarray(program.row_lo, dtype=np.float64),
            np.ascontiguousarray(program.row_hi, dtype=np.float64),
            a.indptr.astype(np.int32),
            a.indices.astype(np.int32),
            np.ascontiguousarray(a.data, dtype=np.float64),
            program.integrality.astype(np.int32),  # kContinuous = 0, kInteger = 1
        )

    def prepare(self, program: Program, options: SolveOptions) -> Any:
        """A HiGHS instance with the options set and the program handed over (not yet run)."""
        h = self._new(options)
        self.pass_program(h, program)
        return h

    def solve(self, program: Program, options: SolveOptions) -> RawResult:
        """Solve with HiGHS and map its status honestly."""
        return self.run(self.prepare(program, options), program)

    def run(self, h: Any, program: Program) -> RawResult:
        """Run a prepared instance (see :meth:`prepare`) and map its status honestly.

        Large MIPs (see :meth:`uses_warm_start`) first get a start award built from the LP
        relaxation (:meth:`warm_start`); its LP bound also bounds the MIP's objective.
        """
        start = time.perf_counter()
        lp_bound = None
        if self.uses_warm_start(program):
            warm = self.warm_start(h, program)
            if warm is not None:
                lp_bound, x0, obj0 = warm
                gap0 = relative_gap(obj0, lp_bound) if x0 is not None else np.inf
                if gap0 <= float(h.getOptionValue("mip_rel_gap")[1]):
                    # the start award is within the requested gap of the LP bound: proven
                    return RawResult(
                        Status.OPTIMAL,
                        x=x0,
                        objective=obj0,
                        bound=lp_bound,
                        gap=gap0,
                        message="Optimal (start award within the gap of the LP relaxation)",
                        backend=self.name,
                        version=self.version,
                        time_s=time.perf_counter() - start,
                    )
        h.run()
        status = h.modelStatusToString(h.getModelStatus())
        name = h.getModelStatus().name
        if name == "kUnboundedOrInfeasible":  # presolve could not tell: ask again without it
            h.setOptionValue("presolve", "off")
            h.run()
            name = h.getModelStatus().name
            status = h.modelStatusToString(h.getModelStatus())
        elapsed = time.perf_counter() - start
        return self._result(h, program, name, status, elapsed, lp_bound=lp_bound)

    def uses_warm_start(self, program: Program) -> bool:
        """Whether :meth:`run` builds a start award first (``self.warm_start_mode``).

        ``"auto"`` (default): for MIPs with at least ``WARM_START_MIN_COLS`` columns, where
        HiGHS's root (cut rounds, sub-MIP) is slow to a first award while the LP relaxation is
        nearly integral (coupa-like at 100,000 offers: proven optimal in 3.8-8.7 s instead of
        40.5-83 s; benchmarks/README.md, "coupa-scale"); ``"on"``: every MIP; ``"off"``: never.
        """
        if not program.is_mip or self.warm_start_mode == "off":
            return False
        return self.warm_start_mode == "on" or program.n_cols >= WARM_START_MIN_COLS

    def warm_start(self, h: Any, program: Program) -> tuple[float, np.ndarray | None, float] | None:
        """Give a prepared MIP instance a start award from its LP relaxation.

        1. Solve the LP relaxation (same instance, ``solve_relaxation``).
        2. Fix every integer column at its LP value rounded up where it is positive (an
           awarded indicator is 1 wherever its pair receives units), 0 elsewhere, and re-solve
           the LP (hot-started from the relaxation's basis) for the continuous columns.
        3. If that LP is optimal, its point is a feasible award: handed to HiGHS with
           ``setSolution`` (HiGHS checks it and keeps it as the incumbent only if feasible).
        The relaxation may use ``WARM_START_SHARE`` of a finite time limit; if it does not
        finish, the MIP runs without a start for the rest. Bounds, options and the time limit
        are restored (the time spent here is deducted).
        Returns (the relaxation's optimal objective, a valid lower bound on the MIP; the start
        award or None; its objective), or None when the relaxation was not solved to
        optimality (then nothing is set).
        """
        started = time.perf_counter()
        limit = float(h.getOptionValue("time_limit")[1])
        integer = np.flatnonzero(program.integrality > 0).astype(np.int32)
        h.setOptionValue("solve_relaxation", True)
        if np.isfinite(limit):  # the MIP keeps the rest when the relaxation does not finish
            h.setOptionValue("time_limit", WARM_START_SHARE * limit)
        try:
            h.run()
            if h.getModelStatus().name != "kOptimal":
                return None
            bound = float(h.getInfo().objective_function_value)
            x = np.asarray(h.getSolution().col_value, dtype=float)
            lo, hi = program.col_lo[integer], program.col_hi[integer]
            z = np.clip(np.where(x[integer] > 1e-6, np.ceil(x[integer] - 1e-6), 0.0), lo, hi)
            h.changeColsBounds(len(integer), integer, z, z)
            if np.isfinite(limit):
                h.setOptionValue("time_limit", max(1.0, limit - (time.perf_counter() - started)))
            h.run()
            fixed_ok = h.getModelStatus().name == "kOptimal"
            start = np.asarray(h.getSolution().col_value, dtype=float) if fixed_ok else None
            objective = float(h.getInfo().objective_function_value) if fixed_ok else np.inf
            h.changeColsBounds(len(integer), integer, lo.astype(float), hi.astype(float))
        finally:
            h.setOptionValue("solve_relaxation", False)
            if np.isfinite(limit):
                h.setOptionValue("time_limit", max(1.0, limit - (time.perf_counter() - started)))
        if start is not None:
            start[integer] = np.round(start[integer])
            h.setSolution(len(start), np.arange(len(start), dtype=np.int32), start)
        return bound, start, objective

    def _result(
        self,
        h: Any,
        program: Program,
        name: str,
        text: str,
        elapsed: float,
        *,
        lp_bound: float | None = None,
    ) -> RawResult:
        info = h.getInfo()
        has_point = int(info.primal_solution_status) == _FEASIBLE_POINT
        common: dict[str, Any] = {"backend": self.name, "version": self.version, "time_s": elapsed}
        if name == "kModelEmpty":
            return RawResult(
                Status.OPTIMAL,
                x=np.zeros(0),
                objective=program.offset,
                bound=program.offset,
                gap=0.0,
                **common,
            )
        if name == "kInfeasible":
            return RawResult(Status.INFEASIBLE, message=text, **common)
        if name == "kUnbounded":
            return RawResult(Status.UNBOUNDED, message=text, **common)
        if name == "kUnboundedOrInfeasible":
            return RawResult(Status.ERROR, message="HiGHS: infeasible or unbounded", **common)
        if name in _ERRORS:
            return RawResult(Status.ERROR, message=f"HiGHS: {text}", **common)
        if not has_point:
            return RawResult(Status.NO_SOLUTION, message=text, limit=_LIMITS.get(name), **common)
        sol = h.getSolution()
        x = np.asarray(sol.col_value, dtype=float)
        objective = float(info.objective_function_value)
        if program.is_mip:
            bound = float(info.mip_dual_bound)
            if lp_bound is not None and not bound >= lp_bound:  # the root LP was not finished
                bound = lp_bound
            duals = None
        else:
            bound = objective if name == "kOptimal" else float("-inf")
            duals = np.asarray(sol.row_dual, dtype=float) if sol.dual_valid else None
        gap = relative_gap(objective, bound) if np.isfinite(bound) else None
        status = Status.OPTIMAL if name == "kOptimal" else Status.FEASIBLE
        return RawResult(
            status,
            x=x,
            objective=objective,
            bound=bound,
            gap=gap,
            duals=duals,
            message=text,
            limit=_LIMITS.get(name),
            **common,
        )
