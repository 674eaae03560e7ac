"""``solve``: scenario in, verified result out (build, hand off, map back, verify)."""

from __future__ import annotations

from dataclasses import replace

from sourceopt.formulation.build import build_program
from sourceopt.result import SolveResult
from sourceopt.scenario.model import Scenario
from sourceopt.scenario.variants import apply_variant
from sourceopt.solution import document
from sourceopt.solvers.base import SolveOptions
from sourceopt.solvers.registry import get_backend


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
    settings = scenario.solver
    chosen = apply_variant(scenario, variant)
    options = SolveOptions(
        time_limit=time_limit if time_limit is not None else settings.time_limit,
        mip_gap=mip_gap if mip_gap is not None else settings.mip_gap,
        seed=seed if seed is not None else settings.seed,
        threads=threads if threads is not None else settings.threads,
    )
    engine = get_backend(backend or settings.backend)
    program = build_program(chosen)
    # half the requested gap goes to the solver: the tie-break allowance uses the rest
    raw = engine.solve(program, replace(options, mip_gap=options.mip_gap / 2))
    exact = engine.capabilities.continuous
    doc = document(chosen, program, raw, seed=options.seed, mip_gap=options.mip_gap, exact=exact)
    return SolveResult(doc)
