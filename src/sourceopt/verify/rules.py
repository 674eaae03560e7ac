"""Every business rule re-measured on the award, in the rule's own terms.

A rule is turned into *rows*: one per item, per supplier, per (supplier, item) pair or one
for the selected items together. A row compares ``lhs`` with ``bound x base`` (its linear
form: ``lhs - max x base <= 0`` or ``min x base - lhs <= 0``), and reports the business value
``lhs / base`` (a share, an average, a count, units, money). The amount past the bound in
linear-form units is the row's violation; a soft rule's total violation is priced.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sourceopt.scenario.schema import Rule
from sourceopt.verify.checks import Finding, finding
from sourceopt.verify.families import CHECKS
from sourceopt.verify.rowkit import Rows, RuleChecker
from sourceopt.verify.view import AwardView


@dataclass(frozen=True)
class RuleCheck:
    """One rule measured on the award.

    ``value`` is the measured value of the worst row (closest to or furthest past its bound;
    ``None`` when the rule selects nothing), ``bound`` the bound it is compared with,
    ``binding`` whether some row is at its bound, ``violation`` the total amount past the
    bounds in the units of the rule's linear form, ``ok`` whether a hard rule holds (soft
    rules are always ok: their violation is priced). ``group``: for a rule with ``each``, the
    group (the field's value, e.g. ``CN``) of the worst row; else ``None``.
    """

    name: str
    type: str
    soft: bool
    value: float | None
    bound: float | None
    binding: bool
    violation: float
    ok: bool
    group: str | None = None


def checker(rule: Rule) -> RuleChecker:
    """The verifier's check of a rule's type; a type no module registers raises."""
    found = CHECKS.get(rule.type)
    if found is None:
        raise TypeError(f"no verify check for rule type {rule.type!r}")
    return found


def rule_rows(rule: Rule, view: AwardView, total_cost: float) -> Rows | None:
    """The rows of any rule (``None`` when it selects nothing)."""
    return checker(rule).rows(rule, view, total_cost)


def nominal_bound(rule: Rule) -> float | None:
    """The rule's bound when it selects nothing: its maximum if it has one, else its minimum."""
    return checker(rule).nominal(rule)


def check_rule(rule: Rule, view: AwardView, total_cost: float) -> tuple[RuleCheck, Finding]:
    """Measure one rule; the finding lists the rows of a hard rule that are past its bound."""
    name, soft = str(rule.name), rule.soft is not None
    rows = rule_rows(rule, view, total_cost)
    if rows is None:
        nominal = nominal_bound(rule)
        return RuleCheck(name, rule.type, soft, None, nominal, False, 0.0, True), Finding(
            f"rule:{name}"
        )
    tol = view.tolerance * np.maximum(1.0, rows.scale)
    past = rows.excess > tol
    gap = rows.sense * (rows.value - rows.bound)
    k = int(np.argmax(gap))
    check = RuleCheck(
        name=name,
        type=rule.type,
        soft=soft,
        value=float(rows.value[k]),
        bound=float(rows.bound[k]),
        binding=bool(np.any(np.abs(rows.excess) <= tol)),
        violation=float(np.sum(rows.excess[past])),
        ok=soft or not bool(np.any(past)),
        group=None if rows.group is None else rows.group(int(rows.row[k])),
    )
    if soft:
        return check, Finding(f"rule:{name}")

    def message(j: int) -> str:
        side = "above the maximum" if rows.sense[j] > 0 else "below the minimum"
        return (
            f"rule {name!r} ({rule.type}): {rows.label(int(rows.row[j]))}: {rows.what} "
            f"{rows.show(float(rows.value[j]))}, {side} {rows.show(float(rows.bound[j]))}"
        )

    return check, finding(f"rule:{name}", past, rows.excess, message)
