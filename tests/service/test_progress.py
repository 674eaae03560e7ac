"""A running analysis job's progress: reported by the worker, stored, shown by GET /v1/jobs/{id}."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from sourceopt.service.auth import create_key
from sourceopt.service.store import Store

from .conftest import Server, make_server
from .scenarios import small
from .test_postgres import postgres_url  # noqa: F401  (the fixture)


def _three_rules() -> dict[str, object]:
    sc = small("three-rules")
    sc["rules"] = [
        {"type": "max_share", "limit": limit, "name": f"cap-{k}"}
        for k, limit in enumerate((0.7, 0.8, 0.9))
    ]
    return sc


@pytest.fixture(scope="module")
def one_worker(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    running = make_server(tmp_path_factory.mktemp("progress"), "--workers", "1")
    yield running
    running.stop()


def test_a_rules_job_shows_its_progress_up_to_every_rule_priced(one_worker: Server) -> None:
    # 3 rules: the job's progress, once reported, counts up to {done: 3, total: 3}
    with one_worker.client() as client:
        made = client.post("/v1/jobs", json={"kind": "rules", "scenario": _three_rules()})
        assert made.status_code == 202, made.text
        job_id = made.json()["id"]
        seen = []
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            job = client.get(f"/v1/jobs/{job_id}").json()
            seen.append(job["progress"])
            if job["status"] in ("succeeded", "failed", "cancelled"):
                break
            time.sleep(0.02)
    assert job["status"] == "succeeded", job
    assert job["progress"] == {"done": 3, "total": 3}
    reported = [p for p in seen if p is not None]
    assert all(p["total"] == 3 and 1 <= p["done"] <= 3 for p in reported)
    assert [p["done"] for p in reported] == sorted(p["done"] for p in reported)


def test_a_solve_job_has_no_progress(one_worker: Server) -> None:
    with one_worker.client() as client:
        made = client.post("/v1/jobs", json={"kind": "solve", "scenario": small()})
        job_id = made.json()["id"]
        job = client.get(f"/v1/jobs/{job_id}?wait=30").json()
    assert job["status"] == "succeeded"
    assert job["progress"] is None


def _progress_in(store: Store) -> None:
    key = create_key(store, "k")[1].id
    job, _ = store.submit(key, "rules", '{"options": {}}', "0" * 64)
    claimed = store.claim("w", 60.0, time.time())
    assert claimed is not None
    assert claimed.id == job.id
    assert (claimed.progress_done, claimed.progress_total) == (None, None)
    store.progress(job.id, 2, 5)
    row = store.get(job.id)
    assert row is not None
    assert (row.progress_done, row.progress_total) == (2, 5)
    store.finish(job.id, "succeeded", "{}")
    store.progress(job.id, 3, 5)  # too late: a finished job keeps what it showed
    row = store.get(job.id)
    assert row is not None
    assert (row.progress_done, row.progress_total) == (2, 5)


def test_the_store_keeps_progress_on_sqlite(tmp_path: Path) -> None:
    store = Store(f"sqlite:///{tmp_path / 'jobs.db'}")
    try:
        _progress_in(store)
    finally:
        store.close()


def test_the_store_keeps_progress_on_postgres(postgres_url: str) -> None:  # noqa: F811
    store = Store(postgres_url)
    try:
        _progress_in(store)
    finally:
        store.close()


def test_a_store_of_the_first_schema_gains_progress_and_keeps_its_jobs(tmp_path: Path) -> None:
    # a store made before migration 0002 (upgraded to 0001 only, one job in it) is migrated
    # by the next Store() to the progress columns; its job is intact, without progress
    from alembic import command
    from alembic.config import Config
    from sqlalchemy import create_engine

    import sourceopt.service.engine as engine_module

    url = f"sqlite:///{tmp_path / 'old.db'}"
    config = Config()
    config.set_main_option(
        "script_location", str(Path(engine_module.__file__).parent / "migrations")
    )
    engine = create_engine(url)
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "0001")
        connection.exec_driver_sql(
            "INSERT INTO api_keys (id, name, key_hash, created_at) VALUES ('k', 'k', 'h', "
            "'2026-12-06 00:00:00')"
        )
        connection.exec_driver_sql(
            "INSERT INTO jobs (id, key_id, kind, status, request, request_sha256, "
            "created_at) VALUES ('j1', 'k', 'rules', 'queued', '{}', 'x', "
            "'2026-12-06 00:00:00')"
        )
    engine.dispose()
    store = Store(url)
    try:
        row = store.get("j1")
        assert row is not None
        assert row.kind == "rules"
        assert (row.progress_done, row.progress_total) == (None, None)
        claimed = store.claim("w", 60.0, time.time())
        assert claimed is not None
        store.progress("j1", 1, 4)
        again = store.get("j1")
        assert again is not None
        assert (again.progress_done, again.progress_total) == (1, 4)
    finally:
        store.close()


def test_a_compare_job_counts_its_variants(one_worker: Server) -> None:
    # base and two variants: 3 solves, so {done: 3, total: 3} once it ends
    sc = _three_rules()
    sc["variants"] = [
        {"name": "no-cap", "drop_rules": ["cap-0"]},
        {"name": "no-caps", "drop_rules": ["cap-0", "cap-1"]},
    ]
    with one_worker.client() as client:
        made = client.post("/v1/jobs", json={"kind": "compare", "scenario": sc})
        assert made.status_code == 202, made.text
        job = client.get(f"/v1/jobs/{made.json()['id']}?wait=30").json()
    assert job["status"] == "succeeded", job
    assert job["progress"] == {"done": 3, "total": 3}


def test_an_explain_job_shows_the_groups_its_conflict_search_settles(one_worker: Server) -> None:
    # two suppliers of 10 units each cannot cover 100 bolts: the search settles every group
    # it starts from, then the relaxation counts one more
    sc = small("short-bolts")
    sc["suppliers"] = [{"id": "acme", "capacity": 10}, {"id": "bolt-co", "capacity": 10}]
    sc["suppliers"].append({"id": "globex"})
    with one_worker.client() as client:
        made = client.post("/v1/jobs", json={"kind": "explain", "scenario": sc})
        assert made.status_code == 202, made.text
        job = client.get(f"/v1/jobs/{made.json()['id']}?wait=30").json()
    assert job["status"] == "succeeded", job
    progress = job["progress"]
    assert progress is not None
    assert progress["done"] == progress["total"] >= 2
