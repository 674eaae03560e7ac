"""Time the `rules` and `frontier` analyses: re-solving the built Program vs rebuilding.

    python -m benchmarks.bench_analyses [--family award-mip split-lp] [--offers 10000]
                                         [--points 5] [--seed 0]

For each family the scenario is written to a temporary folder (YAML + Parquet) by
``benchmarks.generators.write_scenario``. "reuse" is the library analysis (one load, one
build, every re-solve an edit of the built Program). "rebuild" does what a script without
the analyses would: for every re-solve, load the file, change the scenario (drop the rule;
add a category spend ``max_share`` rule at the point's bound), build and solve. Both verify
every award. Figures are wall-clock seconds on this machine.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path
from typing import Any

from benchmarks.generators import write_scenario
from sourceopt import build_program, load_scenario
from sourceopt.analysis import frontier, rule_costs, without_rule
from sourceopt.scenario.schema import MaxShareRule
from sourceopt.solve import solve_options, solve_program


def _timed(func: Any, *args: Any, **kwargs: Any) -> tuple[float, Any]:
    start = time.perf_counter()
    out = func(*args, **kwargs)
    return time.perf_counter() - start, out


def _show(key: str, value: Any) -> None:
    shown = f"{value:.2f} s" if isinstance(value, float) else str(value)
    print(f"{key:>30}: {shown}", flush=True)


def rebuild_rules(path: Path) -> float:
    """Every rule: load the file, drop the rule, build, solve, verify."""
    start = time.perf_counter()
    names = load_scenario(path).rule_names
    for name in names:
        sc = without_rule(load_scenario(path), name)
        solve_program(sc, build_program(sc), solve_options(sc))
    return time.perf_counter() - start


def rebuild_frontier(path: Path, bounds: list[float]) -> float:
    """Every bound: load the file, add a category spend max_share rule, build, solve, verify."""
    start = time.perf_counter()
    for k, bound in enumerate(bounds):
        sc = load_scenario(path)
        cap = MaxShareRule(
            type="max_share", name=f"eps-{k}", limit=bound, per="category", measure="spend"
        )
        sc = sc.with_changes(rules=(*sc.rules, cap), rule_origins=(*sc.rule_origins, "bench"))
        solve_program(sc, build_program(sc), solve_options(sc))
    return time.perf_counter() - start


def run(family: str, offers: int, points: int, seed: int, folder: Path) -> dict[str, Any]:
    """Measure one family; returns the figures."""
    path = write_scenario(family, offers, folder, seed)
    t_load, sc = _timed(load_scenario, path)
    t_build, program = _timed(build_program, sc)
    t_solve, base = _timed(solve_program, sc, program, solve_options(sc))
    figures: dict[str, Any] = {
        "family": family,
        "offers": offers,
        "rows x cols": f"{program.n_rows} x {program.n_cols}",
        "mip": program.is_mip,
        "load": t_load,
        "build": t_build,
        "solve": t_solve,
        "status": base.status.value,
    }
    for key, value in figures.items():
        _show(key, value)
    t_rules, costs = _timed(rule_costs, sc)
    _show("rules", len(costs.rules))
    _show("rules reuse", t_rules)
    _show("rules rebuild", rebuild_rules(path))
    t_front, front = _timed(frontier, sc, "max_share", points=points)
    _show("frontier points", len(front.points))
    _show("frontier reuse", t_front)
    grid = [p.bound for p in front.points[1:]]  # the first point is the unbounded solve
    _show("frontier rebuild (grid only)", rebuild_frontier(path, grid))
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--family", nargs="+", default=["award-mip", "split-lp"])
    parser.add_argument("--offers", type=int, default=10_000)
    parser.add_argument("--points", type=int, default=5)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        for family in args.family:
            run(family, args.offers, args.points, args.seed, Path(tmp))
            print(flush=True)


if __name__ == "__main__":
    main()
