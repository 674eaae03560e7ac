"""``solve``: scenario in, verified result out (build, hand off, map back, verify)."""

from __future__ import annotations

from dataclasses import replace

from sourceopt.formulation.build import build_program
from sourceopt.formulation.program import Program
from sourceopt.result import SolveResult
from sourceopt.scenario.model import Scenario
from sourceopt.scenario.variants import apply_variant
from sourceopt.solution import document
from sourceopt.solvers.base import Backend, RawResult, SolveOptions
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
    # half the requested gap goes to the solver: the tie-break allowance uses the rest
    raw = engine.solve(program, replace(options, mip_gap=options.mip_gap / 2))
    return verified(engine, scenario, program, raw, options)


def verified(
    engine: Backend, scenario: Scenario, program: Program, raw: RawResult, options: SolveOptions
) -> SolveResult:
    """A backend's raw result mapped back through the labels and verified against `scenario`.

    The result keeps the raw result (``result.raw``) and, for LPs on a backend that has them,
    the row duals (``result.duals``).
    """
    exact = engine.capabilities.continuous
    doc = document(scenario, program, raw, seed=options.seed, mip_gap=options.mip_gap, exact=exact)
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
) -> SolveResult:
    """Solve one variant of a scenario to proven optimality and verify the award.

    Options default to the scenario's ``solver`` settings. Infeasible, unbounded and limited
    runs are answers (see ``result.status``), not exceptions.
    """
    chosen = apply_variant(scenario, variant)
    options = solve_options(
        scenario, time_limit=time_limit, mip_gap=mip_gap, seed=seed, threads=threads
    )
    get_backend(backend or scenario.solver.backend)  # an unknown backend fails before building
    return solve_program(chosen, build_program(chosen), options, backend)
