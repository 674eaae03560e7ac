"""``POST /v1/solve``: a synchronous solve for small scenarios (still run by a worker)."""

from __future__ import annotations

import json
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from sourceopt.errors import Problem
from sourceopt.result import ResultDocument
from sourceopt.service.documents import ErrorDoc
from sourceopt.service.errors import ApiError
from sourceopt.service.routes import BODY_ERRORS, scenario_body
from sourceopt.service.routes.jobs import queue_or_503, wait_finished
from sourceopt.service.state import Caller, Service, ServiceDep
from sourceopt.service.store import FINISHED, JobRow
from sourceopt.service.submission import Submission, check, read_submission

router = APIRouter(prefix="/v1", tags=["solve"])
_USE_JOBS = "submit it to POST /v1/jobs and poll GET /v1/jobs/{id}"


def _enqueue_small(service: Service, caller: str, submission: Submission) -> JobRow:
    queue_or_503(service)
    scenario = check(submission, service.settings, service.kinds)
    limit = service.settings.sync_max_offers
    if scenario.n_offers > limit:
        raise ApiError(
            413,
            "too-large",
            f"{scenario.n_offers:,} offers is over the synchronous limit of {limit:,}; "
            + _USE_JOBS,
        )
    seconds = service.settings.sync_seconds
    asked = submission.options.get("time_limit")
    submission.options["time_limit"] = min(float(asked), seconds) if asked else seconds
    job, _ = service.store.submit(
        caller, "solve", submission.stored(), submission.sha256(), None, submission.files_to_store()
    )
    service.dispatcher.prepared(job.id, scenario)
    service.dispatcher.notify()
    return job


async def _wait(service: Service, job: JobRow, seconds: float) -> JobRow:
    current = await wait_finished(service, job.id, None, seconds)
    if current is not None and current.status in FINISHED:
        return current
    await run_in_threadpool(service.store.cancel, job.id, job.key_id)
    service.dispatcher.cancel(job.id)
    raise ApiError(408, "timeout", f"the solve took longer than {seconds:g} s; " + _USE_JOBS)


def _answer(job: JobRow) -> Response:
    if job.status == "succeeded" and job.result is not None:
        return Response(job.result, media_type="application/json")
    error: dict[str, Any] = json.loads(job.error or "{}")
    reason, message = error.get("reason", "failed"), error.get("message", "the job failed")
    if reason in ("invalid", "invalid-options", "backend"):
        problems = [Problem(**p) for p in error.get("problems", [])]
        raise ApiError(422, "invalid", message, problems)
    if reason in ("timeout", "cancelled"):
        raise ApiError(408, "timeout", f"{message}; " + _USE_JOBS)
    if reason == "memory":
        raise ApiError(
            413, "too-large", f"{message}; the solve needs more memory than a job may use here"
        )
    if reason == "worker-died":  # the worker process died (the server itself is fine)
        raise ApiError(502, reason, message)
    raise ApiError(500, reason, message)  # "internal": a bug, logged with its reference


@router.post(
    "/solve",
    response_model=ResultDocument,
    responses={
        **BODY_ERRORS,
        408: {"model": ErrorDoc},
        502: {"model": ErrorDoc},
        503: {"model": ErrorDoc},
    },
    openapi_extra=scenario_body("SolveRequest"),
)
async def solve_now(request: Request, service: ServiceDep, caller: Caller) -> Response:
    """Solve a small scenario and answer with the result contract (else 413/408: use jobs)."""
    submission = await read_submission(request, envelope=True)
    if submission.kind != "solve":
        raise ApiError(422, "invalid", "POST /v1/solve only solves; submit analyses to /v1/jobs")
    job = await run_in_threadpool(_enqueue_small, service, caller, submission)
    done = await _wait(service, job, service.settings.sync_seconds + 5)
    return _answer(done)
