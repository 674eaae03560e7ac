"""What whole units cost: the freight-loads family solved with parts of it taken away.

    python -m benchmarks.whole_units --size 10000 --variant continuous --time-limit 300

Variants: ``family`` (as generated: whole loads and every rule), ``continuous`` (the
``lot_size`` column removed), ``no-count`` (whole loads without the per-lane
``supplier_count``). ``--no-warm-start`` switches the HiGHS relaxation start off. Prints one
line: size, variant, status, objective, gap, wall and CPU seconds of the solve (verified).
"""

from __future__ import annotations

import argparse
import time

from benchmarks.generators import scenario_dict


def main() -> None:
    """Parse the options, generate, solve, print one line."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks.whole_units")
    parser.add_argument("--size", type=int, default=10_000)
    parser.add_argument("--variant", choices=("family", "continuous", "no-count"), default="family")
    parser.add_argument("--time-limit", type=float, default=600.0)
    parser.add_argument("--no-warm-start", action="store_true")
    args = parser.parse_args()

    import sourceopt.solvers.highs_warm as warm
    from sourceopt import load_scenario, solve

    if args.no_warm_start:
        warm.WARM_START_MIN_COLS = 10**12
    doc = scenario_dict("freight-loads", args.size)
    if args.variant == "continuous":
        doc["items"]["columns"].pop("lot_size")
    if args.variant == "no-count":
        doc["rules"] = [r for r in doc["rules"] if r["type"] != "supplier_count"]
    scenario = load_scenario(doc)
    wall, cpu = time.perf_counter(), time.process_time()
    result = solve(scenario, time_limit=args.time_limit, diagnose=False).document
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    verified = result.verification is not None and result.verification.ok
    print(
        f"freight-loads/{args.size} {args.variant}"
        f"{' no-warm-start' if args.no_warm_start else ''}: {result.status.value}, objective "
        f"{result.objective}, gap {result.solver.gap}, solve {wall:.1f} s wall / {cpu:.1f} s "
        f"CPU, verified {verified}"
    )


if __name__ == "__main__":
    main()
