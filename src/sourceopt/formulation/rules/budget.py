"""budget: total cost (purchase + bundles + fixed - rebates) <= max."""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

from sourceopt.formulation.context import Context
from sourceopt.scenario.schema import BudgetRule


def build(rule: BudgetRule, ctx: Context, ref: int) -> None:
    """Add the budget row over the total-cost coefficients known so far (built last)."""
    cost = ctx.builder.total_cost()
    cols = np.flatnonzero(cost)
    row = sp.csr_array(
        (cost[cols], (np.zeros(len(cols), dtype=np.int64), cols)), shape=(1, ctx.builder.n_cols)
    )
    ctx.builder.add_rows(
        [row],
        lo=-np.inf,
        hi=rule.max,
        family=rule.type,
        rule=str(rule.name),
        soft=rule.soft,
        rule_ref=ref,
    )
