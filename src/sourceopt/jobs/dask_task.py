"""The Dask task that runs one job on a supervised sourceopt worker process beside a Dask worker.

The task does not solve in the Dask worker itself: it hands the job to a long-lived sourceopt
worker process that it keeps beside the Dask worker (one per Dask worker thread, started on
first use, reused by every later task) through :func:`~sourceopt.jobs.supervise.run_supervised`,
so the memory cap, the watchdog and crash retries hold exactly as in the local pool, and a
crash never takes the Dask worker down. The batch's Dask executor and the service's Dask
runner both submit it.
"""

from __future__ import annotations

import atexit
import threading
from collections.abc import Callable

from sourceopt.jobs.supervise import JobT, Limits, Outcome, WorkerHandle, run_supervised

_HANDLES: dict[tuple[int, int], WorkerHandle] = {}
_LOCK = threading.Lock()


def _shutdown_handles() -> None:
    for handle in list(_HANDLES.values()):
        handle.shutdown()


def run_on_dask_worker(
    job: JobT, limits: Limits, seconds: float | None = None, cancel: str | None = None
) -> Outcome[JobT]:
    """The Dask task: run one job on this Dask worker thread's own sourceopt worker process.

    `seconds` caps the job's wall clock and `cancel` names a ``distributed.Event`` whose
    setting stops the job (its worker process is killed); see
    :func:`~sourceopt.jobs.supervise.run_supervised`.
    """
    slot = (threading.get_ident(), limits.memory_mb)
    with _LOCK:
        handle = _HANDLES.get(slot)
        if handle is None:
            if not _HANDLES:
                atexit.register(_shutdown_handles)
            handle = _HANDLES[slot] = WorkerHandle(limits.memory_mb)
    cancelled = _event_is_set(cancel) if cancel else None
    return run_supervised(handle, job, limits, cancelled, seconds)


def _event_is_set(name: str) -> Callable[[], bool]:
    """A `cancelled()` for :func:`run_supervised`: whether the Dask event `name` is set."""
    from distributed import Event

    event = Event(name)  # type: ignore[no-untyped-call]

    def cancelled() -> bool:
        try:
            return bool(event.is_set())  # type: ignore[no-untyped-call]
        except Exception:  # the scheduler is unreachable: keep solving, the watchdog holds
            return False

    return cancelled
