"""exclude: the rule re-measured on the award (independently of the formulation)."""

from __future__ import annotations

import numpy as np

from sourceopt.scenario.schema import ExcludeRule
from sourceopt.verify import rowkit as kit
from sourceopt.verify.rowkit import Rows
from sourceopt.verify.view import AwardView


def rows(rule: ExcludeRule, view: AwardView, total_cost: float) -> Rows | None:
    """The rule's rows on the award (``None`` when it selects nothing)."""
    s_sel, i_sel = kit.masks(view, rule)
    pairs = kit.pairs(view, s_sel, i_sel)
    if len(pairs) == 0:
        return None
    label = kit.at(view.pair_label, pairs)
    ones = np.ones(len(pairs))
    return kit.bounded(view.pair_units[pairs], ones, None, 0.0, label=label, what="units")


CHECK = kit.RuleChecker("exclude", rows, nominal=lambda rule: 0.0)
