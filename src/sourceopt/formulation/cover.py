"""Valid inequalities on the suppliers' award binaries: the demand's capacity cover, pair links.

Fixed costs and supplier minimums make the award a capacitated facility-location problem:
binaries z_s (supplier s awarded) with ``u_s <= M_s z_s``. Its LP relaxation pays a fixed
cost only in the proportion u_s / M_s. Two families of rows, implied by the integer program
but not by its relaxation, close most of that gap (models/README.md, "Award covers"):

- the *capacity cover*, one row: the suppliers with a binary must be able to carry what the
  others cannot, ``sum_s M_s z_s >= D - sum_{s without z} R_s``;
- *pair links*, ``v_si <= m_si z_s`` per pair whose own bound m_si is below M_s.

Both use only demands and capacities (never a rule's bound), so they hold whatever rule an
analysis drops; lifting capacities frees the cover (:mod:`sourceopt.formulation.lift`) and
swaps each pair link like any switch.
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

from sourceopt.formulation.context import Context, award_quantum
from sourceopt.formulation.program import RowFamily

PAIR_LINKS = True
"""Whether the pair links are built (the capacity cover always is): a measured choice."""

COVER_SLACK = 1e-9
"""Relative margin on a pair link's bound: a pair whose bound is within it of M_s gets none."""


def core_suppliers(ctx: Context) -> np.ndarray:
    """Suppliers with the core's binary over all their items (a fixed cost or a minimum)."""
    sup = ctx.scenario.suppliers
    has_pairs = np.bincount(ctx.pair_supplier, minlength=len(sup)) > 0
    core = (sup["fixed_cost"].to_numpy(float) > 0) | (sup["min_units"].to_numpy(float) > 0)
    return np.flatnonzero(has_pairs & core)


def supplier_reach(ctx: Context) -> np.ndarray:
    """Per supplier: the most units it can receive (its capacity, its pairs' bounds summed)."""
    n = ctx.scenario.n_suppliers
    cap = ctx.scenario.suppliers["capacity"].to_numpy(float)
    pairs = np.bincount(ctx.pair_supplier, ctx.pair_max_units, minlength=n)
    return np.asarray(np.minimum(cap, pairs))


def add_award_covers(ctx: Context) -> None:
    """The capacity cover and the pair links of the core's supplier binaries (if any)."""
    owners = core_suppliers(ctx)
    if not len(owners):
        return
    z = ctx.supplier_indicators(owners)
    reach = supplier_reach(ctx)
    _capacity_cover(ctx, owners, z, reach)
    if PAIR_LINKS:
        _pair_links(ctx, owners, z, reach)


def _capacity_cover(ctx: Context, owners: np.ndarray, z: np.ndarray, reach: np.ndarray) -> None:
    """``sum_s M_s z_s >= D - sum_{s without z} R_s`` (nothing when the right side is <= 0).

    Every unit of demand goes to some supplier (the demand rows are equalities) and supplier
    s receives at most M_s z_s units with a binary, R_s without one.
    """
    demand = float(ctx.scenario.items["demand"].to_numpy(float).sum())
    others = np.ones(ctx.scenario.n_suppliers, dtype=bool)
    others[owners] = False
    need = demand - float(reach[others].sum())
    _, big_m, _ = award_quantum(reach[owners])
    if not np.isfinite(need) or need <= 0 or float(big_m.sum()) < need:
        return  # vacuous, or (infeasible demand) left to the demand rows to report
    b = ctx.builder
    row = sp.csr_array((big_m, (np.zeros(len(z), dtype=np.int64), z)), shape=(1, b.n_cols))
    b.add_rows([row], lo=need, hi=np.inf, family=RowFamily.AWARDED_COVER)


def _pair_links(ctx: Context, owners: np.ndarray, z: np.ndarray, reach: np.ndarray) -> None:
    """``v_si - m_si z_s <= 0`` for each pair of a core supplier whose m_si is below M_s."""
    where = np.full(ctx.scenario.n_suppliers, -1)
    where[owners] = np.arange(len(owners))
    slot = where[ctx.pair_supplier]
    m = ctx.pair_max_units
    _, big_m, _ = award_quantum(reach)
    tighter = (slot >= 0) & (m < big_m[ctx.pair_supplier] * (1.0 - COVER_SLACK)) & (m > 0)
    pairs = np.flatnonzero(tighter)
    if not len(pairs):
        return
    b = ctx.builder
    cols = z[slot[pairs]]
    units = ctx.widen(ctx.V[pairs])
    link = sp.csr_array((-m[pairs], (np.arange(len(pairs)), cols)), shape=(len(pairs), b.n_cols))
    b.add_rows(
        [units, link],
        lo=-np.inf,
        hi=0.0,
        family=RowFamily.AWARDED_PAIR_LINK,
        supplier=ctx.pair_supplier[pairs],
        item=ctx.pair_item[pairs],
        switch=cols,
    )
