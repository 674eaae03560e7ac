"""Limits: request body bytes (413), scenario size (422), per-key request rate (429)."""

from __future__ import annotations

import json
import threading
import time
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from sourceopt.errors import Problem
from sourceopt.service.settings import Settings


class BodyLimit:
    """ASGI middleware: a body over `limit` bytes gets 413 (declared or streamed)."""

    def __init__(self, app: ASGIApp, limit: int) -> None:
        self.app, self.limit = app, limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Check Content-Length, then count the streamed bytes."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope.get("headers") or []).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.limit:
            await self._reject(send)
            return
        seen = 0
        started = False

        async def counting() -> Message:
            nonlocal seen
            message = await receive()
            seen += len(message.get("body", b""))
            if seen > self.limit:
                raise _TooLargeError
            return message

        async def tracking(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counting, tracking)
        except _TooLargeError:
            if not started:
                await self._reject(send)

    async def _reject(self, send: Send) -> None:
        body = json.dumps(
            {
                "error": "too-large",
                "message": f"the request body is over the limit of {self.limit:,} bytes; "
                "put large tables in CSV or Parquet files and submit them to /v1/jobs",
                "problems": [],
            }
        ).encode()
        headers = [(b"content-type", b"application/json"), (b"connection", b"close")]
        headers.append((b"content-length", str(len(body)).encode()))
        await send({"type": "http.response.start", "status": 413, "headers": headers})
        await send({"type": "http.response.body", "body": body})


class _TooLargeError(Exception):
    pass


class RateLimiter:
    """A token bucket per key: `per_minute` requests a minute, bursts up to a tenth of that."""

    def __init__(self, per_minute: int) -> None:
        self.rate = per_minute / 60.0
        self.burst = max(1.0, per_minute / 10.0)
        self._buckets: dict[str, tuple[float, float]] = {}
        self._lock = threading.Lock()

    def take(self, key_id: str) -> float:
        """Take a token; 0 if allowed, else the seconds until the next one."""
        clock = time.monotonic()
        with self._lock:
            tokens, last = self._buckets.get(key_id, (self.burst, clock))
            tokens = min(self.burst, tokens + (clock - last) * self.rate)
            if tokens >= 1:
                self._buckets[key_id] = (tokens - 1, clock)
                return 0.0
            self._buckets[key_id] = (tokens, clock)
            return (1 - tokens) / self.rate


def _rows(value: Any) -> int:
    if isinstance(value, list):
        return len(value)
    if isinstance(value, dict) and isinstance(value.get("columns"), dict):
        return max((len(v) for v in value["columns"].values() if isinstance(v, list)), default=0)
    return 0


def size_problems(
    data: Any, settings: Settings, file: str, offers: int | None = None
) -> list[Problem]:
    """Problems for a scenario over the offer or rule limits (`offers` counted if loaded)."""
    if not isinstance(data, dict):
        return []
    problems = []
    n_offers = offers if offers is not None else _rows(data.get("offers"))
    if n_offers > settings.max_offers:
        problems.append(
            Problem(
                file,
                "offers",
                f"{n_offers:,} offers; this server's limit is {settings.max_offers:,} "
                "(--max-offers)",
            )
        )
    rules = data.get("rules")
    if isinstance(rules, list) and len(rules) > settings.max_rules:
        problems.append(
            Problem(
                file,
                "rules",
                f"{len(rules):,} rules; this server's limit is {settings.max_rules:,} "
                "(--max-rules)",
            )
        )
    return problems
