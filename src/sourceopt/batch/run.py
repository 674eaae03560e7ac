"""Running a batch: find the files, plan the jobs, skip the done ones, run, record, compare."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sourceopt.batch.discover import discover
from sourceopt.batch.executor import Executor
from sourceopt.batch.golden import GoldenReport, compare, load_expected
from sourceopt.batch.jobs import BatchError, parse_variants, plan_jobs
from sourceopt.batch.store import ResultStore, is_failure, write_atomic
from sourceopt.jobs.model import FileJob, JobOptions
from sourceopt.jobs.pool import LocalExecutor
from sourceopt.jobs.supervise import Limits, Outcome

Observer = Callable[[dict[str, Any], bool], None]
"""Called with each job's index entry (``row`` is its summary row) and whether it was skipped
because an earlier run had done it."""


@dataclass(frozen=True)
class BatchConfig:
    """What to run and where to put it."""

    paths: tuple[str, ...]
    out: Path
    options: JobOptions = field(default_factory=JobOptions)
    variants: str | None = None  # None: base only; "all"; or "a,b"
    force: bool = False
    retry_failed: bool = False
    expect: Path | None = None
    tolerance: float = 1e-6


@dataclass
class BatchReport:
    """What a batch did: a summary row per finished job (job order) and the counts."""

    out: Path
    total: int
    rows: list[dict[str, Any]] = field(default_factory=list)
    solved_now: int = 0
    skipped: int = 0
    interrupted: bool = False
    elapsed: float = 0.0
    golden: GoldenReport | None = None
    in_folder: int = 0  # results in the output folder (summary.csv's rows), earlier runs' too

    @property
    def failed(self) -> int:
        """Jobs that ended without a verified award (error, infeasible, no award...)."""
        return sum(is_failure(r) for r in self.rows)

    @property
    def statuses(self) -> dict[str, int]:
        """How many jobs ended with each status."""
        counts: dict[str, int] = {}
        for row in self.rows:
            counts[str(row["status"])] = counts.get(str(row["status"]), 0) + 1
        return counts


def executor_for(
    kind: str, jobs: int = 1, scheduler: str | None = None, limits: Limits | None = None
) -> Executor:
    """The executor named `kind` (``local`` or ``dask``)."""
    if kind == "local":
        return LocalExecutor(jobs, limits)
    if kind == "dask":
        if not scheduler:
            raise BatchError("--executor dask needs --scheduler ADDRESS (e.g. tcp://host:8786)")
        from sourceopt.batch.dask_executor import DaskExecutor

        return DaskExecutor(scheduler, limits)
    raise BatchError(f"unknown executor {kind!r}; executors are: local, dask")


def run_batch(
    config: BatchConfig,
    executor: Executor,
    observe: Observer | None = None,
    on_plan: Callable[[int], None] | None = None,
) -> BatchReport:
    """Run a batch; results already in ``config.out`` for the same job key are skipped.

    `on_plan` is told the number of jobs once they are planned; `observe` sees each job as
    it finishes. Returns when every job has an outcome, or on Ctrl-C (``report.interrupted``)
    with every finished result kept, the summary written and the index ready to resume.
    """
    start = time.monotonic()
    jobs = plan_jobs(discover(config.paths), parse_variants(config.variants), config.options)
    expected = load_expected(config.expect) if config.expect else None
    store = ResultStore(config.out)
    if on_plan is not None:
        on_plan(len(jobs))
    report = BatchReport(out=Path(config.out), total=len(jobs))
    rows: dict[str, dict[str, Any]] = {}
    notify = observe or (lambda entry, skipped: None)
    pending = []
    for job in jobs:
        entry = _done_before(store, job, config)
        if entry is None:
            pending.append(job)
            continue
        rows[job.key] = entry["row"]
        report.skipped += 1
        notify(entry, True)

    def record(outcome: Outcome[FileJob]) -> None:
        entry = store.save(outcome)
        rows[outcome.job.key] = entry["row"]
        report.solved_now += 1
        notify(entry, False)

    try:
        executor.run(pending, record)
    except KeyboardInterrupt:
        report.interrupted = True
    report.rows = [rows[j.key] for j in jobs if j.key in rows]
    report.in_folder = len(store.all_rows())
    store.write_summary()
    if expected is not None:
        report.golden = compare(expected, _records(store, jobs, rows), config.tolerance)
        write_atomic(store.root / "golden.json", json.dumps(report.golden.to_dict()).encode())
    report.elapsed = time.monotonic() - start
    return report


def _done_before(store: ResultStore, job: FileJob, config: BatchConfig) -> dict[str, Any] | None:
    """The index entry of a job an earlier run finished, unless it must run again."""
    entry = None if config.force else store.done(job)
    if entry is not None and config.retry_failed and is_failure(entry["row"]):
        return None
    return entry


def _records(
    store: ResultStore, jobs: list[FileJob], rows: dict[str, dict[str, Any]]
) -> list[dict[str, Any]]:
    """The stored records of the finished jobs (for the golden comparison)."""
    out = []
    for job in jobs:
        if job.key in rows:
            out.append(json.loads((store.root / job.result_path).read_text()))
    return out
