"""Variants side by side: every variant solved and tabulated, and the diff between two.

The base program is built once. A variant that only drops rules and excludes suppliers
(without bundles) is that program edited (rules' blocks dropped, the suppliers' offer columns
fixed at zero); any other variant (new rules, scaled demand or prices) is built from the
in-memory scenario. Every award is verified against the variant's own scenario.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from sourceopt.analysis.diff import VariantDiff, diff_results
from sourceopt.analysis.resolve import Progress, is_final
from sourceopt.errors import AnalysisError
from sourceopt.formulation.build import build_program
from sourceopt.formulation.edits import drop_rule, fix_suppliers_out, without_rule
from sourceopt.formulation.program import Program
from sourceopt.result import SolveResult
from sourceopt.scenario.model import Scenario
from sourceopt.scenario.schema import Variant
from sourceopt.scenario.variants import apply_variant, variant_names
from sourceopt.solve import solve_options, solve_program
from sourceopt.solvers.base import SolveOptions, Status
from sourceopt.solvers.registry import get_backend

__all__ = ["Comparison", "VariantRow", "compare_variants", "diff_compared", "diff_variants"]


@dataclass(frozen=True)
class VariantRow:
    """One variant's headline figures (None where the variant has no award)."""

    variant: str
    status: Status
    objective: float | None
    total_cost: float | None
    savings: float | None
    savings_pct: float | None
    supplier_count: int | None
    max_supplier_share: float | None
    hhi: float | None
    group_shares: dict[str, float]
    gap: float | None
    soft_violations: dict[str, float] = field(default_factory=dict)
    verified: bool = True
    objective_kind: str = "total_cost"  # "score" (format 1.1): `objective` is a score
    final: bool = True  # False: a limit stopped the variant's solve (or it never ran)

    def to_dict(self) -> dict[str, Any]:
        """The variant's entry of the ``compare`` JSON (docs/results.md)."""
        kind = {"objective_kind": "score"} if self.objective_kind == "score" else {}
        return {
            "variant": self.variant,
            "status": self.status.value,
            "objective": self.objective,
            **kind,  # format 1.1: absent means total_cost
            "total_cost": self.total_cost,
            "savings": self.savings,
            "savings_pct": self.savings_pct,
            "supplier_count": self.supplier_count,
            "max_supplier_share": self.max_supplier_share,
            "hhi": self.hhi,
            "group_shares": dict(self.group_shares),
            "gap": self.gap,
            "final": self.final,
        }


@dataclass(frozen=True)
class Comparison:
    """Variants of one scenario solved side by side; ``results`` keeps each verified result."""

    scenario: str
    currency: str
    rows: tuple[VariantRow, ...]
    results: dict[str, SolveResult]

    @property
    def frame(self) -> pd.DataFrame:
        """One row per variant; group shares as ``share:<group>`` columns."""
        records = []
        for row in self.rows:
            rec = {k: v for k, v in row.__dict__.items() if k not in ("group_shares",)}
            rec["status"] = row.status.value
            rec.update({f"share:{g}": s for g, s in row.group_shares.items()})
            records.append(rec)
        return pd.DataFrame(records)

    def to_dict(self) -> dict[str, Any]:
        """Exactly the ``compare`` JSON of docs/results.md."""
        return {"scenario": self.scenario, "variants": [r.to_dict() for r in self.rows]}


def _row(name: str, result: SolveResult) -> VariantRow:
    doc = result.document
    k = doc.kpis
    soft = {r.name: r.violation for r in doc.rules if r.soft}
    return VariantRow(
        variant=name,
        status=doc.status,
        objective=doc.objective,
        total_cost=doc.total_cost,
        savings=None if k is None else k.savings,
        savings_pct=None if k is None else k.savings_pct,
        supplier_count=None if k is None else k.supplier_count,
        max_supplier_share=None if k is None else k.max_supplier_share,
        hhi=None if k is None else k.hhi,
        group_shares={} if k is None else dict(k.group_shares),
        gap=doc.solver.gap,
        soft_violations=soft,
        verified=doc.verification is None or doc.verification.ok,
        objective_kind=doc.objective_kind,
        final=is_final(result),
    )


def check_variants(scenario: Scenario, names: Sequence[str]) -> None:
    """Raise an AnalysisError naming the variants there are if any name is unknown."""
    known = variant_names(scenario)
    unknown = [n for n in names if n not in known]
    if unknown:
        raise AnalysisError(
            f"unknown variant{'s' if len(unknown) > 1 else ''} {', '.join(map(repr, unknown))}; "
            f"variants are: {', '.join(known)}"
        )


def _editable(scenario: Scenario, variant: Variant) -> bool:
    """Whether the variant is the base program with edits (rules dropped, suppliers excluded)."""
    if variant.add_rules or variant.price_scale or variant.demand_scale != 1.0:
        return False
    if variant.objective or variant.set_demand or variant.scale_demand or variant.scale_prices:
        return False
    if variant.add_offers or variant.exclude_offers:  # the offer table itself changes
        return False
    if scenario.objective.is_score:  # its offers in force, so its scores, follow the edits
        return False
    sup_ids = scenario.suppliers["id"].to_numpy()
    bundle_sups = set(sup_ids[scenario.bundles["supplier"].to_numpy()])
    return not bundle_sups & set(variant.exclude_suppliers)


def variant_program(scenario: Scenario, base: Program, name: str) -> tuple[Scenario, Program]:
    """The variant's scenario and its program: the base program edited where that suffices."""
    chosen = apply_variant(scenario, name)
    variant = next((v for v in scenario.variants if v.name == name), None)
    if variant is None:
        return chosen, base
    if not _editable(scenario, variant):
        return chosen, build_program(chosen)
    program, current = base, scenario
    for rule in variant.drop_rules:
        program = drop_rule(program, rule, current)
        current = without_rule(current, rule)
    codes = [scenario.supplier_code(s) for s in variant.exclude_suppliers]
    return chosen, fix_suppliers_out(program, codes, bundles=False)


def _solve_all(
    scenario: Scenario,
    names: Sequence[str],
    options: SolveOptions,
    backend: str | None,
    progress: Progress | None = None,
    deadline: float | None = None,
) -> dict[str, SolveResult]:
    """Each variant solved in turn, each within what is left of the budget (`deadline`)."""
    from sourceopt.analysis.parallel import NOT_STARTED, failed_result

    base = build_program(scenario)
    out = {}
    for name in names:
        given = options.within(deadline)
        if given is None:
            out[name] = failed_result(scenario, NOT_STARTED, variant=name)
        else:
            chosen, program = variant_program(scenario, base, name)
            out[name] = solve_program(chosen, program, given, backend)
        if progress is not None:
            progress.done()
    return out


def compare_variants(
    scenario: Scenario,
    *,
    variants: Sequence[str] | None = None,
    backend: str | None = None,
    time_limit: float | None = None,
    mip_gap: float | None = None,
    analysis_time_limit: float | None = None,
    jobs: int = 1,
    executor: str = "local",
    scheduler: str | None = None,
    progress: Progress | None = None,
) -> Comparison:
    """Solve the base and every variant (or the named ones) and tabulate them.

    `analysis_time_limit` caps the whole comparison: each solve gets at most what is left of
    it, and a variant it did not reach is ``no_solution`` (limit ``time_limit``); a variant
    a limit stopped is ``final: false``. `jobs` > 1 solves that many variants at once: this
    process solves its share (:func:`~sourceopt.analysis.parallel.chunks`' first), the others
    are ``solve`` jobs on ``jobs - 1`` supervised worker processes (or a Dask cluster), each
    verified there; a variant whose worker crashed or overran has status ``error``. The
    figures are those of the sequential run. `progress` counts the variants solved.
    """
    started = time.monotonic()
    names = list(variant_names(scenario) if variants is None else variants)
    check_variants(scenario, names)
    options = solve_options(scenario, time_limit=time_limit, mip_gap=mip_gap)
    get_backend(backend or scenario.solver.backend)
    deadline = None if analysis_time_limit is None else started + analysis_time_limit
    if progress is not None:
        progress.total = len(names)
    if jobs > 1 and len(names) > 1:
        from sourceopt.analysis.compare_parallel import RemoteVariants

        given = {"backend": backend, "time_limit": time_limit, "mip_gap": mip_gap}
        given = {k: v for k, v in given.items() if v is not None}
        remote = RemoteVariants(scenario, names, jobs, given, executor, scheduler, deadline)
        remote.start()
        results = _solve_all(scenario, remote.local, options, backend, progress, deadline)
        results |= remote.results()
        if progress is not None:
            progress.done(len(names) - len(remote.local))
    else:
        results = _solve_all(scenario, names, options, backend, progress, deadline)
    rows = tuple(_row(n, results[n]) for n in names)
    return Comparison(scenario.name, scenario.currency, rows, results)


def diff_variants(
    scenario: Scenario,
    a: str,
    b: str,
    *,
    backend: str | None = None,
    time_limit: float | None = None,
    mip_gap: float | None = None,
) -> VariantDiff:
    """Solve two variants and list every (supplier, item) whose units moved, with the cost split."""
    comparison = compare_variants(
        scenario,
        variants=[a] if a == b else [a, b],
        backend=backend,
        time_limit=time_limit,
        mip_gap=mip_gap,
    )
    return diff_compared(scenario, comparison, a, b)


def diff_compared(scenario: Scenario, comparison: Comparison, a: str, b: str) -> VariantDiff:
    """The diff between two variants already solved in `comparison` (no further solves)."""
    check_variants(scenario, [a, b])
    res = comparison.results
    missing = [v for v in (a, b) if v not in res]
    if missing:
        raise AnalysisError(f"variant {missing[0]!r} was not part of the comparison")
    return diff_results(apply_variant(scenario, a), apply_variant(scenario, b), res[a], res[b])
