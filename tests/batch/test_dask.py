"""The same batch on a real Dask LocalCluster (worker processes): same outputs and limits."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from batch.scenarios import PAIR_COST, SINGLE_COST, mixed_set
from sourceopt.cli import cli

distributed = pytest.importorskip("distributed")


@pytest.fixture(scope="module")
def scheduler() -> Iterator[str]:
    old = os.environ.get("SOURCEOPT_TEST_HOOKS")
    os.environ["SOURCEOPT_TEST_HOOKS"] = "1"  # the Dask workers inherit it
    try:
        with distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0"
        ) as cluster:
            yield cluster.scheduler_address
    finally:
        if old is None:
            os.environ.pop("SOURCEOPT_TEST_HOOKS", None)
        else:
            os.environ["SOURCEOPT_TEST_HOOKS"] = old


def test_dask_batch_matches_the_local_one_and_resumes(tmp_path, monkeypatch, scheduler):
    monkeypatch.chdir(tmp_path)
    mixed_set(Path("in"))
    args = ["batch", "in", "--out", "out", "--variants", "all", "--time-limit", "2"]
    args += ["--grace", "1", "--executor", "dask", "--scheduler", scheduler]
    run = CliRunner().invoke(cli, args, catch_exceptions=False)
    assert run.exit_code == 8, run.output

    def read(rel: str) -> dict:
        return json.loads((Path("out/results") / rel).read_text())  # below the inputs

    assert read("a-pair.yaml/base.json")["total_cost"] == pytest.approx(PAIR_COST)
    for variant, cost in SINGLE_COST.items():
        assert read(f"b-single.yaml/{variant}.json")["total_cost"] == pytest.approx(cost)
    assert read("c-infeasible.yaml/base.json")["status"] == "infeasible"
    assert read("d-malformed.yaml/base.json")["kind"] == "invalid"
    assert read("e-crash.yaml/base.json")["kind"] == "crash"
    assert read("f-hang.yaml/base.json")["kind"] == "timeout"
    again = CliRunner().invoke(cli, args, catch_exceptions=False)
    assert again.exit_code == 8
    assert "0 now, 7 from an earlier run" in again.output
