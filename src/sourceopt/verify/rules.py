"""Every business rule re-measured on the award, in the rule's own terms.

A rule is turned into *rows*: one per item, per supplier, per (supplier, item) pair or one
for the selected items together. A row compares ``lhs`` with ``bound x base`` (its linear
form: ``lhs - max x base <= 0`` or ``min x base - lhs <= 0``), and reports the business value
``lhs / base`` (a share, an average, a count, units, money). The amount past the bound in
linear-form units is the row's violation; a soft rule's total violation is priced.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from sourceopt.scenario.schema import (
    AverageAttributeRule,
    AwardRule,
    BackupCoverageRule,
    BudgetRule,
    ExcludeRule,
    GroupShareRule,
    MaxItemsPerSupplierRule,
    MaxShareRule,
    Rule,
    SupplierCountRule,
)
from sourceopt.scenario.selectors import item_mask, supplier_mask
from sourceopt.verify.checks import Finding, finding, fmt, pct
from sourceopt.verify.each import group_measures
from sourceopt.verify.view import AwardView

Scoped = (
    MaxShareRule
    | SupplierCountRule
    | GroupShareRule
    | ExcludeRule
    | AverageAttributeRule
    | MaxItemsPerSupplierRule
    | BackupCoverageRule
)
TOGETHER = "the selected items together"


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


@dataclass(frozen=True)
class Rows:
    """The rows of a rule, each side of a two-sided bound being a row of its own."""

    value: np.ndarray
    bound: np.ndarray
    sense: np.ndarray  # +1: value <= bound, -1: value >= bound
    excess: np.ndarray  # amount past the bound in linear-form units (> 0: violated)
    scale: np.ndarray  # magnitude of the linear form, for relative tolerances
    row: np.ndarray  # the row (item, supplier, pair...) each entry belongs to
    label: Callable[[int], str]
    what: str
    show: Callable[[float], str]
    group: Callable[[int], str] | None = None  # the group of a row (rules with `each`)


def bounded(
    lhs: np.ndarray,
    base: np.ndarray,
    lo: float | None,
    hi: float | None,
    *,
    label: Callable[[int], str],
    what: str,
    show: Callable[[float], str] = fmt,
    group: Callable[[int], str] | None = None,
) -> Rows:
    """Rows ``lo x base <= lhs <= hi x base`` whose business value is ``lhs / base``."""
    lhs, base = np.asarray(lhs, dtype=float), np.asarray(base, dtype=float)
    safe = np.where(base > 0, base, 1.0)
    value = np.where(base > 0, lhs / safe, 0.0)
    sides = [(1.0, hi), (-1.0, lo)]
    parts = [(s, b, s * (lhs - b * base)) for s, b in sides if b is not None]
    n = len(lhs)
    return Rows(
        value=np.concatenate([value for _ in parts]),
        bound=np.concatenate([np.full(n, b) for _, b, _ in parts]),
        sense=np.concatenate([np.full(n, s) for s, _, _ in parts]),
        excess=np.concatenate([e for _, _, e in parts]),
        scale=np.concatenate([max(1.0, abs(b)) * np.abs(base) for _, b, _ in parts]),
        row=np.concatenate([np.arange(n) for _ in parts]),
        label=label,
        what=what,
        show=show,
        group=group,
    )


def _at(name: Callable[[int], str], codes: np.ndarray) -> Callable[[int], str]:
    """Labels of rows that stand for ``codes`` (suppliers, items or pairs)."""
    return lambda k: name(int(codes[k]))


def _always(text: str) -> Callable[[int], str]:
    """The same label for every row."""
    return lambda _: text


def _masks(view: AwardView, rule: Scoped) -> tuple[np.ndarray, np.ndarray]:
    return supplier_mask(view.scenario, rule.suppliers), item_mask(view.scenario, rule.items)


def _by(codes: np.ndarray, weights: np.ndarray, mask: np.ndarray, n: int) -> np.ndarray:
    """Sum of ``weights`` per code over the rows where ``mask`` holds."""
    return np.bincount(codes[mask], weights=weights[mask], minlength=n)


def _max_share(rule: MaxShareRule, view: AwardView) -> Rows | None:
    s_sel, i_sel = _masks(view, rule)
    total = view.item_total(rule.measure)
    what = f"share of {rule.measure}"
    if rule.per == "item":
        pairs = np.flatnonzero(s_sel[view.pair_supplier] & i_sel[view.pair_item])
        if len(pairs) == 0:
            return None
        lhs = view.pair_measure(rule.measure)[pairs]
        base = total[view.pair_item[pairs]]
        by_pair = _at(view.pair_label, pairs)
        return bounded(lhs, base, None, rule.limit, label=by_pair, what=what, show=pct)
    suppliers = np.flatnonzero(s_sel)
    if len(suppliers) == 0 or not i_sel.any():
        return None
    on = i_sel[view.item]
    n_s = view.scenario.n_suppliers
    lhs = _by(view.supplier, view.measure(rule.measure), on, n_s)[suppliers]
    base = np.full(len(suppliers), np.sum(total[i_sel]))

    def label(k: int) -> str:
        return f"{view.supplier_label(int(suppliers[k]))} of {TOGETHER}"

    return bounded(lhs, base, None, rule.limit, label=label, what=what, show=pct)


def _wins(view: AwardView, s_sel: np.ndarray, i_sel: np.ndarray) -> np.ndarray:
    """Pairs of a selected supplier and item where the supplier wins the item."""
    chosen = s_sel[view.pair_supplier] & i_sel[view.pair_item]
    return np.asarray(chosen & (view.pair_units > view.tolerance), dtype=bool)


def _supplier_count(rule: SupplierCountRule, view: AwardView) -> Rows | None:
    s_sel, i_sel = _masks(view, rule)
    wins = _wins(view, s_sel, i_sel)
    lo = None if rule.min is None else float(rule.min)
    hi = None if rule.max is None else float(rule.max)
    what = "awarded suppliers"
    if rule.per == "item":
        items = np.flatnonzero(i_sel)
        if len(items) == 0:
            return None
        count = np.bincount(view.pair_item[wins], minlength=view.scenario.n_items)[items]
        label = _at(view.item_label, items)
        return bounded(count, np.ones(len(items)), lo, hi, label=label, what=what)
    if not i_sel.any():
        return None
    count = np.array([len(np.unique(view.pair_supplier[wins]))])
    return bounded(count, np.ones(1), lo, hi, label=_always(TOGETHER), what=what)


def _group_share(rule: GroupShareRule, view: AwardView) -> Rows | None:
    s_sel, i_sel = _masks(view, rule)
    if rule.each is not None:
        return _each_group_share(rule, view, s_sel, i_sel)
    m, total = view.measure(rule.measure), view.item_total(rule.measure)
    on = s_sel[view.supplier] & i_sel[view.item]
    what = f"share of {rule.measure} of the selected suppliers"
    if rule.per == "item":
        items = np.flatnonzero(i_sel)
        if len(items) == 0:
            return None
        lhs = _by(view.item, m, on, view.scenario.n_items)[items]
        label = _at(view.item_label, items)
        return bounded(lhs, total[items], rule.min, rule.max, label=label, what=what, show=pct)
    if not i_sel.any():
        return None
    lhs, base = np.array([np.sum(m[on])]), np.array([np.sum(total[i_sel])])
    label = _always(TOGETHER)
    return bounded(lhs, base, rule.min, rule.max, label=label, what=what, show=pct)


def _each_group_share(
    rule: GroupShareRule, view: AwardView, s_sel: np.ndarray, i_sel: np.ndarray
) -> Rows | None:
    """One row per group of the `each` field (per item: per group and item)."""
    field = str(rule.each)
    g = group_measures(view, field, s_sel, i_sel, rule.measure, rule.per == "item")
    if len(g.lhs) == 0:
        return None
    return bounded(
        g.lhs,
        g.base,
        rule.min,
        rule.max,
        label=lambda k: g.label(view, k),
        what=f"share of {rule.measure} of the {field}",
        show=pct,
        group=lambda k: g.values[int(g.group[k])],
    )


def _exclude(rule: ExcludeRule, view: AwardView) -> Rows | None:
    s_sel, i_sel = _masks(view, rule)
    pairs = np.flatnonzero(s_sel[view.pair_supplier] & i_sel[view.pair_item])
    if len(pairs) == 0:
        return None
    label = _at(view.pair_label, pairs)
    ones = np.ones(len(pairs))
    return bounded(view.pair_units[pairs], ones, None, 0.0, label=label, what="units")


def _award(rule: AwardRule, view: AwardView) -> Rows:
    s, i = view.scenario.supplier_code(rule.supplier), view.scenario.item_code(rule.item)
    units = np.sum(view.units[(view.supplier == s) & (view.item == i)])
    where = f"{view.supplier_label(s)}, {view.item_label(i)}"
    lo, hi = rule.min_units, rule.max_units
    return bounded(np.array([units]), np.ones(1), lo, hi, label=_always(where), what="units")


def _average_attribute(rule: AverageAttributeRule, view: AwardView) -> Rows | None:
    s_sel, i_sel = _masks(view, rule)
    on = s_sel[view.supplier] & i_sel[view.item]
    w = np.where(on, view.measure(rule.measure), 0.0)
    weighted = view.attribute(rule.attribute, w != 0) * w
    what = f"{rule.measure}-weighted average {rule.attribute}"
    if rule.per == "item":
        n_i = view.scenario.n_items
        total_w = np.bincount(view.item, weights=w, minlength=n_i)
        total_aw = np.bincount(view.item, weights=weighted, minlength=n_i)
        rows = np.flatnonzero(i_sel & (total_w > view.tolerance))
        label = _at(view.item_label, rows)
    else:
        total_w, total_aw = np.array([np.sum(w)]), np.array([np.sum(weighted)])
        rows = np.flatnonzero(total_w > view.tolerance)
        label = _always(TOGETHER)
    if len(rows) == 0:
        return None
    return bounded(total_aw[rows], total_w[rows], rule.min, rule.max, label=label, what=what)


def _max_items(rule: MaxItemsPerSupplierRule, view: AwardView) -> Rows | None:
    s_sel, i_sel = _masks(view, rule)
    suppliers = np.flatnonzero(s_sel)
    if len(suppliers) == 0 or not i_sel.any():
        return None
    wins = _wins(view, s_sel, i_sel)
    count = np.bincount(view.pair_supplier[wins], minlength=view.scenario.n_suppliers)
    label = _at(view.supplier_label, suppliers)
    hi = float(rule.max)
    ones = np.ones(len(suppliers))
    return bounded(count[suppliers], ones, None, hi, label=label, what="items won")


def _backup_capacity(view: AwardView, i_sel: np.ndarray) -> np.ndarray:
    """Per supplier: min(capacity, sum of its offer capacities on the selected items)."""
    offers = view.scenario.offers
    on = i_sel[offers["item"].to_numpy(np.int64)]
    offered = _by(
        offers["supplier"].to_numpy(np.int64),
        offers["capacity"].to_numpy(float),
        on,
        view.scenario.n_suppliers,
    )
    own = view.scenario.suppliers["capacity"].to_numpy(float)
    return np.asarray(np.minimum(own, offered), dtype=float)


def _backup_coverage(rule: BackupCoverageRule, view: AwardView) -> Rows | None:
    s_sel, i_sel = _masks(view, rule)
    if not s_sel.any() or not i_sel.any():
        return None
    on = i_sel[view.item]
    volume = _by(view.supplier, view.units, on, view.scenario.n_suppliers)
    cap = _backup_capacity(view, i_sel)
    spare = np.where(s_sel, np.where(view.awarded, cap, 0.0) - volume, 0.0)
    infinite = np.isinf(spare)
    finite_total = np.sum(spare[~infinite])
    rows = np.flatnonzero(s_sel & (volume > view.tolerance))
    if len(rows) == 0:
        return None
    others = finite_total - np.where(infinite[rows], 0.0, spare[rows])
    others = np.where(np.sum(infinite) - infinite[rows] > 0, np.inf, others)
    label = _at(view.supplier_label, rows)
    what = "the other awarded suppliers' spare capacity as a multiple of its volume"
    return bounded(others, volume[rows], rule.coverage, None, label=label, what=what)


def rule_rows(rule: Rule, view: AwardView, total_cost: float) -> Rows | None:
    """The rows of any rule (``None`` when it selects nothing)."""
    match rule:
        case MaxShareRule():
            return _max_share(rule, view)
        case SupplierCountRule():
            return _supplier_count(rule, view)
        case GroupShareRule():
            return _group_share(rule, view)
        case ExcludeRule():
            return _exclude(rule, view)
        case AwardRule():
            return _award(rule, view)
        case AverageAttributeRule():
            return _average_attribute(rule, view)
        case BudgetRule():
            cost = np.array([total_cost])
            label = _always("the award")
            return bounded(cost, np.ones(1), None, rule.max, label=label, what="total cost")
        case MaxItemsPerSupplierRule():
            return _max_items(rule, view)
        case BackupCoverageRule():
            return _backup_coverage(rule, view)
    raise TypeError(f"unknown rule type {type(rule).__name__}")  # pragma: no cover


def nominal_bound(rule: Rule) -> float | None:
    """The rule's bound when it selects nothing: its maximum if it has one, else its minimum."""
    match rule:
        case MaxShareRule():
            return rule.limit
        case ExcludeRule():
            return 0.0
        case AwardRule():
            return rule.max_units if rule.max_units is not None else rule.min_units
        case BackupCoverageRule():
            return rule.coverage
        case BudgetRule() | MaxItemsPerSupplierRule():
            return float(rule.max)
    high, low = rule.max, rule.min
    return float(high) if high is not None else None if low is None else float(low)


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
