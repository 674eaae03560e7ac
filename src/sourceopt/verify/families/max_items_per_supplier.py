"""max_items_per_supplier: the rule re-measured on the award (independently of the formulation)."""

from __future__ import annotations

import numpy as np

from sourceopt.scenario.schema import MaxItemsPerSupplierRule
from sourceopt.verify import rowkit as kit
from sourceopt.verify.rowkit import Rows
from sourceopt.verify.view import AwardView


def rows(rule: MaxItemsPerSupplierRule, view: AwardView, total_cost: float) -> Rows | None:
    """The rule's rows on the award (``None`` when it selects nothing)."""
    s_sel, i_sel = kit.masks(view, rule)
    suppliers = np.flatnonzero(s_sel)
    if len(suppliers) == 0 or not i_sel.any():
        return None
    wins = kit.wins(view, s_sel, i_sel)
    count = np.bincount(view.pair_supplier[wins], minlength=view.scenario.n_suppliers)
    label = kit.at(view.supplier_label, suppliers)
    hi = float(rule.max)
    ones = np.ones(len(suppliers))
    return kit.bounded(count[suppliers], ones, None, hi, label=label, what="items won")


CHECK = kit.RuleChecker("max_items_per_supplier", rows, nominal=lambda rule: float(rule.max))
