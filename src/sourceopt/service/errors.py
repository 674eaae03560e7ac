"""Error responses: every error is an :class:`ErrorDoc` JSON body, never a stack trace."""

from __future__ import annotations

import logging
import uuid
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException

from sourceopt.errors import Problem
from sourceopt.scenario.messages import key_path

log = logging.getLogger("sourceopt.service")


class ApiError(Exception):
    """An error answer: HTTP status, code, message, problems and extra headers."""

    def __init__(
        self,
        status: int,
        error: str,
        message: str,
        problems: list[Problem] | tuple[Problem, ...] = (),
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.status, self.error, self.message = status, error, message
        self.problems, self.headers = list(problems), headers or {}


def problem_dicts(problems: list[Problem] | tuple[Problem, ...]) -> list[dict[str, str]]:
    """Problems as JSON objects."""
    return [{"file": p.file, "place": p.place, "message": p.message} for p in problems]


def error_response(
    status: int,
    error: str,
    message: str,
    problems: list[Problem] | tuple[Problem, ...] = (),
    headers: dict[str, str] | None = None,
) -> JSONResponse:
    """An ErrorDoc response."""
    body: dict[str, Any] = {"error": error, "message": message, "problems": problem_dicts(problems)}
    return JSONResponse(body, status_code=status, headers=headers)


_CODES = {401: "unauthorized", 404: "not-found", 405: "method-not-allowed", 413: "too-large"}


def install(app: FastAPI) -> None:
    """Register the handlers that turn every exception into an ErrorDoc."""

    @app.exception_handler(ApiError)
    async def _api(_request: Request, exc: ApiError) -> JSONResponse:
        return error_response(exc.status, exc.error, exc.message, exc.problems, exc.headers)

    @app.exception_handler(RequestValidationError)
    async def _validation(_request: Request, exc: RequestValidationError) -> JSONResponse:
        problems = [
            Problem("<request>", key_path([str(p) for p in e.get("loc", ())]), str(e.get("msg")))
            for e in exc.errors()
        ]
        return error_response(422, "invalid", "the request is not valid", problems)

    @app.exception_handler(HTTPException)
    async def _http(_request: Request, exc: HTTPException) -> JSONResponse:
        code = _CODES.get(exc.status_code, "error")
        headers = dict(exc.headers) if exc.headers else None
        return error_response(exc.status_code, code, str(exc.detail), headers=headers)

    @app.exception_handler(Exception)
    async def _internal(_request: Request, exc: Exception) -> JSONResponse:
        reference = uuid.uuid4().hex[:12]
        log.error("internal error %s", reference, exc_info=exc)
        return error_response(
            500, "internal", f"internal error (reference {reference}); see the server log"
        )
