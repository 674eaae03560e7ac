"""Where jobs execute: worker processes with hard wall-clock and memory limits, or Dask.

The API process never runs a solver itself. :class:`JobRunner` is the one seam: the
dispatcher hands it a payload and a way to ask "was this cancelled?", and gets an outcome
back (see :mod:`sourceopt.service.worker`). :class:`ProcessRunner` keeps a pool of reusable
spawned processes, each under ``RLIMIT_AS``; a cancelled or overrunning job's process is
killed (SIGKILL) and replaced, so a cancel takes effect within a poll interval (0.1 s).
"""

from __future__ import annotations

import multiprocessing
import queue
import threading
import time
from collections.abc import Callable
from typing import Any, Protocol

from sourceopt.service.worker import failure

Outcome = dict[str, Any]
POLL_SECONDS = 0.1
CANCELLED: Outcome = {"status": "cancelled", "error": {"reason": "cancelled", "message": ""}}


class JobRunner(Protocol):
    """Runs one job payload to an outcome, honouring a wall-clock limit and cancellation."""

    def run(
        self, payload: dict[str, Any], seconds: float, cancelled: Callable[[], bool]
    ) -> Outcome:
        """Run `payload`; stop it when `cancelled()` turns true or after `seconds`."""
        ...

    def healthy(self) -> bool:
        """Whether the runner can take work (its workers or cluster are alive)."""
        ...

    def close(self) -> None:
        """Stop every worker."""
        ...


class _Worker:
    """One spawned worker process and the pipe to it."""

    def __init__(self, memory_mb: int) -> None:
        from sourceopt.service.worker import serve_forever

        context = multiprocessing.get_context("spawn")
        self.connection, child = context.Pipe()
        self.process = context.Process(
            target=serve_forever, args=(child, memory_mb), daemon=True, name="sourceopt-worker"
        )
        self.process.start()
        child.close()
        self.ready = False

    def wait_ready(self, seconds: float) -> bool:
        """Wait for the worker's imports to finish."""
        if not self.ready and self.connection.poll(seconds):
            self.ready = self.connection.recv().get("status") == "ready"
        return self.ready

    def kill(self) -> None:
        """Stop the process at once."""
        if self.process.is_alive():
            self.process.kill()
        self.process.join(5)
        self.connection.close()


class ProcessRunner:
    """A pool of reusable worker processes (spawned; memory-limited; killed on overrun)."""

    def __init__(self, workers: int, memory_mb: int) -> None:
        self.memory_mb = memory_mb
        self._idle: queue.Queue[_Worker] = queue.Queue()
        self._all: set[_Worker] = set()
        self._lock = threading.Lock()
        self._closed = False
        for _ in range(workers):
            self._add()

    def _add(self) -> None:
        worker = _Worker(self.memory_mb)
        with self._lock:
            self._all.add(worker)
        self._idle.put(worker)

    def _replace(self, worker: _Worker) -> None:
        worker.kill()
        with self._lock:
            self._all.discard(worker)
        if not self._closed:
            self._add()

    def run(
        self, payload: dict[str, Any], seconds: float, cancelled: Callable[[], bool]
    ) -> Outcome:
        """Run `payload` in an idle worker; kill and replace it on cancel, timeout or crash."""
        worker = self._idle.get()
        try:
            if not worker.wait_ready(120):
                self._replace(worker)
                return failure("worker", "the worker process did not start")
            worker.connection.send(payload)
            return self._await(worker, seconds, cancelled)
        except (EOFError, OSError, BrokenPipeError):
            code = worker.process.exitcode
            self._replace(worker)
            return failure(
                "worker-died",
                f"the worker process died (exit code {code}); the job may exceed the memory limit",
            )

    def _await(self, worker: _Worker, seconds: float, cancelled: Callable[[], bool]) -> Outcome:
        deadline = time.monotonic() + seconds
        while not worker.connection.poll(POLL_SECONDS):
            if cancelled():
                self._replace(worker)
                return dict(CANCELLED)
            if time.monotonic() > deadline:
                self._replace(worker)
                return failure("timeout", f"the job ran longer than its limit of {seconds:g} s")
            if not worker.process.is_alive():
                raise EOFError
        outcome: Outcome = worker.connection.recv()
        self._idle.put(worker)
        return outcome

    def healthy(self) -> bool:
        """Whether every pool process is alive."""
        with self._lock:
            return bool(self._all) and all(w.process.is_alive() for w in self._all)

    def close(self) -> None:
        """Kill every worker process."""
        self._closed = True
        with self._lock:
            workers = list(self._all)
            self._all.clear()
        for worker in workers:
            worker.kill()


class DaskRunner:
    """Sends jobs to an existing Dask cluster (``--executor dask --scheduler ADDRESS``).

    The cluster's workers must have sourceopt installed; their own memory limits apply
    (Dask's nanny restarts a worker over its limit), and a cancel cancels the future.
    """

    def __init__(self, scheduler: str) -> None:
        from distributed import Client

        self.client = Client(scheduler, timeout=30)  # type: ignore[no-untyped-call]

    def run(
        self, payload: dict[str, Any], seconds: float, cancelled: Callable[[], bool]
    ) -> Outcome:
        """Submit `payload` to the cluster and wait, polling for cancellation."""
        from distributed import TimeoutError as DaskTimeout

        from sourceopt.service.worker import execute

        future = self.client.submit(execute, payload, pure=False)
        deadline = time.monotonic() + seconds
        while True:
            try:
                outcome: Outcome = future.result(timeout=POLL_SECONDS * 5)
            except DaskTimeout:
                if cancelled():
                    future.cancel()  # type: ignore[no-untyped-call]
                    return dict(CANCELLED)
                if time.monotonic() > deadline:
                    future.cancel()  # type: ignore[no-untyped-call]
                    return failure("timeout", f"the job ran longer than its limit of {seconds:g} s")
                continue
            except Exception as exc:
                return failure("worker-died", f"the Dask task failed: {type(exc).__name__}")
            return outcome

    def healthy(self) -> bool:
        """Whether the scheduler answers and has workers."""
        try:
            return bool(self.client.scheduler_info().get("workers"))
        except Exception:
            return False

    def close(self) -> None:
        """Disconnect from the cluster."""
        self.client.close()  # type: ignore[no-untyped-call]


def make_runner(executor: str, workers: int, memory_mb: int, scheduler: str | None) -> JobRunner:
    """The runner the settings ask for."""
    if executor == "dask":
        if not scheduler:
            raise ValueError("--executor dask needs --scheduler ADDRESS")
        return DaskRunner(scheduler)
    return ProcessRunner(workers, memory_mb)
