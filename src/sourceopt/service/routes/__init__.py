"""One router per resource: health, validate, jobs, solve, models."""

from __future__ import annotations

from typing import Any

from sourceopt.service.documents import ErrorDoc

_ERROR = {"model": ErrorDoc}
AUTH_ERRORS: dict[int | str, dict[str, Any]] = {401: _ERROR, 429: _ERROR}
BODY_ERRORS: dict[int | str, dict[str, Any]] = {**AUTH_ERRORS, 413: _ERROR, 422: _ERROR}


def scenario_body(schema: str, *, multipart: bool = True) -> dict[str, Any]:
    """An OpenAPI requestBody: JSON of a component schema, or a multipart upload."""
    content: dict[str, Any] = {
        "application/json": {"schema": {"$ref": f"#/components/schemas/{schema}"}}
    }
    if multipart:
        content["multipart/form-data"] = {
            "schema": {
                "type": "object",
                "required": ["scenario"],
                "properties": {
                    "scenario": {"type": "string", "format": "binary"},
                    "kind": {"type": "string"},
                    "options": {"type": "string", "description": "JSON of the options"},
                },
                "additionalProperties": {"type": "string", "format": "binary"},
            }
        }
    return {"requestBody": {"required": True, "content": content}}
