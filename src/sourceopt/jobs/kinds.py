"""The job kinds: ``solve`` and each analysis, in one explicit table.

Each :class:`Kind` names its option model (:mod:`sourceopt.jobs.options`, checked when a job
is submitted and again when it runs) and its library entry point, returning JSON data (a
solve's result contract, or the analysis' ``to_dict()``). A new job kind is one entry of
:data:`KINDS` plus its option model.

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

from sourceopt.errors import AnalysisError, Problem, SourceoptError
from sourceopt.jobs.options import (
    CompareOptions,
    ExplainOptions,
    FrontierOptions,
    PriceToWinOptions,
    RulesOptions,
    SolveJobOptions,
    SolverOptions,
    StressOptions,
    validate_options,
)

if TYPE_CHECKING:
    from types import ModuleType

    from sourceopt.scenario.model import Scenario

Runner = Callable[..., Any]
"""A kind's library function: ``function(scenario, **options)``, returning ``to_dict()``-able."""


@dataclass(frozen=True)
class Kind:
    """One job kind: its name, its option model and its library function (imported on use)."""

    name: str
    options: type[SolverOptions]
    function: Callable[[], Runner]  # imports and returns the library function

    def run(self, scenario: Scenario, options: Mapping[str, Any]) -> dict[str, Any]:
        """Run this kind with checked `options`: its JSON-ready result."""
        outcome = self.function()(scenario, **options)
        result: dict[str, Any] = outcome.to_dict()
        return result


class KindLoadError(SourceoptError):
    """A job kind's module could not be imported (this process cannot run that kind)."""


def _solve() -> Runner:
    from sourceopt.solve import solve

    return solve


def _analysis() -> ModuleType:
    from sourceopt import analysis

    return analysis


KINDS: dict[str, Kind] = {
    "solve": Kind("solve", SolveJobOptions, _solve),
    "rules": Kind("rules", RulesOptions, lambda: _analysis().rule_costs),
    "compare": Kind("compare", CompareOptions, lambda: _analysis().compare_variants),
    "frontier": Kind("frontier", FrontierOptions, lambda: _analysis().frontier),
    "explain": Kind("explain", ExplainOptions, lambda: _analysis().explain),
    "price-to-win": Kind("price-to-win", PriceToWinOptions, lambda: _analysis().price_to_win),
    "stress": Kind("stress", StressOptions, lambda: _analysis().stress),
}


def load_kinds() -> list[str]:
    """Import every job kind's code now; the kinds, or KindLoadError naming each failure."""
    failed: dict[str, list[str]] = {}  # the reason -> the kinds that failed with it
    for kind in KINDS.values():
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


def run_kind(name: str, scenario: Scenario, options: Mapping[str, Any]) -> dict[str, Any]:
    """Run one job kind; the JSON-ready result (a solve's result contract, or an analysis').

    Raises AnalysisError for an unknown kind or options its model refuses.
    """
    kind = KINDS.get(name)
    if kind is None:
        raise AnalysisError(
            f"unknown job kind {name!r}; this server runs: {', '.join(available_kinds())}"
        )
    checked, problems = check_options(name, dict(options))
    if problems:
        raise AnalysisError("; ".join(f"{p.place}: {p.message}" for p in problems))
    return kind.run(scenario, checked)
