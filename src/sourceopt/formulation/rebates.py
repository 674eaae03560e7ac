"""Rebates: a percent off a supplier's spend (on a rebate's items) once a threshold is reached.

Per rebate with tiers t = 0..T (t = 0: below the first threshold, 0 %), binaries r_t with
sum_t r_t = 1, and S the rebate's spend: the supplier's offer spend on the rebate's items (its
bundles too when the rebate has no ``items``).

- ``from_spend``: spend columns g_t, sum_t g_t = S, F_t r_t <= g_t <= F_t+1 r_t; the objective
  gets -sum_t (percent_t / 100) g_t. F_T+1 is the largest S possible.
- ``from_units`` (format 1.1): units columns h_t, sum_t h_t = U (the same scope's units),
  U_t r_t <= h_t <= U_t+1 r_t; spend columns g_t, sum_t g_t = S, g_t <= F_T+1 r_t, so that
  g_t = S for the tier reached and 0 for the others; the objective gets -sum_t (p_t/100) g_t.

Several rebates of one supplier each get their own columns and their discounts add up.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import scipy.sparse as sp

from sourceopt.formulation.context import Context
from sourceopt.formulation.program import ColumnKind, RowFamily
from sourceopt.formulation.rules._shared import by_supplier
from sourceopt.scenario.selectors import item_mask

Scope = tuple[sp.csr_array, sp.csr_array]  # (spend, units) as 1-row expressions


def _whole_suppliers(ctx: Context, wanted: np.ndarray) -> dict[int, Scope]:
    """Per wanted supplier that can receive units: its whole spend and units (one product)."""
    pairs = np.isin(ctx.pair_supplier, wanted)
    if not pairs.any():
        return {}
    spend, sups = by_supplier(ctx, pairs, ctx.E)
    units, _ = by_supplier(ctx, pairs, ctx.V)
    return {
        int(s): (sp.csr_array(spend[[k]]), sp.csr_array(units[[k]])) for k, s in enumerate(sups)
    }


def _scope_rows(ctx: Context, supplier: int, rebate: int, whole: dict[int, Scope]) -> Scope:
    """(spend, units) of the rebate's scope as 1-row expressions over the columns so far."""
    sc = ctx.scenario
    selector = sc.rebate_items[rebate] if rebate < len(sc.rebate_items) else None
    if selector is None:  # the supplier's whole award, bundles included
        empty = sp.csr_array((1, ctx.builder.n_cols))
        spend, units = whole.get(supplier, (empty, empty))
        return ctx.widen(spend), ctx.widen(units)
    items = item_mask(sc, selector)
    groups = np.where((ctx.pair_supplier == supplier) & items[ctx.pair_item], 0, -1)
    spend = ctx.widen(ctx.group_sum(groups, 1, ctx.E))
    units = ctx.widen(ctx.group_sum(groups, 1, ctx.V))
    n = ctx.builder.n_cols  # offers only: bundle columns are left out
    source = np.r_[ctx.attribute_source, np.full(n - len(ctx.attribute_source), -1)]
    keep = sp.diags_array((source >= 0).astype(float), shape=(n, n))
    return sp.csr_array(spend @ keep), sp.csr_array(units @ keep)


def _row(n: int, cols: np.ndarray, values: np.ndarray) -> sp.csr_array:
    return sp.csr_array((values, (np.zeros(len(cols), dtype=np.int64), cols)), shape=(1, n))


def _pair(n: int, a: np.ndarray, b: np.ndarray, coef: np.ndarray) -> sp.csr_array:
    """Rows ``a_t - coef_t b_t``."""
    k = len(a)
    rows = np.arange(k)
    return sp.csr_array((np.r_[np.ones(k), -coef], (np.r_[rows, rows], np.r_[a, b])), shape=(k, n))


def build_rebates(ctx: Context) -> None:
    """Add the rebate columns and rows (a loop per rebate, never per offer)."""
    reb = ctx.scenario.rebate_tiers()
    if len(reb) == 0:
        return
    scoped = np.array([sel is not None for sel in ctx.scenario.rebate_items], dtype=bool)
    rebate = reb["rebate"].to_numpy()
    unscoped = ~np.r_[scoped, np.zeros(max(0, int(rebate.max()) + 1 - len(scoped)), bool)]
    whole = _whole_suppliers(ctx, np.unique(reb["supplier"].to_numpy()[unscoped[rebate]]))
    for rebate in np.unique(reb["rebate"].to_numpy()):
        tiers = reb[reb["rebate"].to_numpy() == rebate]
        s = int(tiers["supplier"].iat[0])
        spend, units = _scope_rows(ctx, s, int(rebate), whole)
        if spend.nnz == 0 and units.nnz == 0:
            continue  # the supplier can receive nothing of the rebate's items
        upper = ctx.builder.upper_bounds()
        hi_cols = np.where(np.isfinite(upper), upper, 0.0)
        top = float((abs(spend) @ hi_cols)[0])
        if tiers["from_units"].notna().any():
            most = float((abs(units) @ hi_cols)[0])
            _by_units(ctx, s, tiers, spend, units, (top, most))
        else:
            _by_spend(ctx, s, tiers, spend, top)


def _by_spend(ctx: Context, s: int, tiers: pd.DataFrame, spend: sp.csr_array, top: float) -> None:
    b = ctx.builder
    starts = np.r_[0.0, tiers["from_spend"].to_numpy(float)]
    pct = np.r_[0.0, tiers["percent"].to_numpy(float)]
    reach = starts <= top
    starts, pct = starts[reach], pct[reach]
    ends = np.r_[starts[1:], top]
    n_t = len(starts)
    ref = np.arange(n_t)
    g = b.add_columns(
        n_t, kind=ColumnKind.REBATE_SPEND, cost=-pct / 100.0, hi=ends, supplier=s, ref=ref
    )
    r = b.add_columns(n_t, kind=ColumnKind.REBATE_TIER, hi=1.0, integer=True, supplier=s, ref=ref)
    n = b.n_cols
    b.add_rows([_row(n, g, np.ones(n_t)), -ctx.widen(spend)], lo=0.0, hi=0.0,
               family=RowFamily.REBATE_SPEND, supplier=s)  # fmt: skip
    b.add_rows([_pair(n, g, r, ends)], lo=-np.inf, hi=0.0, family=RowFamily.REBATE_TIER, supplier=s)
    b.add_rows(
        [_pair(n, g, r, starts)], lo=0.0, hi=np.inf, family=RowFamily.REBATE_TIER, supplier=s
    )
    b.add_rows([_row(n, r, np.ones(n_t))], lo=1.0, hi=1.0, family=RowFamily.REBATE_TIER, supplier=s)


def _by_units(
    ctx: Context,
    s: int,
    tiers: pd.DataFrame,
    spend: sp.csr_array,
    units: sp.csr_array,
    tops: tuple[float, float],
) -> None:
    b = ctx.builder
    top, most = tops
    starts = np.r_[0.0, tiers["from_units"].to_numpy(float)]
    pct = np.r_[0.0, tiers["percent"].to_numpy(float)]
    reach = starts <= most
    starts, pct = starts[reach], pct[reach]
    ends = np.r_[starts[1:], most]
    n_t = len(starts)
    ref = np.arange(n_t)
    g = b.add_columns(
        n_t, kind=ColumnKind.REBATE_SPEND, cost=-pct / 100.0, hi=top, supplier=s, ref=ref
    )
    h = b.add_columns(n_t, kind=ColumnKind.REBATE_UNITS, hi=ends, supplier=s, ref=ref)
    r = b.add_columns(n_t, kind=ColumnKind.REBATE_TIER, hi=1.0, integer=True, supplier=s, ref=ref)
    n = b.n_cols
    for cols, expr in ((g, spend), (h, units)):
        b.add_rows([_row(n, cols, np.ones(n_t)), -ctx.widen(expr)], lo=0.0, hi=0.0,
                   family=RowFamily.REBATE_SPEND, supplier=s)  # fmt: skip
    b.add_rows([_pair(n, g, r, np.full(n_t, top))], lo=-np.inf, hi=0.0,
               family=RowFamily.REBATE_TIER, supplier=s)  # fmt: skip
    b.add_rows([_pair(n, h, r, ends)], lo=-np.inf, hi=0.0, family=RowFamily.REBATE_TIER, supplier=s)
    b.add_rows(
        [_pair(n, h, r, starts)], lo=0.0, hi=np.inf, family=RowFamily.REBATE_TIER, supplier=s
    )
    b.add_rows([_row(n, r, np.ones(n_t))], lo=1.0, hi=1.0, family=RowFamily.REBATE_TIER, supplier=s)
