"""The service's runner: job outcomes as service outcomes; workers that load every kind."""

from __future__ import annotations

import pytest

from sourceopt.errors import Problem
from sourceopt.jobs.failures import Failure, FailureKind
from sourceopt.jobs.model import InlineJob
from sourceopt.jobs.supervise import Outcome, WorkerDiedError, WorkerHandle
from sourceopt.service.intake import StoredRequest
from sourceopt.service.runner import WorkerRunner, WorkerStartError, outcome_of


def test_job_outcomes_become_service_outcomes() -> None:
    job = InlineJob("j1", "solve", StoredRequest({"sourceopt": 1}))
    result = {"status": "optimal", "total_cost": 1.0}
    assert outcome_of(Outcome(job, result, 1.0)) == {"status": "succeeded", "result": result}

    def failed(kind: FailureKind, reason: str, *problems: Problem) -> dict[str, object]:
        return outcome_of(Outcome(job, Failure(kind, reason, problems), 1.0))

    assert failed(FailureKind.CANCELLED, "cancelled")["status"] == "cancelled"
    timeout = failed(FailureKind.TIMEOUT, "the job ran longer than its limit of 5 s")
    assert timeout == {
        "status": "failed",
        "error": {"reason": "timeout", "message": "the job ran longer than its limit of 5 s"},
    }
    crash = failed(FailureKind.CRASH, "the worker process died")
    assert crash["error"]["reason"] == "worker-died"  # type: ignore[index]
    options = failed(FailureKind.ERROR, "unknown option")
    assert options["error"]["reason"] == "invalid-options"  # type: ignore[index]

    problems = (Problem("<scenario>", "items", "missing"), Problem("<scenario>", "offers", "x"))
    error = failed(FailureKind.INVALID, "items: missing; offers: x", *problems)["error"]
    assert (error["reason"], error["message"]) == ("invalid", "2 problems in the input")  # type: ignore[index]
    assert error["problems"][0] == {"file": "<scenario>", "place": "items", "message": "missing"}  # type: ignore[index]


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
