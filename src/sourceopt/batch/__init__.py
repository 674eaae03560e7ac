"""Batch evaluation: many scenario files, isolated and resumable, locally or on Dask.

>>> from sourceopt.batch import BatchConfig, executor_for, run_batch
>>> report = run_batch(BatchConfig(("scenarios",), Path("out")), executor_for("local", 2))
... # doctest: +SKIP

Every (file, variant) is a :class:`Job` keyed by its input bytes and options; each runs in a
reusable worker process under a memory cap and a watchdog (:class:`Limits`); finished results
are written atomically to the output folder as they come, so an interrupted batch resumes
where it stopped. An :class:`Executor` decides where jobs run: :class:`LocalExecutor` (worker
processes on this machine) or ``sourceopt.batch.dask_executor.DaskExecutor`` (a Dask cluster).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sourceopt.batch.executor import Executor
    from sourceopt.batch.golden import Drift, GoldenReport
    from sourceopt.batch.jobs import BatchError, Job, JobOptions
    from sourceopt.batch.pool import LocalExecutor
    from sourceopt.batch.progress import Progress
    from sourceopt.batch.run import BatchConfig, BatchReport, executor_for, run_batch
    from sourceopt.batch.store import COLUMNS, ResultStore
    from sourceopt.batch.supervise import Limits, Outcome

# Imported on first use, not with the package: a worker process is started as
# ``python -m sourceopt.batch.worker``, and a package that imported its own worker module
# first would make runpy warn ("found in sys.modules ... prior to execution") and run the
# module twice.
_WHERE = {
    "COLUMNS": "store",
    "BatchConfig": "run",
    "BatchError": "jobs",
    "BatchReport": "run",
    "Drift": "golden",
    "Executor": "executor",
    "GoldenReport": "golden",
    "Job": "jobs",
    "JobOptions": "jobs",
    "Limits": "supervise",
    "LocalExecutor": "pool",
    "Outcome": "supervise",
    "Progress": "progress",
    "ResultStore": "store",
    "executor_for": "run",
    "run_batch": "run",
}


def __getattr__(name: str) -> Any:
    """The public names, imported from their modules on first use."""
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f"{__name__}.{module}"), name)


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
