"""Connections are bounded (``--limit-concurrency``: 503 beyond) and idle keep-alive
connections are closed (``--timeout-keep-alive``), with the server staying healthy."""

from __future__ import annotations

import socket
import time
from collections.abc import Iterator

import httpx
import pytest

from .conftest import Server, make_server


@pytest.fixture(scope="module")
def bounded(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """At most 4 connections at once; idle keep-alive connections closed after 1 s."""
    folder = tmp_path_factory.mktemp("connections")
    args = ["--workers", "1", "--limit-concurrency", "4", "--timeout-keep-alive", "1"]
    running = make_server(folder, *args, keys=1)
    yield running
    running.stop()


def _connect(server: Server) -> socket.socket:
    return socket.create_connection(("127.0.0.1", server.port), timeout=10)


def _read_response(sock: socket.socket) -> bytes:
    """One whole HTTP response (its headers and Content-Length bytes of body)."""
    data = b""
    while b"\r\n\r\n" not in data:
        data += sock.recv(65536)
    head, body = data.split(b"\r\n\r\n", 1)
    length = next(
        int(line.split(b":", 1)[1])
        for line in head.split(b"\r\n")
        if line.lower().startswith(b"content-length:")
    )
    while len(body) < length:
        body += sock.recv(65536)
    return data


def test_connections_over_the_limit_get_503_and_the_server_stays_healthy(
    bounded: Server,
) -> None:
    slow_clients = [_connect(bounded) for _ in range(4)]  # connected, never send a byte
    try:
        time.sleep(0.3)
        refused = httpx.get(f"{bounded.url}/healthz", timeout=10)
        assert refused.status_code == 503
    finally:
        for sock in slow_clients:
            sock.close()
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        answer = httpx.get(f"{bounded.url}/readyz", timeout=10)
        if answer.status_code == 200:
            break
        time.sleep(0.1)
    assert answer.status_code == 200
    assert answer.json()["status"] == "ready"


def test_an_idle_keep_alive_connection_is_closed(bounded: Server) -> None:
    with _connect(bounded) as sock:
        sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
        answer = _read_response(sock)
        assert answer.startswith(b"HTTP/1.1 200")
        sock.settimeout(5)
        started = time.monotonic()
        assert sock.recv(65536) == b""  # the server closed it
        assert time.monotonic() - started < 3  # after about 1 s, not uvicorn's 5 s default
