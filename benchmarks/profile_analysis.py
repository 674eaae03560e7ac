"""Profile an analysis solve by solve: every base solve, probe and re-solve timed.

    python -m benchmarks.profile_analysis frontier --family award-mip --offers 2000 --points 10
    python -m benchmarks.profile_analysis frontier --offers 2000 --variants all,count,plain
    python -m benchmarks.profile_analysis warm-cold --family award-mip --offers 2000

``frontier`` runs :func:`sourceopt.analysis.frontier` on a generated scenario (YAML + Parquet
in a temporary folder) and prints each :class:`~sourceopt.analysis.resolve.Resolver` call as
it ends: the base solve, each bisection probe, each grid point (whether it had a start, its
status, objective and gap), then the points and the total. ``warm-cold`` re-solves the
program without each rule twice in one process, from the base award and cold, and prints both
times. Figures are wall-clock seconds on this machine.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from benchmarks.generators import write_scenario
from sourceopt import build_program, load_scenario
from sourceopt.analysis import frontier, frontier_floor, metrics
from sourceopt.analysis.resolve import Edit, Resolver, origins, tagged
from sourceopt.formulation.edits import drop_rule, without_rule
from sourceopt.solve import solve_options
from sourceopt.solvers.registry import get_backend

VARIANTS = {  # max_share's implied rows (metrics.SHARE_CUTS), the levers between points
    "all": (("count", "link"), ("floor", "repair")),
    "floor": (("count", "link"), ("floor",)),
    "rows": (("count", "link"), ()),  # the fourth pass' default
    "count": (("count",), ()),
    "plain": ((), ()),
}


def _said(result: Any) -> str:
    if result is None:
        return "not run"
    raw = result.raw
    gap = None if raw is None else raw.gap
    return f"{result.status.value} objective={result.document.objective} gap={gap}"


@contextmanager
def timed_resolver(started: float) -> Iterator[None]:
    """Every Resolver call printed with its time while the block runs."""
    saved = {name: getattr(Resolver, name) for name in ("solve_base", "probe", "solve")}

    def wrap(name: str, call: Callable[..., Any]) -> Callable[..., Any]:
        def timed(self: Resolver, *args: Any, **kwargs: Any) -> Any:
            t = time.perf_counter()
            out = call(self, *args, **kwargs)
            start = (len(args) > 2 and args[2] is not None) or kwargs.get("start") is not None
            extra = f" start={start}" if name == "solve" else ""
            print(
                f"{name:>10} {time.perf_counter() - t:8.2f} s{extra} {_said(out)}"
                f" (at {time.perf_counter() - started:.0f} s)",
                flush=True,
            )
            return out

        return timed

    for name, call in saved.items():
        setattr(Resolver, name, wrap(name, call))
    try:
        yield
    finally:
        for name, call in saved.items():
            setattr(Resolver, name, call)


def profile_frontier(path: Path, points: int, against: str, variants: list[str]) -> None:
    """The frontier, solve by solve, once per variant, with the ratios to the first.

    Variants (:data:`VARIANTS`): the rows a max-share bound implies (``metrics.SHARE_CUTS``)
    and what one point tells another (``frontier_floor.LEVERS``: the base's bound as a floor,
    the base award repaired as a start), side by side in one process on one load.
    """
    sc = load_scenario(path)
    totals: dict[str, float] = {}
    for variant in variants:
        metrics.SHARE_CUTS, frontier_floor.LEVERS = VARIANTS[variant]
        print(f"--- {variant}", flush=True)
        started = time.perf_counter()
        with timed_resolver(started):
            front = frontier(sc, against, points=points)
        for p in front.points:
            how = "" if p.result.raw is None else p.result.raw.message
            said = f"value {p.value} objective {p.objective} {p.status.value} {how}"
            print(f"bound {p.bound:.6g} {said}")
        totals[variant] = time.perf_counter() - started
        print(f"total {totals[variant]:.1f} s ({variant})", flush=True)
    metrics.SHARE_CUTS, frontier_floor.LEVERS = VARIANTS["all"]
    first = variants[0]
    for variant in variants[1:]:
        print(f"{variant} / {first}: {totals[variant] / totals[first]:.2f}x", flush=True)


def profile_warm_cold(path: Path) -> None:
    """Each rule's re-solve from the base award and cold, in one process."""
    sc = load_scenario(path)
    program = build_program(sc)
    resolver = Resolver(sc, program, solve_options(sc), get_backend("highs"))
    t = time.perf_counter()
    base = resolver.solve_base()
    print(f"base {time.perf_counter() - t:.2f} s {_said(base)}", flush=True)
    for name in sc.rule_names:
        edited, columns = origins(drop_rule(tagged(program), name, sc))
        for start in (True, False):
            edit = Edit(without_rule(sc, name), edited, columns, start=start)
            t = time.perf_counter()
            out = resolver.resolve(edit, lean=True)
            how = "from the base award" if start else "cold"
            print(f"{name} {how}: {time.perf_counter() - t:.2f} s {_said(out)}", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("what", choices=["frontier", "warm-cold"])
    parser.add_argument("--family", default="award-mip")
    parser.add_argument("--offers", type=int, default=2_000)
    parser.add_argument("--points", type=int, default=10)
    parser.add_argument("--against", default="max_share")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--variants",
        default="all",
        help="frontier: comma-separated, run one after the other: all (the default: max_share's "
        "implied rows, the floor and the repaired start), floor (no repaired start), rows (the "
        "implied rows only), count (the count row only), plain (none)",
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = write_scenario(args.family, args.offers, Path(tmp), args.seed)
        if args.what == "frontier":
            profile_frontier(path, args.points, args.against, args.variants.split(","))
        else:
            profile_warm_cold(path)


if __name__ == "__main__":
    main()
