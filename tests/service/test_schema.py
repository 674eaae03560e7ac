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


def test_each_kinds_job_has_its_result_in_the_openapi(server: Server) -> None:
    from sourceopt.jobs.kinds import KINDS

    spec = server.client().get("/openapi.json").json()
    answer = spec["paths"]["/v1/jobs/{job_id}"]["get"]["responses"]["200"]
    schema = answer["content"]["application/json"]["schema"]
    mapping = schema["discriminator"]["mapping"]
    assert set(mapping) == set(KINDS)
    components = spec["components"]["schemas"]
    stress = components[mapping["stress"].rsplit("/", 1)[-1]]
    assert stress["properties"]["kind"]["const"] == "stress"
    refs = [s.get("$ref") for s in stress["properties"]["result"]["anyOf"]]
    assert "#/components/schemas/StressDocument" in refs
    solve = components[mapping["solve"].rsplit("/", 1)[-1]]
    refs = [s.get("$ref") for s in solve["properties"]["result"]["anyOf"]]
    assert "#/components/schemas/ResultDocument" in refs


@pytest.mark.parametrize("kind", ["solve", "rules", "stress"])
def test_a_finished_job_is_its_kinds_document(server: Server, kind: str) -> None:
    from pydantic import TypeAdapter

    from sourceopt.service.documents import JobDoc

    from .conftest import wait_for
    from .scenarios import small

    with server.client(1) as client:
        job = client.post("/v1/jobs", json={"scenario": small(), "kind": kind}).json()
        done = wait_for(client, str(job["id"]))
    assert done["status"] == "succeeded", done
    parsed = TypeAdapter(JobDoc).validate_python(done)
    assert type(parsed).__name__ == f"{kind.title()}Job"
    assert parsed.result is not None  # type: ignore[union-attr]
