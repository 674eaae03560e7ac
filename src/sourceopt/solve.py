"""``solve``: scenario in, verified result out (build, hand off, map back, verify)."""

from __future__ import annotations

import time
from dataclasses import replace
from typing import Any

from sourceopt.errors import SourceoptError
from sourceopt.formulation.build import build_program
from sourceopt.formulation.program import Program
from sourceopt.result import ConflictDoc, SolveResult
from sourceopt.scenario.model import Scenario
from sourceopt.scenario.variants import apply_variant
from sourceopt.solution import document
from sourceopt.solvers.base import Backend, Capabilities, Limit, RawResult, SolveOptions, Status
from sourceopt.solvers.registry import get_backend


def solve_options(
    scenario: Scenario,
    *,
    time_limit: float | None = None,
    mip_gap: float | None = None,
    seed: int | None = None,
    threads: int | None = None,
) -> SolveOptions:
    """The scenario's solver settings, with any given option taking precedence."""
    settings = scenario.solver
    return SolveOptions(
        time_limit=time_limit if time_limit is not None else settings.time_limit,
        mip_gap=mip_gap if mip_gap is not None else settings.mip_gap,
        seed=seed if seed is not None else settings.seed,
        threads=threads if threads is not None else settings.threads,
    )


def solve_program(
    scenario: Scenario, program: Program, options: SolveOptions, backend: str | None = None
) -> SolveResult:
    """Solve an already built program of `scenario` and verify the award against `scenario`.

    Analyses use this to re-solve an edited program (a rule's rows dropped, a bound moved)
    without rebuilding it; `scenario` must describe the same rules as the program. For LPs on
    a backend that has them, the result carries the row duals (``result.duals``).
    """
    return solve_with(get_backend(backend or scenario.solver.backend), scenario, program, options)


def solve_with(
    engine: Backend, scenario: Scenario, program: Program, options: SolveOptions
) -> SolveResult:
    """:func:`solve_program` on a backend instance already at hand."""
    program, half = for_solver(program, options)
    if program.maximizes_score:  # format 1.1: best score, then lowest cost
        from sourceopt.lexicographic import solve_lexicographic

        raw = solve_lexicographic(engine, program, half)
    else:
        raw = engine.solve(program, half)
    return verified(engine, scenario, program, raw, options)


def for_solver(program: Program, options: SolveOptions) -> tuple[Program, SolveOptions]:
    """The program and options a solver gets for a solve within ``options.mip_gap``.

    The program without its tie-break where the gap leaves it no room
    (:meth:`~sourceopt.formulation.program.Program.for_gap`), and the requested gap less
    what the tie-break allowance may use (:meth:`~.Program.solver_gap`).
    """
    program = program.for_gap(options.mip_gap)
    return program, replace(options, mip_gap=program.solver_gap(options.mip_gap))


def verified(
    engine: Backend,
    scenario: Scenario,
    program: Program,
    raw: RawResult,
    options: SolveOptions,
    *,
    lean: bool = False,
) -> SolveResult:
    """A backend's raw result mapped back through the labels and verified against `scenario`.

    The result keeps the raw result (``result.raw``) and, for LPs on a backend that has them,
    the row duals (``result.duals``). `lean`: a document of figures only
    (:func:`~sourceopt.solution.document`), for an analysis that compares objectives.
    """
    exact = engine.capabilities.continuous
    doc = document(
        scenario, program, raw, seed=options.seed, mip_gap=options.mip_gap, exact=exact, lean=lean
    )
    duals = raw.duals if engine.capabilities.duals and not program.is_mip else None
    return SolveResult(doc, duals, raw)


def solve(
    scenario: Scenario,
    *,
    variant: str = "base",
    backend: str | None = None,
    time_limit: float | None = None,
    mip_gap: float | None = None,
    seed: int | None = None,
    threads: int | None = None,
    diagnose: bool = True,
) -> SolveResult:
    """Solve one variant of a scenario to proven optimality and verify the award.

    Options default to the scenario's ``solver`` settings. Infeasible, unbounded and limited
    runs are answers (see ``result.status``), not exceptions. An infeasible result carries a
    minimal conflict (``result.conflict``, the JSON's ``conflict``: what ``explain`` names)
    unless `diagnose` is False; with a `time_limit`, finding it shares that limit with the solve
    (without one, it may take a minute or 20 times the solve's time, whichever is longer).
    """
    chosen = apply_variant(scenario, variant)
    options = solve_options(
        scenario, time_limit=time_limit, mip_gap=mip_gap, seed=seed, threads=threads
    )
    engine = get_backend(backend or scenario.solver.backend)  # an unknown one fails first
    started = time.monotonic()
    program = build_program(chosen)
    result = solve_with(engine, chosen, program, options)
    if diagnose and result.status is Status.INFEASIBLE:
        return with_conflict(result, chosen, program, engine, options, started)
    return result


def with_conflict(
    result: SolveResult,
    scenario: Scenario,
    program: Program,
    engine: Backend,
    options: SolveOptions,
    started: float,
) -> SolveResult:
    """An infeasible `result` with its minimal conflict (:func:`~sourceopt.analysis.explain`).

    With a time limit, the conflict search gets what the solve left of it (each feasibility
    solve stops at that deadline); without one, it gets :data:`DIAGNOSIS_SECONDS` or 20 times
    what the solve took, whichever is longer. A search that could not finish keeps what it
    proved: a conflicting set not proven minimal is still given, with a note in
    ``solver.message``; if nothing was proven (or the search failed), ``conflict`` stays absent
    and the note says why.
    """
    from sourceopt.analysis.diagnose_common import Setup
    from sourceopt.analysis.explain import minimal_conflict

    now = time.monotonic()
    deadline = started + (options.time_limit or _untimed_budget(now - started))
    budget = replace(options, time_limit=max(deadline - now, 1e-3))  # the IIS run's too
    setup = Setup(scenario, program, budget, _Budgeted(engine, deadline))
    doc = result.document
    try:
        members, found = minimal_conflict(setup)
    except SourceoptError as exc:
        return _noted(result, f"the conflict could not be diagnosed ({exc})")
    if not found.minimal and not members:
        return _noted(result, "the conflict was not diagnosed in the time allowed")
    conflict = [ConflictDoc(rule=m.rule, message=m.message) for m in members]
    result = SolveResult(doc.model_copy(update={"conflict": conflict}), result.duals, result.raw)
    if not found.minimal:
        return _noted(result, "the conflict is not proven minimal (the time allowed ran out)")
    return result


DIAGNOSIS_SECONDS = 60.0
"""The least time a conflict search of a solve without a time limit may take."""


def _untimed_budget(solve_seconds: float) -> float:
    return max(DIAGNOSIS_SECONDS, 20 * solve_seconds)


def _noted(result: SolveResult, note: str) -> SolveResult:
    doc = result.document
    message = "; ".join(m for m in (doc.solver.message, note) if m)
    solver = doc.solver.model_copy(update={"message": message})
    return SolveResult(doc.model_copy(update={"solver": solver}), result.duals, result.raw)


class _Budgeted:
    """A backend whose solves all end by a deadline; past it, every solve is undecided."""

    def __init__(self, engine: Backend, deadline: float) -> None:
        self.engine = engine
        self.deadline = deadline
        self.name: str = engine.name
        self.capabilities: Capabilities = engine.capabilities

    def solve(self, program: Program, options: SolveOptions) -> RawResult:
        """The engine's solve, its time limit cut to what is left before the deadline."""
        left = self.deadline - time.monotonic()
        if left <= 0:
            return RawResult(Status.NO_SOLUTION, self.name, "", 0.0, limit=Limit.TIME_LIMIT)
        limit = left if options.time_limit is None else min(options.time_limit, left)
        return self.engine.solve(program, replace(options, time_limit=limit))

    def __getattr__(self, name: str) -> Any:
        return getattr(self.engine, name)  # what the IIS seed needs of the engine itself
