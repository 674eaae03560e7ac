"""The Dask executor: the same jobs, limits, retries and outcomes on a dask.distributed cluster.

Each job is one Dask task. The task does not solve in the Dask worker itself: it hands the
job to a long-lived sourceopt worker process that it keeps beside the Dask worker (one per
Dask worker thread, started on first use, reused by every later task) through
:func:`~sourceopt.jobs.supervise.run_supervised` (the task is
:func:`sourceopt.jobs.dask_task.run_on_dask_worker`), so the memory cap, the watchdog that kills
a stuck solve and crash retries hold exactly as in the local pool, and a crash never takes the
Dask worker down. A task may also carry a wall-clock cap and the name of a
:class:`distributed.Event` that cancels it: the task polls the event while the job runs and,
once it is set, kills the worker process (the HTTP service's Dask runner uses this).
Scenario files are read by the Dask workers: they must see the same paths (a shared
filesystem). Results come back to the caller, which writes the output folder.

Needs the optional extra ``sourceopt[dask]``.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from typing import Any

from sourceopt.batch.jobs import BatchError
from sourceopt.jobs.dask_task import run_on_dask_worker
from sourceopt.jobs.failures import Failure, FailureKind
from sourceopt.jobs.model import FileJob
from sourceopt.jobs.supervise import Limits, Outcome


class DaskExecutor:
    """Runs jobs as tasks on an existing Dask scheduler (an address, or a ``Client``)."""

    def __init__(self, scheduler: Any, limits: Limits | None = None) -> None:
        self.scheduler = scheduler
        self.limits = limits or Limits()

    def _client(self) -> tuple[Any, bool]:
        try:
            from distributed import Client
        except ImportError:
            raise BatchError(
                "--executor dask needs dask.distributed: pip install 'sourceopt[dask]'"
            ) from None
        if not isinstance(self.scheduler, str):
            return self.scheduler, False
        try:
            client = Client(self.scheduler, set_as_default=False, timeout=30)  # type: ignore[no-untyped-call]
            return client, True
        except OSError as exc:
            raise BatchError(
                f"cannot reach the Dask scheduler at {self.scheduler}: {exc}"
            ) from None

    def run(self, jobs: Sequence[FileJob], report: Callable[[Outcome[FileJob]], None]) -> None:
        """Run every job; see :class:`sourceopt.batch.executor.Executor`."""
        if not jobs:
            return
        from distributed import as_completed

        client, owned = self._client()
        tag = uuid.uuid4().hex[:8]
        keys = [f"sourceopt-batch-{tag}-{k}" for k in range(len(jobs))]
        by_key = dict(zip(keys, jobs, strict=True))
        limits = [self.limits] * len(jobs)
        futures = client.map(run_on_dask_worker, jobs, limits, key=keys, pure=False)
        try:
            for future in as_completed(futures, loop=client.loop):  # type: ignore[no-untyped-call]
                report(_outcome(future, by_key[future.key]))
        except KeyboardInterrupt:
            client.cancel(futures)
            raise
        finally:
            if owned:
                client.close()


def _outcome(future: Any, job: FileJob) -> Outcome[FileJob]:
    """A finished task's outcome; a task that failed in Dask itself becomes a crash record."""
    try:
        outcome: Outcome[FileJob] = future.result()
    except Exception as exc:
        reason = f"the Dask task failed ({type(exc).__name__}: {exc})"
        return Outcome(job, Failure(FailureKind.CRASH, reason), 0.0)
    return outcome
