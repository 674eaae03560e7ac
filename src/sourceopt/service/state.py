"""What the app holds while it runs: settings, store, runner, dispatcher, metrics, limiter."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from starlette.concurrency import run_in_threadpool

from sourceopt.service.auth import key_id_for
from sourceopt.service.dispatcher import Dispatcher
from sourceopt.service.errors import ApiError
from sourceopt.service.limits import RateLimiter
from sourceopt.service.metrics import Metrics
from sourceopt.service.runner import JobRunner
from sourceopt.service.settings import Settings
from sourceopt.service.store import Store


@dataclass
class Service:
    """The running service's parts."""

    settings: Settings
    store: Store
    runner: JobRunner
    dispatcher: Dispatcher
    metrics: Metrics
    limiter: RateLimiter
    kinds: list[str]


def get_service(request: Request) -> Service:
    """The service of the app handling `request`."""
    service: Service = request.app.state.service
    return service


_bearer = HTTPBearer(auto_error=False, description="an API key from `sourceopt keys create`")


async def get_caller(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> str:
    """The calling key's id; 401 without a valid key, 429 over the key's rate."""
    service = get_service(request)
    if credentials is None or credentials.scheme.lower() != "bearer":
        raise ApiError(
            401,
            "unauthorized",
            "send an API key as 'Authorization: Bearer KEY' (create one with "
            "`sourceopt keys create --name NAME`)",
            headers={"WWW-Authenticate": "Bearer"},
        )
    key_id = await run_in_threadpool(key_id_for, service.store, credentials.credentials)
    if key_id is None:
        raise ApiError(
            401,
            "unauthorized",
            "unknown or revoked API key",
            headers={"WWW-Authenticate": "Bearer"},
        )
    wait = service.limiter.take(key_id)
    if wait > 0:
        raise ApiError(
            429,
            "rate-limited",
            f"over this key's limit of {service.settings.rate_per_minute} requests a minute; "
            f"retry in {wait:.1f} s",
            headers={"Retry-After": str(max(1, round(wait + 0.5)))},
        )
    return key_id


Caller = Annotated[str, Depends(get_caller)]
ServiceDep = Annotated[Service, Depends(get_service)]
