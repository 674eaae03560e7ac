"""Measured formulation choice: the big-M of the "awarded" links (tight vs a usual loose one).

``python -m benchmarks.bigm [--size N]`` solves award-mip with the builder's tight M
(min(supplier capacity, sum of the pair bounds)) and with the usual hand-written M (the total
demand of the items, ignoring capacities), side by side, HiGHS, same gap; prints both.
"""

from __future__ import annotations

import argparse
import time
from contextlib import contextmanager
from typing import Any

import numpy as np

from benchmarks.generators import scenario_dict
from sourceopt import load_scenario, solve
from sourceopt.formulation.context import Context


@contextmanager
def loose_big_m() -> Any:
    """Indicators built as if suppliers had no capacity: M = total demand of their items."""
    original = Context.indicators

    def loose(self: Context, *args: Any, **kwargs: Any) -> np.ndarray:
        table = self.scenario.suppliers
        saved = table["capacity"].copy()
        table["capacity"] = np.inf
        try:
            return original(self, *args, **kwargs)
        finally:
            table["capacity"] = saved

    Context.indicators = loose  # type: ignore[method-assign]
    try:
        yield
    finally:
        Context.indicators = original  # type: ignore[method-assign]


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.bigm")
    parser.add_argument("--size", type=int, default=10_000)
    parser.add_argument("--time-limit", type=float, default=600)
    args = parser.parse_args()
    scenario = load_scenario(scenario_dict("award-mip", args.size))
    for label in ("tight", "loose"):
        start = time.perf_counter()
        if label == "tight":
            result = solve(scenario, mip_gap=1e-4, time_limit=args.time_limit)
        else:
            with loose_big_m():
                result = solve(scenario, mip_gap=1e-4, time_limit=args.time_limit)
        doc = result.document
        print(
            f"award-mip/{args.size} big-M {label}: {time.perf_counter() - start:.2f} s, "
            f"{doc.status}, objective {doc.objective}, gap {doc.solver.gap}"
        )


if __name__ == "__main__":
    main()
