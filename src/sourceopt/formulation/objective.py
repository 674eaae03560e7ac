"""Objective penalties (risk-adjusted cost) and the documented tie-break."""

from __future__ import annotations

import numpy as np

from sourceopt.formulation.context import Context

TIE_BREAK = 1e-7  # relative size of the preference for earlier-listed suppliers


def add_penalties(ctx: Context) -> None:
    """Each penalty adds weight x attribute x (spend or units) of every offer and bundle column."""
    for penalty in ctx.scenario.objective.penalties:
        m = ctx.widen(ctx.V if penalty.per == "volume" else ctx.E)
        per_col = np.asarray(m.sum(axis=0)).ravel()
        attr = np.nan_to_num(ctx.column_attribute(penalty.attribute))
        cols = np.flatnonzero(per_col)
        ctx.builder.add_cost(
            cols, penalty.weight * attr[cols] * per_col[cols], counts_as_cost=False
        )


def tie_break(units: np.ndarray, suppliers: np.ndarray, price: np.ndarray, n: int) -> np.ndarray:
    """Among equal-cost awards prefer suppliers listed earlier (see models/README.md).

    Each unit through an offer segment of the supplier at position r (of n) costs
    TIE_BREAK * p * r / n more in what the solver sees, p that segment's unit price; so the
    perturbation is at most TIE_BREAK of the purchase cost. Reported costs never include it
    and the reported bound is lowered by its largest possible effect. `units` marks the
    offer segment columns (kind ``offer_units``), `suppliers` is the supplier of each column.
    """
    out = np.zeros(len(units))
    out[units] = TIE_BREAK * np.maximum(price[units], 0.0) * suppliers[units] / max(n, 1)
    return out
