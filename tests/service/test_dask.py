"""`sourceopt serve --executor dask`: jobs solved and cancelled on a real Dask LocalCluster."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from sourceopt import load_scenario, solve

from .conftest import Server, make_server, wait_for, wait_running
from .scenarios import small

distributed = pytest.importorskip("distributed")


@pytest.fixture(scope="module")
def dask_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    # the Dask worker (and the sourceopt worker process beside it) inherit the test hooks
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SOURCEOPT_TEST_HOOKS", "1")
        cluster = distributed.LocalCluster(
            n_workers=1, threads_per_worker=1, processes=True, dashboard_address=":0"
        )
    with cluster:
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


def test_cancel_kills_a_running_job_on_dask_and_the_next_job_runs(dask_server: Server) -> None:
    with dask_server.client() as client:
        warm = client.post("/v1/jobs", json={"scenario": small()}).json()
        assert wait_for(client, warm["id"], seconds=120)["status"] == "succeeded"
        job = client.post("/v1/jobs", json={"scenario": small("test-hook-hang")}).json()
        wait_running(client, job["id"])
        time.sleep(1.0)  # the job is hanging in the sourceopt worker process by now
        asked = time.monotonic()
        assert client.delete(f"/v1/jobs/{job['id']}").status_code == 200
        done = wait_for(client, job["id"], seconds=10)
        took = time.monotonic() - asked
        assert done["status"] == "cancelled", done
        assert took < 2.0
        # one Dask worker thread: this runs only if the hanging job's worker was killed
        after = client.post("/v1/jobs", json={"scenario": small()}).json()
        assert wait_for(client, after["id"], seconds=60)["status"] == "succeeded"
