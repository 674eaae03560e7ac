"""Re-solve a built (possibly edited) program and verify its award, keeping the row duals."""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from sourceopt.formulation.program import Program
from sourceopt.result import SolveResult
from sourceopt.scenario.model import Scenario
from sourceopt.solution import document
from sourceopt.solvers.base import SolveOptions
from sourceopt.solvers.registry import get_backend


@dataclass(frozen=True)
class Resolved:
    """A verified result and, for LPs on a backend that has them, the row duals."""

    result: SolveResult
    duals: np.ndarray | None


def resolve(
    scenario: Scenario, program: Program, options: SolveOptions, backend: str | None = None
) -> Resolved:
    """Solve `program` and verify the award against `scenario` (same rules as the program).

    Exactly what :func:`sourceopt.solve.solve_program` does (half the gap to the solver, the
    award mapped back through the labels and re-checked by the verifier), plus the duals.
    """
    engine = get_backend(backend or scenario.solver.backend)
    raw = engine.solve(program, replace(options, mip_gap=options.mip_gap / 2))
    exact = engine.capabilities.continuous
    doc = document(scenario, program, raw, seed=options.seed, mip_gap=options.mip_gap, exact=exact)
    duals = raw.duals if engine.capabilities.duals and not program.is_mip else None
    return Resolved(SolveResult(doc), duals)
