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


def tie_break(ctx: Context, kinds: np.ndarray, suppliers: np.ndarray) -> np.ndarray:
    """Among equal-cost awards prefer suppliers listed earlier (see models/README.md).

    Each unit through an offer of the supplier at position r (of n) gets TIE_BREAK * p * r / n
    added to what the solver sees, p the mean positive unit price; reported costs never
    include it and the reported bound is lowered by its largest possible effect.
    """
    prices = ctx.scenario.offers["price"].to_numpy(float)
    positive = prices[prices > 0]
    scale = float(positive.mean()) if len(positive) else 1.0
    out = np.zeros(len(kinds))
    units = kinds == "offer_units"
    n = max(ctx.scenario.n_suppliers, 1)
    out[units] = TIE_BREAK * scale * suppliers[units] / n
    return out
