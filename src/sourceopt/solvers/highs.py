"""HiGHS through highspy: the default backend, with a bulk CSR hand-off in one call."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

import numpy as np

from sourceopt.solvers import highs_threads, highs_warm
from sourceopt.solvers.base import (
    SOLVER_ABS_GAP,
    Capabilities,
    Limit,
    RawResult,
    SolveOptions,
    Status,
    relative_gap,
)
from sourceopt.solvers.highs_kept import Kept
from sourceopt.solvers.highs_model import FEASIBLE_POINT, new_highs, pass_model
from sourceopt.solvers.highs_warm import WARM_START_MIN_COLS, WarmStart

if TYPE_CHECKING:
    from sourceopt.formulation.program import Program

__all__ = ["WARM_START_MIN_COLS", "HighsBackend"]

_LIMITS = {
    "kTimeLimit": Limit.TIME_LIMIT,
    "kIterationLimit": Limit.ITERATION_LIMIT,
    "kSolutionLimit": Limit.SOLUTION_LIMIT,
    "kObjectiveBound": Limit.OBJECTIVE_BOUND,
    "kObjectiveTarget": Limit.OBJECTIVE_TARGET,
    "kMemoryLimit": Limit.MEMORY_LIMIT,
    "kInterrupt": Limit.INTERRUPTED,
    "kHighsInterrupt": Limit.INTERRUPTED,
}
_ERRORS = (
    "kNotset",
    "kLoadError",
    "kModelError",
    "kPresolveError",
    "kSolveError",
    "kPostsolveError",
)


class HighsBackend:
    """HiGHS (LP and MIP, duals for LPs), the default backend."""

    name = "highs"
    capabilities = Capabilities(mip=True, duals=True, iis=True, stoppable=True)

    def __init__(self, warm_start: str = "auto", relaxation: str = "auto") -> None:
        """A HiGHS backend; `warm_start` as in :meth:`uses_warm_start`.

        `relaxation` is how the warm start solves the LP relaxation, one of
        ``highs_warm.RELAXATION_METHODS``: ``"auto"`` (default) the dual simplex below
        ``IPM_MIN_COLS`` columns, the interior point without crossover from there, and from
        ``SIFT_MIN_COLS`` columns column generation over a working set (:mod:`.highs_sift`:
        3.2x faster than the interior point at coupa-scale, measured side by side in
        benchmarks/README.md); ``"simplex"``, ``"ipm"`` or ``"sift"`` force one.
        """
        import highspy

        if warm_start not in highs_warm.WARM_START_MODES:
            raise ValueError(f"warm_start must be 'auto', 'on' or 'off', not {warm_start!r}")
        if relaxation not in highs_warm.RELAXATION_METHODS:
            raise ValueError(
                f"relaxation must be one of {highs_warm.RELAXATION_METHODS}, not {relaxation!r}"
            )
        self.warm_start_mode = warm_start
        self.relaxation = relaxation

        self._highspy = highspy
        self.version = str(new_highs(highspy).version())

    def _new(self, options: SolveOptions) -> Any:
        h = new_highs(self._highspy)
        h.setOptionValue("output_flag", bool(options.verbose))
        h.setOptionValue("random_seed", int(options.seed))
        h.setOptionValue("threads", int(options.threads))
        h.setOptionValue("mip_rel_gap", float(options.mip_gap))
        h.setOptionValue("mip_abs_gap", SOLVER_ABS_GAP)
        if options.time_limit is not None:
            h.setOptionValue("time_limit", float(options.time_limit))
        return h

    def pass_program(self, h: Any, program: Program) -> None:
        """Hand the whole program to HiGHS in one bulk call (:func:`.highs_model.pass_model`)."""
        pass_model(self._highspy, h, program, program.solver_objective())

    def prepare(self, program: Program, options: SolveOptions) -> Any:
        """A HiGHS instance with the options set and the program handed over (not yet run)."""
        h = self._new(options)
        self.pass_program(h, program)
        return h

    def solve(self, program: Program, options: SolveOptions) -> RawResult:
        """Solve with HiGHS and map its status honestly."""
        return self.run(self.prepare(program, options), program)

    def run(
        self,
        h: Any,
        program: Program,
        *,
        kept: Kept | None = None,
        start: np.ndarray | None = None,
    ) -> RawResult:
        """Run a prepared instance (see :meth:`prepare`) and map its status honestly.

        Large MIPs (see :meth:`uses_warm_start`) first get a start award and a proven bound
        from the LP relaxation (:func:`.highs_warm.warm_start`); when the award is within the
        requested gap of that bound it is returned as optimal without running the whole MIP.
        `kept` and `start` go to the warm start: the base's relaxation kept for (or re-solved
        warm for) the edits of an analysis, and an award of `program` to start from (the
        caller also hands it to `h` with ``setSolution``).
        """
        began = time.perf_counter()
        warm = None
        if self.uses_warm_start(program):
            warm = highs_warm.warm_start(
                self._highspy, h, program, self.relaxation, kept=kept, start=start
            )
        if warm is not None and warm.infeasible:
            return RawResult(
                Status.INFEASIBLE,
                message="Infeasible (the LP relaxation is infeasible)",
                backend=self.name,
                version=self.version,
                time_s=time.perf_counter() - began,
            )
        if warm is not None:
            gap0 = relative_gap(warm.objective, warm.bound) if warm.x is not None else np.inf
            if gap0 <= float(h.getOptionValue("mip_rel_gap")[1]):
                return RawResult(
                    Status.OPTIMAL,
                    x=warm.x,
                    objective=warm.objective,
                    bound=warm.bound,
                    gap=gap0,
                    message="Optimal (start award within the gap of the relaxation's bound)",
                    backend=self.name,
                    version=self.version,
                    time_s=time.perf_counter() - began,
                    extra=warm.extra,
                )
        highs_threads.run(h)
        status = h.modelStatusToString(h.getModelStatus())
        name = h.getModelStatus().name
        if name == "kUnboundedOrInfeasible":  # presolve could not tell: ask again without it
            h.setOptionValue("presolve", "off")
            highs_threads.run(h)
            name = h.getModelStatus().name
            status = h.modelStatusToString(h.getModelStatus())
        elapsed = time.perf_counter() - began
        return self._result(h, program, name, status, elapsed, warm=warm)

    def uses_warm_start(self, program: Program) -> bool:
        """Whether :meth:`run` builds a start award first (``self.warm_start_mode``).

        ``"auto"`` (default): for MIPs with at least ``WARM_START_MIN_COLS`` columns, where
        HiGHS's own root is slow to a first award while the LP relaxation is nearly integral
        (:mod:`sourceopt.solvers.highs_warm`); ``"on"``: every MIP; ``"off"``: never.
        """
        return highs_warm.uses_warm_start(self.warm_start_mode, program)

    def sifts(self, program: Program) -> bool:
        """Whether :meth:`run` solves the relaxation of `program` by sifting (and can keep it)."""
        return highs_warm.sifts(self.warm_start_mode, self.relaxation, program)

    def _result(
        self,
        h: Any,
        program: Program,
        name: str,
        text: str,
        elapsed: float,
        *,
        warm: WarmStart | None = None,
    ) -> RawResult:
        """Map a finished run to a RawResult: HiGHS's point, or the start award if better."""
        info = h.getInfo()
        common: dict[str, Any] = {"backend": self.name, "version": self.version, "time_s": elapsed}
        if warm is not None:
            common["extra"] = warm.extra
        early = _without_point(name, text, program, common)
        if early is not None:
            return early
        x, objective, duals = None, np.inf, None
        if int(info.primal_solution_status) == FEASIBLE_POINT:
            sol = h.getSolution()
            x = np.asarray(sol.col_value, dtype=float)
            objective = float(info.objective_function_value)
            if not program.is_mip and sol.dual_valid:
                duals = np.asarray(sol.row_dual, dtype=float)
        if warm is not None and warm.x is not None and warm.objective < objective:
            x, objective = warm.x, warm.objective  # HiGHS stopped early or did not take it
        if x is None:
            return RawResult(Status.NO_SOLUTION, message=text, limit=_LIMITS.get(name), **common)
        if program.is_mip:
            bound = float(info.mip_dual_bound)
            if warm is not None and not bound >= warm.bound:  # the root LP was not finished
                bound = warm.bound
        else:
            bound = objective if name == "kOptimal" else float("-inf")
        gap = relative_gap(objective, bound) if np.isfinite(bound) else None
        return RawResult(
            Status.OPTIMAL if name == "kOptimal" else Status.FEASIBLE,
            x=x,
            objective=objective,
            bound=bound,
            gap=gap,
            duals=duals,
            message=text,
            limit=_LIMITS.get(name),
            **common,
        )


def _without_point(
    name: str, text: str, program: Program, common: dict[str, Any]
) -> RawResult | None:
    """The result of a HiGHS status that carries no point to read (None for the others)."""
    if name == "kModelEmpty":
        offset = program.offset
        return RawResult(
            Status.OPTIMAL, x=np.zeros(0), objective=offset, bound=offset, gap=0.0, **common
        )
    if name == "kInfeasible":
        return RawResult(Status.INFEASIBLE, message=text, **common)
    if name == "kUnbounded":
        return RawResult(Status.UNBOUNDED, message=text, **common)
    if name == "kUnboundedOrInfeasible":
        return RawResult(Status.ERROR, message="HiGHS: infeasible or unbounded", **common)
    if name in _ERRORS:
        return RawResult(Status.ERROR, message=f"HiGHS: {text}", **common)
    return None
