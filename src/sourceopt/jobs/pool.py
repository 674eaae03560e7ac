"""The local executor: N reusable worker processes on this machine, each under a watchdog.

Each of N threads owns one :class:`~sourceopt.jobs.supervise.WorkerHandle` and feeds it jobs
from a shared queue through :func:`~sourceopt.jobs.supervise.run_supervised`; a worker that
overruns its deadline or dies is killed and replaced without touching the others. Outcomes are
reported from the calling thread.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable, Sequence

from sourceopt.jobs.model import FileJob
from sourceopt.jobs.supervise import Limits, Outcome, WorkerHandle, run_supervised


class LocalExecutor:
    """Runs jobs on `jobs` local worker processes (started once, reused, replaced if killed)."""

    def __init__(self, jobs: int = 1, limits: Limits | None = None) -> None:
        self.jobs = max(1, jobs)
        self.limits = limits or Limits()

    def run(self, jobs: Sequence[FileJob], report: Callable[[Outcome[FileJob]], None]) -> None:
        """Run every job, reporting each outcome as it finishes (in the calling thread)."""
        if not jobs:
            return
        todo: queue.SimpleQueue[FileJob] = queue.SimpleQueue()
        for job in jobs:
            todo.put(job)
        done: queue.SimpleQueue[Outcome[FileJob] | BaseException] = queue.SimpleQueue()
        stop = threading.Event()
        handles = [WorkerHandle(self.limits.memory_mb) for _ in range(min(self.jobs, len(jobs)))]
        threads = [
            threading.Thread(target=self._serve, args=(h, todo, done, stop), daemon=True)
            for h in handles
        ]
        for thread in threads:
            thread.start()
        try:
            for _ in range(len(jobs)):
                item = _next(done)
                if isinstance(item, BaseException):
                    raise item
                report(item)
        finally:
            stop.set()
            for handle in handles:
                handle.shutdown()
            for thread in threads:
                thread.join(timeout=5)

    def _serve(
        self,
        handle: WorkerHandle,
        todo: queue.SimpleQueue[FileJob],
        done: queue.SimpleQueue[Outcome[FileJob] | BaseException],
        stop: threading.Event,
    ) -> None:
        try:
            while not stop.is_set():
                try:
                    job = todo.get_nowait()
                except queue.Empty:
                    break
                outcome = run_supervised(handle, job, self.limits)
                if not stop.is_set():
                    done.put(outcome)
            handle.close()
        except BaseException as exc:  # a bug here must reach the caller, not vanish
            if not stop.is_set():
                done.put(exc)


def _next(
    done: queue.SimpleQueue[Outcome[FileJob] | BaseException],
) -> Outcome[FileJob] | BaseException:
    """Wait for the next outcome, waking up often so that Ctrl-C is noticed promptly."""
    while True:
        try:
            return done.get(timeout=0.2)
        except queue.Empty:
            continue
