"""Bounded load test of `sourceopt serve` on localhost (not a timed test).

Starts a server on a free local port with a temporary SQLite store, then C concurrent clients
submit small scenarios, poll and fetch results until R requests were made. Reports 5xx
responses, lost jobs, throughput, p50/p99 of submit and of end-to-end small solves, and the
overhead against solving the same scenario in-process.

    .venv/bin/python -m benchmarks.service_load --requests 10000 --clients 16
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import httpx

from sourceopt import load_scenario, solve
from sourceopt.service.auth import create_key
from sourceopt.service.store import Store

SCENARIO: dict[str, Any] = {
    "sourceopt": 1,
    "name": "load",
    "items": [{"id": "bolt", "demand": 100}, {"id": "nut", "demand": 50}],
    "suppliers": [{"id": "acme"}, {"id": "bolt-co"}, {"id": "globex"}],
    "offers": [
        {"supplier": "acme", "item": "bolt", "price": 1.0},
        {"supplier": "bolt-co", "item": "bolt", "price": 1.2},
        {"supplier": "globex", "item": "nut", "price": 0.5},
        {"supplier": "acme", "item": "nut", "price": 0.6},
    ],
    "rules": [{"type": "max_share", "limit": 0.7}],
}


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000 if ordered else 0.0


class Load:
    def __init__(self, url: str, key: str, budget: int, poll: str = "wait") -> None:
        self.url, self.key, self.budget, self.poll = url, key, budget, poll
        self.lock = threading.Lock()
        self.requests = 0
        self.errors_5xx = 0
        self.submit_s: list[float] = []
        self.e2e_s: list[float] = []
        self.submitted: list[str] = []

    def take(self) -> bool:
        with self.lock:
            if self.requests >= self.budget:
                return False
            self.requests += 1
            return True

    def call(self, client: httpx.Client, method: str, path: str, **kw: Any) -> httpx.Response:
        answer = client.request(method, path, **kw)
        if answer.status_code >= 500:
            with self.lock:
                self.errors_5xx += 1
        return answer

    def client_loop(self) -> None:
        headers = {"Authorization": f"Bearer {self.key}"}
        with httpx.Client(base_url=self.url, headers=headers, timeout=120) as client:
            while self.take():
                start = time.perf_counter()
                answer = self.call(client, "POST", "/v1/jobs", json={"scenario": SCENARIO})
                self.submit_s.append(time.perf_counter() - start)
                if answer.status_code != 202:
                    continue
                job_id = answer.json()["id"]
                with self.lock:
                    self.submitted.append(job_id)
                delay = 0.005
                params = {"wait": "10"} if self.poll == "wait" else None
                while self.take():
                    job = self.call(client, "GET", f"/v1/jobs/{job_id}", params=params).json()
                    if job["status"] not in ("queued", "running"):
                        self.e2e_s.append(time.perf_counter() - start)
                        break
                    time.sleep(delay)
                    delay = min(delay * 1.5, 0.1)


def start_server(folder: Path, workers: int) -> tuple[subprocess.Popen[bytes], str, str]:
    store_url = f"sqlite:///{folder / 'jobs.db'}"
    store = Store(store_url)
    key, _ = create_key(store, "load")
    store.close()
    port = 18_000 + (int(time.time()) % 1000)
    command = [sys.executable, "-c", "from sourceopt.cli import main; main()", "serve"]
    command += ["--port", str(port), "--store", store_url, "--workers", str(workers)]
    command += ["--rate", "1000000", "--max-queue", "100000"]
    log = (folder / "server.log").open("wb")
    process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    for _ in range(600):
        try:
            if httpx.get(f"{url}/readyz", timeout=2).status_code == 200:
                return process, url, key
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    process.kill()
    raise SystemExit("server did not start; see " + str(folder / "server.log"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--requests", type=int, default=10_000)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument(
        "--poll",
        choices=("wait", "backoff"),
        default="wait",
        help="wait: long poll GET /v1/jobs/{id}?wait=10 (a server without it answers at "
        "once, and the client backs off); backoff: plain polls from 5 ms, x1.5, up to 100 ms",
    )
    args = parser.parse_args()
    scenario = load_scenario(SCENARIO)
    local, local_load = [], []
    for _ in range(20):
        start = time.perf_counter()
        solve(scenario)
        local.append(time.perf_counter() - start)
    for _ in range(20):
        start = time.perf_counter()
        solve(load_scenario(SCENARIO))
        local_load.append(time.perf_counter() - start)
    with tempfile.TemporaryDirectory() as folder:
        process, url, key = start_server(Path(folder), args.workers)
        try:
            load = Load(url, key, args.requests, args.poll)
            threads = [threading.Thread(target=load.client_loop) for _ in range(args.clients)]
            began = time.perf_counter()
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            elapsed = time.perf_counter() - began
            lost = count_lost(url, key, load.submitted)
        finally:
            process.terminate()
            process.wait(30)
    report(args, load, elapsed, lost, local, local_load)


def count_lost(url: str, key: str, ids: list[str]) -> int:
    """Jobs that did not end (after waiting up to 60 s for the queue to drain)."""
    headers = {"Authorization": f"Bearer {key}"}
    lost = 0
    with httpx.Client(base_url=url, headers=headers, timeout=60) as client:
        deadline = time.monotonic() + 60
        for job_id in ids:
            while True:
                status = client.get(f"/v1/jobs/{job_id}").json().get("status")
                if status == "succeeded":
                    break
                if status not in ("queued", "running") or time.monotonic() > deadline:
                    lost += 1
                    break
                time.sleep(0.05)
    return lost


def report(
    args: Any, load: Load, elapsed: float, lost: int, local: list[float], local_load: list[float]
) -> None:
    inproc = statistics.median(local) * 1000
    inproc_load = statistics.median(local_load) * 1000
    print(f"requests {load.requests} from {args.clients} clients, {args.workers} workers")
    print(f"polling: {args.poll}")
    print(f"elapsed {elapsed:.1f} s, throughput {load.requests / elapsed:.0f} req/s")
    print(f"5xx responses {load.errors_5xx}, jobs {len(load.submitted)}, lost {lost}")
    print(f"submit p50 {pct(load.submit_s, 0.5):.1f} ms, p99 {pct(load.submit_s, 0.99):.1f} ms")
    print(f"end-to-end p50 {pct(load.e2e_s, 0.5):.1f} ms, p99 {pct(load.e2e_s, 0.99):.1f} ms")
    print(f"in-process solve(scenario) p50 {inproc:.1f} ms (scenario loaded beforehand)")
    print(f"in-process solve(load_scenario(dict)) p50 {inproc_load:.1f} ms")
    print(f"service overhead at p50 vs solve(scenario) {pct(load.e2e_s, 0.5) - inproc:.1f} ms")
    print(
        "service overhead at p50 vs solve(load_scenario(dict)) "
        f"{pct(load.e2e_s, 0.5) - inproc_load:.1f} ms"
    )


if __name__ == "__main__":
    main()
