"""A Python client of the sourceopt service, returning the library's own result types.

>>> from sourceopt.client import Client
>>> client = Client("http://127.0.0.1:8000", "so_...")  # doctest: +SKIP
>>> result = client.solve("scenarios/laptops.yaml")     # a SolveResult  # doctest: +SKIP

Needs ``httpx`` (part of ``sourceopt[service]``). Invalid input raises :class:`ScenarioError`
with the server's problems; other failures raise :class:`ServiceError`.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from sourceopt.errors import Problem, ScenarioError, SourceoptError
from sourceopt.result import ResultDocument, SolveResult
from sourceopt.scenario.read import read_document
from sourceopt.scenario.schema import TABLE_KEYS

FINISHED = ("succeeded", "failed", "cancelled")
LONG_POLL_SECONDS = 10.0  # how long one poll may wait on the server for the job to finish


class ServiceError(SourceoptError):
    """The service answered with an error (or a job failed); `status` is the HTTP status."""

    def __init__(self, message: str, status: int | None = None, body: Any = None) -> None:
        super().__init__(message)
        self.status, self.body = status, body


class Client:
    """Talks to ``sourceopt serve`` at `url` with the API key `key`."""

    def __init__(self, url: str, key: str, *, timeout: float = 60.0) -> None:
        import httpx

        self._long_poll = max(0.0, min(LONG_POLL_SECONDS, timeout / 2))
        self._http = httpx.Client(
            base_url=url.rstrip("/"), headers={"Authorization": f"Bearer {key}"}, timeout=timeout
        )

    def __enter__(self) -> Client:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def close(self) -> None:
        """Close the connection pool."""
        self._http.close()

    def submit(
        self,
        scenario: dict[str, Any] | str | Path,
        kind: str = "solve",
        *,
        idempotency_key: str | None = None,
        **options: Any,
    ) -> str:
        """Submit a job (a scenario dict, or a file whose table files are uploaded); its id."""
        headers = {"Idempotency-Key": idempotency_key} if idempotency_key else {}
        if isinstance(scenario, dict):
            body = {"kind": kind, "scenario": scenario, "options": options}
            answer = self._http.post("/v1/jobs", json=body, headers=headers)
        else:
            files = _upload(Path(scenario))
            data = {"kind": kind, "options": _json(options)}
            answer = self._http.post("/v1/jobs", files=files, data=data, headers=headers)
        return str(_checked(answer)["id"])

    def job(self, job_id: str, wait: float = 0.0) -> dict[str, Any]:
        """A job's JSON (status, timestamps, result or error).

        With `wait` (seconds, at most 30) the server answers as soon as the job finishes, or
        after `wait` seconds with the job still queued or running.
        """
        params = {"wait": f"{wait:g}"} if wait > 0 else None
        return _checked(self._http.get(f"/v1/jobs/{job_id}", params=params))

    def wait(self, job_id: str, timeout: float | None = None) -> Any:
        """Poll until the job ends; a SolveResult for a solve, else the JSON.

        Each poll is a long poll (the server answers when the job finishes); against a
        server that answers at once, polls back off from 20 ms to 2 s.
        """
        delay, deadline = 0.02, None if timeout is None else time.monotonic() + timeout
        while True:
            wait = self._long_poll
            if deadline is not None:
                wait = max(0.0, min(wait, deadline - time.monotonic()))
            asked = time.monotonic()
            job = self.job(job_id, wait)
            if job["status"] in FINISHED:
                return _outcome(job)
            if deadline is not None and time.monotonic() > deadline:
                raise ServiceError(f"job {job_id} still {job['status']} after {timeout:g} s")
            if time.monotonic() - asked < wait / 2 or wait == 0:
                time.sleep(delay)  # the server did not hold the request: back off
                delay = min(delay * 1.5, 2.0)

    def solve(
        self, scenario: dict[str, Any] | str | Path, timeout: float | None = None, **options: Any
    ) -> SolveResult:
        """Submit a solve and wait for its verified result."""
        result: SolveResult = self.wait(self.submit(scenario, "solve", **options), timeout)
        return result

    def cancel(self, job_id: str) -> dict[str, Any]:
        """Cancel a job (a running solve stops within two seconds); the job's JSON."""
        return _checked(self._http.delete(f"/v1/jobs/{job_id}"))


def _json(options: dict[str, Any]) -> str:
    import json

    return json.dumps(options)


def _upload(path: Path) -> list[tuple[str, tuple[str, bytes]]]:
    data, raw = read_document(path)
    files = [("scenario", (path.name, raw))]
    for key in TABLE_KEYS:
        value = data.get(key) if isinstance(data, dict) else None
        if isinstance(value, dict) and isinstance(value.get("file"), str):
            table = path.parent / value["file"]
            files.append((key, (Path(value["file"]).name, table.read_bytes())))
    return files


def _checked(answer: Any) -> dict[str, Any]:
    try:
        body = answer.json()
    except ValueError:
        body = {"message": answer.text}
    if answer.status_code == 422:
        problems = [Problem(**p) for p in body.get("problems", [])]
        raise ScenarioError(problems or [Problem("<request>", "", body.get("message", ""))])
    if answer.status_code >= 400:
        message = body.get("message", answer.text) if isinstance(body, dict) else answer.text
        raise ServiceError(f"HTTP {answer.status_code}: {message}", answer.status_code, body)
    return body if isinstance(body, dict) else {"body": body}


def _outcome(job: dict[str, Any]) -> Any:
    if job["status"] != "succeeded":
        error = job.get("error") or {}
        if error.get("reason") == "invalid":
            raise ScenarioError(Problem(**p) for p in error.get("problems", []))
        raise ServiceError(
            f"job {job['id']} {job['status']}: {error.get('message', '')}".rstrip(": "), body=job
        )
    if job["kind"] == "solve":
        return SolveResult(ResultDocument.model_validate(job["result"]))
    return job["result"]
