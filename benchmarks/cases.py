"""Run one benchmark case (in its own process, so that its peak memory is its own)."""

from __future__ import annotations

import platform
import resource
import time
from pathlib import Path
from typing import Any

from benchmarks.generators import write_scenario
from benchmarks.phases import highs_alone, sourceopt_phases, with_backend
from benchmarks.registry import ORLIB_DIR, RESULTS_DIR, SPECS, Case

CACHE = RESULTS_DIR / "cache"
OTHER_BACKENDS = ("cbc", "scip")


def scenario_file(case: Case, seed: int = 0) -> Path:
    """The case's YAML + Parquet files (generated once into results/cache)."""
    if case.family == "portfolio":
        from benchmarks.bench_portfolio import portfolio_file

        return portfolio_file(case, seed)
    path = CACHE / f"{case.family}-{case.size}-s{seed}.yaml"
    if not path.exists():
        write_scenario(case.family, int(case.size), CACHE, seed=seed)
    return path


def peak_mb() -> float:
    """Peak resident memory of this process so far, in MB (ru_maxrss is KiB on Linux)."""
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return rss / (1024 * 1024) if platform.system() == "Darwin" else rss / 1024


def run_case(
    case: Case, *, time_limit: float | None = None, threads: int | None = None, seed: int = 0
) -> dict[str, Any]:
    """Phases, peak memory and the comparisons configured for the case.

    `threads`: the solver's threads (the scenario's, 1 by default, where None); `seed`: the
    generator's seed of the scenario (not of the solver).
    """
    if case.family == "orlib-cap":
        return _orlib(case, time_limit)
    if case.family == "portfolio":
        from benchmarks.bench_portfolio import run_portfolio_case

        return run_portfolio_case(case, time_limit=time_limit)
    spec = SPECS[case.family]
    limit = time_limit if time_limit is not None else spec.time_limit
    path = scenario_file(case, seed)
    record, scenario, program, options = sourceopt_phases(
        path, mip_gap=spec.mip_gap, time_limit=limit, threads=threads
    )
    out: dict[str, Any] = {
        "case": case.label,
        "family": case.family,
        "size": case.size,
        "seed": seed,
        "threads": options.threads,
        **record,
        "peak_mb": peak_mb(),
    }
    for kind in spec.compare_at(int(case.size)):
        start = time.perf_counter()
        out[kind] = _COMPARE[kind](path, record, scenario, program, options)
        out[kind]["wall_s"] = time.perf_counter() - start
    return out


def _overhead(path: Path, record: dict[str, Any], scenario: Any, program: Any, options: Any) -> Any:
    total = record["phases"]["total"]
    if record["status"] != "optimal" and options.time_limit is not None:
        # stopped by the time limit: a second run would stop there too; its run() time is
        # the solve phase already measured (the same run() call on the same Program)
        alone, how = record["phases"]["solve"], "solve phase (time limit reached)"
    else:
        alone, how = highs_alone(program, options), "separate run"
    return {"highs_run_s": alone, "sourceopt_total_s": total, "ratio": total / alone, "how": how}


def _pulp(path: Path, record: dict[str, Any], scenario: Any, program: Any, options: Any) -> Any:
    from benchmarks import pulp_baseline

    ph = record["phases"]
    ours = ph["load"] + ph["build"] + ph["handoff"]
    model, times = pulp_baseline.front_end(path)
    solved = pulp_baseline.solve(
        model, mip_gap=options.mip_gap, time_limit=options.time_limit or 600
    )
    return {
        "sourceopt_front_end_s": ours,
        "pulp_front_end_s": times["front_end"],
        "pulp_model_s": times["model"],
        "pulp_handoff_s": times["handoff"],
        "ratio": times["front_end"] / ours,
        "pulp_status": solved["status"],
        "pulp_objective": solved["objective"],
        "pulp_cbc_s": solved["seconds"],
        "same_objective": _same(solved["objective"], record["objective"], options.mip_gap),
    }


def _formulation(
    path: Path, record: dict[str, Any], scenario: Any, program: Any, options: Any
) -> Any:
    from benchmarks import pulp_baseline

    model, _ = pulp_baseline.front_end(path)
    solved = pulp_baseline.solve(
        model, mip_gap=options.mip_gap, time_limit=options.time_limit or 600
    )
    ours = record["phases"]["total"]
    return {
        "sourceopt_s": ours,
        "pulp_cbc_s": solved["seconds"],
        "pulp_status": solved["status"],
        "pulp_objective": solved["objective"],
        "ratio": solved["seconds"] / ours,
        "same_objective": _same(solved["objective"], record["objective"], options.mip_gap),
    }


def _backends(path: Path, record: dict[str, Any], scenario: Any, program: Any, options: Any) -> Any:
    ph = record["phases"]
    runs = [
        {
            "backend": "highs",
            "seconds": ph["handoff"] + ph["solve"] + ph["mapback"],
            "status": record["status"],
            "objective": record["objective"],
        }
    ]
    for name in OTHER_BACKENDS:
        try:
            runs.append(with_backend(scenario, program, options, name))
        except Exception as exc:  # a missing backend is reported, not fatal
            runs.append({"backend": name, "error": str(exc)})
    return {"runs": runs}


def _same(a: float | None, b: float | None, gap: float) -> bool:
    if a is None or b is None:
        return False
    return abs(a - b) <= max(2 * gap, 1e-6) * max(1.0, abs(b))


_COMPARE = {
    "overhead": _overhead,
    "pulp": _pulp,
    "formulation": _formulation,
    "backends": _backends,
}


def _orlib(case: Case, time_limit: float | None) -> dict[str, Any]:
    from sourceopt.convert.orlib import read_cap, read_optima, scenario_dict

    optimum = read_optima(ORLIB_DIR / "optima.tsv")[str(case.size)]
    source = scenario_dict(read_cap(ORLIB_DIR / f"{case.size}.txt"))
    record, scenario, program, options = sourceopt_phases(
        source, mip_gap=1e-6, time_limit=time_limit or 600
    )
    rel = abs(record["objective"] - optimum) / optimum if record["objective"] else None
    out: dict[str, Any] = {
        "case": case.label,
        "family": case.family,
        "size": case.size,
        **record,
        "peak_mb": peak_mb(),
        "published": optimum,
        "rel_error": rel,
        "reaches_optimum": rel is not None and rel <= 1e-6 and record["status"] == "optimal",
    }
    out["backends"] = _backends(Path(), record, scenario, program, options)
    return out
