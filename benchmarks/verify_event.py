"""Time one verification of an award on a large event, this checkout against another.

    python benchmarks/verify_event.py SCENARIO [--award FILE.npz] [--reps N] [--against SRC]
        [--program PROGRAM.pkl --x X.npy]

Loads the scenario once, verifies the award ``--reps`` times (a lean verification's
``verify`` call: the award, its reported objective, no items compared) and prints the
fastest and the median time and a fingerprint of everything the verification returns
(verdicts, figures, messages, per-item figures), so two checkouts can be compared in one
run: ``--against SRC`` (a ``src`` directory of another checkout, e.g. one from
``git archive``) runs the same measurement there, alternating, three times each.

With ``--program`` (a pickled built Program) and ``--x`` (its column values) it times
``sourceopt.solve.verified(..., lean=True)`` instead, what every re-solve of an analysis
runs (the award mapped back from the columns, verified, the lean result document), and the
fingerprint is the document's.

The award is ``--award`` (an ``.npz`` with ``units`` per offer and ``bundles``), else each
item's demand on its cheapest offer (cheap to make; it may break rules: timing is what
matters, and a failing award's messages are compared too).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import pickle
import statistics
import subprocess
import sys
import time
from typing import Any

import numpy as np


def _award(scenario: Any, path: str | None) -> Any:
    from sourceopt.award import Award

    if path:
        data = np.load(path)
        return Award(data["units"], data["bundles"])
    offers = scenario.offers
    item = offers["item"].to_numpy(np.int64)
    order = np.lexsort((offers["price"].to_numpy(float), item))
    first = order[np.r_[True, item[order][1:] != item[order][:-1]]]
    units = np.zeros(scenario.n_offers)
    units[first] = scenario.items["demand"].to_numpy(float)[item[first]]
    return Award(units, np.zeros(len(scenario.bundles), dtype=bool))


def _fingerprint(v: Any) -> str:
    items = tuple(
        (k, getattr(v.items, k).tobytes() if isinstance(getattr(v.items, k), np.ndarray) else x)
        for k, x in vars(v.items).items()
    )
    parts = (v.ok, v.max_violation, v.checked, v.problems, v.cost, v.rules, items)
    arrays = (v.unit_prices.tobytes(), v.bundle_item_spend.tobytes())
    return hashlib.sha256(pickle.dumps((parts, arrays))).hexdigest()[:16]


def _lean(scenario: Any, args: argparse.Namespace) -> Any:
    """A call of the lean ``verified`` on the pickled program and its column values."""
    from sourceopt.solve import solve_options, verified
    from sourceopt.solvers.base import RawResult, Status
    from sourceopt.solvers.registry import get_backend

    with open(args.program, "rb") as f:
        program = pickle.load(f)
    x = np.load(args.x)
    obj = float(program.solver_objective() @ x + program.offset)
    raw = RawResult(Status.OPTIMAL, "highs", "", 1.0, x=x, objective=obj, bound=obj, gap=0.0)
    engine, options = get_backend("highs"), solve_options(scenario)
    return lambda: verified(engine, scenario, program, raw, options, lean=True).document


def measure(args: argparse.Namespace) -> dict[str, Any]:
    """Times (s) of `reps` verifications, and the fingerprint of the last one."""
    from sourceopt import load_scenario
    from sourceopt.verify import verify

    scenario = load_scenario(args.scenario)
    if args.program:
        call = _lean(scenario, args)
    else:
        award = _award(scenario, args.award)
        call = lambda: verify(scenario, award)  # noqa: E731
    times, result = [], None
    for _ in range(args.reps):
        result = None  # freed before the next one starts
        started = time.perf_counter()
        result = call()
        times.append(time.perf_counter() - started)
    assert result is not None
    if args.program:
        text = result.model_dump_json(exclude={"solver": {"time_s"}})
        found = {"ok": result.verification.ok, "problems": len(result.verification.problems)}
        found["fingerprint"] = hashlib.sha256(text.encode()).hexdigest()[:16]
    else:
        found = {"ok": result.ok, "problems": len(result.problems)}
        found["fingerprint"] = _fingerprint(result)
    return {"min": min(times), "median": statistics.median(times), **found}


def _run(src: str, args: argparse.Namespace) -> dict[str, Any]:
    cmd = [sys.executable, __file__, args.scenario, "--reps", str(args.reps), "--json"]
    for key in ("award", "program", "x"):
        if getattr(args, key):
            cmd += [f"--{key}", getattr(args, key)]
    env = {**os.environ, "PYTHONPATH": src}
    out = subprocess.run(cmd, env=env, check=True, capture_output=True, text=True).stdout
    return dict(json.loads(out.strip().splitlines()[-1]))


def main() -> None:
    """Command line: see the module's docstring."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("scenario")
    parser.add_argument("--award")
    parser.add_argument("--reps", type=int, default=3)
    parser.add_argument("--against")
    parser.add_argument("--program")
    parser.add_argument("--x")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    if args.json or not args.against:
        found = measure(args)
        print(json.dumps(found) if args.json else found)
        return
    here = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "src")
    rows = []
    for _ in range(3):
        for name, src in (("other", args.against), ("this", here)):
            found = _run(src, args)
            rows.append((name, found))
            print(name, json.dumps(found), flush=True)
    for name in ("other", "this"):
        mins = [r["min"] for n, r in rows if n == name]
        print(f"{name}: fastest {min(mins):.3f} s, median of runs {statistics.median(mins):.3f} s")
    mins = {name: [r["min"] for n, r in rows if n == name] for name in ("other", "this")}
    fastest = min(mins["other"]) / min(mins["this"])
    median = statistics.median(mins["other"]) / statistics.median(mins["this"])
    same = len({r["fingerprint"] for _, r in rows}) == 1
    print(f"ratio other/this: fastest {fastest:.2f}x, median {median:.2f}x; same results: {same}")


if __name__ == "__main__":
    main()
