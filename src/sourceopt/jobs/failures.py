"""Why a job produced no result: one :class:`FailureKind` vocabulary, one exception map.

A :class:`Failure` is what a worker (or its supervisor) reports instead of a result. The
batch writes it as a failure record (:meth:`Failure.record`, JSON unchanged: ``status``
``error``, ``kind``, ``reason``); the HTTP service shows it as a job error
(:meth:`Failure.error`: ``reason`` is :attr:`FailureKind.reason`, the service's word).
"""

from __future__ import annotations

import logging
import traceback
from dataclasses import dataclass
from enum import Enum
from typing import Any

from sourceopt.errors import (
    BackendError,
    NoAwardError,
    Problem,
    ScenarioError,
    SourceoptError,
)
from sourceopt.jobs.model import InlineJob, Job

log = logging.getLogger("sourceopt.jobs")
MAX_PROBLEMS = 20  # problems listed in a failure record's reason


class FailureKind(Enum):
    """Why a job failed; the value is the failure record's ``kind``."""

    INVALID = "invalid"  # the scenario (or a file it names)
    BACKEND = "backend"  # the solver backend is missing or failed
    ERROR = "error"  # any other user error: a bad option, variant, rule, metric...
    TIMEOUT = "timeout"  # killed by the watchdog
    MEMORY = "memory"  # ran out of its memory cap
    CRASH = "crash"  # the worker process died
    INTERNAL = "internal"  # a bug
    CANCELLED = "cancelled"  # killed on request
    NO_AWARD = "no_award"  # an analysis needs the base award and the base solve found none

    @property
    def reason(self) -> str:
        """The HTTP service's word for this kind (a job error's ``reason``)."""
        return _SERVICE_REASONS.get(self, self.value)

    @property
    def stops_worker(self) -> bool:
        """Whether the worker process should end after such a failure (it may be damaged)."""
        return self in (FailureKind.MEMORY, FailureKind.INTERNAL)


_SERVICE_REASONS = {
    FailureKind.CRASH: "worker-died",
    FailureKind.ERROR: "invalid-options",
    FailureKind.NO_AWARD: "no-award",
}


@dataclass(frozen=True)
class Failure:
    """A job that produced no result: its kind, a reason, and the input's problems if any."""

    kind: FailureKind
    reason: str
    problems: tuple[Problem, ...] = ()

    def record(self, job: Job) -> dict[str, Any]:
        """The batch's failure record (what ``results/.../VARIANT.json`` holds)."""
        return {
            "scenario": job.label,
            "variant": job.variant,
            "status": "error",
            "kind": self.kind.value,
            "reason": self.reason,
            "file": getattr(job, "file", "<scenario>"),
        }

    def error(self) -> dict[str, Any]:
        """The service's job error: ``reason`` (its word), ``message``, ``problems`` if any."""
        if self.kind is FailureKind.INVALID:
            count = len(self.problems)
            message = f"{count} problem{'s' if count != 1 else ''} in the input"
            problems = [
                {"file": p.file, "place": p.place, "message": p.message} for p in self.problems
            ]
            return {"reason": self.kind.reason, "message": message, "problems": problems}
        return {"reason": self.kind.reason, "message": self.reason}


def failure_of(exc: BaseException, job: Job, memory_mb: int) -> Failure:
    """The one exception -> failure map (the worker calls it for whatever a job raised).

    The service's (inline) jobs never pass an internal error's text on: it is logged here.
    """
    if isinstance(exc, ScenarioError):
        lines = [str(p) for p in exc.problems[:MAX_PROBLEMS]]
        more = len(exc.problems) - len(lines)
        reason = "; ".join(lines) + (f"; and {more} more" if more > 0 else "")
        return Failure(FailureKind.INVALID, reason, exc.problems)
    if isinstance(exc, BackendError):
        return Failure(FailureKind.BACKEND, str(exc))
    if isinstance(exc, NoAwardError):
        return Failure(FailureKind.NO_AWARD, str(exc))
    if isinstance(exc, SourceoptError):
        return Failure(FailureKind.ERROR, str(exc))
    inline = isinstance(job, InlineJob)
    if isinstance(exc, MemoryError):
        if inline:
            return Failure(FailureKind.MEMORY, "the job ran out of its memory limit")
        reason = f"memory limit exceeded ({memory_mb} MiB per worker; see --memory-mb)"
        return Failure(FailureKind.MEMORY, reason)
    if inline:  # a bug: log it here, never pass a traceback on
        log.error("job failed with an internal error:\n%s", traceback.format_exc())
        reason = f"internal error ({type(exc).__name__}); see the server log"
        return Failure(FailureKind.INTERNAL, reason)
    return Failure(FailureKind.INTERNAL, f"{type(exc).__name__}: {exc}")
