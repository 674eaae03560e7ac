"""CP-SAT through OR-Tools MathOpt: an integer-only backend, honest about what it proved.

Hand-off. The same columnar MathOpt ``ModelProto`` as the SCIP adapter
(:func:`sourceopt.solvers.scip.model_proto`, about 0.03 s at 50,000 nonzeros), solved with
``SolverType.CP_SAT``. MathOpt passes it to CP-SAT's MIP front end (``SatSolveProto``), which
turns it into a pure integer model:

- integer columns keep their (rounded-inward) bounds;
- continuous columns are put on a grid: each is multiplied by ``mip_var_scaling =``
  :data:`GRID_SCALING` (1,000, i.e. a grid of 0.001), reduced to ``1e7 / M`` when the column's
  largest bound magnitude ``M`` exceeds 10,000 so that the scaled domain stays within
  ``mip_max_bound = 1e7`` (e.g. a column bounded by 1,000,000 gets a 0.1 grid); columns that
  CP-SAT proves integral anyway (``DetectImpliedIntegers``) stay on the unit grid;
- a continuous column with an infinite bound, or one beyond ``1e7``, is not scaled (so it
  is on the unit grid), and every infinite bound becomes an artificial finite one;
- rows with fractional coefficients are scaled by a power of two and rounded so that the
  activity error stays under ``mip_wanted_precision = 1e-6``;
- the floating objective (tie-break included) is scaled the same way; CP-SAT reports the
  objective of the returned point in floating point and, with
  ``mip_compute_true_objective_bound``, a bound that is valid for the unrounded objective.
  Tie-break differences far below 1e-6 of the objective's scale may be lost in that rounding.

Honesty. CP-SAT's answer is a statement about that integer model. It is a statement about
the program only when the integer model is not a *restriction* of it, i.e. every column is
integral (or fixed at an integral value) and every bound is finite and within ``1e7``.
Otherwise:

- "optimal" on the restriction is reported as ``FEASIBLE`` (the point is a real award) with
  ``bound=None``, ``gap=None`` and ``limit="integer_grid"`` (continuous columns were
  discretised) or ``limit="artificial_bounds"`` (only bounds were made finite);
- "infeasible" on the restriction is ``NO_SOLUTION`` with the same ``limit``: no award was
  found on the grid, and the program may still be feasible (infeasibility proven by the MIP
  presolve, which runs on the unscaled program, is reported as ``INFEASIBLE``);
- a run stopped by the time limit keeps ``limit="time_limit"`` and never reports a bound.

Where the integer model is exact, ``OPTIMAL`` also requires the reported bound to be within
``mip_gap`` (:func:`~sourceopt.solvers.base.relative_gap`). "Infeasible or unbounded" (from
the MIP presolve) is settled like SCIP's: a feasibility solve, then GLOP on the relaxation.
MathOpt reports CP-SAT's limit stops as "undetermined"; the only limit this adapter sets is
the time limit, so such stops are reported as ``"time_limit"`` when one was given.

Options: ``relative_gap_tolerance = mip_gap``, ``absolute_gap_tolerance = 1e-9`` (CP-SAT's
own default is 1e-4), ``time_limit``, ``threads`` as ``num_search_workers`` (1 by default:
deterministic), ``random_seed``.

MIP starts (:meth:`CpSatBackend.solve_from`): the start is MathOpt's solution hint, as for
SCIP; CP-SAT logs ``The solution hint is complete and is feasible`` when it takes it (a
hint off its grid or infeasible is "repaired" or dropped: ``extra["start"]`` is then
``rejected``). A run that ended without an award although the hint was feasible is solved
again without it.

Default budget. Without a ``time_limit`` CP-SAT gets :data:`DEFAULT_TIME_LIMIT` (60 s). On
its grid it can search for a long time for a proof that, on a restriction, would not even be
a proof about the program: 3 of 29 generated 40-offer MIPs (the ``award-mip`` benchmark
family) ran past 120 s, while the awards it returns early are as good (within 1e-6 of the
optimum where the optimum is known). A run stopped by the default budget returns its best
award as ``FEASIBLE`` (``NO_SOLUTION`` if it had none) with ``limit="default_time_limit"``
and a message saying so; give a ``time_limit`` to search longer (it is then the only limit).
"""

from __future__ import annotations

import time
from dataclasses import replace
from typing import TYPE_CHECKING, Any

import numpy as np

from sourceopt.solvers.base import (
    Capabilities,
    Limit,
    RawResult,
    SolveOptions,
    StartUse,
    Status,
    solved_from,
)
from sourceopt.solvers.scip import (
    describe,
    finish,
    hinted,
    map_termination,
    mathopt_params,
    model_proto,
    settle,
    start_use,
    with_start,
)

if TYPE_CHECKING:
    from sourceopt.formulation.program import Program

DEFAULT_TIME_LIMIT = 60.0  # seconds, when no time_limit is given (see the module docstring)
GRID_SCALING = 1000.0  # continuous columns on a 1/1000 grid (coarser for very wide domains)
MAX_BOUND = 1e7  # CP-SAT's mip_max_bound: the largest magnitude a scaled domain may have
# OR-Tools 9.15's MIP presolve (GLOP preprocessors run before the scaling) can declare a valid
# model invalid (seen on a 2 x 2 LP, after "Propagation limit reached"); the run is then
# repeated once with mip_presolve_level = 0, which CP-SAT's own presolve makes up for.
_SPURIOUS_INVALID = "MODEL_INVALID"
_HINT_USED = "The solution hint is complete and is feasible"  # CP-SAT took the hint
_HINT_REJECTED = "The solution hint is"  # any other verdict on the hint: not taken as is
_PRESOLVE_PROOF = "infeasible during MIP presolve"  # SatSolveProto's text, before scaling
_MESSAGES = {
    Limit.INTEGER_GRID: (
        "CP-SAT solved the continuous columns on an integer grid (1/1000, coarser for "
        "domains wider than 10,000), so optimality and infeasibility are not proven for "
        "the program itself; use a backend with continuous support for a proof"
    ),
    Limit.ARTIFICIAL_BOUNDS: (
        "CP-SAT needs finite domains: columns with infinite bounds (or bounds beyond 1e7) "
        "were given artificial ones, so optimality and infeasibility are not proven for "
        "the program itself"
    ),
}


def budgeted(options: SolveOptions) -> SolveOptions:
    """The options with :data:`DEFAULT_TIME_LIMIT` as the time limit if none is given."""
    if options.time_limit is not None:
        return options
    return replace(options, time_limit=DEFAULT_TIME_LIMIT)


def _default_budget_hit(raw: RawResult) -> RawResult:
    """A run stopped by the default budget, said so (limit and message)."""
    note = (
        f"stopped by CP-SAT's default budget of {DEFAULT_TIME_LIMIT:g} s (no time_limit was "
        "given); give a time_limit to search longer, or use a backend with continuous support"
    )
    message = f"{raw.message}; {note}" if raw.message else note
    return replace(raw, limit=Limit.DEFAULT_TIME_LIMIT, message=message)


def restriction(program: Program) -> Limit | None:
    """Why CP-SAT's integer model is narrower than the program, or None if it is exact."""
    lo, hi = program.col_lo, program.col_hi
    fixed_integral = (lo == hi) & np.isfinite(lo) & (np.round(lo) == lo)
    if np.any(~program.integrality & ~fixed_integral):
        return Limit.INTEGER_GRID
    wide = ~np.isfinite(lo) | ~np.isfinite(hi) | (np.abs(lo) > MAX_BOUND) | (np.abs(hi) > MAX_BOUND)
    if np.any(wide):
        return Limit.ARTIFICIAL_BOUNDS
    return None


class CpSatBackend:
    """CP-SAT through OR-Tools MathOpt: integer programs; continuous columns on a grid."""

    name = "cpsat"
    capabilities = Capabilities(mip=True, duals=False, iis=False, continuous=False)

    def __init__(self) -> None:
        import ortools
        from ortools.math_opt.python import mathopt

        self._mathopt = mathopt
        self.version = f"ortools {ortools.__version__}, CP-SAT {ortools.__version__}"

    def params(self, options: SolveOptions) -> Any:
        """MathOpt solve parameters (with CP-SAT's own) for these options."""
        params = mathopt_params(self._mathopt, options)
        sat = params.cp_sat
        sat.mip_var_scaling = GRID_SCALING
        sat.mip_max_bound = MAX_BOUND
        sat.mip_automatically_scale_variables = True
        sat.mip_compute_true_objective_bound = True
        sat.log_to_stdout = bool(options.verbose)
        return params

    def solve(self, program: Program, options: SolveOptions) -> RawResult:
        """Solve with CP-SAT and report what was proven for the program itself.

        Without a time limit, :data:`DEFAULT_TIME_LIMIT` applies (:func:`budgeted`).
        """
        return self._budgeted(program, options, None)

    def solve_from(self, program: Program, options: SolveOptions, start: np.ndarray) -> RawResult:
        """Solve from a MIP start, CP-SAT's solution hint (module text): :meth:`solve`'s answer."""
        return solved_from(program, options, start, self._budgeted)

    def _budgeted(
        self, program: Program, options: SolveOptions, hint: np.ndarray | None
    ) -> RawResult:
        """One run within :data:`DEFAULT_TIME_LIMIT` when no time limit is given."""
        raw = self._solve(program, budgeted(options), hint)
        if options.time_limit is None and raw.limit == "time_limit":
            return _default_budget_hit(raw)
        return raw

    def _solve(self, program: Program, options: SolveOptions, hint: np.ndarray | None) -> RawResult:
        mo = self._mathopt
        params = self.params(options)
        log: list[str] = []

        def run(proto: Any, hint: np.ndarray | None = None) -> tuple[Any, Any]:
            model = mo.Model.from_model_proto(proto)
            extra: dict[str, Any] = {}
            if hint is not None:
                extra = {"model_params": hinted(mo, model, hint), "msg_cb": log.extend}
            try:
                return mo.solve(model, mo.SolverType.CP_SAT, params=params, **extra), model
            except Exception as exc:  # see _SPURIOUS_INVALID
                if _SPURIOUS_INVALID not in describe(exc) or params.cp_sat.mip_presolve_level == 0:
                    raise
            params.cp_sat.mip_presolve_level = 0
            return mo.solve(model, mo.SolverType.CP_SAT, params=params, **extra), model

        narrower = restriction(program)
        proto = model_proto(program)
        common: dict[str, Any] = {"backend": self.name, "version": self.version}
        start = time.perf_counter()
        try:
            result, model = run(proto, hint)
            reason = result.termination.reason.name
            if reason == "INFEASIBLE_OR_UNBOUNDED":
                status, text = settle(run, program, options.time_limit)
                common["time_s"] = time.perf_counter() - start
                raw = RawResult(status, message=f"CP-SAT: {text}", **common)
                return with_start(restate(raw, narrower), _use(log, hint))
        except Exception as exc:  # OR-Tools raises assorted types
            common["time_s"] = time.perf_counter() - start
            return RawResult(Status.ERROR, message=f"CP-SAT: {describe(exc)}", **common)
        common["time_s"] = time.perf_counter() - start
        limit = result.termination.limit.name if result.termination.limit else None
        status, mapped = map_termination(reason, limit)
        if mapped == Limit.UNDETERMINED_LIMIT and options.time_limit is not None:
            mapped = Limit.TIME_LIMIT
        raw = finish(
            result, model, program, options=options, status=status, limit=mapped, common=common
        )
        return with_start(restate(raw, narrower), _use(log, hint))


def _use(log: list[str], hint: np.ndarray | None) -> StartUse | None:
    """What CP-SAT's log says it did with the hint (None: no hint was given)."""
    return None if hint is None else start_use(log, _HINT_USED, _HINT_REJECTED)


def restate(raw: RawResult, narrower: Limit | None) -> RawResult:
    """A result about CP-SAT's integer model, restated as what it proves about the program.

    On a restriction: optimal becomes ``FEASIBLE`` (limit = the restriction), infeasible
    becomes ``NO_SOLUTION`` (same), and no bound or gap is reported. Infeasibility proven
    by the MIP presolve (which runs on the program before any scaling) stands, and so does
    "unbounded" (settled with a real feasible point and an unbounded relaxation).
    """
    if narrower is None or raw.status in (Status.UNBOUNDED, Status.ERROR):
        return raw
    message = f"{raw.message}; {_MESSAGES[narrower]}"
    if raw.status is Status.INFEASIBLE and _PRESOLVE_PROOF in raw.message:
        return raw  # proven on the program itself, before any scaling
    if raw.status is Status.INFEASIBLE:
        return replace(raw, status=Status.NO_SOLUTION, limit=narrower, message=message)
    if raw.status is Status.OPTIMAL:
        return replace(
            raw, status=Status.FEASIBLE, limit=narrower, bound=None, gap=None, message=message
        )
    return replace(raw, bound=None, gap=None, message=message)
