"""The service's request and response types; the scenario and result are the library's own.

The OpenAPI schema is generated from these, which embed :class:`ScenarioDocument` (the
scenario format) and :class:`ResultDocument` (the result contract): no second copy.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from sourceopt.result import ResultDocument
from sourceopt.scenario.schema import BackendName, ModelDocument, ScenarioDocument

JobStatus = Literal["queued", "running", "succeeded", "failed", "cancelled"]


class ProblemDoc(BaseModel):
    """One problem with the input, with its file and place (as ``sourceopt validate``)."""

    file: str
    place: str
    message: str


class ErrorDoc(BaseModel):
    """Every error response: a code, a message saying what to do, and any input problems."""

    error: str = Field(description="machine-readable code, e.g. invalid, unauthorized")
    message: str
    problems: list[ProblemDoc] = Field(default_factory=list)


class JobOptions(BaseModel):
    """The command's options by name; analyses accept their own extra options."""

    model_config = ConfigDict(extra="allow")

    variant: str | None = None
    backend: BackendName | None = None
    time_limit: Annotated[float, Field(gt=0)] | None = Field(None, description="seconds")
    mip_gap: Annotated[float, Field(ge=0, le=1)] | None = None


class SolveRequest(BaseModel):
    """``POST /v1/solve``: a scenario (tables inline) and the solve's options."""

    model_config = ConfigDict(extra="forbid")

    scenario: ScenarioDocument
    options: JobOptions = Field(default_factory=JobOptions)


class JobRequest(SolveRequest):
    """``POST /v1/jobs``: what to run (`kind`), on which scenario, with which options."""

    kind: str = Field("solve", description="solve, or an analysis this server offers")


class JobError(BaseModel):
    """Why a job failed or stopped."""

    reason: str
    message: str
    problems: list[ProblemDoc] = Field(default_factory=list)


class JobDoc(BaseModel):
    """A job: its state, timestamps and, when done, the result or the error."""

    id: str
    kind: str
    status: JobStatus
    created_at: datetime
    started_at: datetime | None = None
    finished_at: datetime | None = None
    attempts: int = 0
    cancel_requested: bool = False
    result: ResultDocument | dict[str, Any] | None = Field(
        None, description="the result contract (solve) or the analysis' JSON"
    )
    error: JobError | None = None


class JobPage(BaseModel):
    """One page of the caller's jobs, newest first."""

    jobs: list[JobDoc]
    next_cursor: str | None = None


class ValidDoc(BaseModel):
    """A valid scenario's size."""

    valid: Literal[True] = True
    scenario: str
    items: int
    suppliers: int
    offers: int
    rules: int
    variants: int


class ModelSummary(BaseModel):
    """One named sourcing model."""

    name: str
    description: str
    rules: int


class ModelList(BaseModel):
    """The organisation's named sourcing models."""

    models: list[ModelSummary]


class Health(BaseModel):
    """Liveness or readiness."""

    status: str
    checks: dict[str, str] = Field(default_factory=dict)


REQUEST_MODELS: tuple[type[BaseModel], ...] = (JobRequest, SolveRequest, ScenarioDocument)

__all__ = ["ModelDocument", "ResultDocument"]
