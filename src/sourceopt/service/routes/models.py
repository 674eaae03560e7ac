"""``/v1/models``: the organisation's named sourcing models (the server's models folder)."""

from __future__ import annotations

from fastapi import APIRouter

from sourceopt.errors import ScenarioError
from sourceopt.scenario.schema import ModelDocument
from sourceopt.scenario.sourcing_models import available_models, read_model
from sourceopt.service.documents import ErrorDoc, ModelList, ModelSummary
from sourceopt.service.errors import ApiError
from sourceopt.service.routes import AUTH_ERRORS
from sourceopt.service.state import Caller, ServiceDep

router = APIRouter(prefix="/v1/models", tags=["models"])


@router.get("", response_model=ModelList, responses=AUTH_ERRORS)
def list_models(service: ServiceDep, caller: Caller) -> ModelList:
    """Every named model a scenario can adopt with ``model: NAME``."""
    found = []
    for name, path in available_models(service.settings.models_dir).items():
        try:
            doc = read_model(path)
        except ScenarioError:
            continue  # a broken model file is reported by GET /v1/models/{name}
        found.append(ModelSummary(name=name, description=doc.description, rules=len(doc.rules)))
    return ModelList(models=found)


@router.get(
    "/{name}", response_model=ModelDocument, responses={**AUTH_ERRORS, 404: {"model": ErrorDoc}}
)
def get_model(name: str, service: ServiceDep, caller: Caller) -> ModelDocument:
    """One model: its description, rules and objective."""
    path = available_models(service.settings.models_dir).get(name)
    if path is None:
        raise ApiError(404, "not-found", f"no sourcing model {name!r}; see GET /v1/models")
    try:
        return read_model(path)
    except ScenarioError as exc:
        raise ApiError(500, "broken-model", f"the model file is invalid: {exc}") from None
