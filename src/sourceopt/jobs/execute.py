"""Running a job inside a worker process: the one execution path for file and inline jobs.

A :class:`~sourceopt.jobs.model.FileJob` is loaded from its file (the last loaded scenario is
kept for its next variant) and solved; an :class:`~sourceopt.jobs.model.InlineJob` runs its
kind (:func:`sourceopt.jobs.kinds.run_kind`) on the scenario it carries (loading it first
when it is a :class:`~sourceopt.jobs.model.ScenarioSource`). Either gives the JSON-ready
result, or a :class:`~sourceopt.jobs.failures.Failure` from the one exception map
(:func:`~sourceopt.jobs.failures.failure_of`). Nothing here raises.

With ``SOURCEOPT_TEST_HOOKS=1`` scenarios named ``test-hook-crash``, ``test-hook-hang`` and
``test-hook-memory`` kill the worker, hang past every limit, or exhaust its memory: the
tests use them to prove the parent survives all three.
"""

from __future__ import annotations

import os
import signal
import time
from collections.abc import Callable
from typing import Any

from sourceopt.jobs.failures import Failure, failure_of
from sourceopt.jobs.model import FileJob, InlineJob, Job

DEFAULT_TIME_LIMIT = 600.0  # seconds, when neither the job nor the scenario sets one

Announce = Callable[[float], None]
"""Told a file job's solver time limit once it is known (the watchdog then allows that)."""


Report = Callable[[int, int], None]
"""Told an analysis job's progress: figures done, and in all."""


class _Reported:
    """An analysis' progress passed on to `report` (every 0.5 s at most, and the last figure).

    It has the interface of :class:`sourceopt.analysis.resolve.Progress` (``total``, ``done``).
    """

    def __init__(self, report: Report) -> None:
        self.report, self.total, self.finished, self._last = report, 0, 0, 0.0

    def done(self, n: int = 1) -> None:
        """Count `n` more figures done; report them."""
        self.finished += n
        clock = time.monotonic()
        if clock - self._last >= 0.5 or self.finished >= self.total:
            self._last = clock
            self.report(self.finished, max(self.total, self.finished))


class JobExecutor:
    """Runs jobs in this process, keeping the last loaded scenario file for its next variant."""

    def __init__(self, memory_mb: int) -> None:
        self.memory_mb = memory_mb
        self._cache: tuple[tuple[str, str, str | None], Any] | None = None

    def run(
        self, job: Job, announce: Announce | None = None, report: Report | None = None
    ) -> tuple[Any, bool]:
        """Run one job: its result (or Failure), and whether this process should now stop.

        `report(done, total)` is told an inline analysis job's progress as it goes.
        """
        try:
            if isinstance(job, InlineJob):
                return self._inline(job, report), False
            return self._file(job, announce), False
        except (Exception, MemoryError) as exc:
            if isinstance(exc, MemoryError):
                self._cache = None
            failure: Failure = failure_of(exc, job, self.memory_mb)
            return failure, failure.kind.stops_worker

    def _inline(self, job: InlineJob, report: Report | None = None) -> dict[str, Any]:
        from sourceopt.jobs.kinds import reports_progress, run_kind
        from sourceopt.scenario.model import Scenario

        source = job.scenario
        scenario = source if isinstance(source, Scenario) else source.load()
        misbehave_for_tests(scenario.name, self.memory_mb)
        extra = dict(job.extra)
        if report is not None and reports_progress(job.kind):
            extra["progress"] = _Reported(report)
        return run_kind(job.kind, scenario, job.options, extra)

    def _file(self, job: FileJob, announce: Announce | None) -> dict[str, Any]:
        from sourceopt.solve import solve

        if job.kind == "portfolio":
            return _portfolio(job, announce)
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

    def _load(self, job: FileJob) -> Any:
        from sourceopt.scenario.load import load_scenario

        tag = (job.file, job.input_hash, job.options.models_dir)
        if self._cache is not None and self._cache[0] == tag:
            return self._cache[1]
        self._cache = None
        scenario = load_scenario(job.file, models_dir=job.options.models_dir)
        self._cache = (tag, scenario)
        return scenario


def _portfolio(job: FileJob, announce: Announce | None) -> dict[str, Any]:
    """A portfolio file job (planned by sourceopt.batch.portfolio_jobs)."""
    from sourceopt.jobs.portfolio_kind import run_portfolio_file

    limit = job.options.time_limit or DEFAULT_TIME_LIMIT
    if announce is not None:
        announce(limit)
    return run_portfolio_file(job, limit)


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
