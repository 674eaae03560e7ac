"""Batch evaluation: many scenario files, isolated and resumable, locally or on Dask.

>>> from sourceopt.batch import BatchConfig, executor_for, run_batch
>>> report = run_batch(BatchConfig(("scenarios",), Path("out")), executor_for("local", 2))
... # doctest: +SKIP

Every (file, variant) is a :class:`~sourceopt.jobs.model.FileJob` keyed by its input bytes
and options; each runs in a reusable worker process under a memory cap and a watchdog
(:class:`Limits`, :mod:`sourceopt.jobs`, shared with the HTTP service); finished results
are written atomically to the output folder as they come, so an interrupted batch resumes
where it stopped. An :class:`Executor` decides where jobs run: :class:`LocalExecutor` (worker
processes on this machine) or ``sourceopt.batch.dask_executor.DaskExecutor`` (a Dask cluster).
"""

from __future__ import annotations

from sourceopt.batch.executor import Executor
from sourceopt.batch.golden import Drift, GoldenReport
from sourceopt.batch.jobs import BatchError
from sourceopt.batch.progress import Progress
from sourceopt.batch.run import BatchConfig, BatchReport, executor_for, run_batch
from sourceopt.batch.store import COLUMNS, ResultStore
from sourceopt.jobs.model import FileJob as Job
from sourceopt.jobs.model import JobOptions
from sourceopt.jobs.pool import LocalExecutor
from sourceopt.jobs.supervise import Limits, Outcome

__all__ = [
    "COLUMNS",
    "BatchConfig",
    "BatchError",
    "BatchReport",
    "Drift",
    "Executor",
    "GoldenReport",
    "Job",
    "JobOptions",
    "Limits",
    "LocalExecutor",
    "Outcome",
    "Progress",
    "ResultStore",
    "executor_for",
    "run_batch",
]
