"""Incremental tier bands, offer adders and offer fixed costs (format 1.1).

Bands: an incremental offer's units are the sum of its band columns b_0..b_m (band k covers
[start_k, start_k+1), width w_k, priced at its tier's price). When the band prices never fall
(a convex cost), cheaper bands fill first by themselves: a linear program is exact. When a
price falls somewhere, or the offer has a minimum, fill-order binaries z_k make it exact:
``b_k >= w_k z_k`` and ``b_k+1 <= w_k+1 z_k`` (band k+1 holds units only once band k is full).
A minimum m: ``b_0 <= w_0 y``, ``sum_k b_k >= m y`` (y binary).

Adders are a cost per unit on every segment column of the offer (never in spend); an offer's
fixed cost F is ``F u`` with u binary, ``sum of its columns - M u <= 0`` (M: the offer's
largest quantity, the award quantum's M), the same awarded machinery as a supplier's.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import scipy.sparse as sp

from sourceopt.formulation.blocks import ProgramBuilder
from sourceopt.formulation.context import award_quantum
from sourceopt.formulation.program import ColumnKind, RowFamily
from sourceopt.scenario.model import Scenario


def _rows(n_cols: int, entries: list[tuple[np.ndarray, np.ndarray]], n: int) -> sp.csr_array:
    """``n`` rows whose entries are (column per row, value per row) pairs."""
    r = np.arange(n)
    cols = np.concatenate([c for c, _ in entries])
    vals = np.concatenate([v for _, v in entries])
    return sp.csr_array((vals, (np.tile(r, len(entries)), cols)), shape=(n, n_cols))


def add_bands(
    scenario: Scenario, builder: ProgramBuilder, seg: pd.DataFrame, x: np.ndarray
) -> None:
    """Fill-order and minimum rows of incremental offers (none when every band cost is convex)."""
    band = seg["band"].to_numpy()
    if not band.any():
        return
    off, width = seg["offer"].to_numpy(), seg["hi"].to_numpy(float)
    price = seg["price"].to_numpy(float)
    min_u = scenario.offers["min_units"].to_numpy(float)
    same_next = band[:-1] & band[1:] & (off[:-1] == off[1:])
    falls = np.zeros(scenario.n_offers, dtype=bool)
    falls[off[:-1][same_next & (price[1:] < price[:-1])]] = True
    ordered = falls | (min_u > 0)
    k = np.flatnonzero(same_next & ordered[off[:-1]])
    sup = scenario.offers["supplier"].to_numpy()
    item = scenario.offers["item"].to_numpy()
    if len(k):
        o = off[k]
        z = builder.add_columns(
            len(k), kind=ColumnKind.OFFER_SEGMENT, hi=1.0, integer=True,
            supplier=sup[o], item=item[o], ref=o,
        )  # fmt: skip
        n = builder.n_cols
        full = _rows(n, [(x[k], np.ones(len(k))), (z, -width[k])], len(k))
        builder.add_rows(
            [full], lo=0.0, hi=np.inf, family=RowFamily.SEGMENT_LOWER, supplier=sup[o], item=item[o]
        )
        nxt = _rows(n, [(x[k + 1], np.ones(len(k))), (z, -width[k + 1])], len(k))
        builder.add_rows(
            [nxt], lo=-np.inf, hi=0.0, family=RowFamily.SEGMENT_UPPER, switch=z,
            supplier=sup[o], item=item[o],
        )  # fmt: skip
    _band_minimums(builder, seg, x, min_u, (sup, item))


def _band_minimums(
    builder: ProgramBuilder,
    seg: pd.DataFrame,
    x: np.ndarray,
    min_u: np.ndarray,
    labels: tuple[np.ndarray, np.ndarray],
) -> None:
    """``b_0 <= w_0 y`` and ``sum of the bands >= m y`` for incremental offers with a minimum."""
    band, off = seg["band"].to_numpy(), seg["offer"].to_numpy()
    first = band & np.r_[True, off[1:] != off[:-1]]
    pos = np.flatnonzero(first & (min_u[off] > 0))
    if not len(pos):
        return
    o = off[pos]
    sup, item = labels[0][o], labels[1][o]
    y = builder.add_columns(
        len(pos),
        kind=ColumnKind.OFFER_SEGMENT,
        hi=1.0,
        integer=True,
        supplier=sup,
        item=item,
        ref=o,
    )
    n = builder.n_cols
    width = seg["hi"].to_numpy(float)
    upper = _rows(n, [(x[pos], np.ones(len(pos))), (y, -width[pos])], len(pos))
    builder.add_rows(
        [upper],
        lo=-np.inf,
        hi=0.0,
        family=RowFamily.SEGMENT_UPPER,
        switch=y,
        supplier=sup,
        item=item,
    )
    group = np.full(len(off), -1)
    group[np.isin(off, o) & band] = np.searchsorted(o, off[np.isin(off, o) & band])
    keep = group >= 0
    total = sp.csr_array(
        (np.r_[np.ones(int(keep.sum())), -min_u[o]], (np.r_[group[keep], np.arange(len(o))],
         np.r_[x[keep], y])), shape=(len(o), n),
    )  # fmt: skip
    builder.add_rows(
        [total], lo=0.0, hi=np.inf, family=RowFamily.SEGMENT_LOWER, supplier=sup, item=item
    )


def add_offer_costs(
    scenario: Scenario, builder: ProgramBuilder, seg: pd.DataFrame, x: np.ndarray
) -> None:
    """Adders on the segment columns; a fixed-cost indicator per offer that has one."""
    off = seg["offer"].to_numpy()
    adders = scenario.offer_adders()
    priced = adders[off] != 0
    if priced.any():
        builder.add_cost(x[priced], adders[off][priced], counts_as_cost=True)
    fixed = scenario.offer_fixed_costs()
    with_fixed = np.flatnonzero(fixed > 0)
    if not len(with_fixed):
        return
    band = seg["band"].to_numpy()
    hi = seg["hi"].to_numpy(float)
    largest = np.zeros(scenario.n_offers)
    np.maximum.at(largest, off[~band], hi[~band])
    np.add.at(largest, off[band], hi[band])
    upper, big_m, _ = award_quantum(largest[with_fixed])
    sup = scenario.offers["supplier"].to_numpy()[with_fixed]
    item = scenario.offers["item"].to_numpy()[with_fixed]
    u = builder.add_columns(
        len(with_fixed), kind=ColumnKind.AWARDED, cost=fixed[with_fixed], hi=upper,
        integer=True, supplier=sup, item=item, ref=with_fixed,
    )  # fmt: skip
    group = np.full(scenario.n_offers, -1)
    group[with_fixed] = np.arange(len(with_fixed))
    mine = group[off] >= 0
    n = builder.n_cols
    link = sp.csr_array(
        (np.r_[np.ones(int(mine.sum())), -big_m],
         (np.r_[group[off][mine], np.arange(len(u))], np.r_[x[mine], u])),
        shape=(len(u), n),
    )  # fmt: skip
    builder.add_rows(
        [link], lo=-np.inf, hi=0.0, family=RowFamily.AWARDED_LINK, switch=u, supplier=sup, item=item
    )
