"""``python -m benchmarks run [--family F] [--size S] [--smoke]``: run, print a table, write JSON.

Each case runs in a child process (``python -m benchmarks case F S``) so that its peak memory
is measured alone; scenario files are generated first (not timed) into benchmarks/results/cache.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from benchmarks.registry import PHASES, RESULTS_DIR, Case, cases


def _child(case: Case, time_limit: float | None, threads: int | None, seed: int) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "case.json"
        cmd = [sys.executable, "-m", "benchmarks", "case", case.family, str(case.size)]
        cmd += ["--out", str(out), "--seed", str(seed)]
        if time_limit is not None:
            cmd += ["--time-limit", str(time_limit)]
        if threads is not None:
            cmd += ["--threads", str(threads)]
        root = str(Path(__file__).resolve().parents[1])  # the caller's PYTHONPATH kept after it
        path = os.pathsep.join(p for p in (root, os.environ.get("PYTHONPATH", "")) if p)
        env = {**os.environ, "PYTHONPATH": path}
        done = subprocess.run(cmd, env=env, check=False, capture_output=True, text=True)
        if done.returncode != 0 or not out.exists():
            return {"case": case.label, "error": done.stderr[-2000:]}
        record: dict[str, Any] = json.loads(out.read_text())
        return record


def run(
    selected: list[Case],
    *,
    time_limit: float | None,
    in_process: bool = False,
    threads: int | None = None,
    seed: int = 0,
) -> list[dict[str, Any]]:
    """Run the cases (each in a child process unless `in_process`), printing as they finish.

    `threads` and `seed` as for :func:`benchmarks.cases.run_case`.
    """
    from benchmarks.cases import run_case, scenario_file

    records = []
    for case in selected:
        if case.family != "orlib-cap":
            scenario_file(case, seed)  # generate before timing, outside the measured process
        record = (
            run_case(case, time_limit=time_limit, threads=threads, seed=seed)
            if in_process
            else _child(case, time_limit, threads, seed)
        )
        records.append(record)
        print(phase_row(record), flush=True)
    return records


def phase_row(r: dict[str, Any]) -> str:
    """One line of the phase table."""
    if "error" in r:
        return f"{r['case']:<24} ERROR {r['error'].strip().splitlines()[-1:]}"
    ph = r["phases"]
    times = " ".join(f"{ph[p]:>8.3f}" for p in PHASES)
    gap = "-" if r.get("gap") is None else f"{r['gap']:.1e}"
    obj = "-" if r.get("objective") is None else f"{r['objective']:.6g}"
    return (
        f"{r['case']:<24} {times} {r['peak_mb']:>8.0f} {r['status']:<9} {obj:>12} {gap:>8}"
        f" {'yes' if r.get('verified') else 'NO':>4}"
    )


def ratio_lines(records: list[dict[str, Any]]) -> list[str]:
    """The side-by-side ratios found in the records."""
    lines = []
    for r in records:
        if "overhead" in r:
            o = r["overhead"]
            lines.append(
                f"{r['case']:<24} overhead   sourceopt end to end {o['sourceopt_total_s']:.2f} s / "
                f"HiGHS run() alone {o['highs_run_s']:.2f} s = {o['ratio']:.3f}x (goal <= 1.15)"
            )
        if "pulp" in r:
            p = r["pulp"]
            lines.append(
                f"{r['case']:<24} front end  PuLP loops {p['pulp_front_end_s']:.2f} s / sourceopt "
                f"{p['sourceopt_front_end_s']:.3f} s = {p['ratio']:.1f}x faster (goal >= 30); "
                f"same objective: {p['same_objective']}"
            )
        if "formulation" in r:
            f = r["formulation"]
            lines.append(
                f"{r['case']:<24} formulation PuLP+CBC {f['pulp_cbc_s']:.2f} s ({f['pulp_status']})"
                f" / sourceopt {f['sourceopt_s']:.2f} s = {f['ratio']:.2f}x (goal >= 1); "
                f"same objective: {f['same_objective']}"
            )
        if "backends" in r:
            runs = ", ".join(
                f"{b['backend']} {b['seconds']:.2f} s {b.get('status', 'error')}"
                + (f" {b['objective']:.9g}" if b.get("objective") is not None else "")
                for b in r["backends"]["runs"]
            )
            lines.append(f"{r['case']:<24} backends   {runs}")
        if "decomposition" in r:
            d = r["decomposition"]
            m, k = d["monolithic"], d["decomposed"]
            lines.append(
                f"{r['case']:<24} portfolio  stacked monolithic {m['seconds']:.2f} s "
                f"({m['status']}) / decomposed {k['seconds']:.2f} s ({k['status']}) = "
                f"{d['ratio']:.2f}x; same objective: {d['same_objective']}"
            )
        if "reaches_optimum" in r:
            lines.append(
                f"{r['case']:<24} published optimum {r['published']:.9g}: "
                f"{'reached, proven optimal' if r['reaches_optimum'] else 'NOT reached'}"
                f" (rel. error {r['rel_error']:.1e})"
            )
    return lines


def _header() -> str:
    cols = " ".join(f"{p:>8}" for p in PHASES)
    return f"{'case':<24} {cols} {'peak MB':>8} {'status':<9} {'objective':>12} {'gap':>8} ver."


def main(argv: list[str] | None = None) -> int:
    """The command line."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks")
    sub = parser.add_subparsers(dest="command", required=True)
    run_p = sub.add_parser("run", help="run benchmark cases, print a table, write JSON")
    run_p.add_argument("--family")
    run_p.add_argument("--size")
    run_p.add_argument("--smoke", action="store_true", help="the smallest size of each family")
    run_p.add_argument("--out", type=Path, help="JSON file (default: results/<timestamp>.json)")
    case_p = sub.add_parser("case", help="(internal) run one case in this process")
    case_p.add_argument("family")
    case_p.add_argument("size")
    case_p.add_argument("--out", type=Path, required=True)
    for p in (run_p, case_p):
        p.add_argument("--time-limit", type=float)
        p.add_argument("--threads", type=int, help="solver threads (default: the scenario's, 1)")
        p.add_argument("--seed", type=int, default=0, help="the generator's seed (default 0)")
    args = parser.parse_args(argv)
    if args.command == "case":
        from benchmarks.cases import run_case

        size: int | str = args.size if args.family == "orlib-cap" else int(args.size)
        record = run_case(
            Case(args.family, size),
            time_limit=args.time_limit,
            threads=args.threads,
            seed=args.seed,
        )
        args.out.write_text(json.dumps(record, indent=1, default=str))
        return 0
    selected = list(cases(args.family, args.size, smoke=args.smoke))
    print(f"{len(selected)} case(s) on {platform.node()} ({os.cpu_count()} cores), times in s")
    print(_header())
    records = run(selected, time_limit=args.time_limit, threads=args.threads, seed=args.seed)
    print()
    for line in ratio_lines(records):
        print(line)
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    out = args.out or RESULTS_DIR / f"run-{stamp}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    meta = {"date": stamp, "machine": platform.platform(), "cores": os.cpu_count()}
    out.write_text(
        json.dumps({"meta": meta, "argv": sys.argv, "records": records}, indent=1, default=str)
    )
    print(f"\nwrote {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
