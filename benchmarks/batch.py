"""Batch benchmark: per-scenario overhead, 2-jobs/1-job throughput, Dask vs local pool.

Run as ``python -m benchmarks.batch`` or ``python benchmarks/batch.py`` (``--size 200`` for a
quicker pass, ``--no-dask`` to skip the cluster). It writes ``--size`` seeded small scenarios
(20 items x 10 suppliers, about 70 % of pairs offered, a fixed cost per supplier: a MIP) as
JSON files to a temporary folder and runs the same batch four ways through the library
(``sourceopt.batch.run_batch``), each into a fresh output folder:

- 1 local worker, 2 local workers, and a 2-worker Dask ``LocalCluster`` (processes, one thread
  each; cluster start-up is not timed, the sourceopt workers' start-up is).

Overhead per scenario = (wall time x workers - the time the workers spent loading and
solving, summed from the index) / scenarios: what the batch machinery adds beyond the solve
itself (dispatch, pipes, watchdog, writing results and the index, worker start-up).
Bars (issue 4): overhead < 20 ms; 2-job throughput >= 1.7 x 1-job; Dask <= 1.5 x local.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

if __package__ in (None, ""):  # run as a plain file: make `sourceopt` importable from src/
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from sourceopt.batch import BatchConfig, Executor, LocalExecutor, run_batch
from sourceopt.batch.store import read_index


def scenario(seed: int, n_items: int = 20, n_suppliers: int = 10) -> dict[str, Any]:
    """A small sourcing MIP: fixed costs per supplier, capacities, one max-share rule."""
    rng = random.Random(seed)
    items = [
        {"id": f"I{i}", "demand": rng.randint(50, 500), "unit": "ea", "baseline_price": 20.0}
        for i in range(n_items)
    ]
    suppliers = [
        {
            "id": f"S{s}",
            "name": f"Supplier {s}",
            "country": rng.choice(["US", "DE", "CN", "MX"]),
            "capacity": rng.randint(1500, 4000),
            "fixed_cost": rng.randint(200, 3000),
        }
        for s in range(n_suppliers)
    ]
    offers = []
    for k, item in enumerate(items):
        fixed = {k % n_suppliers, (k + 1) % n_suppliers}  # every item has >= 2 offers
        for s, sup in enumerate(suppliers):
            if s in fixed or rng.random() < 0.7:
                price = round(rng.uniform(8.0, 18.0), 2)
                offers.append({"supplier": sup["id"], "item": item["id"], "price": price})
    return {
        "sourceopt": 1,
        "name": f"bench-{seed}",
        "items": items,
        "suppliers": suppliers,
        "offers": offers,
        "rules": [{"type": "max_share", "limit": 0.6, "per": "category"}],
    }


def write_scenarios(folder: Path, size: int, seed: int = 20240601) -> None:
    """`size` seeded scenario files in `folder`."""
    folder.mkdir(parents=True, exist_ok=True)
    for k in range(size):
        (folder / f"s{k:05d}.json").write_text(json.dumps(scenario(seed + k)))


def timed(name: str, folder: Path, out: Path, executor: Executor, workers: int) -> float:
    """Run one batch; print and return its wall time."""
    start, cpu = time.perf_counter(), time.process_time()
    report = run_batch(BatchConfig((str(folder),), out), executor)
    wall, cpu = time.perf_counter() - start, time.process_time() - cpu
    entries = read_index(out).values()
    inside = sum(e["row"]["wall_s"] for e in entries)
    solver = sum(e["row"]["solve_s"] or 0.0 for e in entries)
    n = report.total
    overhead = (wall * workers - inside) / n
    print(
        f"{name:>8}: {n} scenarios in {wall:7.2f} s = {n / wall:6.1f}/s; failed {report.failed}; "
        f"in worker {1000 * inside / n:6.1f} ms/scenario (solver {1000 * solver / n:5.1f}); "
        f"overhead {1000 * overhead:5.1f} ms/scenario (parent CPU {1000 * cpu / n:4.1f})"
    )
    return wall


def dask_wall(folder: Path, out: Path) -> float:
    """The same batch on a fresh 2-worker Dask LocalCluster."""
    from distributed import LocalCluster

    from sourceopt.batch.dask_executor import DaskExecutor

    with LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0"
    ) as cluster:
        return timed("dask", folder, out, DaskExecutor(cluster.scheduler_address), 2)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=1000, help="number of scenarios")
    parser.add_argument("--no-dask", action="store_true", help="skip the Dask run")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="sourceopt-batch-bench-") as tmp:
        root = Path(tmp)
        write_scenarios(root / "in", args.size)
        print(f"{args.size} scenarios (20 items x 10 suppliers, fixed costs) in {root / 'in'}")
        one = timed("1 job", root / "in", root / "out1", LocalExecutor(1), 1)
        two = timed("2 jobs", root / "in", root / "out2", LocalExecutor(2), 2)
        print(f"throughput 2 jobs / 1 job: {one / two:.2f}x (bar: >= 1.7x)")
        if not args.no_dask:
            dask = dask_wall(root / "in", root / "out3")
            print(f"time dask / local (2 workers each): {dask / two:.2f}x (bar: <= 1.5x)")


if __name__ == "__main__":
    main()
