"""Measured formulation choice: a max_share's tier rows (formulation/tiers.py), off and on.

``python -m benchmarks.tiers [--size N] [--seeds 0 1] [--time-limit S]`` solves award-mip
(the whole solve path: build, warm start, HiGHS, verification) without the tier rows and with
them, side by side in one process, and prints per variant the program's rows, its LP
relaxation bound, then time, status, objective, bound and gap of the solve.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace

import highspy
import numpy as np

from benchmarks.generators import scenario_dict
from sourceopt import build_program, load_scenario, solve
from sourceopt.formulation.program import Program
from sourceopt.formulation.rules import max_share
from sourceopt.solvers.highs_model import new_highs, pass_model


@contextmanager
def without_tier_rows() -> Iterator[None]:
    """Programs built without the max_share tier rows (the formulation before them)."""
    original = max_share.add_tier_rows
    max_share.add_tier_rows = lambda *args: None
    try:
        yield
    finally:
        max_share.add_tier_rows = original


def relaxation(program: Program) -> float:
    """The LP relaxation's optimum (HiGHS, one thread), with the tie-break as solved."""
    h = new_highs(highspy)
    h.setOptionValue("output_flag", False)
    h.setOptionValue("threads", 1)
    lp = replace(program, integrality=np.zeros(program.n_cols, dtype=bool))
    pass_model(highspy, h, lp, lp.solver_objective())
    h.run()
    return float(h.getInfo().objective_function_value)


def _one(size: int, seed: int, label: str, time_limit: float) -> None:
    scenario = load_scenario(scenario_dict("award-mip", size, seed))
    program = build_program(scenario)
    lp = relaxation(program)
    start = time.perf_counter()
    doc = solve(scenario, mip_gap=1e-4, time_limit=time_limit).document
    print(
        f"award-mip/{size} seed {seed} {label} the tier rows: {program.n_rows} rows, "
        f"LP {lp:.2f}; {time.perf_counter() - start:.1f} s, {doc.status}, "
        f"objective {doc.objective}, bound {doc.solver.bound}, gap {doc.solver.gap}",
        flush=True,
    )


def main() -> None:
    """The command line."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks.tiers")
    parser.add_argument("--size", type=int, default=10_000)
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1])
    parser.add_argument("--time-limit", type=float, default=300)
    args = parser.parse_args()
    for seed in args.seeds:
        with without_tier_rows():
            _one(args.size, seed, "without", args.time_limit)
        _one(args.size, seed, "with", args.time_limit)


if __name__ == "__main__":
    main()
