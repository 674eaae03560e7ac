"""The service's runner: batch records as job outcomes; workers that load every kind."""

from __future__ import annotations

import pytest

from sourceopt.batch.jobs import inline_job
from sourceopt.batch.supervise import WorkerDiedError, WorkerHandle
from sourceopt.batch.worker import failure
from sourceopt.service.runner import WorkerRunner, WorkerStartError, outcome_of


def test_batch_records_become_service_outcomes() -> None:
    job = inline_job("j1", "solve", {"sourceopt": 1})
    result = {"status": "optimal", "total_cost": 1.0}
    assert outcome_of(result) == {"status": "succeeded", "result": result}

    assert outcome_of(failure(job, "cancelled", "cancelled"))["status"] == "cancelled"
    timeout = outcome_of(failure(job, "timeout", "the job ran longer than its limit of 5 s"))
    assert timeout == {
        "status": "failed",
        "error": {"reason": "timeout", "message": "the job ran longer than its limit of 5 s"},
    }
    crash = outcome_of(failure(job, "crash", "the worker process died"))
    assert crash["error"]["reason"] == "worker-died"

    invalid = failure(job, "invalid", "2 problems")
    invalid["problems"] = [{"file": "<scenario>", "place": "items", "message": "missing"}]
    error = outcome_of(invalid)["error"]
    assert (error["reason"], error["message"]) == ("invalid", "2 problems")
    assert error["problems"] == invalid["problems"]


def test_a_worker_loading_every_kind_says_which_it_cannot_load(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("SOURCEOPT_TEST_HOOKS", "1")
    monkeypatch.setenv("SOURCEOPT_TEST_BREAK_ANALYSES", "1")  # the worker's analyses fail
    service = WorkerHandle(1024, all_kinds=True)
    with pytest.raises(WorkerDiedError, match=r"cannot load the job kind\(s\) rules, compare"):
        service.wait_ready(120)
    assert not service.ready
    batch = WorkerHandle(1024)  # a batch worker solving files does not need the analyses
    try:
        batch.wait_ready(120)
        assert batch.ready
    finally:
        batch.shutdown()


def test_the_service_runner_refuses_to_start_without_its_kinds(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("SOURCEOPT_TEST_HOOKS", "1")
    monkeypatch.setenv("SOURCEOPT_TEST_BREAK_ANALYSES", "1")
    with pytest.raises(WorkerStartError, match="the server does not start without its workers"):
        WorkerRunner(1, 1024)
