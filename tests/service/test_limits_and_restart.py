"""Rate limit (429), full queue (503), scenario limits (422), and SIGKILL + restart."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from sourceopt.service.store import Store

from .conftest import Server, make_server, wait_for, wait_running
from .scenarios import slow, small


@pytest.fixture(scope="module")
def tight(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """One worker, a queue of one, 120 requests a minute per key, at most 2 rules."""
    args = ["--workers", "1", "--max-queue", "1", "--rate", "120", "--max-rules", "2"]
    running = make_server(tmp_path_factory.mktemp("tight"), *args, keys=3)
    yield running
    running.stop()


def test_429_over_the_rate(tight: Server) -> None:
    with tight.client(0) as client:
        codes = [client.get("/v1/models").status_code for _ in range(30)]
        limited = client.get("/v1/models")
    assert 429 in codes
    assert limited.status_code == 429
    assert int(limited.headers["retry-after"]) >= 1


def test_422_names_the_scenario_limit(tight: Server) -> None:
    scenario = small()
    scenario["rules"] = [{"type": "max_share", "limit": 0.9}] * 3
    with tight.client(1) as client:
        answer = client.post("/v1/jobs", json={"scenario": scenario})
    assert answer.status_code == 422
    problem = answer.json()["problems"][0]
    assert problem["place"] == "rules"
    assert "limit is 2" in problem["message"]


def test_503_when_the_queue_is_full(tight: Server) -> None:
    with tight.client(2) as client:
        busy = client.post("/v1/jobs", json={"scenario": slow()}).json()
        time.sleep(1.5)  # the single worker takes it
        waiting = client.post("/v1/jobs", json={"scenario": small()})
        assert waiting.status_code == 202
        full = client.post("/v1/jobs", json={"scenario": small()})
        assert full.status_code == 503
        assert int(full.headers["retry-after"]) >= 1
        for job in (busy, waiting.json()):
            client.delete(f"/v1/jobs/{job['id']}")


def test_sigkill_mid_solve_then_restart_loses_nothing(tmp_path: Path) -> None:
    server = make_server(tmp_path, "--workers", "1")
    try:
        with server.client() as client:
            finished = client.post("/v1/jobs", json={"scenario": small("before")}).json()
            assert wait_for(client, finished["id"])["status"] == "succeeded"
            options = {"time_limit": 2}
            inflight = client.post("/v1/jobs", json={"scenario": slow(), "options": options})
            inflight_id = inflight.json()["id"]
            queued = [
                client.post("/v1/jobs", json={"scenario": small(f"q{n}")}).json()["id"]
                for n in range(3)
            ]
            wait_running(client, inflight_id)
        server.kill()
        server.start()
        with server.client() as client:
            before = client.get(f"/v1/jobs/{finished['id']}").json()
            assert before["status"] == "succeeded"
            assert before["result"]["scenario"] == "before"
            again = wait_for(client, inflight_id, seconds=90)
            assert again["status"] == "succeeded", again
            assert again["attempts"] == 2
            for job_id in queued:
                assert wait_for(client, job_id)["status"] == "succeeded"
    finally:
        server.stop()


def test_jobs_past_their_attempts_are_failed_with_the_reason(tmp_path: Path) -> None:
    store = Store(f"sqlite:///{tmp_path / 'jobs.db'}")
    from sourceopt.service.auth import create_key, key_id_for

    key, _ = create_key(store, "k")
    key_id = key_id_for(store, key)
    assert key_id is not None
    job, created = store.submit(key_id, "solve", "{}", "sha")
    assert created
    assert store.claim("w", 30, time.time()) is not None
    assert store.recover(max_attempts=1, clock=time.time(), everything=True) == 1
    failed = store.get(job.id)
    assert failed is not None
    assert failed.status == "failed"
    assert "max attempts 1" in (failed.error or "")
    store.close()
