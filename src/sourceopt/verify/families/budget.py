"""budget: the award's total cost against the rule's maximum."""

from __future__ import annotations

import numpy as np

from sourceopt.scenario.schema import BudgetRule
from sourceopt.verify import rowkit as kit
from sourceopt.verify.view import AwardView


def rows(rule: BudgetRule, view: AwardView, total_cost: float) -> kit.Rows:
    """One row: the total cost (purchase, bundles, fixed costs, less rebates) <= max."""
    cost = np.array([total_cost])
    label = kit.always("the award")
    return kit.bounded(cost, np.ones(1), None, rule.max, label=label, what="total cost")


CHECK = kit.RuleChecker("budget", rows, lambda rule: float(rule.max))
