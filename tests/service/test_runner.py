"""The service's runner maps the batch worker's records onto its job outcomes."""

from __future__ import annotations

from sourceopt.batch.jobs import inline_job
from sourceopt.batch.worker import failure
from sourceopt.service.runner import outcome_of


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
