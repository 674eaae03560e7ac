"""Small helpers shared by the rule families: grouping selected pairs and bounds."""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

from sourceopt.formulation.context import Context


def by_item(ctx: Context, pairs: np.ndarray, m: sp.csr_array) -> tuple[sp.csr_array, np.ndarray]:
    """Rows of `m` summed per item over the selected pairs; also the items, in order."""
    items = np.unique(ctx.pair_item[pairs])
    where = np.full(ctx.scenario.n_items, -1)
    where[items] = np.arange(len(items))
    groups = np.where(pairs, where[ctx.pair_item], -1)
    return ctx.group_sum(groups, len(items), m), items


def by_supplier(
    ctx: Context, pairs: np.ndarray, m: sp.csr_array
) -> tuple[sp.csr_array, np.ndarray]:
    """Rows of `m` summed per supplier over the selected pairs; also the suppliers, in order."""
    sups = np.unique(ctx.pair_supplier[pairs])
    where = np.full(ctx.scenario.n_suppliers, -1)
    where[sups] = np.arange(len(sups))
    groups = np.where(pairs, where[ctx.pair_supplier], -1)
    return ctx.group_sum(groups, len(sups), m), sups


def total(ctx: Context, pairs: np.ndarray, m: sp.csr_array) -> sp.csr_array:
    """The selected rows of `m` summed into one row."""
    return ctx.group_sum(np.where(pairs, 0, -1), 1, m)


def bounds(lo: float | None, hi: float | None) -> tuple[float, float]:
    """Missing bounds as infinities."""
    return (-np.inf if lo is None else lo), (np.inf if hi is None else hi)


def per_item_rows(
    ctx: Context, pairs: np.ndarray, m: sp.csr_array, items: np.ndarray
) -> sp.csr_array:
    """One row per item in `items`: the selected rows of `m` on that item (empty if none)."""
    grouped, found = by_item(ctx, pairs, m)
    where = np.full(ctx.scenario.n_items, -1)
    where[found] = np.arange(len(found))
    pos = where[items]
    keep = pos >= 0
    pick = sp.csr_array(
        (np.ones(int(keep.sum())), (np.flatnonzero(keep), pos[keep])),
        shape=(len(items), grouped.shape[0]),
    )
    return sp.csr_array(pick @ grouped)


def sum_entries(
    ctx: Context, rows: np.ndarray, pairs: np.ndarray, n_rows: int, m: sp.csr_array
) -> sp.csr_array:
    """``n_rows`` rows: row r sums the rows of `m` of the pairs of the entries (r, pair).

    When every pair is in at most one entry (a partition: all the selected pairs, or groups
    by country or region) this is one group sum over `m`; otherwise (groups by tag, which
    overlap) a 0/1 matrix of the entries times `m`.
    """
    if not len(pairs) or np.bincount(pairs, minlength=ctx.n_pairs).max() <= 1:
        groups = np.full(ctx.n_pairs, -1, dtype=np.int64)
        groups[pairs] = rows
        return ctx.group_sum(groups, n_rows, m)
    pick = sp.csr_array(
        (np.ones(len(pairs)), (rows, pairs)), shape=(n_rows, ctx.n_pairs), dtype=float
    )
    return sp.csr_array(pick @ m)
