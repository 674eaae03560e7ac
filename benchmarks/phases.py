"""Timed runs: sourceopt by phases, HiGHS alone on the same Program, other backends.

Phases of one sourceopt run (each timed with ``perf_counter``, wall clock):

- ``load``: ``load_scenario`` (read YAML + Parquet or a dict, validate, typed Scenario)
- ``build``: ``build_program`` (Scenario -> Program: c, CSR A, bounds, integrality, labels)
- ``handoff``: a HiGHS instance created, options set, the Program passed in bulk
- ``solve``: ``Highs.run()`` only (for MIPs of at least ``WARM_START_MIN_COLS`` columns,
  preceded by the interior-point relaxation and the restricted MIP that give the start award
  and the bound: ``HighsBackend.run``)
- ``mapback``: solution read back, award mapped to business terms, independently verified,
  result document (``sourceopt.solution.document``)
- ``total``: the sum (what ``solve(load_scenario(path))`` costs end to end)
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pyarrow.parquet  # noqa: F401  (imported before timing: imports are not measured)

from sourceopt import load_scenario
from sourceopt.formulation.build import build_program
from sourceopt.formulation.program import Program
from sourceopt.solution import document
from sourceopt.solve import for_solver, solve_options, solve_program
from sourceopt.solvers.base import SolveOptions
from sourceopt.solvers.highs import HighsBackend

PHASES = ("load", "build", "handoff", "solve", "mapback", "total")


def _outcome(doc: Any) -> dict[str, Any]:
    return {
        "status": str(doc.status),
        "objective": doc.objective,
        "gap": doc.solver.gap,
        "bound": doc.solver.bound,
        "verified": bool(doc.verification and doc.verification.ok),
    }


def options_for(
    scenario: Any, mip_gap: float | None, time_limit: float | None, threads: int | None = None
) -> SolveOptions:
    """The solve options of a benchmark run (the scenario's, overridden where given)."""
    return solve_options(scenario, mip_gap=mip_gap, time_limit=time_limit, threads=threads)


def sourceopt_phases(
    source: Path | dict[str, Any],
    *,
    mip_gap: float | None = None,
    time_limit: float | None = None,
    threads: int | None = None,
) -> tuple[dict[str, Any], Any, Program, SolveOptions]:
    """One sourceopt run of the scenario, phase by phase, with the default backend (HiGHS).

    Returns the record (phase times, outcome), the scenario, the program and the options.
    """
    times: dict[str, float] = {}
    t0 = time.perf_counter()
    scenario = load_scenario(source)
    t1 = time.perf_counter()
    program = build_program(scenario)
    t2 = time.perf_counter()
    options = options_for(scenario, mip_gap, time_limit, threads)
    program, given = for_solver(program, options)  # as `sourceopt solve` asks the solver
    backend = HighsBackend()
    t2b = time.perf_counter()  # the backend object (HiGHS version check) is not the hand-off
    h = backend.prepare(program, given)
    t3 = time.perf_counter()
    raw = backend.run(h, program)  # Highs.run(), after the warm start of large MIPs
    t4 = time.perf_counter()
    doc = document(scenario, program, raw, seed=options.seed, mip_gap=options.mip_gap)
    t5 = time.perf_counter()
    times = {
        "load": t1 - t0,
        "build": t2 - t1,
        "handoff": t3 - t2b,
        "solve": t4 - t3,
        "mapback": t5 - t4,
    }
    times["total"] = sum(times.values())
    record = {
        "phases": times,
        **_outcome(doc),
        "n_cols": program.n_cols,
        "n_rows": program.n_rows,
        "nnz": int(program.A.nnz),
        "n_int": int(program.integrality.sum()),
        "warm_start": raw.extra,  # relaxation and restricted-MIP figures of large MIPs
    }
    return record, scenario, program, options


def highs_alone(program: Program, options: SolveOptions) -> float:
    """Seconds HiGHS needs for ``run()`` on an already built and passed Program."""
    backend = HighsBackend()
    program, given = for_solver(program, options)
    h = backend.prepare(program, given)
    start = time.perf_counter()
    backend.run(h, program)  # as in the solve phase: the warm start of large MIPs included
    return time.perf_counter() - start


def with_backend(
    scenario: Any, program: Program, options: SolveOptions, backend: str
) -> dict[str, Any]:
    """Solve the built program with another backend: wall time of solve + map back, outcome."""
    start = time.perf_counter()
    result = solve_program(scenario, program, options, backend)
    elapsed = time.perf_counter() - start
    doc = result.document
    return {"backend": backend, "seconds": elapsed, "solver_s": doc.solver.time_s, **_outcome(doc)}
