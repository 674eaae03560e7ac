"""The service's request and response types; the scenario and result are the library's own.

The OpenAPI schema is generated from these, which embed :class:`ScenarioDocument` (the
scenario format), :class:`ResultDocument` (the result contract) and each analysis' result
document (:mod:`sourceopt.jobs.results`): no second copy. A job (:data:`JobDoc`) is a union
discriminated by its ``kind``, so the schema shows each kind's ``result``; it is built from the
table of job kinds (:data:`sourceopt.jobs.kinds.KINDS`).
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal, Union

from pydantic import BaseModel, ConfigDict, Field, create_model

from sourceopt.jobs.kinds import KINDS
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


class RequestOptions(BaseModel):
    """A job's options by name; analyses accept their own extra options.

    Only the shape is checked here; each kind's own option model checks the rest (names,
    types, bounds) when the job is submitted (:func:`sourceopt.jobs.kinds.check_options`).
    """

    model_config = ConfigDict(extra="allow", title="JobOptions")

    variant: str | None = None
    backend: BackendName | None = None
    time_limit: Annotated[float, Field(gt=0)] | None = Field(None, description="seconds")
    mip_gap: Annotated[float, Field(ge=0, le=1)] | None = None


class SolveRequest(BaseModel):
    """``POST /v1/solve``: a scenario (tables inline) and the solve's options."""

    model_config = ConfigDict(extra="forbid")

    scenario: ScenarioDocument
    options: RequestOptions = Field(default_factory=RequestOptions)


class JobRequest(SolveRequest):
    """``POST /v1/jobs``: what to run (`kind`), on which scenario, with which options."""

    kind: str = Field("solve", description="solve, or an analysis this server offers")


class JobError(BaseModel):
    """Why a job failed or stopped."""

    reason: str
    message: str
    problems: list[ProblemDoc] = Field(default_factory=list)


class JobProgress(BaseModel):
    """How far a running analysis job is: `done` of its `total` figures (rules, suppliers...)."""

    done: int
    total: int


class JobState(BaseModel):
    """A job: its state, timestamps and, when it failed or stopped, the error."""

    id: str
    kind: str
    status: JobStatus
    created_at: datetime
    started_at: datetime | None = None
    finished_at: datetime | None = None
    attempts: int = 0
    cancel_requested: bool = False
    progress: JobProgress | None = Field(
        None,
        description="an analysis that reports it (rules, stress, frontier, compare): figures "
        "done of "
        "the total, updated while it runs (null before its first figure, and for other kinds)",
    )
    error: JobError | None = None


def _job_of_kind(name: str, result: type[BaseModel]) -> type[JobState]:
    """The job document of one kind: its ``kind`` a constant, its ``result`` that kind's."""
    title = "".join(part.title() for part in name.split("-"))
    fields: dict[str, Any] = {
        "kind": (Literal[name], ...),
        "result": (result | None, Field(None, description=f"when succeeded: the {name} result")),
    }
    model: type[JobState] = create_model(
        f"{title}Job", __base__=JobState, __doc__=f"A {name} job.", **fields
    )
    return model


JOB_MODELS: tuple[type[JobState], ...] = tuple(
    _job_of_kind(kind.name, kind.result) for kind in KINDS.values()
)
JobDoc = Annotated[Union[JOB_MODELS], Field(discriminator="kind")]  # type: ignore[valid-type]  # noqa: UP007
"""A job, of one of the kinds: the union discriminated by ``kind``."""


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
