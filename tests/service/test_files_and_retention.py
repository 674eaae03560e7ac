"""Uploaded files are stored only when the scenario names them, never in the scenario's place,
and finished jobs are deleted after the retention (``--retain-days``)."""

from __future__ import annotations

import time
from datetime import timedelta
from pathlib import Path
from typing import cast

import pytest
from sqlalchemy import select, update

from sourceopt.service.auth import create_key, key_id_for
from sourceopt.service.dispatcher import Dispatcher
from sourceopt.service.intake import STORED_SCENARIO
from sourceopt.service.metrics import Metrics
from sourceopt.service.runner import JobRunner
from sourceopt.service.settings import Settings
from sourceopt.service.store import Store, now
from sourceopt.service.tables import job_files, jobs

from .conftest import make_server, wait_for, wait_running
from .scenarios import slow, small

SCENARIO = b"""sourceopt: 1
name: named-like-a-table
items: [{id: bolt, demand: 100}, {id: nut, demand: 50}]
suppliers: [{id: acme}, {id: bolt-co}, {id: globex}]
offers: {file: offers.csv}
"""
OFFERS = b"supplier,item,price\nacme,bolt,1.0\nbolt-co,bolt,1.2\nglobex,nut,0.5\nacme,nut,0.6\n"
# cheapest per item, no rules: bolt 100 x 1.0 (acme) + nut 50 x 0.5 (globex) = 125
OBJECTIVE = 125.0


def _age(store_url: str, job_id: str, days: float) -> None:
    """Move a finished job's finish `days` into the past (as if the clock had run on)."""
    store = Store(store_url, run_migrations=False)
    with store.begin() as connection:
        when = now() - timedelta(days=days)
        connection.execute(update(jobs).where(jobs.c.id == job_id).values(finished_at=when))
    store.close()


def _stored_names(store_url: str, job_id: str) -> set[str]:
    store = Store(store_url, run_migrations=False)
    with store.engine.connect() as connection:
        seq = connection.execute(select(jobs.c.seq).where(jobs.c.id == job_id)).scalar_one()
    names = set(store.files(seq))
    store.close()
    return names


def test_restart_runs_a_queued_upload_whose_scenario_is_named_like_its_table(
    tmp_path: Path,
) -> None:
    server = make_server(tmp_path, "--workers", "1", "--retain-days", "30", keys=1)
    try:
        with server.client() as client:
            old = client.post("/v1/jobs", json={"scenario": small("old")}).json()
            young = client.post("/v1/jobs", json={"scenario": small("young")}).json()
            for job in (old, young):
                assert wait_for(client, job["id"])["status"] == "succeeded"
            busy = client.post("/v1/jobs", json={"scenario": slow(), "options": {"time_limit": 1}})
            wait_running(client, busy.json()["id"])
            files = {
                "scenario": ("offers.csv", SCENARIO, "application/yaml"),
                "offers": ("offers.csv", OFFERS, "text/csv"),
                "notes": ("notes.csv", b"never,named\n1,2\n", "text/csv"),
            }
            queued = client.post("/v1/jobs", files=files)
            assert queued.status_code == 202, queued.text
            job_id = queued.json()["id"]
        assert _stored_names(server.store_url, job_id) == {"offers.csv", STORED_SCENARIO}
        server.kill()
        _age(server.store_url, old["id"], 31)  # past the 30-day retention
        _age(server.store_url, young["id"], 29)
        server.start()  # the restarted server sweeps at once
        with server.client() as client:
            done = wait_for(client, job_id, seconds=90)
            assert done["status"] == "succeeded", done
            assert done["result"]["objective"] == pytest.approx(OBJECTIVE)  # type: ignore[index]
            assert client.get(f"/v1/jobs/{old['id']}").status_code == 404
            assert client.get(f"/v1/jobs/{young['id']}").json()["status"] == "succeeded"
    finally:
        server.stop()


def test_the_sweep_deletes_old_finished_jobs_and_keeps_unfinished_ones(tmp_path: Path) -> None:
    store = Store(f"sqlite:///{tmp_path / 'jobs.db'}")
    key_id = key_id_for(store, create_key(store, "k")[0])
    assert key_id is not None
    made = {
        name: store.submit(key_id, "solve", "{}", "sha", files={"t.csv": b"x"})[0]
        for name in ("old-done", "new-done", "old-queued", "old-running")
    }
    assert store.claim("w", 30, time.time()) is not None  # old-done
    assert store.claim("w", 30, time.time()) is not None  # new-done
    store.finish(made["old-done"].id, "succeeded", "{}")
    store.finish(made["new-done"].id, "failed", None, "{}")
    assert store.claim("w", 30, time.time()) is not None  # old-queued, put back below
    assert store.claim("w", 30, time.time()) is not None  # old-running
    long_ago = now() - timedelta(days=400)
    with store.begin() as connection:
        connection.execute(
            update(jobs).where(jobs.c.id != made["new-done"].id).values(created_at=long_ago)
        )
        connection.execute(
            update(jobs).where(jobs.c.id == made["old-done"].id).values(finished_at=long_ago)
        )
        connection.execute(
            update(jobs).where(jobs.c.id == made["old-queued"].id).values(status="queued")
        )
    assert store.sweep(now() - timedelta(days=30)) == 1
    assert store.get(made["old-done"].id) is None
    kept = {name: store.get(job.id) for name, job in made.items() if name != "old-done"}
    assert {name: row.status for name, row in kept.items() if row} == {
        "new-done": "failed",
        "old-queued": "queued",
        "old-running": "running",
    }
    with store.engine.connect() as connection:
        owners = set(connection.execute(select(job_files.c.job_seq)).scalars())
    assert made["old-done"].seq not in owners
    assert len(owners) == 3
    store.close()


def test_retain_days_0_keeps_finished_jobs_forever(tmp_path: Path) -> None:
    store = Store(f"sqlite:///{tmp_path / 'jobs.db'}")
    key_id = key_id_for(store, create_key(store, "k")[0])
    assert key_id is not None
    job = store.submit(key_id, "solve", "{}", "sha")[0]
    assert store.claim("w", 30, time.time()) is not None
    store.finish(job.id, "succeeded", "{}")
    with store.begin() as connection:
        ancient = now() - timedelta(days=10_000)
        connection.execute(update(jobs).where(jobs.c.id == job.id).values(finished_at=ancient))
    runner = cast(JobRunner, None)  # sweeping never runs a job
    forever = Dispatcher(store, runner, Settings(retain_days=0), Metrics())
    assert forever.sweep() == 0
    assert store.get(job.id) is not None
    assert Dispatcher(store, runner, Settings(retain_days=30), Metrics()).sweep() == 1
    assert store.get(job.id) is None
    store.close()
