"""The queue's bounds are exact and shared fairly across keys; workers load every kind at start.

All against a real `sourceopt serve` with one worker held busy by a long solve, so that
nothing leaves the queue while the test fills it.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from .conftest import Server, free_port, make_server, wait_for, wait_running
from .scenarios import slow, small


@pytest.fixture(scope="module")
def busy(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """One worker, a queue of 5 (3 per key: half of 5, rounded up), five keys."""
    folder = tmp_path_factory.mktemp("queue")
    running = make_server(folder, "--workers", "1", "--max-queue", "5", keys=5)
    yield running
    running.stop()


def _hold_the_worker(server: Server) -> str:
    """Start a long solve on the only worker (key 4); its id."""
    with server.client(4) as client:
        job = client.post("/v1/jobs", json={"scenario": slow()}).json()
        wait_running(client, job["id"])
    return str(job["id"])


def _clear(server: Server) -> None:
    """Cancel every queued or running job of every key."""
    for key in range(len(server.keys)):
        with server.client(key) as client:
            for job in client.get("/v1/jobs", params={"limit": 500}).json()["jobs"]:
                if job["status"] in ("queued", "running"):
                    client.delete(f"/v1/jobs/{job['id']}")


def _submit_at_once(server: Server, keys: list[int]) -> list[tuple[int, httpx.Response]]:
    """One submission per entry of `keys` (the key's index), all released together."""
    gate = threading.Barrier(len(keys))
    answers: list[tuple[int, httpx.Response]] = []
    lock = threading.Lock()

    def submit(key: int) -> None:
        with server.client(key) as client:
            gate.wait()
            answer = client.post("/v1/jobs", json={"scenario": small()})
        with lock:
            answers.append((key, answer))

    threads = [threading.Thread(target=submit, args=(key,)) for key in keys]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    assert len(answers) == len(keys)
    return answers


def _refused_properly(answer: httpx.Response) -> None:
    assert answer.status_code in (429, 503), answer.text
    body = answer.json()
    assert body["error"] in ("queue-full", "queue-share-full")
    assert "is full" in body["message"]
    assert body["problems"] == []
    assert int(answer.headers["retry-after"]) >= 1


def test_20_concurrent_submissions_fill_the_queue_exactly(busy: Server) -> None:
    _hold_the_worker(busy)
    try:
        answers = _submit_at_once(busy, [n % 4 for n in range(20)])  # keys 0-3, 5 each
    finally:
        _clear(busy)
    accepted = [key for key, a in answers if a.status_code == 202]
    assert len(accepted) == 5  # --max-queue 5, nothing leaves the queue meanwhile
    assert max(accepted.count(key) for key in range(4)) <= 3  # each key's share: ceil(5 / 2)
    for _, answer in answers:
        if answer.status_code != 202:
            _refused_properly(answer)


def test_one_key_cannot_fill_the_queue(busy: Server) -> None:
    _hold_the_worker(busy)
    try:
        first = _submit_at_once(busy, [0] * 10)
        second = _submit_at_once(busy, [1] * 3)
    finally:
        _clear(busy)
    codes = sorted(a.status_code for _, a in first)
    assert codes == [202] * 3 + [429] * 7  # key 0's share of a queue of 5 is 3
    assert {a.json()["error"] for _, a in first if a.status_code == 429} == {"queue-share-full"}
    codes = sorted(a.status_code for _, a in second)
    assert codes == [202, 202, 503]  # key 1 gets the other 2 places; then the queue is full
    for _, answer in [*first, *second]:
        if answer.status_code != 202:
            _refused_properly(answer)


def test_claims_go_round_robin_across_keys(busy: Server) -> None:
    holder = _hold_the_worker(busy)
    with busy.client(2) as a, busy.client(3) as b:
        first = [a.post("/v1/jobs", json={"scenario": small(f"a{n}")}).json() for n in range(3)]
        other = b.post("/v1/jobs", json={"scenario": small("b")}).json()
        with busy.client(4) as owner:
            owner.delete(f"/v1/jobs/{holder}")
        done = [wait_for(a, job["id"]) for job in first] + [wait_for(b, other["id"])]
    started = sorted((str(job["started_at"]), str(job["result"]["scenario"])) for job in done)  # type: ignore[index]
    # key 2 is served first (oldest job), then key 3 (never served), then key 2 again
    assert [name for _, name in started] == ["a0", "b", "a1", "a2"]


def _children(pid: int) -> set[int]:
    """The server's job workers (not its other children, such as the upload fork server)."""
    found: set[int] = set()
    for task in Path(f"/proc/{pid}/task").iterdir():
        try:
            text = (task / "children").read_text().split()
        except FileNotFoundError:  # the thread ended between the listing and the read
            continue
        found |= {int(t) for t in text}
    return {c for c in found if _is_worker(c)}


def _is_worker(pid: int) -> bool:
    try:
        return b"sourceopt.jobs.worker" in Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:  # gone meanwhile
        return False


def test_a_worker_that_dies_idle_is_replaced(tmp_path: Path) -> None:
    server = make_server(tmp_path, "--workers", "1", keys=1)
    try:
        assert server.process is not None
        (worker,) = _children(server.process.pid)
        os.kill(worker, signal.SIGKILL)
        deadline = time.monotonic() + 60
        with server.client(None) as anonymous:
            while time.monotonic() < deadline:
                replaced = _children(server.process.pid) - {worker}
                if replaced and anonymous.get("/readyz").status_code == 200:
                    break
                time.sleep(0.2)
            assert replaced, "no new worker process"
            assert anonymous.get("/readyz").json()["checks"]["workers"] == "ok"
        with server.client() as client:
            job = client.post("/v1/jobs", json={"scenario": small()}).json()
            assert wait_for(client, job["id"])["status"] == "succeeded"
    finally:
        server.stop()


def test_a_worker_that_cannot_load_a_kind_stops_the_server_starting(tmp_path: Path) -> None:
    store = f"sqlite:///{tmp_path / 'jobs.db'}"
    command = [sys.executable, "-c", "from sourceopt.cli import main; main()", "serve"]
    command += ["--port", str(free_port()), "--store", store, "--workers", "1"]
    env: dict[str, Any] = {
        **os.environ,
        "SOURCEOPT_TEST_HOOKS": "1",
        "SOURCEOPT_TEST_BREAK_ANALYSES": "1",  # as a too-low --memory-mb does (ImportError)
    }
    log = tmp_path / "server.log"
    with log.open("wb") as out:
        process = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT, env=env)
    try:
        code = process.wait(120)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
        raise AssertionError("the server started without being able to run every kind") from None
    text = log.read_text()
    assert code != 0
    assert "sourceopt service cannot start" in text
    kinds = "rules, compare, frontier, explain, price-to-win, stress"
    assert f"cannot load the job kind(s) {kinds} (ModuleNotFoundError" in text
    assert "--memory-mb" in text
