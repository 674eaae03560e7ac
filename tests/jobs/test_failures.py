"""One exception -> failure map; the failure record's JSON and the service's words unchanged."""

from __future__ import annotations

import pytest

from sourceopt.errors import AnalysisError, BackendError, NoAwardError, Problem, ScenarioError
from sourceopt.jobs.failures import Failure, FailureKind, failure_of
from sourceopt.jobs.model import FileJob, InlineJob, JobOptions

FILE = FileJob("/data/chairs.yaml", "base", JobOptions(), "hash", "key", "chairs.yaml")
INLINE = InlineJob("job-1", "solve", object(), {"variant": "bafo", "time_limit": 5})  # type: ignore[arg-type]


def test_the_record_kinds_and_service_reasons_are_the_published_words() -> None:
    assert [k.value for k in FailureKind] == [
        "invalid",
        "backend",
        "error",
        "timeout",
        "memory",
        "crash",
        "internal",
        "cancelled",
        "no_award",
    ]
    reasons = {k.value: k.reason for k in FailureKind if k.reason != k.value}
    assert reasons == {"crash": "worker-died", "error": "invalid-options", "no_award": "no-award"}
    assert {k for k in FailureKind if k.stops_worker} == {FailureKind.MEMORY, FailureKind.INTERNAL}


@pytest.mark.parametrize(
    ("exc", "kind"),
    [
        (ScenarioError.single("f.yaml", "items", "missing"), FailureKind.INVALID),
        (BackendError("cbc is not installed"), FailureKind.BACKEND),
        (AnalysisError("unknown rule 'x'"), FailureKind.ERROR),
        (NoAwardError("no award to stress: ... is infeasible", "infeasible"), FailureKind.NO_AWARD),
        (MemoryError(), FailureKind.MEMORY),
        (ZeroDivisionError("division by zero"), FailureKind.INTERNAL),
    ],
)
def test_every_exception_maps_to_one_kind_for_both_job_types(
    exc: Exception, kind: FailureKind
) -> None:
    assert failure_of(exc, FILE, 512).kind is kind
    assert failure_of(exc, INLINE, 512).kind is kind


def test_a_file_jobs_failure_record_is_the_batch_json() -> None:
    problems = [Problem("chairs.yaml", f"offers[{n}]", "bad") for n in range(22)]
    failure = failure_of(ScenarioError(problems), FILE, 512)
    record = failure.record(FILE)
    assert set(record) == {"scenario", "variant", "status", "kind", "reason", "file"}
    assert (record["scenario"], record["status"], record["kind"]) == ("chairs", "error", "invalid")
    assert record["reason"].endswith("; and 2 more")  # 20 problems listed, then a count
    assert failure_of(MemoryError(), FILE, 512).reason == (
        "memory limit exceeded (512 MiB per worker; see --memory-mb)"
    )
    assert failure_of(KeyError("x"), FILE, 512).reason == "KeyError: 'x'"


def test_an_inline_jobs_failure_is_the_service_error() -> None:
    assert INLINE.variant == "bafo"
    assert INLINE.time_limit == 5.0
    failure = failure_of(ScenarioError.single("<scenario>", "items", "missing"), INLINE, 512)
    assert failure.error() == {
        "reason": "invalid",
        "message": "1 problem in the input",
        "problems": [{"file": "<scenario>", "place": "items", "message": "missing"}],
    }
    internal = failure_of(KeyError("secret"), INLINE, 512).error()
    assert internal == {
        "reason": "internal",
        "message": "internal error (KeyError); see the server log",  # no text passed on
    }
    crash = Failure(FailureKind.CRASH, "the worker process died").error()
    assert crash == {"reason": "worker-died", "message": "the worker process died"}
