"""The job kinds: ``solve`` and each analysis, in one explicit table.

Each :class:`Kind` names its option model (:mod:`sourceopt.jobs.options`, checked when a job
is submitted and again when it runs), its library entry point, and its result document
(:mod:`sourceopt.jobs.results`): the JSON it returns (a solve's result contract, or the
analysis' ``to_dict()``) is validated by that model, and the service's OpenAPI shows it. A new
job kind is one entry of :data:`KINDS`, its option model and its result document.

The analyses are imported when a kind is first loaded, not with this module: every kind is
loaded up front (:func:`load_kinds`: the service's API process and every service worker
call it at start), and a kind that cannot be imported is an error that names it, never a kind
quietly missing: an import that fails in a worker (for instance under a low ``--memory-mb``)
stops the worker from starting, so the server refuses to start instead of accepting jobs it
cannot run.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel

from sourceopt.errors import AnalysisError, Problem, SourceoptError
from sourceopt.jobs.options import (
    CompareOptions,
    ExplainOptions,
    ExplainProbesOptions,
    FrontierOptions,
    FrontierPointsOptions,
    PriceOffersOptions,
    PriceToWinOptions,
    RulesOptions,
    SolveJobOptions,
    SolverOptions,
    StressOptions,
    validate_options,
)
from sourceopt.jobs.portfolio_kind import PortfolioOptions
from sourceopt.jobs.results import (
    CompareDocument,
    ExplainDocument,
    ExplainProbesDocument,
    FrontierDocument,
    FrontierPointsDocument,
    PricedOffersDocument,
    PriceToWinDocument,
    ResultDocument,
    RulesDocument,
    StressDocument,
)
from sourceopt.portfolio.result import PortfolioDocument

if TYPE_CHECKING:
    from sourceopt.portfolio import Portfolio
    from sourceopt.scenario.model import Scenario

Runner = Callable[..., Any]
"""A kind's library function: ``function(scenario, **options)``, returning ``to_dict()``-able."""


@dataclass(frozen=True)
class Kind:
    """One job kind: its name, option model, library function (imported on use), result model."""

    name: str
    options: type[SolverOptions]
    function: Callable[[], Runner]  # imports and returns the library function
    result: type[BaseModel]

    def run(self, scenario: Scenario | Portfolio, options: Mapping[str, Any]) -> dict[str, Any]:
        """Run this kind with checked `options`: its JSON-ready result, checked by its model.

        The result is returned as the library made it (the model only checks it), so the JSON
        is exactly ``to_dict()``.
        """
        outcome = self.function()(scenario, **options)
        result: dict[str, Any] = outcome.to_dict()
        self.result.model_validate(result)
        return result


class KindLoadError(SourceoptError):
    """A job kind's module could not be imported (this process cannot run that kind)."""


def _solve() -> Runner:
    from sourceopt.solve import solve

    return solve


def _rules() -> Runner:
    from sourceopt.analysis import rule_costs

    return rule_costs


def _compare() -> Runner:
    from sourceopt.analysis import compare_variants

    return compare_variants


def _frontier() -> Runner:
    from sourceopt.analysis import frontier

    return frontier


def _explain() -> Runner:
    from sourceopt.analysis import explain

    return explain


def _price_to_win() -> Runner:
    from sourceopt.analysis import price_to_win

    return price_to_win


def _portfolio() -> Runner:
    from sourceopt.jobs.portfolio_kind import solve_portfolio_job

    return solve_portfolio_job


def _stress() -> Runner:
    from sourceopt.analysis import stress

    return stress


KINDS: dict[str, Kind] = {
    kind.name: kind
    for kind in (
        Kind("solve", SolveJobOptions, _solve, ResultDocument),
        Kind("rules", RulesOptions, _rules, RulesDocument),
        Kind("compare", CompareOptions, _compare, CompareDocument),
        Kind("frontier", FrontierOptions, _frontier, FrontierDocument),
        Kind("explain", ExplainOptions, _explain, ExplainDocument),
        Kind("price-to-win", PriceToWinOptions, _price_to_win, PriceToWinDocument),
        Kind("stress", StressOptions, _stress, StressDocument),
        Kind("portfolio", PortfolioOptions, _portfolio, PortfolioDocument),
    )
}
"""Every job kind, by name: the one table the worker, the service and its OpenAPI read."""


def _frontier_points() -> Runner:
    from sourceopt.analysis.frontier_parallel import frontier_points

    return frontier_points


def _price_offers() -> Runner:
    from sourceopt.analysis.price_to_win import price_offers

    return price_offers


def _explain_probes() -> Runner:
    from sourceopt.analysis.explain_probes import explain_probes

    return explain_probes


INTERNAL: dict[str, Kind] = {
    kind.name: kind
    for kind in (
        Kind("frontier-points", FrontierPointsOptions, _frontier_points, FrontierPointsDocument),
        Kind("price-to-win-offers", PriceOffersOptions, _price_offers, PricedOffersDocument),
        Kind("explain-probes", ExplainProbesOptions, _explain_probes, ExplainProbesDocument),
    )
}
"""Job kinds only a parallel analysis submits (its share of the figures, on a worker): run
and checked like the others by :func:`run_kind`, never offered by the service (its
:func:`check_options` and its OpenAPI know only :data:`KINDS`)."""


def load_kinds() -> list[str]:
    """Import every job kind's code now; the kinds, or KindLoadError naming each failure."""
    failed: dict[str, list[str]] = {}  # the reason -> the kinds that failed with it
    for kind in [*KINDS.values(), *INTERNAL.values()]:
        try:
            kind.function()
        except (ImportError, MemoryError, AttributeError) as exc:
            failed.setdefault(f"{type(exc).__name__}: {str(exc)[:300]}", []).append(kind.name)
    if failed:
        reasons = "; ".join(f"{', '.join(kinds)} ({why})" for why, kinds in failed.items())
        raise KindLoadError(
            f"cannot load the job kind(s) {reasons}; a failed import in a memory-capped "
            "worker usually means --memory-mb is too low"
        )
    return available_kinds()


def available_kinds() -> list[str]:
    """The job kinds sourceopt defines (:func:`load_kinds` checks they can be loaded)."""
    return list(KINDS)


def check_options(
    name: str, options: dict[str, Any], file: str = "<request>"
) -> tuple[dict[str, Any], list[Problem]]:
    """A kind's options validated by its model, or the problems.

    Names are given with ``_``, unset ones left out; an unknown kind is a problem at ``kind``.
    """
    kind = KINDS.get(name)
    if kind is None:
        return {}, [Problem(file, "kind", f"unknown job kind {name!r}")]
    return validate_options(kind.options, name, options, file)


def reports_progress(name: str) -> bool:
    """Whether the kind's library function reports progress (takes a ``progress`` argument)."""
    import inspect

    kind = KINDS.get(name)
    return kind is not None and "progress" in inspect.signature(kind.function()).parameters


def run_kind(
    name: str,
    scenario: Scenario | Portfolio,
    options: Mapping[str, Any],
    extra: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """Run one job kind; the JSON-ready result (a solve's result contract, or an analysis').

    `scenario` is the loaded Scenario, or for the ``portfolio`` kind the loaded Portfolio.
    `name` may be an :data:`INTERNAL` kind (a parallel analysis' share of its figures).
    `extra`: keyword arguments the caller chose, added to the checked options unchecked
    (a parallel analysis' chunk: the base solve's raw result, a frontier's start award).

    Raises AnalysisError for an unknown kind or options its model refuses.
    """
    kind = KINDS.get(name) or INTERNAL.get(name)
    if kind is None:
        raise AnalysisError(
            f"unknown job kind {name!r}; this server runs: {', '.join(available_kinds())}"
        )
    checked, problems = validate_options(kind.options, name, dict(options))
    if problems:
        raise AnalysisError("; ".join(f"{p.place}: {p.message}" for p in problems))
    return kind.run(scenario, {**checked, **(extra or {})})
