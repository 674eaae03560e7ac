"""supplier_count: the rule re-measured on the award (independently of the formulation)."""

from __future__ import annotations

import numpy as np

from sourceopt.scenario.schema import SupplierCountRule
from sourceopt.verify import rowkit as kit
from sourceopt.verify.rowkit import Rows
from sourceopt.verify.view import AwardView


def rows(rule: SupplierCountRule, view: AwardView, total_cost: float) -> Rows | None:
    """The rule's rows on the award (``None`` when it selects nothing)."""
    s_sel, i_sel = kit.masks(view, rule)
    wins = kit.wins(view, s_sel, i_sel)
    lo = None if rule.min is None else float(rule.min)
    hi = None if rule.max is None else float(rule.max)
    what = "awarded suppliers"
    if rule.per == "item":
        items = np.flatnonzero(i_sel)
        if len(items) == 0:
            return None
        count = np.bincount(view.pair_item[wins], minlength=view.scenario.n_items)[items]
        label = kit.at(view.item_label, items)
        return kit.bounded(count, np.ones(len(items)), lo, hi, label=label, what=what)
    if not i_sel.any():
        return None
    count = np.array([len(np.unique(view.pair_supplier[wins]))])
    return kit.bounded(count, np.ones(1), lo, hi, label=kit.always(kit.TOGETHER), what=what)


CHECK = kit.RuleChecker("supplier_count", rows, nominal=kit.min_or_max)
