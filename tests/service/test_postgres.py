"""The PostgreSQL store, against a real server: a throwaway cluster started here.

Set SOURCEOPT_TEST_POSTGRES_URL to use an existing (empty, disposable) database instead.
Skipped, saying why, when neither is possible.
"""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import update

from sourceopt.service.auth import create_key, key_id_for
from sourceopt.service.store import QueueFullError, Store
from sourceopt.service.tables import jobs

from .conftest import free_port, make_server, wait_for
from .scenarios import small


def _binary(name: str) -> str | None:
    found = shutil.which(name)
    if found:
        return found
    candidates = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    return candidates[-1] if candidates else None


def _as_user() -> list[str]:
    """Run cluster commands as an unprivileged user when we are root (initdb refuses root)."""
    if os.geteuid() != 0:
        return []
    runuser = shutil.which("runuser")
    for user in ("postgres", "nobody"):
        if runuser and _run(["id", user]).returncode == 0:
            return [runuser, "-u", user, "--"]
    pytest.skip("running as root with no unprivileged user (postgres) to run initdb as")


def _run(command: list[str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(command, check=False, capture_output=True, text=True, timeout=120)


@pytest.fixture(scope="module")
def postgres_url() -> Iterator[str]:
    """A PostgreSQL URL: the given one, or a throwaway cluster in a temporary folder."""
    given = os.environ.get("SOURCEOPT_TEST_POSTGRES_URL")
    if given:
        yield given
        return
    initdb, pg_ctl = _binary("initdb"), _binary("pg_ctl")
    if not initdb or not pg_ctl:
        pytest.skip("PostgreSQL is not installed (no initdb/pg_ctl; CI installs Debian's)")
    prefix = _as_user()
    folder = Path(tempfile.mkdtemp(prefix="sourceopt-pg-"))
    data = folder / "data"
    if prefix:
        shutil.chown(folder, user=prefix[2])
    port = free_port()
    made = _run([*prefix, initdb, "-D", str(data), "-A", "trust", "-U", "postgres"])
    if made.returncode != 0:
        pytest.skip(f"initdb failed: {made.stderr.strip()[-300:]}")
    options = f"-p {port} -k {folder} -c listen_addresses=127.0.0.1 -c fsync=off"
    log = str(folder / "pg.log")
    started = _run([*prefix, pg_ctl, "-D", str(data), "-o", options, "-l", log, "-w", "start"])
    if started.returncode != 0:
        pytest.skip(f"pg_ctl start failed: {started.stderr.strip()[-300:]}")
    try:
        yield f"postgresql://postgres@127.0.0.1:{port}/postgres"
    finally:
        _run([*prefix, pg_ctl, "-D", str(data), "-m", "immediate", "stop"])
        shutil.rmtree(folder, ignore_errors=True)


def test_concurrent_claims_never_share_a_job(postgres_url: str) -> None:
    store = Store(postgres_url)
    key, _ = create_key(store, "claims")
    key_id = key_id_for(store, key)
    assert key_id is not None
    ids = {store.submit(key_id, "solve", "{}", "sha")[0].id for _ in range(40)}
    claimed: list[str] = []
    lock = threading.Lock()

    def worker(name: str) -> None:
        replica = Store(postgres_url, run_migrations=False)
        while (job := replica.claim(name, 30, time.time())) is not None:
            with lock:
                claimed.append(job.id)
        replica.close()

    threads = [threading.Thread(target=worker, args=(f"w{n}",)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert len(claimed) == len(set(claimed))
    assert ids <= set(claimed)
    store.close()


def test_service_on_postgres(postgres_url: str, tmp_path: Path) -> None:
    server = make_server(tmp_path, "--workers", "1", store_url=postgres_url)
    try:
        with server.client() as client:
            job = client.post("/v1/jobs", json={"scenario": small()}).json()
            assert wait_for(client, job["id"])["status"] == "succeeded"
            assert client.get("/readyz").json()["checks"]["store"] == "ok"
    finally:
        server.stop()


def test_concurrent_submits_never_overshoot_the_queue(postgres_url: str) -> None:
    store = Store(postgres_url)
    key_id = key_id_for(store, create_key(store, "bound")[0])
    assert key_id is not None
    bounded = Store(postgres_url, run_migrations=False, max_queue=5, max_per_key=5)
    gate = threading.Barrier(20)
    outcomes: list[str] = []
    lock = threading.Lock()

    def submit() -> None:
        gate.wait()
        try:
            bounded.submit(key_id, "solve", "{}", "sha")
            outcome = "accepted"
        except QueueFullError as exc:
            outcome = exc.scope
        with lock:
            outcomes.append(outcome)

    threads = [threading.Thread(target=submit) for _ in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert sorted(outcomes) == ["accepted"] * 5 + ["queue"] * 15
    assert store.counts()["queued"] == 5
    bounded.close()
    store.close()


def test_claims_go_round_robin_across_keys_on_postgres(postgres_url: str) -> None:
    store = Store(postgres_url)
    with store.begin() as connection:  # the other tests' jobs
        connection.execute(update(jobs).values(status="cancelled"))
    first, second = (key_id_for(store, create_key(store, n)[0]) for n in ("rr-a", "rr-b"))
    assert first is not None
    assert second is not None
    names = {store.submit(first, "solve", "{}", "sha")[0].id: f"a{n}" for n in range(3)}
    names[store.submit(second, "solve", "{}", "sha")[0].id] = "b"
    order = []
    while (job := store.claim("w", 30, time.time())) is not None:
        order.append(names[job.id])
    # a0 (oldest); b (its key runs nothing); a1 (both run one: key a was served first); a2
    assert order == ["a0", "b", "a1", "a2"]
    store.close()
