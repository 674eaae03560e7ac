"""min_award_share: every awarded (supplier, scope) re-measured (independently of the formulation).

A selected supplier with more than the tolerance in units of a scope (a selected item, or the
selected items together) must hold at least `limit` of that scope's volume (demand) or spend.
"""

from __future__ import annotations

import numpy as np

from sourceopt.scenario.schema import MinAwardShareRule
from sourceopt.verify import rowkit as kit
from sourceopt.verify.checks import pct
from sourceopt.verify.rowkit import Rows
from sourceopt.verify.view import AwardView


def rows(rule: MinAwardShareRule, view: AwardView, total_cost: float) -> Rows | None:
    """One row per awarded (supplier, scope) (``None`` when no selected supplier is awarded)."""
    s_sel, i_sel = kit.masks(view, rule)
    total = view.item_total(rule.measure)
    what = f"share of {rule.measure} of an awarded supplier"
    if rule.per == "item":
        pairs = kit.wins(view, s_sel, i_sel)
        if len(pairs) == 0:
            return None
        lhs = view.pair_measure(rule.measure)[pairs]
        base = total[view.pair_item[pairs]]
        by_pair = kit.at(view.pair_label, pairs)
        return kit.bounded(lhs, base, rule.limit, None, label=by_pair, what=what, show=pct)
    on = kit.lines(view, view.scope.every_supplier, i_sel)
    n_s = view.scenario.n_suppliers
    units = kit.by(view.supplier, view.units, on, n_s)
    suppliers = np.flatnonzero(s_sel & (units > view.tolerance))
    if len(suppliers) == 0:
        return None
    lhs = kit.by(view.supplier, view.measure(rule.measure), on, n_s)[suppliers]
    base = np.full(len(suppliers), np.sum(total[i_sel]))

    def label(k: int) -> str:
        return f"{view.supplier_label(int(suppliers[k]))} of {kit.TOGETHER}"

    return kit.bounded(lhs, base, rule.limit, None, label=label, what=what, show=pct)


CHECK = kit.RuleChecker("min_award_share", rows, nominal=lambda rule: rule.limit)
