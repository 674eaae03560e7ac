"""``/healthz`` (alive), ``/readyz`` (store reachable, workers alive), ``/metrics``."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import JSONResponse, PlainTextResponse

from sourceopt.service.documents import Health
from sourceopt.service.state import ServiceDep

router = APIRouter(tags=["health"])


@router.get("/healthz", response_model=Health)
def healthz() -> Health:
    """The process answers."""
    return Health(status="ok")


@router.get("/readyz", response_model=Health, responses={503: {"model": Health}})
def readyz(service: ServiceDep) -> JSONResponse:
    """Ready when the store answers and the workers and dispatcher are alive."""
    checks = {}
    try:
        service.store.ping()
        checks["store"] = "ok"
    except Exception as exc:
        checks["store"] = f"unreachable ({type(exc).__name__})"
    checks["workers"] = "ok" if service.runner.healthy() else "not all alive"
    checks["dispatcher"] = "ok" if service.dispatcher.alive() else "stopped"
    ready = all(v == "ok" for v in checks.values())
    body = Health(status="ready" if ready else "not-ready", checks=checks)
    return JSONResponse(body.model_dump(), status_code=200 if ready else 503)


@router.get("/metrics", response_class=PlainTextResponse)
def metrics(service: ServiceDep) -> PlainTextResponse:
    """Prometheus text: jobs by status, queue depth, job-seconds histogram, responses."""
    service.metrics.set_counts(service.store.counts())
    return PlainTextResponse(service.metrics.render(), media_type="text/plain; version=0.0.4")
