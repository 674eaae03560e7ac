"""``POST /v1/solve`` answers a worker's death or memory cap with a 4xx/502 body, never a 500.

Over the real server with the test hooks on: a scenario named ``test-hook-crash`` kills its
worker, ``test-hook-memory`` allocates twice the per-job memory cap.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from .conftest import Server, make_server
from .scenarios import small


@pytest.fixture(scope="module")
def hooked(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SOURCEOPT_TEST_HOOKS", "1")
        folder: Path = tmp_path_factory.mktemp("solve-failures")
        running = make_server(folder, "--workers", "1", "--memory-mb", "1500")
    yield running
    running.stop()


def _solve(server: Server, name: str) -> tuple[int, dict[str, object]]:
    with server.client() as client:
        answer = client.post("/v1/solve", json={"scenario": small(name)}, timeout=120)
    return answer.status_code, answer.json()


def test_a_worker_that_dies_is_a_502_naming_the_crash(hooked: Server) -> None:
    status, body = _solve(hooked, "test-hook-crash")
    assert (status, body["error"]) == (502, "worker-died"), body
    assert "worker" in str(body["message"])
    assert _solve(hooked, "small")[0] == 200  # the server and a new worker carry on


def test_a_solve_over_the_memory_cap_is_a_413(hooked: Server) -> None:
    status, body = _solve(hooked, "test-hook-memory")
    assert (status, body["error"]) == (413, "too-large"), body
    assert "memory" in str(body["message"])
