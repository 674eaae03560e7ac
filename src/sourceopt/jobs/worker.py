"""The worker process: a long-lived loop that imports sourceopt once and runs job after job.

Started as ``python -m sourceopt.jobs.worker IN_FD OUT_FD MEMORY_MB [die-with-parent]
[all-kinds]`` by :class:`sourceopt.jobs.supervise.WorkerHandle`. It caps its own address space
(``RLIMIT_AS``), ignores Ctrl-C (the parent decides when it stops), optionally has the kernel
kill it when the thread that started it dies (``PR_SET_PDEATHSIG``, on Linux: the service uses
this so that a SIGKILLed server leaves no orphans), and talks over two pipes:

- parent -> worker: a :data:`~sourceopt.jobs.model.Job` (file or inline), or ``None`` to stop;
- worker -> parent: ``("ready", pid)`` once warm (with ``all-kinds``, as the service starts
  it: every job kind imported), or
  ``("failed", reason)`` if it cannot warm up (it then exits); ``("limit", key, seconds)``
  when the job's solver time limit is known (the parent's watchdog then allows that plus a
  grace period), ``("progress", key, done, total)`` as an analysis job prices its figures,
  and ``("done", key, record, wall_seconds, stop)``.

``record`` is the job's JSON result (a file job's is exactly ``SolveResult.to_dict()``, an
inline job's its kind's result) or a :class:`~sourceopt.jobs.failures.Failure`; jobs run
through :class:`sourceopt.jobs.execute.JobExecutor`, the one execution path.
With ``SOURCEOPT_TEST_HOOKS=1`` some scenario names misbehave on purpose (see
:func:`sourceopt.jobs.execute.misbehave_for_tests`), and ``SOURCEOPT_TEST_BREAK_ANALYSES=1``
makes the analyses fail to import in the worker (as a too-low memory cap does).
"""

from __future__ import annotations

import os
import resource
import signal
import sys
import time
from multiprocessing.connection import Connection


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
    import sourceopt.jobs.execute  # noqa: F401
    from sourceopt.jobs.kinds import load_kinds
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
    from sourceopt.jobs.execute import JobExecutor

    executor = JobExecutor(memory_mb)
    outbox.send(("ready", os.getpid()))
    while True:
        try:
            job = inbox.recv()
        except (EOFError, OSError):
            return
        if job is None:
            return
        start = time.perf_counter()
        key: str = job.key

        def announce(seconds: float, key: str = key) -> None:
            outbox.send(("limit", key, seconds))

        def report(done: int, total: int, key: str = key) -> None:
            outbox.send(("progress", key, done, total))

        record, stop = executor.run(job, announce, report)
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
