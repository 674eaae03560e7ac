"""`sourceopt serve` started for real: a clean start (no RuntimeWarning) that names its store."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

pytest.importorskip("uvicorn", reason="the service extra is not installed")

SRC = Path(__file__).resolve().parents[2] / "src"
START_SECONDS = 60  # the server and its worker are warm well within this


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _ready(port: int) -> bool:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/readyz", timeout=2) as response:
            return bool(response.status == 200)
    except (urllib.error.URLError, OSError):
        return False


def test_serve_starts_without_warnings_and_says_where_its_keys_are(tmp_path: Path) -> None:
    port = _free_port()
    command = [sys.executable, "-c", "from sourceopt.cli import main; main()", "serve"]
    command += ["--port", str(port), "--workers", "1", "--store", "sqlite:///service.db"]
    env = os.environ | {"PYTHONPATH": os.pathsep.join([str(SRC), os.environ.get("PYTHONPATH", "")])}
    proc = subprocess.Popen(
        command, cwd=tmp_path, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    try:
        deadline = time.monotonic() + START_SECONDS
        while not _ready(port):
            assert proc.poll() is None, "the server stopped"
            assert time.monotonic() < deadline, "the server was not ready in time"
            time.sleep(0.2)
        time.sleep(1.0)  # anything a worker would print at its start is out by now
    finally:
        proc.terminate()
        _, err = proc.communicate(timeout=30)
    stderr = err.decode()
    # the workers run `python -m sourceopt.jobs.worker`; the package imported that module
    # itself, and runpy warned at every worker start
    assert "RuntimeWarning" not in stderr, stderr
    assert "Warning" not in stderr, stderr
    db = (tmp_path / "service.db").resolve()
    assert f"jobs and API keys are stored in sqlite:///service.db (the file {db})" in stderr
    assert "create a key: sourceopt keys create --name NAME --store sqlite:///service.db" in stderr
