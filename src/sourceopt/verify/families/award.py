"""award: the rule re-measured on the award (independently of the formulation)."""

from __future__ import annotations

import numpy as np

from sourceopt.scenario.schema import AwardRule
from sourceopt.verify import rowkit as kit
from sourceopt.verify.rowkit import Rows
from sourceopt.verify.view import AwardView


def rows(rule: AwardRule, view: AwardView, total_cost: float) -> Rows:
    """The rule's rows on the award (``None`` when it selects nothing)."""
    s, i = view.scenario.supplier_code(rule.supplier), view.scenario.item_code(rule.item)
    units = np.sum(view.units[view.scope.one(s, i)])
    where = f"{view.supplier_label(s)}, {view.item_label(i)}"
    lo, hi = rule.min_units, rule.max_units
    return kit.bounded(np.array([units]), np.ones(1), lo, hi, label=kit.always(where), what="units")


def _nominal(rule: AwardRule) -> float | None:
    return rule.max_units if rule.max_units is not None else rule.min_units


CHECK = kit.RuleChecker(
    "award",
    rows,
    nominal=_nominal,
)
