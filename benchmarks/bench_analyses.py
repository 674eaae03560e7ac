"""Time the `rules` and `frontier` analyses: re-solving the built Program vs rebuilding.

    python -m benchmarks.bench_analyses [--family award-mip split-lp] [--offers 10000]
                                         [--points 5] [--seed 0]
    python -m benchmarks.bench_analyses --goal rules-split-lp rules-award-mip ...

``--goal`` runs the goal lines of issue 16 instead (:data:`GOALS`, one family per line: the
analysis, warm, against one cold solve of the same program, or ``--jobs 2`` against
``--jobs 1``), each printing its ratio and the goal. The ``explain`` lines explain the
family's scenario made infeasible by one more rule (:func:`_contradicted`).

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
from sourceopt.analysis import explain, frontier, price_to_win, rule_costs, stress, without_rule
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


# the first 6 offers of one supplier, priced (every offer of it: many MIPs, the --jobs 1 half
# did not finish in 14.5 minutes at 2,000 offers)
_PTW = {"supplier": "S0000", "tolerance": 1e-2, "limit": 6, "jobs": 2}

_F10 = {"points": 10, "jobs": 2}

# the conflict search only (the relaxation is one solve, the same with --jobs): a scenario
# made infeasible by a contradictory rule (_contradicted)
_EXPLAIN = {"jobs": 2, "relax": False}

GOALS: dict[str, tuple[str, int, str, dict[str, Any], float]] = {
    # name: family, offers, analysis, its options, the goal: the analysis' time at most that
    # many cold solves, or for a "jobs-" line --jobs N at least that many times --jobs 1
    "rules-split-lp": ("split-lp", 100_000, "rules", {}, 2.0),
    "rules-split-lp-1m": ("split-lp", 1_000_000, "rules", {}, 2.0),
    "rules-award-mip": ("award-mip", 10_000, "rules", {}, 3.0),
    "frontier-award-mip": ("award-mip", 10_000, "frontier", {"points": 10}, 5.0),
    "frontier-award-mip-5": ("award-mip", 10_000, "frontier", {"points": 5}, 5.0),
    "jobs-rules-award-mip": ("award-mip", 10_000, "rules", {"jobs": 2}, 1.7),
    "jobs-stress-award-mip": ("award-mip", 10_000, "stress", {"jobs": 2}, 1.7),
    "jobs-stress-award-mip-2k": ("award-mip", 2_000, "stress", {"jobs": 2}, 1.7),
    "jobs-frontier-award-mip": ("award-mip", 10_000, "frontier", {"points": 10, "jobs": 2}, 1.7),
    "jobs-frontier-award-mip-2k": ("award-mip", 2_000, "frontier", {"points": 5, "jobs": 2}, 1.7),
    "jobs-frontier-award-mip-2k-10": ("award-mip", 2_000, "frontier", _F10, 1.7),
    "jobs-ptw-award-mip": ("award-mip", 10_000, "price-to-win", _PTW, 1.7),
    "jobs-ptw-award-mip-2k": ("award-mip", 2_000, "price-to-win", _PTW, 1.7),
    "jobs-explain-award-mip": ("award-mip", 10_000, "explain", _EXPLAIN, 1.7),
    "jobs-explain-award-mip-2k": ("award-mip", 2_000, "explain", _EXPLAIN, 1.7),
    "stress-coupa": ("coupa-scale", 1_080_000, "stress", {}, 10.0),
    "rules-coupa": ("coupa-scale", 1_080_000, "rules", {}, 10.0),
    "stress-coupa-2": ("coupa-scale", 1_080_000, "stress", {"jobs": 2}, 10.0),
    "rules-coupa-2": ("coupa-scale", 1_080_000, "rules", {"jobs": 2}, 10.0),
}
"""The goal lines; the coupa-scale and 1,000,000-offer lines are for a quiet machine."""


def _contradicted(sc: Any) -> Any:
    """The scenario made infeasible: no supplier over 30 % of an item, while the items of
    group 0 may have at most 3 suppliers each (3 x 30 % < 100 %). Only the MIP sees it: the
    LP relaxation has no IIS, so the deletion filter starts from every group."""
    rule = MaxShareRule(type="max_share", name="max-30pct-per-item", limit=0.3)
    return sc.with_changes(rules=(*sc.rules, rule), rule_origins=(*sc.rule_origins, "bench"))


def _analysis(kind: str, sc: Any, options: dict[str, Any]) -> tuple[float, Any]:
    if kind == "explain":
        return _timed(explain, sc, **options)
    if kind == "rules":
        return _timed(rule_costs, sc, **options)
    if kind == "stress":
        return _timed(stress, sc, **options)
    if kind == "price-to-win":
        return _timed(price_to_win, sc, **options)
    return _timed(frontier, sc, "max_share", **options)


def _how(out: Any) -> str:
    """How the figures were found: methods counted, re-solves, figures not final."""
    if hasattr(out, "conflict"):  # an explanation
        members = ", ".join(m.rule for m in out.conflict)
        return (
            f"conflict [{members}] by {out.method}, minimal {out.minimal}, "
            f"{out.solves} solves, {out.probes} probes, {out.ahead} answered ahead"
        )
    figures = list(
        getattr(out, "rules", None)
        or getattr(out, "suppliers", None)
        or getattr(out, "offers", None)
        or out.points
    )
    methods: dict[str, int] = {}
    for f in figures:
        key = getattr(f, "method", "resolve")
        methods[key] = methods.get(key, 0) + 1
    final = sum(bool(getattr(f, "final", True)) for f in figures)
    return f"{len(figures)} figures {methods}, {final} final"


def run_goal(name: str, seed: int, folder: Path) -> None:
    """One goal line: the analysis' time against one cold solve (or jobs 2 against jobs 1)."""
    family, offers, kind, options, goal = GOALS[name]
    path = write_scenario(family, offers, folder, seed)
    sc = load_scenario(path)
    if kind == "explain":
        sc = _contradicted(sc)
    program = build_program(sc)
    _show("goal", f"{name}: {family}/{offers:,} {kind} {options}")
    _show(
        "rows x cols", f"{program.n_rows} x {program.n_cols} ({'MIP' if program.is_mip else 'LP'})"
    )
    if name.startswith("jobs-"):
        t1, one = _analysis(kind, sc, {**options, "jobs": 1})
        _show("jobs 1", t1)
        t2, two = _analysis(kind, sc, options)
        _show(f"jobs {options['jobs']}", t2)
        _show("speed-up", f"{t1 / t2:.2f}x (goal >= {goal}x): {_how(one)}")
        if kind == "explain":
            _show(f"jobs {options['jobs']} found", _how(two))
        return
    t_solve, base = _timed(solve_program, sc, program, solve_options(sc))
    _show("one cold solve", t_solve)
    _show("status", base.status.value)
    t_analysis, out = _analysis(kind, sc, options)
    _show(kind, t_analysis)
    _show("ratio", f"{t_analysis / t_solve:.2f}x (goal <= {goal}x): {_how(out)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--goal", nargs="+", choices=sorted(GOALS), default=None)
    parser.add_argument("--family", nargs="+", default=["award-mip", "split-lp"])
    parser.add_argument("--offers", type=int, default=10_000)
    parser.add_argument("--points", type=int, default=5)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    if args.goal:
        with tempfile.TemporaryDirectory() as tmp:
            for name in args.goal:
                run_goal(name, args.seed, Path(tmp))
                print(flush=True)
        return
    with tempfile.TemporaryDirectory() as tmp:
        for family in args.family:
            run(family, args.offers, args.points, args.seed, Path(tmp))
            print(flush=True)


if __name__ == "__main__":
    main()
