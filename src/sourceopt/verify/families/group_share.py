"""group_share: the rule re-measured on the award (independently of the formulation)."""

from __future__ import annotations

import numpy as np

from sourceopt.scenario.schema import GroupShareRule
from sourceopt.verify import rowkit as kit
from sourceopt.verify.checks import pct
from sourceopt.verify.each import group_measures
from sourceopt.verify.rowkit import Rows
from sourceopt.verify.view import AwardView


def rows(rule: GroupShareRule, view: AwardView, total_cost: float) -> Rows | None:
    """The rule's rows on the award (``None`` when it selects nothing)."""
    s_sel, i_sel = kit.masks(view, rule)
    if rule.each is not None:
        return _each_group_share(rule, view, s_sel, i_sel)
    m, total = view.measure(rule.measure), view.item_total(rule.measure)
    on = kit.lines(view, s_sel, i_sel)
    what = f"share of {rule.measure} of the selected suppliers"
    if rule.per == "item":
        items = np.flatnonzero(i_sel)
        if len(items) == 0:
            return None
        lhs = kit.by(view.item, m, on, view.scenario.n_items)[items]
        label = kit.at(view.item_label, items)
        return kit.bounded(lhs, total[items], rule.min, rule.max, label=label, what=what, show=pct)
    if not i_sel.any():
        return None
    lhs, base = np.array([np.sum(m[on])]), np.array([np.sum(total[i_sel])])
    label = kit.always(kit.TOGETHER)
    return kit.bounded(lhs, base, rule.min, rule.max, label=label, what=what, show=pct)


def _each_group_share(
    rule: GroupShareRule, view: AwardView, s_sel: np.ndarray, i_sel: np.ndarray
) -> Rows | None:
    """One row per group of the `each` field (per item: per group and item)."""
    field = str(rule.each)
    g = group_measures(view, field, s_sel, i_sel, rule.measure, rule.per == "item")
    if len(g.lhs) == 0:
        return None
    return kit.bounded(
        g.lhs,
        g.base,
        rule.min,
        rule.max,
        label=lambda k: g.label(view, k),
        what=f"share of {rule.measure} of the {field}",
        show=pct,
        group=lambda k: g.values[int(g.group[k])],
    )


CHECK = kit.RuleChecker("group_share", rows, nominal=kit.min_or_max)
