"""Measured formulation choice: the capacity cover of the suppliers' binaries, off and on.

``python -m benchmarks.cover [--size N] [--seeds 0 1] [--time-limit S]`` solves award-mip
(the whole solve path: build, warm start, HiGHS, verification) without the cover row and with
it, side by side in one process, and prints time, status, objective, bound and gap of each.
"""

from __future__ import annotations

import argparse
import time
from contextlib import contextmanager
from typing import Any

from benchmarks.generators import scenario_dict
from sourceopt import load_scenario, solve
from sourceopt.formulation import build


@contextmanager
def without_cover() -> Any:
    """Programs built without the capacity cover (the formulation before it)."""
    original = build.add_capacity_cover
    build.add_capacity_cover = lambda ctx: None
    try:
        yield
    finally:
        build.add_capacity_cover = original


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.cover")
    parser.add_argument("--size", type=int, default=10_000)
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1])
    parser.add_argument("--time-limit", type=float, default=300)
    args = parser.parse_args()
    for seed in args.seeds:
        scenario = load_scenario(scenario_dict("award-mip", args.size, seed))
        for label in ("without", "with"):
            start = time.perf_counter()
            if label == "without":
                with without_cover():
                    result = solve(scenario, mip_gap=1e-4, time_limit=args.time_limit)
            else:
                result = solve(scenario, mip_gap=1e-4, time_limit=args.time_limit)
            doc = result.document
            print(
                f"award-mip/{args.size} seed {seed} {label} the cover: "
                f"{time.perf_counter() - start:.1f} s, {doc.status}, objective {doc.objective}, "
                f"bound {doc.solver.bound}, gap {doc.solver.gap}"
            )


if __name__ == "__main__":
    main()
