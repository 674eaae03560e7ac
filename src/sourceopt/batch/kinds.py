"""Job kinds: ``solve`` and the analyses that exist, each a library call returning JSON data.

Analyses live in :mod:`sourceopt.analysis` (written separately); a kind is offered only when
its library function can be imported, so inline jobs (batch workers, the service) grow with
the library.
"""

from __future__ import annotations

import importlib
import inspect
from collections.abc import Callable
from typing import Any

from sourceopt.batch.options import OPTION_MODELS, check_options
from sourceopt.errors import AnalysisError
from sourceopt.scenario.model import Scenario

SOLVE_OPTIONS = ("variant", "backend", "time_limit", "mip_gap")

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


def _analysis(kind: str) -> Callable[..., Any] | None:
    module, name = ANALYSES[kind]
    try:
        found = getattr(importlib.import_module(module), name, None)
    except ImportError:
        return None
    return found if callable(found) else None


def available_kinds() -> list[str]:
    """The job kinds this installation can run."""
    return ["solve"] + [kind for kind in ANALYSES if _analysis(kind) is not None]


def run_kind(kind: str, scenario: Scenario, options: dict[str, Any]) -> Any:
    """Run one job kind; the JSON-ready result (a solve's result contract, or an analysis')."""
    if kind in OPTION_MODELS:
        options, problems = check_options(kind, options)
        if problems:
            raise AnalysisError("; ".join(f"{p.place}: {p.message}" for p in problems))
    if kind == "solve":
        from sourceopt.solve import solve

        return solve(scenario, **options).to_dict()
    function = _analysis(kind) if kind in ANALYSES else None
    if function is None:
        raise AnalysisError(
            f"unknown job kind {kind!r}; this server runs: {', '.join(available_kinds())}"
        )
    chosen = {k.replace("-", "_"): v for k, v in options.items() if v is not None}
    accepted = [n for n in inspect.signature(function).parameters if n != "scenario"]
    unknown = sorted(set(chosen) - set(accepted))
    if unknown:
        raise AnalysisError(
            f"unknown option(s) for {kind!r}: {', '.join(unknown)}; valid: {', '.join(accepted)}"
        )
    outcome = function(scenario, **chosen)
    return outcome.to_dict() if hasattr(outcome, "to_dict") else outcome
