"""The two kinds of job a worker runs: a scenario file to solve, or an inline job.

A :class:`FileJob` is one (scenario file, variant, options) of a batch, keyed by the hash of
every input byte; the worker reads the file. An :class:`InlineJob` carries its scenario (an
already loaded :class:`~sourceopt.scenario.model.Scenario`, or a :class:`ScenarioSource` that
loads it in the worker), a job kind (:mod:`sourceopt.jobs.kinds`) and that kind's checked
options; the HTTP service submits its jobs this way.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from sourceopt.portfolio import Portfolio
    from sourceopt.scenario.model import Scenario


@dataclass(frozen=True)
class JobOptions:
    """The solver options of a file job (part of every job key)."""

    backend: str | None = None
    time_limit: float | None = None
    mip_gap: float | None = None
    models_dir: str | None = None


@dataclass(frozen=True)
class FileJob:
    """One solve: a scenario file, a variant, the options, and the hash of every input byte."""

    file: str  # absolute path
    variant: str
    options: JobOptions
    input_hash: str
    key: str  # hash of all of the above: what resume and the index are keyed by
    name: str  # stable relative name of the file, used for the result's path
    kind: str = "scenario"  # or "portfolio": a portfolio file (sourceopt.batch.portfolio_jobs)

    @property
    def time_limit(self) -> float | None:
        """The solver time limit the job asks for (None: the scenario's, or the default)."""
        return self.options.time_limit

    @property
    def label(self) -> str:
        """The scenario name a failure record carries."""
        return Path(self.file).stem

    @property
    def result_path(self) -> str:
        """Where the result goes, relative to the output folder."""
        return f"results/{self.name}/{self.variant}.json"


class ScenarioSource(Protocol):
    """A scenario still to be loaded (in the worker): the service's stored request."""

    def load(self) -> Scenario:
        """The validated Scenario; raises ScenarioError listing every problem."""
        ...


class PortfolioSource(Protocol):
    """A portfolio still to be loaded (in the worker): a ``portfolio`` job's stored request."""

    def load(self) -> Portfolio:
        """The validated Portfolio; raises ScenarioError listing every problem."""
        ...


@dataclass(frozen=True)
class InlineJob:
    """One job of a kind (``solve`` or an analysis) on a scenario it carries.

    `options` are the kind's options as checked by its option model
    (:func:`sourceopt.jobs.options.check_options`); `scenario` is a loaded Scenario or a
    :class:`ScenarioSource` (it must pickle: it travels to the worker process).
    """

    key: str
    kind: str
    scenario: Scenario | ScenarioSource | PortfolioSource = field(hash=False)
    options: Mapping[str, Any] = field(default_factory=dict, hash=False)
    extra: Mapping[str, Any] = field(default_factory=dict, hash=False)
    """Library keyword arguments the caller chose, passed unchecked (not user options): a
    parallel analysis' chunk gets the base solve's raw result here (``base_raw``)."""

    @property
    def time_limit(self) -> float | None:
        """The solver time limit among the options (None when unset or not positive)."""
        limit = self.options.get("time_limit")
        return float(limit) if isinstance(limit, int | float) and limit > 0 else None

    @property
    def variant(self) -> str:
        """The variant among the options (``base`` when unset)."""
        variant = self.options.get("variant")
        return variant if isinstance(variant, str) else "base"

    @property
    def label(self) -> str:
        """The scenario name a failure record carries (the job's key)."""
        return self.key


Job = FileJob | InlineJob
