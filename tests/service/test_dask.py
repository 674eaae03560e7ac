"""`sourceopt serve --executor dask`: a job solved on a real Dask LocalCluster (processes)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from sourceopt import load_scenario, solve

from .conftest import Server, make_server, wait_for
from .scenarios import small

distributed = pytest.importorskip("distributed")


@pytest.fixture(scope="module")
def dask_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    with distributed.LocalCluster(
        n_workers=1, threads_per_worker=1, processes=True, dashboard_address=":0"
    ) as cluster:
        folder: Path = tmp_path_factory.mktemp("dask-service")
        args = ["--executor", "dask", "--scheduler", cluster.scheduler_address]
        running = make_server(folder, *args, "--workers", "1")
        yield running
        running.stop()


def test_solve_job_on_a_dask_cluster(dask_server: Server) -> None:
    with dask_server.client() as client:
        answer = client.post("/v1/jobs", json={"scenario": small()})
        assert answer.status_code == 202, answer.text
        done = wait_for(client, answer.json()["id"], seconds=120)
    assert done["status"] == "succeeded", done
    local = solve(load_scenario(small())).to_dict()
    for key in ("status", "objective", "total_cost", "allocations"):
        assert done["result"][key] == local[key], key  # type: ignore[index]
