"""Schemathesis against /openapi.json: no 5xx, every response matches the schema (bounded)."""

from __future__ import annotations

from typing import Any

import pytest

schemathesis = pytest.importorskip("schemathesis")

from hypothesis import HealthCheck, given, settings  # noqa: E402
from schemathesis.specs.openapi.checks import positive_data_acceptance  # noqa: E402

from .conftest import Server  # noqa: E402


def test_openapi_embeds_the_library_types(server: Server) -> None:
    components = server.client().get("/openapi.json").json()["components"]["schemas"]
    assert "ScenarioDocument" in components
    assert "ResultDocument" in components
    assert "HTTPValidationError" not in components


def test_api_conforms(server: Server) -> None:
    """Every operation, a bounded number of generated requests each."""
    schema = schemathesis.openapi.from_url(f"{server.url}/openapi.json")
    headers = {"Authorization": f"Bearer {server.keys[1]}"}
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 9

    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(
            max_examples=12,
            deadline=None,
            suppress_health_check=list(HealthCheck),
            derandomize=True,
            database=None,
        )
        def check(case: Any) -> None:
            # semantically invalid scenarios (unknown suppliers...) rightly get 422
            case.call_and_validate(
                base_url=server.url, headers=headers, excluded_checks=[positive_data_acceptance]
            )

        check()
