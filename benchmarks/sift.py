"""The LP relaxation of a generated program by sifting, round by round (issue 16, item 4).

    python -m benchmarks.sift --family coupa-scale --size 1080000
    python -m benchmarks.sift --family coupa-scale --size 1080000 --set SIFT_ADD=1 --rounds 3

Prints the first working set's size and time, then per round: HiGHS status, seconds since
the start, working columns, objective; at the end the LP objective, the Lagrangian bound of
the final duals over every column and the restricted MIP's column count. ``--set NAME=VALUE``
overrides a constant of :mod:`sourceopt.solvers.highs_sift` (e.g. ``SIFT_GREEDY=0``).
"""

from __future__ import annotations

import argparse
import time

import highspy

from benchmarks.cases import scenario_file
from benchmarks.registry import Case
from sourceopt import load_scenario
from sourceopt.formulation.build import build_program
from sourceopt.solvers import highs_sift
from sourceopt.solvers.relaxation import implied_upper, lagrangian_bound, promising_columns


def main() -> None:
    """Parse the arguments and run one sifted relaxation with a trace."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks.sift")
    parser.add_argument("--family", default="coupa-scale")
    parser.add_argument("--size", type=int, default=1_080_000)
    parser.add_argument("--rounds", type=int, default=highs_sift.SIFT_MAX_ROUNDS)
    parser.add_argument("--seconds", type=float, default=float("inf"))
    parser.add_argument("--set", action="append", default=[], metavar="NAME=VALUE")
    args = parser.parse_args()
    for pair in args.set:
        name, value = pair.split("=", 1)
        setattr(highs_sift, name, type(getattr(highs_sift, name))(float(value)))
    highs_sift.SIFT_MAX_ROUNDS = args.rounds
    program = build_program(load_scenario(scenario_file(Case(args.family, args.size))))
    cost = program.solver_objective()
    start = time.perf_counter()
    first = highs_sift.first_columns(program, cost, implied_upper(program))
    print(f"first set {int(first.sum())} columns in {time.perf_counter() - start:.1f} s")

    def trace(rounds: int, status: str, seconds: float, columns: int, objective: float) -> None:
        print(f"round {rounds}: {status} at {seconds:.1f} s, {columns} columns, {objective:.2f}")

    options = {"output_flag": False, "threads": 1, "random_seed": 0}
    start = time.perf_counter()
    sifted = highs_sift.sifted_relaxation(highspy, program, cost, options, args.seconds, trace)
    elapsed = time.perf_counter() - start
    if sifted is None:
        print(f"not solved in {elapsed:.1f} s")
        return
    pricing = lagrangian_bound(program, cost, sifted.duals)
    columns = promising_columns(program, sifted.x, pricing, cost)
    print(f"LP objective {sifted.objective:.2f} in {elapsed:.1f} s ({sifted.extra})")
    print(f"Lagrangian bound {pricing.bound:.2f}; restricted MIP {len(columns)} columns")


if __name__ == "__main__":
    main()
