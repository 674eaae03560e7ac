"""Fixtures: a real `sourceopt serve` process on a free local port, called over HTTP."""

from __future__ import annotations

import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest

pytest.importorskip("fastapi")

from sourceopt.service.auth import create_key
from sourceopt.service.store import Store


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Server:
    """A running server: its URL, store URL, two API keys and the process."""

    store_url: str
    args: list[str]
    keys: list[str] = field(default_factory=list)
    port: int = 0
    process: subprocess.Popen[bytes] | None = None
    log: Path | None = None
    cwd: Path | None = None  # the server's working folder (default: the tests')

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def client(self, key: int | str | None = 0) -> httpx.Client:
        token = self.keys[key] if isinstance(key, int) else key
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        return httpx.Client(base_url=self.url, headers=headers, timeout=60)

    def start(self) -> None:
        self.port = free_port()
        command = [
            sys.executable,
            "-c",
            "from sourceopt.cli import main; main()",
            "serve",
            "--port",
            str(self.port),
            "--store",
            self.store_url,
            *self.args,
        ]
        assert self.log is not None
        with self.log.open("ab") as out:
            self.process = subprocess.Popen(
                command, stdout=out, stderr=subprocess.STDOUT, cwd=self.cwd
            )
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            assert self.process.poll() is None, self.log.read_text()[-3000:]
            try:
                if httpx.get(f"{self.url}/readyz", timeout=2).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.2)
        raise AssertionError("the server did not become ready:\n" + self.log.read_text()[-3000:])

    def kill(self) -> None:
        assert self.process is not None
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(10)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(15)
            except subprocess.TimeoutExpired:
                self.kill()


def make_server(
    folder: Path, *args: str, store_url: str | None = None, keys: int = 2, cwd: Path | None = None
) -> Server:
    """Create the store and keys, then start a server on it (in `cwd`, if given)."""
    url = store_url or f"sqlite:///{folder / 'jobs.db'}"
    store = Store(url)
    made = [create_key(store, f"key-{n}")[0] for n in range(keys)]
    store.close()
    server = Server(url, list(args), made, log=folder / "server.log", cwd=cwd)
    server.start()
    return server


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """One shared server (2 workers, default limits except a 1 MB body limit)."""
    running = make_server(tmp_path_factory.mktemp("service"), "--max-body-mb", "1")
    yield running
    running.stop()


def wait_for(client: httpx.Client, job_id: str, seconds: float = 60) -> dict[str, object]:
    """Poll a job until it ends."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        job: dict[str, object] = client.get(f"/v1/jobs/{job_id}").json()
        if job["status"] in ("succeeded", "failed", "cancelled"):
            return job
        time.sleep(0.05)
    raise AssertionError(f"job {job_id} did not finish in {seconds} s")


def wait_running(client: httpx.Client, job_id: str, seconds: float = 60) -> None:
    """Poll until a job is running."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if client.get(f"/v1/jobs/{job_id}").json()["status"] == "running":
            return
        time.sleep(0.05)
    raise AssertionError(f"job {job_id} did not start in {seconds} s")
