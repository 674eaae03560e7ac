"""The independent verifier: an award re-checked against the scenario's own semantics.

It reads only the scenario and the award (units per offer, accepted bundles), never the
mathematical program or a solver's figures, so that it cannot share their mistakes
(DESIGN.md: "never trust a solver's word"). It is also the evaluator of record: the cost
breakdown and the rule report of a result are the figures computed here.

Tolerances are relative: a quantity passes when it is within
``tolerance * max(1, |scale|)`` of its bound, ``scale`` being the bound (or demand, or the
share's denominator). A supplier is awarded, and wins an item, with more than ``tolerance``
units.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from sourceopt.award import Award
from sourceopt.scenario.model import Scenario
from sourceopt.scenario.schema import Rule
from sourceopt.verify.checks import (
    Finding,
    check_demand,
    check_min_units,
    check_offer_capacity,
    check_supplier_capacity,
    fmt,
)
from sourceopt.verify.costs import CostBreakdown, cost_breakdown, with_soft_penalties
from sourceopt.verify.items import ItemFigures, check_reported_items, item_figures
from sourceopt.verify.rules import RuleCheck, check_rule
from sourceopt.verify.score import scored
from sourceopt.verify.units import check_alternates, check_whole_units
from sourceopt.verify.view import AwardView, build_view

__all__ = ["CostBreakdown", "ItemFigures", "RuleCheck", "Verification", "verify"]


@dataclass(frozen=True)
class Verification:
    """The verdict on an award.

    ``ok`` is true when every check passed; ``max_violation`` is the largest amount any hard
    check or hard rule is past its bound (in that check's own units: units, money, counts);
    ``checked`` names the checks run (``demand``, ``offer_capacity``, ``tiers``, ``bundles``,
    ``rebates``, ``supplier_capacity``, ``min_units``, ``rule:<name>``, ``cost``, and
    ``items`` when a result's items were given to compare);
    ``problems`` describes every failure in business words. ``unit_prices`` is the effective
    unit price per offer row; ``bundle_item_spend`` the spend attributed to each
    ``scenario.bundle_units`` row (0 when its bundle is not accepted); ``items`` the per-item
    cost, savings and today's award kept (verify/items.py).
    """

    ok: bool
    max_violation: float
    checked: tuple[str, ...]
    problems: tuple[str, ...]
    cost: CostBreakdown
    rules: tuple[RuleCheck, ...]
    unit_prices: np.ndarray
    bundle_item_spend: np.ndarray
    items: ItemFigures


def _rule_names(rules: tuple[Rule, ...]) -> list[str]:
    """Rule names, unnamed rules called ``<type>-<n>`` as the loader would."""
    counts: dict[str, int] = {}
    names = []
    for rule in rules:
        counts[rule.type] = counts.get(rule.type, 0) + 1
        names.append(rule.name or f"{rule.type}-{counts[rule.type]}")
    return names


def _priced(view: AwardView) -> list[Finding]:
    """Checks that are recomputations (tier prices, bundle spend, rebates): listed if used."""
    sc = view.scenario
    tables = (("tiers", sc.tiers), ("bundles", sc.bundles), ("rebates", sc.rebates))
    return [Finding(name) for name, table in tables if len(table)]


def _cost_check(
    cost: CostBreakdown, reported: float | None, tolerance: float, score: bool = False
) -> Finding:
    if reported is None:
        return Finding("cost")
    diff = abs(reported - cost.objective)
    if np.isfinite(reported) and diff <= tolerance * max(1.0, abs(cost.objective)):
        return Finding("cost")
    if score:
        message = (
            f"objective: reported a score of {fmt(reported)}, but the award scores "
            f"{fmt(cost.objective)} (soft-rule penalties {fmt(cost.penalties)} points included)"
        )
        return Finding("cost", (message,), 0.0)
    message = (
        f"objective: reported {fmt(reported)}, but the award costs {fmt(cost.objective)} "
        f"(total cost {fmt(cost.total_cost)} + penalties {fmt(cost.penalties)})"
    )
    return Finding("cost", (message,), 0.0)


def verify(
    scenario: Scenario,
    award: Award,
    *,
    reported_objective: float | None = None,
    reported_items: Sequence[Mapping[str, Any]] | None = None,
    tolerance: float = 1e-6,
) -> Verification:
    """Re-check an award against the scenario and recompute its cost and rule report.

    Checks that every item's demand is met exactly, offers stay within their capacities and
    minimums, suppliers within their capacities and minimums, and every rule holds (hard
    rules; soft ones are priced); recomputes the cost breakdown and, if
    ``reported_objective`` is given, compares it with the recomputed objective, and if
    ``reported_items`` (a result's ``items`` list) is given, each item's figures with theirs.
    """
    view = build_view(scenario, award, tolerance)
    findings = [
        check_demand(view),
        check_offer_capacity(view, award),
        *_priced(view),
        check_supplier_capacity(view),
        check_min_units(view),
        check_whole_units(view, award),
        check_alternates(view, award),
    ]
    cost = cost_breakdown(view)
    checks: list[RuleCheck] = []
    soft_penalty = 0.0
    for rule, name in zip(scenario.rules, _rule_names(scenario.rules), strict=True):
        named = rule if rule.name == name else rule.model_copy(update={"name": name})
        check, found = check_rule(named, view, cost.total_cost)
        checks.append(check)
        findings.append(found)
        if rule.soft is not None:
            soft_penalty += rule.soft.penalty * check.violation
    if scenario.objective.is_score:
        cost = scored(cost, view, soft_penalty)
    else:
        cost = with_soft_penalties(cost, soft_penalty)
    findings.append(_cost_check(cost, reported_objective, tolerance, scenario.objective.is_score))
    items = item_figures(view)
    if reported_items is not None:
        ids = scenario.items["id"].astype(str).tolist()
        findings.append(check_reported_items(items, ids, reported_items, tolerance))
    problems = tuple(p for f in findings for p in f.problems)
    return Verification(
        ok=not problems,
        max_violation=max((f.worst for f in findings), default=0.0),
        checked=tuple(f.name for f in findings),
        problems=problems,
        cost=cost,
        rules=tuple(checks),
        unit_prices=view.unit_prices,
        bundle_item_spend=view.bundle_item_spend,
        items=items,
    )
