"""average_attribute: the weighted average of an attribute over the selected award is bounded.

With weights w (units, or spend) of the selected award and attribute a per column:
sum (a - max) w <= 0 and sum (a - min) w >= 0, per item or over the selected items together.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import scipy.sparse as sp

from sourceopt.formulation.context import Context
from sourceopt.formulation.family import Family
from sourceopt.formulation.rules import wording as w
from sourceopt.formulation.rules._shared import per_item_rows, total
from sourceopt.scenario.model import Scenario
from sourceopt.scenario.schema import AverageAttributeRule


def build(rule: AverageAttributeRule, ctx: Context, ref: int) -> None:
    """Add the rows of one average_attribute rule."""
    sel = ctx.selected_pairs(rule)
    m = ctx.V if rule.measure == "volume" else ctx.E
    attr = np.nan_to_num(ctx.column_attribute(rule.attribute))  # selected columns all defined
    if rule.per == "item":
        item_ids = np.flatnonzero(ctx.selected_items(rule))
        weights = ctx.widen(per_item_rows(ctx, sel, m, item_ids))
        item: np.ndarray | int = item_ids
    else:
        weights, item = ctx.widen(total(ctx, sel, m)), -1
    for bound, lo, hi in ((rule.max, -np.inf, 0.0), (rule.min, 0.0, np.inf)):
        if bound is not None:  # each weight times its column's (attribute - bound): same pattern
            scaled = weights.data * (attr - bound)[weights.indices]
            shifted = sp.csr_array((scaled, weights.indices, weights.indptr), shape=weights.shape)
            ctx.add_rule_rows(rule, ref, [shifted], lo=lo, hi=hi, item=item)


def words(scenario: Scenario, rule: Any) -> str:
    """The rule in a conflict, in business words (after "rule <name>")."""
    bounds = w.bounds_text(rule.min, rule.max, lambda v: f"{v:g}")
    return (
        f"keeps the {w.measure_word(rule)}-weighted average {rule.attribute} of "
        f"{w.who(scenario, rule.suppliers)} {w.scope(scenario, rule)} {bounds}"
    )


def _row_unit(rule: AverageAttributeRule, currency: str) -> str:
    """Its rows are in attribute x units (or x money, measured by spend)."""
    base = currency if rule.measure == "spend" else "unit"
    return f"{rule.attribute} x {base}"


@dataclass(frozen=True)
class _Family(Family):
    def row_unit(self, rule: Any, currency: str) -> str:
        return _row_unit(rule, currency)


FAMILY = _Family("average_attribute", build, words)
