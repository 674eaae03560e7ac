"""MIP starts off HiGHS: each rule's re-solve cold against from the base award.

``python -m benchmarks.bench_starts --backend cbc scip --offers 2000`` builds the award-mip
scenario, solves the base once per backend, then for every rule solves the program without it
twice: cold (``solve``) and from the base award (``solve_from``, as the analyses' Resolver does),
and prints the seconds, the branch-and-bound nodes (``extra["nodes"]``: CBC's log, MathOpt's
statistics), the objective and what the solver did with the start. The options are
the analyses' (half the scenario's gap to the solver, as ``Resolver`` hands it).
"""

from __future__ import annotations

import argparse
import time
from dataclasses import replace
from typing import Any

from benchmarks.generators import scenario_dict
from sourceopt import load_scenario
from sourceopt.analysis.resolve import origins, tagged
from sourceopt.formulation.build import build_program
from sourceopt.formulation.edits import drop_rule
from sourceopt.solve import solve_options
from sourceopt.solvers.base import START
from sourceopt.solvers.registry import get_backend


def _timed(run: Any) -> tuple[Any, float]:
    began = time.perf_counter()
    raw = run()
    return raw, time.perf_counter() - began


def bench(backend: str, offers: int, seed: int, time_limit: float | None) -> None:
    """Print one line per re-solve (cold, from the start) and the totals."""
    sc = load_scenario(scenario_dict("award-mip", offers, seed))
    program = build_program(sc)
    options = solve_options(sc, time_limit=time_limit)
    options = replace(options, mip_gap=options.mip_gap / 2)
    engine: Any = get_backend(backend)
    base, base_s = _timed(lambda: engine.solve(program, options))
    print(f"{backend} award-mip/{offers} base: {base.status} {base.objective} in {base_s:.2f} s")
    totals = [base_s, base_s]
    for name in sc.rule_names:
        edited, columns = origins(drop_rule(tagged(program), name, sc))
        cold, cold_s = _timed(lambda e=edited: engine.solve(e, options))
        start = base.x[columns]
        warm, warm_s = _timed(lambda e=edited, s=start: engine.solve_from(e, options, s))
        totals[0] += cold_s
        totals[1] += warm_s
        print(
            f"  without {name}: cold {cold.status} {cold.objective} in {cold_s:.2f} s "
            f"({cold.extra.get('nodes')} nodes); from the base award {warm.status} "
            f"{warm.objective} in {warm_s:.2f} s ({warm.extra.get('nodes')} nodes; start "
            f"{warm.extra.get(START)}, fallback {warm.extra.get('start_fallback', False)})"
        )
    print(f"  base + re-solves: cold {totals[0]:.2f} s, from starts {totals[1]:.2f} s")


def main() -> None:
    """Parse the command line and run."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--backend", nargs="+", default=["cbc", "scip"])
    parser.add_argument("--offers", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--time-limit", type=float, default=None)
    args = parser.parse_args()
    for backend in args.backend:
        bench(backend, args.offers, args.seed, args.time_limit)


if __name__ == "__main__":
    main()
