"""Supervising one worker process: start it, hand it a job, enforce the deadline, replace it.

:func:`run_supervised` is the one place where limits hold; the local pool, the Dask
executor and the HTTP service's runner all call it, so a job gets the same wall-clock
watchdog, memory cap, crash handling, retries and cancellation wherever it runs. The worker
is a fresh interpreter (``python -m sourceopt.jobs.worker``, never a fork) talking over two
``multiprocessing`` pipes; it is started with :mod:`subprocess` so that it can also be started
from daemonic processes such as Dask workers.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path
from typing import IO, Any, Generic, TypeVar

from sourceopt.jobs.execute import DEFAULT_TIME_LIMIT
from sourceopt.jobs.failures import Failure, FailureKind
from sourceopt.jobs.model import Job

JobT = TypeVar("JobT", bound=Job)


@dataclass(frozen=True)
class Limits:
    """Per-job limits: worker memory, watchdog grace beyond the time limit, crash retries."""

    memory_mb: int = 4096
    grace: float = 30.0
    retries: int = 0
    startup: float = 180.0  # seconds a new worker may take to import and warm up


@dataclass(frozen=True)
class Outcome(Generic[JobT]):
    """A finished job: its result or Failure, seconds in the worker, attempts."""

    job: JobT
    payload: dict[str, Any] | Failure
    wall_s: float
    attempts: int = 1

    @property
    def failure(self) -> Failure | None:
        """Why the job produced no result (None: it did)."""
        return self.payload if isinstance(self.payload, Failure) else None

    @property
    def record(self) -> dict[str, Any]:
        """The JSON stored for the job: its result, or its failure record."""
        if isinstance(self.payload, Failure):
            return self.payload.record(self.job)
        return self.payload


class WorkerDiedError(Exception):
    """The worker process ended (crash, kill, failed start); the message says how."""


POLL_SECONDS = 0.1
CRASH = FailureKind.CRASH  # how often a running job's `cancelled()` is asked


class WorkerHandle:
    """One long-lived worker process, started on first use and replaced when it dies.

    With `die_with_parent` the worker asks the kernel to kill it when the thread that started
    it ends (``PR_SET_PDEATHSIG``, Linux): start such a worker from a thread that lives as
    long as the process (the service's), never from a short-lived one. The worker's stderr is
    kept (its last line explains a crash) unless `capture_stderr` is false: it then writes to
    this process's stderr (the service's log). With `all_kinds` the worker imports every job
    kind before it says it is ready (:meth:`wait_ready` raises, naming them, if it cannot).
    """

    def __init__(
        self,
        memory_mb: int,
        die_with_parent: bool = False,
        capture_stderr: bool = True,
        all_kinds: bool = False,
    ) -> None:
        self.memory_mb = memory_mb
        self.all_kinds = all_kinds
        self.die_with_parent = die_with_parent
        self.capture_stderr = capture_stderr
        self._proc: subprocess.Popen[bytes] | None = None
        self._to: Connection | None = None
        self._from: Connection | None = None
        self._stderr: IO[bytes] | None = None
        self._lock = threading.RLock()
        self._closed = False
        self._warm = False  # the running worker said it is ready

    @property
    def ready(self) -> bool:
        """Whether a warm worker is running."""
        return self._proc is not None and self._proc.poll() is None

    def start(self) -> None:
        """Spawn a worker process (it warms up in the background; see :meth:`wait_ready`)."""
        with self._lock:
            if self._closed:
                raise WorkerDiedError("the batch is stopping")
            self.kill()
            self._spawn()

    def _spawn(self) -> None:
        self._warm = False
        child_in, parent_out = os.pipe()
        parent_in, child_out = os.pipe()
        if self.capture_stderr:
            self._stderr = tempfile.TemporaryFile()  # noqa: SIM115 (closed by kill())
        env = dict(os.environ)
        root = str(Path(__file__).resolve().parents[2])
        env["PYTHONPATH"] = os.pathsep.join(p for p in (root, env.get("PYTHONPATH")) if p)
        argv = [sys.executable, "-m", "sourceopt.jobs.worker"]
        argv += [str(child_in), str(child_out), str(self.memory_mb)]
        if self.die_with_parent:
            argv.append("die-with-parent")
        if self.all_kinds:
            argv.append("all-kinds")
        self._proc = subprocess.Popen(
            argv,
            pass_fds=(child_in, child_out),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=self._stderr,
            env=env,
        )
        os.close(child_in)
        os.close(child_out)
        self._to = Connection(parent_out, readable=False)
        self._from = Connection(parent_in, writable=False)

    def wait_ready(self, timeout: float) -> None:
        """Start the worker if needed and wait until it has imported everything.

        Raises WorkerDiedError saying why when it cannot (it could not import a job kind,
        it died, or it took longer than `timeout` seconds).
        """
        if self.ready and self._warm:
            return
        if not self.ready:
            self.start()
        message = self.receive(timeout)
        if message is None:
            self.kill()
            raise WorkerDiedError(f"the worker did not start within {timeout:g} s")
        if message[0] == "failed":
            self.kill()
            raise WorkerDiedError(f"the worker could not start: {message[1]}")
        if message[0] != "ready":
            raise WorkerDiedError(f"unexpected first message {message[0]!r}")
        self._warm = True

    def send(self, job: Job | None) -> None:
        """Hand the worker a job (None asks it to stop)."""
        to = self._to  # read once: another thread may kill the worker meanwhile
        if to is None:
            raise WorkerDiedError("the worker is not running")
        try:
            to.send(job)
        except OSError:
            raise WorkerDiedError(self.death()) from None

    def receive(self, timeout: float) -> tuple[Any, ...] | None:
        """The worker's next message, or None if none came within `timeout` seconds."""
        source = self._from  # read once: another thread may kill the worker meanwhile
        if source is None:
            raise WorkerDiedError("the worker is not running")
        try:
            if not source.poll(max(timeout, 0.0)):
                return None
            message: tuple[Any, ...] = source.recv()
        except (EOFError, OSError):
            raise WorkerDiedError(self.death()) from None
        return message

    def death(self) -> str:
        """How the worker ended: its signal or exit code, and the last line it wrote."""
        proc, stderr = self._proc, self._stderr  # read once: another thread may kill it
        if proc is None:
            return "not started"
        try:
            code = proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            proc.kill()
            code = proc.wait()
        how = f"killed by {signal.Signals(-code).name}" if code < 0 else f"exit code {code}"
        tail = _tail(stderr)
        self.kill()
        return f"{how}: {tail}" if tail else how

    def kill(self) -> None:
        """Kill the worker now (if running) and release its pipes."""
        with self._lock:
            if self._proc is not None:
                if self._proc.poll() is None:
                    self._proc.kill()
                self._proc.wait()
            for conn in (self._to, self._from):
                if conn is not None:
                    conn.close()
            if self._stderr is not None:
                self._stderr.close()
            self._proc = self._to = self._from = self._stderr = None

    def shutdown(self) -> None:
        """Kill the worker and never start another (the batch is over or interrupted)."""
        with self._lock:
            self._closed = True
            self.kill()

    def close(self) -> None:
        """Ask the worker to stop, and kill it if it does not within a second."""
        if self.ready and self._proc is not None:
            try:
                self.send(None)
                self._proc.wait(timeout=1)
            except (WorkerDiedError, subprocess.TimeoutExpired):
                pass
        self.kill()


def _tail(stderr: IO[bytes] | None) -> str:
    """The last line a worker wrote to its kept stderr ("" if none, or already closed)."""
    if stderr is None:
        return ""
    try:
        stderr.seek(0, os.SEEK_END)
        stderr.seek(max(0, stderr.tell() - 2000))
        lines = stderr.read().decode(errors="replace").strip().splitlines()
    except ValueError:  # closed by a kill from another thread
        return ""
    return lines[-1][:300] if lines else ""


def run_supervised(
    handle: WorkerHandle,
    job: JobT,
    limits: Limits,
    cancelled: Callable[[], bool] | None = None,
    seconds: float | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> Outcome[JobT]:
    """Run one job on `handle` within `limits`; a crash is retried up to ``limits.retries``.

    `cancelled` is asked about every :data:`POLL_SECONDS` while the job runs: when it turns
    true the worker is killed (the next job gets a fresh one) and the record is a failure of
    kind ``cancelled``. `seconds` caps the job's wall clock outright (in the worker, from when
    it is handed the job); without it the watchdog allows the job's solver time limit plus
    ``limits.grace``. `progress(done, total)` is told what an analysis job reports as it goes.
    """
    attempts = 0
    while True:
        attempts += 1
        payload, wall, crashed = _attempt(handle, job, limits, cancelled, seconds, progress)
        if not crashed or attempts > limits.retries:
            return Outcome(job, payload, wall, attempts)


def _attempt(
    handle: WorkerHandle,
    job: Job,
    limits: Limits,
    cancelled: Callable[[], bool] | None,
    seconds: float | None,
    progress: Callable[[int, int], None] | None = None,
) -> tuple[dict[str, Any] | Failure, float, bool]:
    """One try: (result or Failure, seconds, whether the worker crashed)."""
    try:
        handle.wait_ready(limits.startup)
    except WorkerDiedError as exc:
        return Failure(CRASH, f"the worker process could not start ({exc})"), 0.0, True
    start = time.monotonic()
    limit = job.time_limit or DEFAULT_TIME_LIMIT
    deadline = start + (seconds if seconds is not None else limit + limits.grace)
    try:
        handle.send(job)
        while True:
            left = deadline - time.monotonic()
            message = handle.receive(min(left, POLL_SECONDS) if cancelled else left)
            if message is None and cancelled is not None and cancelled():
                handle.kill()
                cancel = Failure(FailureKind.CANCELLED, "cancelled")
                return cancel, time.monotonic() - start, False
            if message is None and time.monotonic() < deadline:
                continue
            if message is None:
                handle.kill()
                wall = time.monotonic() - start
                if seconds is not None:
                    reason = f"the job ran longer than its limit of {seconds:g} s"
                else:
                    reason = (
                        f"killed after {wall:.1f} s: no result within the time limit "
                        f"({limit:g} s) plus the grace period ({limits.grace:g} s)"
                    )
                return Failure(FailureKind.TIMEOUT, reason), wall, False
            if message[0] == "limit" and seconds is None:
                limit = float(message[2])
                deadline = time.monotonic() + limit + limits.grace
            elif message[0] == "progress" and progress is not None:
                progress(int(message[2]), int(message[3]))
            elif message[0] == "done":
                if message[4]:
                    handle.close()
                done: dict[str, Any] | Failure = message[2]
                return done, float(message[3]), False
    except WorkerDiedError as exc:
        wall = time.monotonic() - start
        return Failure(CRASH, f"the worker process died while solving ({exc})"), wall, True
