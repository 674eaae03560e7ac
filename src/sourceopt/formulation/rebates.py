"""Rebates: a percent off a supplier's whole spend once it reaches a threshold.

Per supplier with tiers t = 0..T (t = 0: below the first threshold, 0 %): spend columns g_t,
binaries r_t; sum_t g_t = spend_s, F_t r_t <= g_t <= F_{t+1} r_t, sum_t r_t = 1; the
objective gets -sum_t (percent_t / 100) g_t. F_{T+1} is the supplier's largest possible spend.
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

from sourceopt.formulation.context import Context
from sourceopt.formulation.program import ColumnKind, RowFamily
from sourceopt.formulation.rules._shared import by_supplier


def build_rebates(ctx: Context) -> None:
    """Add the rebate columns and rows (a loop per rebate supplier, never per offer)."""
    reb = ctx.scenario.rebates
    if len(reb) == 0:
        return
    b = ctx.builder
    spend, sups = by_supplier(ctx, np.ones(ctx.n_pairs, dtype=bool), ctx.E)
    spend = ctx.widen(spend)
    upper = b.upper_bounds()
    hi_cols = np.where(np.isfinite(upper), upper, 0.0)
    max_spend = np.abs(spend) @ hi_cols
    where = {s: k for k, s in enumerate(sups)}
    codes = reb["supplier"].to_numpy()
    for s in (int(c) for c in np.unique(codes)):
        tiers = reb[codes == s]
        k = where.get(s)
        if k is None:
            continue  # the supplier can receive nothing
        top = float(max_spend[k])
        starts = np.r_[0.0, tiers["from_spend"].to_numpy(float)]
        pct = np.r_[0.0, tiers["percent"].to_numpy(float)]
        reach = starts <= top
        starts, pct = starts[reach], pct[reach]
        ends = np.r_[starts[1:], top]
        n_t = len(starts)
        g = b.add_columns(
            n_t,
            kind=ColumnKind.REBATE_SPEND,
            cost=-pct / 100.0,
            hi=ends,
            supplier=s,
            ref=np.arange(n_t),
        )
        r = b.add_columns(
            n_t, kind=ColumnKind.REBATE_TIER, hi=1.0, integer=True, supplier=s, ref=np.arange(n_t)
        )
        n = b.n_cols
        total = sp.csr_array((np.ones(n_t), (np.zeros(n_t, dtype=np.int64), g)), shape=(1, n))
        b.add_rows(
            [total, -ctx.widen(spend[[k]])],
            lo=0.0,
            hi=0.0,
            family=RowFamily.REBATE_SPEND,
            supplier=s,
        )
        rows = np.arange(n_t)
        upper = sp.csr_array(
            (np.r_[np.ones(n_t), -ends], (np.r_[rows, rows], np.r_[g, r])), shape=(n_t, n)
        )
        lower = sp.csr_array(
            (np.r_[np.ones(n_t), -starts], (np.r_[rows, rows], np.r_[g, r])), shape=(n_t, n)
        )
        b.add_rows([upper], lo=-np.inf, hi=0.0, family=RowFamily.REBATE_TIER, supplier=s)
        b.add_rows([lower], lo=0.0, hi=np.inf, family=RowFamily.REBATE_TIER, supplier=s)
        pick = sp.csr_array((np.ones(n_t), (np.zeros(n_t, dtype=np.int64), r)), shape=(1, n))
        b.add_rows([pick], lo=1.0, hi=1.0, family=RowFamily.REBATE_TIER, supplier=s)
