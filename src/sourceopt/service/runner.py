"""Where jobs execute: the supervised worker processes of :mod:`sourceopt.jobs`, or Dask.

The API process never runs a solver itself. :class:`JobRunner` is the one seam: the
dispatcher hands it an :class:`~sourceopt.jobs.model.InlineJob`, a wall-clock cap and a way to
ask "was this cancelled?", and gets an :data:`Ending` back: ``{"status": "succeeded",
"result": ...}``, ``{"status": "failed", "error": {reason, message, problems?}}`` (a
:class:`~sourceopt.jobs.failures.Failure` in the service's words) or ``{"status":
"cancelled", ...}``. :class:`WorkerRunner` is a thin adapter over the worker supervision
that the batch uses too (:mod:`sourceopt.jobs.supervise`): the same worker processes, memory cap
(``RLIMIT_AS``), watchdog and cancellation (the worker is killed within 0.1 s and replaced).
The service's workers differ only in that they start with the server, which refuses to start
when one cannot (each imports every job kind first: a kind is never silently missing), a
crash is never retried, a worker found dead is replaced at once (``/readyz`` checks them),
and each dies with the server (``PR_SET_PDEATHSIG``).
"""

from __future__ import annotations

import contextlib
import queue
import threading
import time
import uuid
from collections.abc import Callable
from typing import Any, Protocol

from sourceopt.errors import SourceoptError
from sourceopt.jobs.failures import Failure, FailureKind
from sourceopt.jobs.model import InlineJob
from sourceopt.jobs.supervise import Limits, Outcome, WorkerDiedError, WorkerHandle, run_supervised

Ending = dict[str, Any]
"""How a service job ended: ``{status, result}`` or ``{status, error}`` (stored as such)."""
POLL_SECONDS = 0.1
STARTUP_SECONDS = 120.0
CANCELLED: Ending = {"status": "cancelled", "error": {"reason": "cancelled", "message": ""}}
DASK_CANCEL_WAIT_SECONDS = 1.0  # a cancelled Dask task that has not answered by then is dropped
DASK_BACKSTOP_SECONDS = 30.0  # beyond the cap and worker start-up, before a task is abandoned


class WorkerStartError(SourceoptError):
    """The service's workers cannot start (the server must not run without them)."""


def failed(failure: Failure) -> Ending:
    """A job's failure as the service's ending (its error in the service's words)."""
    return {"status": "failed", "error": failure.error()}


def outcome_of(done: Outcome[InlineJob]) -> Ending:
    """A finished job (its result, or its Failure) as a service outcome."""
    if done.failure is None:
        return {"status": "succeeded", "result": done.payload}
    if done.failure.kind is FailureKind.CANCELLED:
        return dict(CANCELLED)
    return failed(done.failure)


class JobRunner(Protocol):
    """Runs one inline job to an outcome, honouring a wall-clock limit and cancellation."""

    def run(
        self,
        job: InlineJob,
        seconds: float,
        cancelled: Callable[[], bool],
        progress: Callable[[int, int], None] | None = None,
    ) -> Ending:
        """Run `job`; stop it when `cancelled()` turns true or after `seconds`.

        `progress(done, total)` is told an analysis job's progress (where the runner can).
        """
        ...

    def healthy(self) -> bool:
        """Whether the runner can take work (its workers or cluster are alive)."""
        ...

    def revive(self) -> None:
        """Replace workers found dead while idle (called by the housekeeping thread)."""
        ...

    def close(self) -> None:
        """Stop every worker."""
        ...


class WorkerRunner:
    """`workers` worker processes, started now, reused, killed and replaced on overrun.

    Start it from a thread that lives as long as the server (the workers die with the thread
    that started them); replacements are started by the dispatcher's threads.
    """

    def __init__(self, workers: int, memory_mb: int) -> None:
        self.limits = Limits(memory_mb=memory_mb, retries=0, startup=STARTUP_SECONDS)
        self._handles = [
            WorkerHandle(memory_mb, die_with_parent=True, capture_stderr=False, all_kinds=True)
            for _ in range(max(1, workers))
        ]
        self._idle: queue.SimpleQueue[WorkerHandle] = queue.SimpleQueue()
        self._busy: set[int] = set()
        self._lock = threading.Lock()
        self._closed = threading.Event()
        for handle in self._handles:
            handle.start()  # they warm up side by side
        try:
            for handle in self._handles:
                handle.wait_ready(self.limits.startup)
        except WorkerDiedError as exc:
            self.close()
            raise WorkerStartError(
                f"{exc} (memory cap {memory_mb} MiB per worker); "
                "the server does not start without its workers"
            ) from None
        for handle in self._handles:
            self._idle.put(handle)

    def run(
        self,
        job: InlineJob,
        seconds: float,
        cancelled: Callable[[], bool],
        progress: Callable[[int, int], None] | None = None,
    ) -> Ending:
        """Run `job` on an idle worker; see :func:`sourceopt.jobs.supervise.run_supervised`."""
        handle = self._idle.get()
        with self._lock:
            self._busy.add(id(handle))
        try:
            done = run_supervised(handle, job, self.limits, cancelled, seconds, progress)
            self._revive(handle)
        finally:
            with self._lock:
                self._busy.discard(id(handle))
            self._idle.put(handle)
        return outcome_of(done)

    def revive(self) -> None:
        """Start a fresh worker in place of each idle one that died (it warms up meanwhile)."""
        with self._lock:  # a handle being revived cannot be taken for a job meanwhile
            for handle in self._handles:
                if id(handle) not in self._busy and not handle.ready:
                    self._revive(handle)

    def _revive(self, handle: WorkerHandle) -> None:
        """Start a fresh worker in place of a killed or stopped one, so /readyz holds."""
        if handle.ready or self._closed.is_set():
            return
        with contextlib.suppress(WorkerDiedError):  # the runner is closing
            handle.start()

    def healthy(self) -> bool:
        """Whether every worker process is alive."""
        return not self._closed.is_set() and all(h.ready for h in self._handles)

    def close(self) -> None:
        """Kill every worker process (and start no more)."""
        self._closed.set()
        for handle in self._handles:
            handle.shutdown()


class DaskRunner:
    """Sends jobs to an existing Dask cluster (``--executor dask --scheduler ADDRESS``).

    Each job is one Dask task (:func:`~sourceopt.jobs.dask_task.run_on_dask_worker`, as the
    batch's Dask executor runs it): the Dask worker hands it to a
    supervised sourceopt worker process beside it, with the same memory cap, wall-clock cap
    and crash handling as :class:`WorkerRunner`. The cluster's workers must have sourceopt
    installed. A cancel sets a ``distributed.Event`` named after the job, which the task polls
    while the job runs: it kills the worker process, and the task returns a cancelled record.
    """

    def __init__(self, scheduler: str, memory_mb: int = Limits.memory_mb) -> None:
        from distributed import Client

        self.client = Client(scheduler, timeout=30)  # type: ignore[no-untyped-call]
        self.limits = Limits(memory_mb=memory_mb, retries=0, startup=STARTUP_SECONDS)
        self._events: dict[str, Any] = {}  # the cancel events of the jobs running now
        self._lock = threading.Lock()
        self._closed = threading.Event()

    def run(
        self,
        job: InlineJob,
        seconds: float,
        cancelled: Callable[[], bool],
        progress: Callable[[int, int], None] | None = None,
    ) -> Ending:
        """Submit `job` to the cluster and wait; a cancel or the cap stops it on its worker.

        (`progress` is not reported from a Dask worker: the job shows none.)
        """
        from distributed import Event
        from distributed import TimeoutError as DaskTimeout

        from sourceopt.jobs.dask_task import run_on_dask_worker

        tag = uuid.uuid4().hex
        event = Event(f"sourceopt-cancel-{tag}", client=self.client)  # type: ignore[no-untyped-call]
        with self._lock:
            self._events[tag] = event
        future = self.client.submit(
            run_on_dask_worker,
            job,
            self.limits,
            seconds,
            event.name,
            key=f"sourceopt-job-{tag}",
            pure=False,
        )
        # the task enforces `seconds` once its worker process is warm; this is the backstop
        deadline = time.monotonic() + seconds + self.limits.startup + DASK_BACKSTOP_SECONDS
        asked: float | None = None  # when the cancel was passed on to the task
        finished = False
        try:
            while True:
                try:
                    done = future.result(timeout=POLL_SECONDS)
                except DaskTimeout:
                    now = time.monotonic()
                    if asked is None and (cancelled() or self._closed.is_set()):
                        event.set()  # type: ignore[no-untyped-call]
                        asked = now
                    elif asked is not None and now > asked + DASK_CANCEL_WAIT_SECONDS:
                        future.cancel()  # type: ignore[no-untyped-call]  # queued, or lost
                        return dict(CANCELLED)
                    if now > deadline:
                        event.set()  # type: ignore[no-untyped-call]
                        future.cancel()  # type: ignore[no-untyped-call]
                        reason = f"the job ran longer than its limit of {seconds:g} s"
                        return failed(Failure(FailureKind.TIMEOUT, reason))
                    continue
                except Exception as exc:
                    finished = True
                    if asked is not None or self._closed.is_set():
                        return dict(CANCELLED)
                    reason = f"the Dask task failed: {type(exc).__name__}"
                    return failed(Failure(FailureKind.CRASH, reason))
                finished = True
                return outcome_of(done)
        finally:
            with self._lock:
                self._events.pop(tag, None)
            if finished and not self._closed.is_set():
                # forget the event on the scheduler; an abandoned task keeps it, set, to see
                with contextlib.suppress(Exception):
                    event.clear()  # type: ignore[no-untyped-call]

    def revive(self) -> None:
        """Nothing to do: the Dask workers start their own worker processes."""

    def healthy(self) -> bool:
        """Whether the scheduler answers and has workers."""
        try:
            return bool(self.client.scheduler_info().get("workers"))
        except Exception:
            return False

    def close(self) -> None:
        """Stop the jobs running on the cluster and disconnect from it."""
        self._closed.set()
        with self._lock:
            events = list(self._events.values())
        for event in events:
            with contextlib.suppress(Exception):
                event.set()
        self.client.close()  # type: ignore[no-untyped-call]


def make_runner(executor: str, workers: int, memory_mb: int, scheduler: str | None) -> JobRunner:
    """The runner the settings ask for."""
    if executor == "dask":
        if not scheduler:
            raise ValueError("--executor dask needs --scheduler ADDRESS")
        return DaskRunner(scheduler, memory_mb)
    return WorkerRunner(workers, memory_mb)
