"""``POST /v1/validate``: the same checks and messages as ``sourceopt validate``."""

from __future__ import annotations

from fastapi import APIRouter, Request
from starlette.concurrency import run_in_threadpool

from sourceopt.service.documents import ErrorDoc, ValidDoc
from sourceopt.service.routes import BODY_ERRORS, scenario_body
from sourceopt.service.state import Caller, ServiceDep
from sourceopt.service.submission import check, read_submission

router = APIRouter(prefix="/v1", tags=["validate"])


@router.post(
    "/validate",
    response_model=ValidDoc,
    responses={**BODY_ERRORS, 503: {"model": ErrorDoc}},
    openapi_extra=scenario_body("ScenarioDocument"),
)
async def validate(request: Request, service: ServiceDep, caller: Caller) -> ValidDoc:
    """200 with the scenario's size if valid, else 422 listing every problem with its place."""
    submission = await read_submission(request, envelope=False)
    scenario = await run_in_threadpool(check, submission, service.settings, service.kinds)
    return ValidDoc(
        scenario=scenario.name,
        items=scenario.n_items,
        suppliers=scenario.n_suppliers,
        offers=scenario.n_offers,
        rules=len(scenario.rules),
        variants=len(scenario.variants),
    )
