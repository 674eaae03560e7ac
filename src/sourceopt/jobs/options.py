"""Each job kind's options as a pydantic model: checked when a job is submitted, not when it runs.

A kind's options are the keyword arguments of its library function (:mod:`sourceopt.solve`,
:mod:`sourceopt.analysis`; the table is :data:`sourceopt.jobs.kinds.KINDS`), so a model here
lists exactly those (``tests/jobs/test_options.py`` checks it), with their types and
bounds; unknown options are errors (``extra="forbid"``) and nothing is coerced (``"abc"`` is
not a number of points). Option names may be written with ``-`` or ``_``.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from sourceopt.errors import Problem
from sourceopt.scenario.messages import problems_from
from sourceopt.scenario.schema import BackendName, Identifier

Name = Annotated[str, Field(min_length=1, max_length=200)]


class SolverOptions(BaseModel):
    """The solver's settings, which every kind takes."""

    model_config = ConfigDict(extra="forbid", strict=True, allow_inf_nan=False)

    backend: BackendName | None = None
    time_limit: Annotated[float, Field(gt=0, le=7 * 24 * 3600)] | None = Field(
        None, description="seconds"
    )
    mip_gap: Annotated[float, Field(ge=0, le=1)] | None = None


class SolveOptions(SolverOptions):
    """``solve`` (and most analyses): the variant and the solver's settings."""

    variant: Name | None = None


class SolveJobOptions(SolveOptions):
    """``solve`` itself: also whether an infeasible result is diagnosed (its ``conflict``)."""

    diagnose: bool | None = None


class ParallelOptions(SolveOptions):
    """An analysis that re-solves: a budget for all of it, and how many chunks run at once."""

    analysis_time_limit: Annotated[float, Field(gt=0, le=7 * 24 * 3600)] | None = Field(
        None, description="seconds for the whole analysis; figures it stops are not final"
    )
    jobs: Annotated[int, Field(ge=1, le=64)] | None = Field(
        None, description="chunks of re-solves run at once, each on a supervised worker"
    )


class RulesOptions(ParallelOptions):
    """``rules``: the cost of each rule (all, or the named ones)."""

    rules: Annotated[list[Name], Field(max_length=1000)] | None = None


class CompareOptions(SolverOptions):
    """``compare``: variants side by side (all, or the named ones)."""

    variants: Annotated[list[Name], Field(max_length=1000)] | None = None
    analysis_time_limit: Annotated[float, Field(gt=0, le=7 * 24 * 3600)] | None = Field(
        None, description="seconds for the whole comparison; variants it stops are not final"
    )
    jobs: Annotated[int, Field(ge=1, le=64)] | None = Field(
        None, description="variants solved at once, each on a supervised worker"
    )


class FrontierOptions(ParallelOptions):
    """``frontier``: cost against a metric, at `points` levels (`jobs` solve them at once)."""

    against: Annotated[str, Field(min_length=1, max_length=500)]
    points: Annotated[int, Field(ge=2, le=200)] | None = None
    direction: Literal["at_most", "at_least"] | None = None


class FrontierPointsOptions(SolveOptions):
    """``frontier-points`` (internal): a parallel frontier's share of its grid, on a worker."""

    analysis_time_limit: Annotated[float, Field(gt=0, le=7 * 24 * 3600)] | None = None
    against: Annotated[str, Field(min_length=1, max_length=500)]
    direction: Literal["at_most", "at_least"] | None = None
    bounds: Annotated[list[float], Field(min_length=1, max_length=200)]


class ExplainOptions(ParallelOptions):
    """``explain``: why the scenario is infeasible (or what binds); `jobs` probes at once."""

    relax: bool | None = None


class ExplainProbesOptions(SolveOptions):
    """``explain-probes`` (internal): a parallel explanation's probes, on a worker."""

    analysis_time_limit: Annotated[float, Field(gt=0, le=7 * 24 * 3600)] | None = None
    sets: Annotated[
        list[Annotated[list[Annotated[int, Field(ge=0)]], Field(max_length=1_000_000)]],
        Field(min_length=1, max_length=64),
    ]
    tag: Annotated[str, Field(min_length=1, max_length=100)]


class PriceToWinOptions(ParallelOptions):
    """``price-to-win``: the price at which each offer would win (one supplier's, or all)."""

    supplier: Identifier | None = None
    tolerance: Annotated[float, Field(gt=0, le=0.5)] | None = None
    limit: Annotated[int, Field(ge=1)] | None = None  # the first N offers only (a sample)


class PriceOffersOptions(SolveOptions):
    """``price-to-win-offers`` (internal): a parallel price-to-win's share of its offers."""

    offers: Annotated[list[Annotated[int, Field(ge=0)]], Field(min_length=1, max_length=1_000_000)]
    tolerance: Annotated[float, Field(gt=0, le=0.5)] | None = None
    analysis_time_limit: Annotated[float, Field(gt=0, le=7 * 24 * 3600)] | None = None


class StressOptions(ParallelOptions):
    """``stress``: the award when each awarded supplier fails."""

    keep: bool | None = None
    supplier: Identifier | None = None
    suppliers: Annotated[list[Identifier], Field(max_length=100_000)] | None = None


def validate_options(
    model: type[SolverOptions], kind: str, options: dict[str, Any], file: str = "<request>"
) -> tuple[dict[str, Any], list[Problem]]:
    """`options` of a `kind` job checked by its `model`, or the problems.

    Names are given with ``_``, unset ones left out; problems are placed at
    ``options.<name>`` and say what is expected.
    """
    named = {str(k).replace("-", "_"): v for k, v in options.items()}
    try:
        checked = model.model_validate(named)
    except ValidationError as exc:
        problems = problems_from(exc, named, file, prefix="options")
        valid = ", ".join(model.model_fields)
        return {}, [_with_choices(p, kind, valid) for p in problems]
    return checked.model_dump(exclude_none=True), []


def _with_choices(problem: Problem, kind: str, valid: str) -> Problem:
    if "unknown key" not in problem.message:
        return problem
    name = problem.place.rsplit(".", 1)[-1]
    message = f"unknown option {name!r} for a {kind} job; its options are: {valid}"
    return Problem(problem.file, problem.place, message)
