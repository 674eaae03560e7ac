"""``/v1/jobs``: submit, read, cancel and list the caller's jobs."""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
from typing import Annotated, Any

from fastapi import APIRouter, Header, Query, Request
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool

from sourceopt.service.documents import (
    ErrorDoc,
    JobDoc,
    JobPage,
    JobProgress,
    JobState,
    JobStatus,
)
from sourceopt.service.errors import ApiError
from sourceopt.service.routes import AUTH_ERRORS, BODY_ERRORS, scenario_body
from sourceopt.service.state import Caller, Service, ServiceDep
from sourceopt.service.store import FINISHED, JobRow
from sourceopt.service.submission import Submission, check, read_submission

router = APIRouter(prefix="/v1/jobs", tags=["jobs"])
_NOT_FOUND: dict[int | str, dict[str, Any]] = {404: {"model": ErrorDoc}}
MAX_WAIT_SECONDS = 30.0
STORE_RECHECK_SECONDS = 0.5  # a job finished by another replica is seen within this


async def wait_finished(
    service: Service, job_id: str, key_id: str | None, seconds: float
) -> JobRow | None:
    """The job once it has finished, or as it is after `seconds` (None: no such job).

    Wakes at once when this server finishes the job; a job run by another replica is
    noticed by re-reading the store every half second. Never blocks a thread while waiting.
    """
    future = service.dispatcher.waiter(job_id)
    deadline = time.monotonic() + seconds
    try:
        while True:
            current = await run_in_threadpool(service.store.get, job_id, key_id)
            left = deadline - time.monotonic()
            if current is None or current.status in FINISHED or left <= 0:
                return current
            with contextlib.suppress(TimeoutError):
                waited = asyncio.shield(asyncio.wrap_future(future))
                await asyncio.wait_for(waited, min(left, STORE_RECHECK_SECONDS))
    finally:
        service.dispatcher.forget(job_id, future)


def job_body(job: JobRow, *, with_result: bool = True) -> dict[str, Any]:
    """A job's JSON (the stored result is passed through as it is; its schema: JobDoc)."""
    doc = JobState(
        id=job.id,
        kind=job.kind,
        status=job.status,
        created_at=job.created_at,
        started_at=job.started_at,
        finished_at=job.finished_at,
        attempts=job.attempts,
        cancel_requested=job.cancel_requested,
        progress=None
        if job.progress_total is None
        else JobProgress(done=job.progress_done or 0, total=job.progress_total),
    ).model_dump(mode="json")
    error = doc.pop("error")
    doc["result"] = json.loads(job.result) if with_result and job.result is not None else None
    doc["error"] = json.loads(job.error) if job.error is not None else error
    return doc


def queue_or_503(service: Service) -> None:
    """503 with Retry-After when the queue is full."""
    depth = service.store.queue_depth()
    if depth >= service.settings.max_queue:
        seconds = service.settings.retry_after_seconds
        raise ApiError(
            503,
            "queue-full",
            f"the queue is full ({depth:,} jobs waiting); retry in {seconds} s",
            headers={"Retry-After": str(seconds)},
        )


def enqueue(
    service: Service, key_id: str, submission: Submission, idempotency_key: str | None
) -> tuple[JobRow, bool]:
    """Validate and store a job (in a worker thread); raises ApiError."""
    queue_or_503(service)
    scenario = check(submission, service.settings, service.kinds)
    job, created = service.store.submit(
        key_id,
        submission.kind,
        submission.stored(),
        submission.sha256(),
        idempotency_key,
        submission.files_to_store(),
    )
    if not created and job.request_sha256 != submission.sha256():
        raise ApiError(
            409,
            "idempotency-conflict",
            "this Idempotency-Key was used with a different request; use a new key",
        )
    if created:
        if submission.kind != "portfolio":  # a portfolio is loaded again in the worker
            service.dispatcher.prepared(job.id, scenario)
        service.dispatcher.notify()
    return job, created


@router.post(
    "",
    status_code=202,
    response_model=JobDoc,
    responses={**BODY_ERRORS, 409: {"model": ErrorDoc}, 503: {"model": ErrorDoc}},
    openapi_extra=scenario_body("JobRequest"),
)
async def submit_job(
    request: Request,
    service: ServiceDep,
    caller: Caller,
    idempotency_key: Annotated[str | None, Header(max_length=200)] = None,
) -> JSONResponse:
    """Submit a job; 202 with its id and a Location header (same Idempotency-Key: same job)."""
    submission = await read_submission(request, envelope=True)
    job, _ = await run_in_threadpool(enqueue, service, caller, submission, idempotency_key)
    return JSONResponse(job_body(job), status_code=202, headers={"Location": f"/v1/jobs/{job.id}"})


@router.get("/{job_id}", response_model=JobDoc, responses={**AUTH_ERRORS, **_NOT_FOUND})
async def get_job(
    job_id: str,
    service: ServiceDep,
    caller: Caller,
    wait: Annotated[
        float,
        Query(
            ge=0,
            le=MAX_WAIT_SECONDS,
            description="seconds to wait for the job to finish before answering (long poll)",
        ),
    ] = 0,
) -> JSONResponse:
    """A job's status, timestamps and, when done, its result or error.

    With `wait`, the answer comes as soon as the job finishes, or after `wait` seconds with
    the job still queued or running: one request instead of a polling loop.
    """
    if wait > 0:
        job = await wait_finished(service, job_id, caller, wait)
    else:
        job = await run_in_threadpool(service.store.get, job_id, caller)
    if job is None:
        raise ApiError(404, "not-found", f"no job {job_id!r} for this key")
    return JSONResponse(job_body(job))


@router.delete("/{job_id}", response_model=JobDoc, responses={**AUTH_ERRORS, **_NOT_FOUND})
def cancel_job(job_id: str, service: ServiceDep, caller: Caller) -> JSONResponse:
    """Cancel a job: a queued one at once, a running one within two seconds."""
    job = service.store.cancel(job_id, caller)
    if job is None:
        raise ApiError(404, "not-found", f"no job {job_id!r} for this key")
    service.dispatcher.cancel(job.id)
    return JSONResponse(job_body(job, with_result=False))


@router.get("", response_model=JobPage, responses={**AUTH_ERRORS, 422: {"model": ErrorDoc}})
def list_jobs(
    service: ServiceDep,
    caller: Caller,
    status: JobStatus | None = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    cursor: Annotated[str | None, Query(pattern=r"^[0-9]{1,18}$")] = None,
) -> JSONResponse:
    """The caller's jobs, newest first; pass `next_cursor` back as `cursor` for the next page."""
    rows = service.store.page(caller, status, limit, int(cursor) if cursor else None)
    next_cursor = str(rows[-1].seq) if len(rows) == limit else None
    jobs = [job_body(r, with_result=False) for r in rows]
    return JSONResponse({"jobs": jobs, "next_cursor": next_cursor})
