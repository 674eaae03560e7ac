"""The executor extension point: where a batch's jobs run (local processes, a Dask cluster)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Protocol

from sourceopt.jobs.model import FileJob
from sourceopt.jobs.supervise import Outcome


class Executor(Protocol):
    """Runs jobs and reports each outcome as it finishes."""

    def run(self, jobs: Sequence[FileJob], report: Callable[[Outcome[FileJob]], None]) -> None:
        """Run every job within the executor's limits, reporting each as it finishes.

        `report` is called once per job, in the calling thread, in any order.
        A job's failure (invalid file, crash, kill) is an outcome, never an exception.
        ``KeyboardInterrupt`` stops the workers and propagates; jobs not yet reported are
        simply not done.
        """
        ...
