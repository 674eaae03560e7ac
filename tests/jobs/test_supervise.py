"""Inline jobs on a supervised worker: results, failure records, cancel, wall-clock cap, death."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml

from batch.scenarios import PAIR, PAIR_COST
from sourceopt.jobs.failures import FailureKind
from sourceopt.jobs.model import InlineJob
from sourceopt.jobs.supervise import Limits, WorkerHandle, run_supervised
from sourceopt.scenario.load import load_scenario
from sourceopt.service.intake import StoredRequest

LIMITS = Limits(memory_mb=2048, retries=0)


def pair(name: str = "pair") -> dict[str, object]:
    data: dict[str, object] = yaml.safe_load(PAIR.format(name=name))
    return data


@pytest.fixture
def handle(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("SOURCEOPT_TEST_HOOKS", "1")
    worker = WorkerHandle(LIMITS.memory_mb)
    yield worker
    worker.shutdown()


def inline_job(key: str, kind: str, data: object, options: dict[str, object] | None = None):
    """An inline job on a request's scenario document (loaded in the worker)."""
    return InlineJob(key, kind, StoredRequest(data), options or {})


def test_inline_jobs_give_results_and_failures(handle: WorkerHandle) -> None:
    done = run_supervised(handle, inline_job("a", "solve", pair()), LIMITS)
    assert done.failure is None
    assert done.record["total_cost"] == pytest.approx(PAIR_COST)

    loaded = load_scenario(pair())  # an already loaded Scenario travels as it is
    done = run_supervised(handle, InlineJob("b", "rules", loaded), LIMITS)
    assert done.failure is None, done.record

    bad = pair()
    bad["offers"] = [{"supplier": "S9", "item": "A", "price": 1}]
    done = run_supervised(handle, inline_job("c", "solve", bad), LIMITS)
    assert done.failure is not None
    assert done.failure.kind is FailureKind.INVALID
    assert any("S9" in p["message"] for p in done.failure.error()["problems"])

    done = run_supervised(handle, inline_job("d", "solve", pair(), {"colour": 1}), LIMITS)
    assert done.failure is not None
    assert (done.failure.kind.reason, done.record["status"]) == ("invalid-options", "error")


def test_cancel_kills_the_worker_and_the_next_job_gets_a_fresh_one(handle: WorkerHandle) -> None:
    handle.wait_ready(LIMITS.startup)
    first = handle._proc.pid if handle._proc else None
    asked: list[float] = []

    def cancelled() -> bool:
        if not asked:
            asked.append(time.monotonic() + 0.5)
        return time.monotonic() > asked[0]

    hang = inline_job("h", "solve", pair("test-hook-hang"))
    done = run_supervised(handle, hang, LIMITS, cancelled)
    assert done.failure is not None
    assert done.failure.kind is FailureKind.CANCELLED
    assert time.monotonic() - asked[0] < 1.0
    assert not handle.ready

    done = run_supervised(handle, inline_job("n", "solve", pair()), LIMITS)
    assert done.failure is None
    assert handle._proc is not None
    assert handle._proc.pid != first


def test_seconds_caps_the_wall_clock(handle: WorkerHandle) -> None:
    hang = inline_job("h", "solve", pair("test-hook-hang"), {"time_limit": 60})
    started = time.monotonic()
    done = run_supervised(handle, hang, LIMITS, seconds=1.0)
    assert time.monotonic() - started < 10
    assert done.failure is not None
    assert done.failure.kind is FailureKind.TIMEOUT
    assert "limit of 1 s" in done.failure.reason


PARENT = """
import sys
from sourceopt.jobs.supervise import WorkerHandle
handle = WorkerHandle(1024, die_with_parent=True)
handle.wait_ready(180)
print(handle._proc.pid, flush=True)
sys.stdin.read()
"""


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="PR_SET_PDEATHSIG is Linux's")
def test_a_worker_started_to_die_with_its_parent_does(tmp_path: Path) -> None:
    parent = subprocess.Popen(
        [sys.executable, "-c", PARENT],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert parent.stdout is not None
        worker = int(parent.stdout.readline())
        os.kill(worker, 0)  # alive
        parent.kill()
        parent.wait()
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and _alive(worker):
            time.sleep(0.1)
        assert not _alive(worker)
    finally:
        parent.kill()


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().split(")")[-1].split()[0] != "Z"
    except FileNotFoundError:
        return False


def test_a_worker_shut_down_while_it_starts_reports_its_death() -> None:
    """Another thread's shutdown during wait_ready is a WorkerDiedError, never a crash of the
    waiting thread (a parallel analysis closes its pool while a slot's worker warms up)."""
    import threading

    from sourceopt.jobs.supervise import WorkerDiedError

    for _ in range(3):
        handle = WorkerHandle(memory_mb=4096)
        raised: list[BaseException] = []

        def wait(h: WorkerHandle = handle, out: list[BaseException] = raised) -> None:
            try:
                h.wait_ready(60)
            except BaseException as exc:  # the test records what was raised
                out.append(exc)

        thread = threading.Thread(target=wait)
        thread.start()
        time.sleep(0.2)  # inside wait_ready, polling the pipe, as the worker imports
        handle.shutdown()
        thread.join(timeout=30)
        assert not thread.is_alive()
        assert len(raised) == 1, raised
        assert isinstance(raised[0], WorkerDiedError), raised
