"""A valid inequality on the suppliers' award binaries: the demand's capacity cover.

Fixed costs and supplier minimums make the award a capacitated facility-location problem:
binaries z_s (supplier s awarded) with ``u_s <= M_s z_s``. Its LP relaxation pays a fixed
cost only in the proportion u_s / M_s. The *capacity cover*, one row, says that the suppliers
with a binary must be able to carry what the others cannot:
``sum_s M_s z_s >= D - sum_{s without z} R_s`` (models/README.md, "The capacity cover").
The relaxation implies it, but as a row over binaries alone it lets the solver derive
knapsack-cover cuts ("at least two of these suppliers") that close most of that gap.

It uses only demands and capacities (never a rule's bound), so it holds whatever rule an
analysis drops; lifting capacities frees it (:mod:`sourceopt.formulation.lift`).
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

from sourceopt.formulation.context import Context, award_quantum
from sourceopt.formulation.program import RowFamily


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


def add_capacity_cover(ctx: Context) -> None:
    """``sum_s M_s z_s >= D - sum_{s without z} R_s`` over the core's supplier binaries.

    Every unit of demand goes to some supplier (the demand rows are equalities) and supplier
    s receives at most M_s z_s units with a binary (its link), R_s without one. Nothing is
    added without such binaries or when the right side is not positive (the row would be
    vacuous), nor when the binaries cannot reach it (the demand rows report that).
    """
    owners = core_suppliers(ctx)
    if not len(owners):
        return
    reach = supplier_reach(ctx)
    demand = float(ctx.scenario.items["demand"].to_numpy(float).sum())
    others = np.ones(ctx.scenario.n_suppliers, dtype=bool)
    others[owners] = False
    need = demand - float(reach[others].sum())
    _, big_m, _ = award_quantum(reach[owners])
    if not np.isfinite(need) or need <= 0 or float(big_m.sum()) < need:
        return
    z = ctx.supplier_indicators(owners)
    b = ctx.builder
    row = sp.csr_array((big_m, (np.zeros(len(z), dtype=np.int64), z)), shape=(1, b.n_cols))
    b.add_rows([row], lo=need, hi=np.inf, family=RowFamily.AWARDED_COVER)
