"""The one execution path, in this process: file jobs and inline jobs, results and failures."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from batch.scenarios import PAIR, PAIR_COST, SINGLE
from sourceopt.jobs.execute import JobExecutor
from sourceopt.jobs.failures import Failure, FailureKind
from sourceopt.jobs.model import FileJob, InlineJob, JobOptions
from sourceopt.service.intake import StoredRequest


def file_job(path: Path, variant: str = "base") -> FileJob:
    return FileJob(str(path), variant, JobOptions(), "hash", f"key-{variant}", path.name)


def test_a_file_job_solves_announces_its_limit_and_reuses_the_scenario(tmp_path: Path) -> None:
    path = tmp_path / "single.yaml"
    path.write_text(SINGLE.format(name="single", p1=3))
    executor = JobExecutor(1024)
    limits: list[float] = []
    result, stop = executor.run(file_job(path), limits.append)
    assert not stop
    assert result["total_cost"] == pytest.approx(30.0)  # all 10 from S1 at 3
    assert limits == [600.0]  # no limit in the job or the file: the default
    first = executor._cache
    result, _ = executor.run(file_job(path, "pricey"))
    assert result["total_cost"] == pytest.approx(40.0)  # S1 at 6 > 4: all 10 from S2
    assert executor._cache is first  # the next variant of the same file is not reloaded


def test_a_file_jobs_problems_are_an_invalid_failure(tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(PAIR.format(name="bad").replace("demand: 100", "demand: -1"))
    failure, stop = JobExecutor(1024).run(file_job(path))
    assert isinstance(failure, Failure)
    assert not stop
    assert failure.kind is FailureKind.INVALID
    assert "demand" in failure.reason
    missing, _ = JobExecutor(1024).run(file_job(tmp_path / "gone.yaml"))
    assert isinstance(missing, Failure)
    assert missing.kind is FailureKind.INVALID


def test_an_inline_job_runs_its_kind_on_a_request_it_loads() -> None:
    data = yaml.safe_load(PAIR.format(name="pair"))
    executor = JobExecutor(1024)
    result, _ = executor.run(InlineJob("j", "solve", StoredRequest(data), {"mip_gap": 0.0}))
    assert result["total_cost"] == pytest.approx(PAIR_COST)
    failure, stop = executor.run(InlineJob("k", "no-such", StoredRequest(data)))
    assert isinstance(failure, Failure)
    assert (failure.kind, stop) == (FailureKind.ERROR, False)
    assert "unknown job kind 'no-such'" in failure.reason
