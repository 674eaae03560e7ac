"""The worker process: a long-lived loop that imports sourceopt once and solves job after job.

Started as ``python -m sourceopt.batch.worker IN_FD OUT_FD MEMORY_MB [die-with-parent]
[all-kinds]`` by
:class:`sourceopt.batch.supervise.WorkerHandle`. It caps its own address space
(``RLIMIT_AS``), ignores Ctrl-C (the parent decides when it stops), optionally has the kernel
kill it when the thread that started it dies (``PR_SET_PDEATHSIG``, on Linux: the service uses
this so that a SIGKILLed server leaves no orphans), and talks over two pipes:

- parent -> worker: a :class:`~sourceopt.batch.jobs.Job`, or ``None`` to stop;
- worker -> parent: ``("ready", pid)`` once warm (with ``all-kinds``, as the service starts
  it: every job kind imported), or
  ``("failed", reason)`` if it cannot warm up (it then exits); ``("limit", key, seconds)``
  when the job's solver time limit is known (the parent's watchdog then allows that plus a
  grace period), and ``("done", key, record, wall_seconds, stop)``.

``record`` is exactly ``SolveResult.to_dict()`` (an inline job's: its kind's result, see
:mod:`sourceopt.batch.execute`), or a failure record (:func:`failure`).
With ``SOURCEOPT_TEST_HOOKS=1`` scenarios named ``test-hook-crash``, ``test-hook-hang`` and
``test-hook-memory`` kill the worker, hang past every limit, or exhaust its memory: the
tests use them to prove the parent survives all three; ``SOURCEOPT_TEST_BREAK_ANALYSES=1``
makes the analyses fail to import in the worker (as a too-low memory cap does).
"""

from __future__ import annotations

import os
import resource
import signal
import sys
import time
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from sourceopt.batch.jobs import Job

DEFAULT_TIME_LIMIT = 600.0  # seconds, when neither the batch nor the scenario sets one
_MAX_PROBLEMS = 20


def failure(job: Job, kind: str, reason: str, scenario: str | None = None) -> dict[str, Any]:
    """The record of a job that produced no result: status ``error``, a kind and a reason.

    Kinds: ``invalid`` (the file), ``backend``, ``timeout`` (killed by the watchdog),
    ``memory``, ``crash`` (the worker died), ``internal`` (a bug), ``cancelled`` (killed on
    request); inline jobs also ``invalid-options`` (:mod:`sourceopt.batch.execute`).
    """
    return {
        "scenario": scenario or Path(job.file).stem,
        "variant": job.variant,
        "status": "error",
        "kind": kind,
        "reason": reason,
        "file": job.file,
    }


def is_failure(record: Any) -> bool:
    """Whether a job's record is a failure record (:func:`failure`) rather than a result."""
    return (
        isinstance(record, dict)
        and record.get("status") == "error"
        and "kind" in record
        and "reason" in record
    )


class Solver:
    """Solves jobs in this process, keeping the last loaded scenario for its next variant."""

    def __init__(self, memory_mb: int) -> None:
        self.memory_mb = memory_mb
        self._cache: tuple[tuple[str, str, str | None], Any] | None = None

    def run(self, job: Job, announce: Any = None) -> tuple[dict[str, Any], bool]:
        """Solve one job; returns its record and whether this process should now stop."""
        from sourceopt.errors import BackendError, ScenarioError, SourceoptError

        if job.inline:
            from sourceopt.batch.execute import execute

            record = execute(job, self.memory_mb)
            return record, is_failure(record) and record["kind"] in ("memory", "internal")
        try:
            return self._solve(job, announce), False
        except ScenarioError as exc:
            lines = [str(p) for p in exc.problems[:_MAX_PROBLEMS]]
            more = len(exc.problems) - len(lines)
            reason = "; ".join(lines) + (f"; and {more} more" if more > 0 else "")
            return failure(job, "invalid", reason), False
        except BackendError as exc:
            return failure(job, "backend", str(exc)), False
        except SourceoptError as exc:
            return failure(job, "error", str(exc)), False
        except MemoryError:
            self._cache = None
            reason = f"memory limit exceeded ({self.memory_mb} MiB per worker; see --memory-mb)"
            return failure(job, "memory", reason), True
        except Exception as exc:
            return failure(job, "internal", f"{type(exc).__name__}: {exc}"), True

    def _solve(self, job: Job, announce: Any) -> dict[str, Any]:
        from sourceopt.solve import solve

        scenario = self._load(job)
        misbehave_for_tests(scenario.name, self.memory_mb)
        limit = job.options.time_limit or scenario.solver.time_limit or DEFAULT_TIME_LIMIT
        if announce is not None:
            announce(limit)
        result = solve(
            scenario,
            variant=job.variant,
            backend=job.options.backend,
            time_limit=limit,
            mip_gap=job.options.mip_gap,
        )
        return result.to_dict()

    def _load(self, job: Job) -> Any:
        from sourceopt.scenario.load import load_scenario

        tag = (job.file, job.input_hash, job.options.models_dir)
        if self._cache is not None and self._cache[0] == tag:
            return self._cache[1]
        self._cache = None
        scenario = load_scenario(job.file, models_dir=job.options.models_dir)
        self._cache = (tag, scenario)
        return scenario


def misbehave_for_tests(name: str, memory_mb: int) -> None:
    """Misbehave on purpose, for the tests only (``SOURCEOPT_TEST_HOOKS=1``)."""
    if os.environ.get("SOURCEOPT_TEST_HOOKS") != "1" or not name.startswith("test-hook-"):
        return
    if name == "test-hook-crash":
        os.kill(os.getpid(), signal.SIGKILL)
    elif name == "test-hook-hang":
        while True:
            time.sleep(1)
    elif name == "test-hook-memory":
        hog = bytearray(max(memory_mb, 64) * 2 * 1024 * 1024)
        hog[-1] = 1


def limit_memory(memory_mb: int) -> None:
    """Cap this process's address space (0 = no cap)."""
    if memory_mb > 0:
        cap = memory_mb * 1024 * 1024
        _, hard = resource.getrlimit(resource.RLIMIT_AS)
        if hard != resource.RLIM_INFINITY:
            cap = min(cap, hard)
        resource.setrlimit(resource.RLIMIT_AS, (cap, hard))


def warm_up(all_kinds: bool) -> None:
    """Import what a solve needs and, with `all_kinds`, every job kind; raises on a failure.

    A solve needs the conflict search too (an infeasible result carries its conflict): its
    import, paid mid-job, could push a short job past its watchdog.
    """
    import sourceopt.analysis.explain
    import sourceopt.batch.execute
    import sourceopt.batch.intake  # noqa: F401
    from sourceopt.batch.kinds import load_kinds
    from sourceopt.solve import solve  # noqa: F401
    from sourceopt.solvers.registry import DEFAULT_BACKEND, get_backend

    hooks = os.environ.get("SOURCEOPT_TEST_HOOKS") == "1"
    if hooks and os.environ.get("SOURCEOPT_TEST_BREAK_ANALYSES") == "1":
        sys.modules["sourceopt.analysis"] = None  # type: ignore[assignment]
    get_backend(DEFAULT_BACKEND)
    if all_kinds:
        load_kinds()


def serve(inbox: Connection, outbox: Connection, memory_mb: int, all_kinds: bool = False) -> None:
    """The loop: warm up, say ready, then solve each job received until told to stop."""
    try:  # pay the imports once, up front; a worker that cannot run every kind never starts
        warm_up(all_kinds)
    except (Exception, MemoryError) as exc:
        outbox.send(("failed", f"{type(exc).__name__}: {exc}"))
        return
    solver = Solver(memory_mb)
    outbox.send(("ready", os.getpid()))
    while True:
        try:
            job = inbox.recv()
        except (EOFError, OSError):
            return
        if job is None:
            return
        start = time.perf_counter()
        record, stop = solver.run(job, lambda s, key=job.key: outbox.send(("limit", key, s)))
        outbox.send(("done", job.key, record, time.perf_counter() - start, stop))
        if stop:
            return


def die_with_parent() -> None:
    """On Linux, have the kernel kill this process when the thread that started it dies."""
    import contextlib
    import ctypes

    if sys.platform.startswith("linux"):
        with contextlib.suppress(OSError):
            ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG


def main(argv: list[str] | None = None) -> None:
    """Entry point of the worker process."""
    args = argv or sys.argv[1:]
    in_fd, out_fd, memory_mb = (int(a) for a in args[:3])
    if "die-with-parent" in args[3:]:
        die_with_parent()
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    limit_memory(memory_mb)
    inbox = Connection(in_fd, writable=False)
    outbox = Connection(out_fd, readable=False)
    serve(inbox, outbox, memory_mb, all_kinds="all-kinds" in args[3:])


if __name__ == "__main__":
    main()
