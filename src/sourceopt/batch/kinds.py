"""Job kinds: ``solve`` and the analyses that exist, each a library call returning JSON data.

Analyses live in :mod:`sourceopt.analysis`. Every kind is loaded up front
(:func:`load_kinds`: the service's API process and every worker process call it at start), and
a kind that cannot be imported is an error that names it, never a kind quietly missing: an
import that fails in a worker (for instance under a low ``--memory-mb``) stops the worker
from starting, so the server refuses to start instead of accepting jobs it cannot run.
"""

from __future__ import annotations

import importlib
import inspect
from collections.abc import Callable
from typing import Any

from sourceopt.batch.options import OPTION_MODELS, check_options
from sourceopt.errors import AnalysisError, SourceoptError
from sourceopt.scenario.model import Scenario

# kind -> (module, function): the analysis' library entry point, called as
# function(scenario, **options) and returning an object with to_dict()
ANALYSES: dict[str, tuple[str, str]] = {
    "rules": ("sourceopt.analysis", "rule_costs"),
    "compare": ("sourceopt.analysis", "compare_variants"),
    "frontier": ("sourceopt.analysis", "frontier"),
    "explain": ("sourceopt.analysis", "explain"),
    "price-to-win": ("sourceopt.analysis", "price_to_win"),
    "stress": ("sourceopt.analysis", "stress"),
}


class KindLoadError(SourceoptError):
    """A job kind's module could not be imported (this process cannot run that kind)."""


def _analysis(kind: str) -> Callable[..., Any]:
    """The analysis' library function; an import failure propagates (it is not 'unknown')."""
    module, name = ANALYSES[kind]
    found = getattr(importlib.import_module(module), name, None)
    if not callable(found):
        raise KindLoadError(f"job kind {kind!r}: {module}.{name} is not a function")
    function: Callable[..., Any] = found
    return function


def load_kinds() -> list[str]:
    """Import every job kind's code now; the kinds, or KindLoadError naming each failure."""
    from sourceopt.solve import solve  # noqa: F401

    failed: dict[str, list[str]] = {}  # the reason -> the kinds that failed with it
    for kind in ANALYSES:
        try:
            _analysis(kind)
        except (ImportError, MemoryError, KindLoadError) as exc:
            failed.setdefault(f"{type(exc).__name__}: {str(exc)[:300]}", []).append(kind)
    if failed:
        reasons = "; ".join(f"{', '.join(kinds)} ({why})" for why, kinds in failed.items())
        raise KindLoadError(
            f"cannot load the job kind(s) {reasons}; a failed import in a memory-capped "
            "worker usually means --memory-mb is too low"
        )
    return available_kinds()


def available_kinds() -> list[str]:
    """The job kinds sourceopt defines (:func:`load_kinds` checks they can be loaded)."""
    return ["solve", *ANALYSES]


def run_kind(kind: str, scenario: Scenario, options: dict[str, Any]) -> Any:
    """Run one job kind; the JSON-ready result (a solve's result contract, or an analysis')."""
    if kind in OPTION_MODELS:
        options, problems = check_options(kind, options)
        if problems:
            raise AnalysisError("; ".join(f"{p.place}: {p.message}" for p in problems))
    if kind == "solve":
        from sourceopt.solve import solve

        chosen = {k: v for k, v in options.items() if v is not None}
        return solve(scenario, **chosen).to_dict()
    if kind not in ANALYSES:
        raise AnalysisError(
            f"unknown job kind {kind!r}; this server runs: {', '.join(available_kinds())}"
        )
    function = _analysis(kind)
    chosen = {k.replace("-", "_"): v for k, v in options.items() if v is not None}
    accepted = [n for n in inspect.signature(function).parameters if n != "scenario"]
    unknown = sorted(set(chosen) - set(accepted))
    if unknown:
        raise AnalysisError(
            f"unknown option(s) for {kind!r}: {', '.join(unknown)}; valid: {', '.join(accepted)}"
        )
    outcome = function(scenario, **chosen)
    return outcome.to_dict() if hasattr(outcome, "to_dict") else outcome
