"""The FastAPI application: :func:`create_app` wires the store, workers and routes."""

from __future__ import annotations

import logging
import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI, Request
from fastapi.openapi.utils import get_openapi
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from starlette.types import ASGIApp, Message, Receive, Scope, Send

import sourceopt
from sourceopt.errors import SourceoptError
from sourceopt.jobs.kinds import load_kinds
from sourceopt.service import errors
from sourceopt.service.dispatcher import Dispatcher
from sourceopt.service.documents import REQUEST_MODELS, ErrorDoc
from sourceopt.service.limits import BodyLimit, RateLimiter
from sourceopt.service.metrics import Metrics
from sourceopt.service.routes import health, jobs, models, reports, solve, ui, validate
from sourceopt.service.runner import make_runner
from sourceopt.service.settings import Settings
from sourceopt.service.state import Service
from sourceopt.service.store import QueueFullError, Store
from sourceopt.service.uploads import validator_for

log = logging.getLogger("sourceopt.service")


def start_service(settings: Settings, metrics: Metrics) -> Service:
    """Load every job kind, open the store (migrating it), start the workers and dispatcher.

    Raises (the server then does not start) when a kind cannot be loaded here or in a worker.
    """
    kinds = load_kinds()
    store = Store(
        settings.store_url, max_queue=settings.max_queue, max_per_key=settings.queue_per_key
    )
    try:
        runner = make_runner(
            settings.executor, settings.workers, settings.memory_mb, settings.scheduler
        )
    except Exception:
        store.close()
        raise
    dispatcher = Dispatcher(store, runner, settings, metrics)
    dispatcher.start()
    limiter = RateLimiter(settings.rate_per_minute)
    uploads = validator_for(
        settings.upload_memory_mb, settings.upload_workers, settings.upload_seconds
    )
    threading.Thread(target=uploads.warm, name="sourceopt-uploads-warm", daemon=True).start()
    return Service(settings, store, runner, dispatcher, metrics, limiter, kinds)


def queue_full(settings: Settings, exc: QueueFullError) -> JSONResponse:
    """503 (the queue is full) or 429 (this key's share is), with Retry-After."""
    seconds = settings.retry_after_seconds
    if exc.scope == "key":
        status, code = 429, "queue-share-full"
        advice = "wait for this key's jobs to start, or cancel some"
    else:
        status, code = 503, "queue-full"
        advice = "wait for queued jobs to start"
    message = f"{exc}; {advice}; retry in {seconds} s"
    return errors.error_response(status, code, message, headers={"Retry-After": str(seconds)})


class CountResponses:
    """ASGI middleware counting responses by status (plain ASGI: no per-request task)."""

    def __init__(self, app: ASGIApp, metrics: Metrics) -> None:
        self.app, self.metrics = app, metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Pass the request on; count the status of the response it starts."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def counting(message: Message) -> None:
            if message["type"] == "http.response.start":
                self.metrics.request(int(message["status"]))
            await send(message)

        await self.app(scope, receive, counting)


def create_app(settings: Settings | None = None) -> FastAPI:
    """The service's ASGI app; the store and workers start with the app's lifespan."""
    settings = settings or Settings()
    metrics = Metrics()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        try:
            service = start_service(settings, metrics)
        except SourceoptError as exc:
            log.error("sourceopt service cannot start: %s", exc)
            raise
        app.state.service = service
        log.info("sourceopt service ready: store %s, kinds %s", settings.store_url, service.kinds)
        try:
            yield
        finally:
            service.dispatcher.stop()
            service.runner.close()
            service.store.close()

    app = FastAPI(
        title="sourceopt",
        version=sourceopt.__version__,
        description="Supplier-sourcing optimisation as a service: scenario in, verified award "
        "out. Every /v1 route needs `Authorization: Bearer KEY`.",
        lifespan=lifespan,
    )
    for router in (health.router, validate.router, jobs.router, solve.router, models.router):
        app.include_router(router)
    app.include_router(reports.router)
    app.include_router(ui.router)
    errors.install(app)

    @app.exception_handler(QueueFullError)
    async def _queue_full(_request: Request, exc: QueueFullError) -> JSONResponse:
        return queue_full(settings, exc)

    app.add_middleware(CountResponses, metrics=metrics)
    if settings.cors_origins:
        from fastapi.middleware.cors import CORSMiddleware

        app.add_middleware(
            CORSMiddleware,
            allow_origins=list(settings.cors_origins),
            allow_methods=["GET", "POST", "DELETE"],
            allow_headers=["Authorization", "Content-Type", "Idempotency-Key"],
        )
    app.add_middleware(BodyLimit, limit=settings.max_body_bytes)
    app.openapi = lambda: _openapi(app)  # type: ignore[method-assign]
    return app


def _openapi(app: FastAPI) -> dict[str, Any]:
    """The generated schema, plus the request types read by hand (scenario, job request)."""
    if app.openapi_schema:
        return app.openapi_schema
    schema = get_openapi(
        title=app.title, version=app.version, description=app.description, routes=app.routes
    )
    components = schema.setdefault("components", {}).setdefault("schemas", {})
    models: tuple[type[BaseModel], ...] = (*REQUEST_MODELS, ErrorDoc)
    for model in models:
        found = model.model_json_schema(ref_template="#/components/schemas/{model}")
        for name, definition in found.pop("$defs", {}).items():
            components.setdefault(name, definition)
        components.setdefault(model.__name__, found)
    error_ref = {"$ref": "#/components/schemas/ErrorDoc"}
    for operations in schema.get("paths", {}).values():
        for operation in operations.values():
            answer = operation.get("responses", {}).get("422")
            if answer is not None:
                answer["content"] = {"application/json": {"schema": error_ref}}
    components.pop("HTTPValidationError", None)
    components.pop("ValidationError", None)
    app.openapi_schema = schema
    return schema
