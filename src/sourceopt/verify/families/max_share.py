"""max_share: the rule re-measured on the award (independently of the formulation)."""

from __future__ import annotations

import numpy as np

from sourceopt.scenario.schema import MaxShareRule
from sourceopt.verify import rowkit as kit
from sourceopt.verify.checks import pct
from sourceopt.verify.rowkit import Rows
from sourceopt.verify.view import AwardView


def rows(rule: MaxShareRule, view: AwardView, total_cost: float) -> Rows | None:
    """The rule's rows on the award (``None`` when it selects nothing)."""
    s_sel, i_sel = kit.masks(view, rule)
    total = view.item_total(rule.measure)
    what = f"share of {rule.measure}"
    if rule.per == "item":
        pairs = kit.pairs(view, s_sel, i_sel)
        if len(pairs) == 0:
            return None
        lhs = view.pair_measure(rule.measure)[pairs]
        base = total[view.pair_item[pairs]]
        by_pair = kit.at(view.pair_label, pairs)
        return kit.bounded(lhs, base, None, rule.limit, label=by_pair, what=what, show=pct)
    suppliers = np.flatnonzero(s_sel)
    if len(suppliers) == 0 or not i_sel.any():
        return None
    on = kit.lines(view, view.scope.every_supplier, i_sel)
    n_s = view.scenario.n_suppliers
    lhs = kit.by(view.supplier, view.measure(rule.measure), on, n_s)[suppliers]
    base = np.full(len(suppliers), np.sum(total[i_sel]))

    def label(k: int) -> str:
        return f"{view.supplier_label(int(suppliers[k]))} of {kit.TOGETHER}"

    return kit.bounded(lhs, base, None, rule.limit, label=label, what=what, show=pct)


CHECK = kit.RuleChecker("max_share", rows, nominal=lambda rule: rule.limit)
