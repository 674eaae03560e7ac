"""average_attribute: the rule re-measured on the award (independently of the formulation)."""

from __future__ import annotations

import numpy as np

from sourceopt.scenario.schema import AverageAttributeRule
from sourceopt.verify import rowkit as kit
from sourceopt.verify.rowkit import Rows
from sourceopt.verify.view import AwardView


def rows(rule: AverageAttributeRule, view: AwardView, total_cost: float) -> Rows | None:
    """The rule's rows on the award (``None`` when it selects nothing)."""
    s_sel, i_sel = kit.masks(view, rule)
    on = kit.lines(view, s_sel, i_sel)
    w = view.measure(rule.measure)[on]
    weighted = view.attribute_at(rule.attribute, on, w != 0) * w
    what = f"{rule.measure}-weighted average {rule.attribute}"
    if rule.per == "item":
        n_i = view.scenario.n_items
        total_w = np.bincount(view.item[on], weights=w, minlength=n_i)
        total_aw = np.bincount(view.item[on], weights=weighted, minlength=n_i)
        rows = np.flatnonzero(i_sel & (total_w > view.tolerance))
        label = kit.at(view.item_label, rows)
    else:  # summed as over every line (zeros elsewhere), to the last bit
        spread = view.scope.spread_sum
        total_w, total_aw = np.array([spread(on, w)]), np.array([spread(on, weighted)])
        rows = np.flatnonzero(total_w > view.tolerance)
        label = kit.always(kit.TOGETHER)
    if len(rows) == 0:
        return None
    return kit.bounded(total_aw[rows], total_w[rows], rule.min, rule.max, label=label, what=what)


CHECK = kit.RuleChecker("average_attribute", rows, nominal=kit.min_or_max)
