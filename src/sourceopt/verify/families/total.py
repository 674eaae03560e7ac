"""total: the awarded volume or spend on the selected items re-measured against its bounds.

Per supplier: one row per selected supplier, awarded or not (a `min` is a commitment); per
all: one row for the selected suppliers together. Independent of the formulation.
"""

from __future__ import annotations

import numpy as np

from sourceopt.scenario.schema import TotalRule
from sourceopt.verify import rowkit as kit
from sourceopt.verify.rowkit import Rows
from sourceopt.verify.view import AwardView


def rows(rule: TotalRule, view: AwardView, total_cost: float) -> Rows | None:
    """The rule's rows on the award (``None`` when it selects no supplier)."""
    s_sel, i_sel = kit.masks(view, rule)
    suppliers = np.flatnonzero(s_sel)
    if len(suppliers) == 0:
        return None
    on = kit.lines(view, s_sel, i_sel)
    m = view.measure(rule.measure)
    what = "awarded spend" if rule.measure == "spend" else "awarded units"
    if rule.per == "all":
        lhs = np.array([np.sum(m[on])])
        together = kit.always(f"the selected suppliers on {kit.TOGETHER}")
        return kit.bounded(lhs, np.ones(1), rule.min, rule.max, label=together, what=what)
    lhs = kit.by(view.supplier, m, on, view.scenario.n_suppliers)[suppliers]

    def label(k: int) -> str:
        return f"{view.supplier_label(int(suppliers[k]))} on {kit.TOGETHER}"

    ones = np.ones(len(suppliers))
    return kit.bounded(lhs, ones, rule.min, rule.max, label=label, what=what)


CHECK = kit.RuleChecker("total", rows, nominal=kit.min_or_max)
