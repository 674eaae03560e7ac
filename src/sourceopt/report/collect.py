"""Solve what a report shows: the variants, and the analyses asked for, as documents.

The base program is built once and each variant re-solved from it (as ``compare`` does), so a
report over many variants can report progress after each solve.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from sourceopt.analysis.compare import check_variants, variant_program
from sourceopt.analysis.diff import diff_results
from sourceopt.errors import AnalysisError
from sourceopt.formulation.build import build_program
from sourceopt.report.facts import scenario_facts
from sourceopt.report.model import Report, build_report
from sourceopt.result import SolveResult
from sourceopt.scenario.model import Scenario
from sourceopt.scenario.variants import apply_variant, variant_names
from sourceopt.solve import solve, solve_options, solve_program
from sourceopt.solvers.base import Status
from sourceopt.solvers.registry import get_backend

Progress = Callable[[str], None]


@dataclass(frozen=True)
class Collected:
    """The report and every solve behind it (for exit codes)."""

    report: Report
    results: tuple[SolveResult, ...]
    verified: bool


def plan(
    scenario: Scenario,
    variants: Sequence[str] | None,
    diff: Sequence[str] | None,
    frontier: str | None = None,
) -> list[str]:
    """The variants to solve, in order: those asked (default all), then the diff's others.

    The first is the one whose award the report details. Unknown variants and an unknown
    frontier metric raise AnalysisError before anything is solved.
    """
    names = list(variant_names(scenario) if variants is None else dict.fromkeys(variants))
    if not names:
        raise AnalysisError("no variant to report: give --variants all or names")
    extra = [v for v in (diff or []) if v not in names]
    check_variants(scenario, names + extra)
    if frontier:
        from sourceopt.analysis.metric_spec import parse
        from sourceopt.analysis.metrics import resolve

        resolve(apply_variant(scenario, names[0]), parse(frontier))
    return names + list(dict.fromkeys(extra))


def _solve_variants(
    scenario: Scenario, names: Sequence[str], backend: str | None, options: Any, tick: Progress
) -> dict[str, SolveResult]:
    """Each variant solved from the base program built once (edited where that suffices)."""
    get_backend(backend or scenario.solver.backend)
    base = build_program(scenario)
    results: dict[str, SolveResult] = {}
    for name in names:
        chosen, program = variant_program(scenario, base, name)
        results[name] = solve_program(chosen, program, options, backend)
        tick(name)
    return results


def _analyses(
    scenario: Scenario,
    shown: str,
    asked: dict[str, Any],
    kw: dict[str, Any],
    tick: Progress,
) -> tuple[dict[str, Any], list[SolveResult], bool]:
    """The rule costs and the frontier asked for: their JSON, their solves, and if all verified."""
    docs: dict[str, Any] = {}
    extra: list[SolveResult] = []
    verified = True
    if asked["rule_costs"]:
        from sourceopt.analysis.rule_costs import rule_costs as price_rules

        costs = price_rules(scenario, variant=shown, **kw)
        docs["rule_costs"] = costs.to_dict()
        verified = all(r.verified for r in costs.rules)
        tick("rule costs")
    if asked["frontier"]:
        from sourceopt.analysis.frontier import frontier as trace

        front = trace(scenario, asked["frontier"], variant=shown, **kw)
        docs["frontier"] = front.to_dict()
        extra += [p.result for p in front.points]
        verified = verified and all(p.verified for p in front.points)
        tick("frontier")
    return docs, extra, verified


def collect(
    scenario: Scenario,
    *,
    variants: Sequence[str] | None = None,
    rule_costs: bool = False,
    diff: Sequence[str] | None = None,
    frontier: str | None = None,
    backend: str | None = None,
    time_limit: float | None = None,
    mip_gap: float | None = None,
    progress: Progress | None = None,
) -> Collected:
    """Solve the variants (default all) and the analyses asked; return the report.

    `progress` is called with each step's name after it is done: each variant, then
    ``rule costs`` and ``frontier`` when asked (:func:`steps` counts them).
    """
    names = plan(scenario, variants, diff, frontier)
    tick = progress or (lambda _step: None)
    options = solve_options(scenario, time_limit=time_limit, mip_gap=mip_gap)
    results = _solve_variants(scenario, names, backend, options, tick)
    shown = names[0]
    kw: dict[str, Any] = {"backend": backend, "time_limit": time_limit, "mip_gap": mip_gap}
    if results[shown].status is Status.INFEASIBLE:
        # solve() names the minimal conflict of an infeasible result (the page shows it)
        results[shown] = solve(scenario, variant=shown, **kw)
    asked = {"rule_costs": rule_costs, "frontier": frontier}
    docs, extra, verified = _analyses(scenario, shown, asked, kw, tick)
    verified = verified and all(
        r.document.verification is None or r.verification.ok for r in results.values()
    )
    if diff:
        a, b = diff
        change = diff_results(
            apply_variant(scenario, a), apply_variant(scenario, b), results[a], results[b]
        )
        docs["diff"] = change.to_dict()
    report = build_report(
        results[shown].to_dict(),
        facts=scenario_facts(apply_variant(scenario, shown)),
        variants=[results[n].to_dict() for n in names],
        **docs,
    )
    return Collected(report, (*results.values(), *extra), verified)


def steps(
    scenario: Scenario,
    variants: Sequence[str] | None,
    diff: Sequence[str] | None,
    rule_costs: bool,
    frontier: str | None,
) -> int:
    """How many times :func:`collect` calls `progress` (for a progress bar's length)."""
    return len(plan(scenario, variants, diff, frontier)) + int(rule_costs) + int(bool(frontier))
