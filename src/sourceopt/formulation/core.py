"""Core blocks: offer price segments (tiers, minimums), bundles, demand, capacities, fixed costs.

Everything is vectorised over offers and tiers; see models/README.md for the mathematics.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import scipy.sparse as sp

from sourceopt._arrays import unique_inverse
from sourceopt.formulation.bands import add_bands, add_offer_costs
from sourceopt.formulation.blocks import ProgramBuilder
from sourceopt.formulation.context import Context, IndicatorNeed
from sourceopt.formulation.program import ColumnKind, RowFamily
from sourceopt.scenario.model import Scenario

TIER_GAP = 1e-5  # a segment ends this far (relative) below the next tier's threshold


def _below(threshold: np.ndarray) -> np.ndarray:
    """Just below each threshold: units at a threshold are priced by the tier it starts.

    Without the gap both segments would be feasible at exactly the threshold, and a rule on
    spend could pick the dearer price (see models/README.md, "Segments").
    """
    finite = np.isfinite(threshold)
    gap = TIER_GAP * np.maximum(1.0, np.abs(np.where(finite, threshold, 0.0)))
    return np.asarray(np.where(finite, threshold - gap, threshold))


def segments(scenario: Scenario) -> pd.DataFrame:
    """One row per price segment: offer, lo, hi, price (base segment first).

    All-units offers: one segment per tier, the units lie in [lo, hi] of the one in use.
    Incremental offers (format 1.1): one *band* per tier, ``hi`` its width (capped by the
    offer's largest quantity), ``lo`` 0, all bands in use together (formulation/bands.py).
    """
    offers, tiers = scenario.offers, scenario.tiers
    n = len(offers)
    o_item = offers["item"].to_numpy()
    o_sup = offers["supplier"].to_numpy()
    demand = scenario.items["demand"].to_numpy(float)[o_item]
    sup_cap = scenario.suppliers["capacity"].to_numpy(float)[o_sup]
    cap = np.minimum(np.minimum(offers["capacity"].to_numpy(float), demand), sup_cap)
    min_u = offers["min_units"].to_numpy(float)
    inc = scenario.incremental_offers()

    t_off = tiers["offer"].to_numpy()
    t_from = tiers["from"].to_numpy(float)
    first_from = np.full(n, np.inf)
    if len(tiers):
        starts = np.flatnonzero(np.r_[True, t_off[1:] != t_off[:-1]])
        first_from[t_off[starts]] = t_from[starts]
        next_from = np.r_[t_from[1:], np.inf]
        next_from[np.r_[t_off[1:] != t_off[:-1], True]] = np.inf
    else:
        next_from = np.zeros(0)
    t_inc = inc[t_off]
    offer = np.r_[np.arange(n), t_off]
    start = np.r_[np.zeros(n), t_from]
    lo = np.r_[np.where(inc, 0.0, min_u), np.where(t_inc, 0.0, np.maximum(t_from, min_u[t_off]))]
    top = np.r_[first_from, next_from]
    hi = np.where(
        np.r_[inc, t_inc],
        np.minimum(top, cap[offer]) - start,
        np.minimum(_below(top), cap[offer]),
    )
    price = np.r_[offers["price"].to_numpy(float), tiers["price"].to_numpy(float)]
    tiered = np.r_[np.isfinite(first_from), np.ones(len(tiers), bool)]
    band = np.r_[inc, t_inc]
    base = np.arange(len(lo)) < n
    keep = np.where(band, (hi > 0) | base, (lo <= hi) | base & (lo == 0))
    rows = np.flatnonzero(keep)
    if len(tiers):  # by offer, then threshold (stable); base segments alone are in order
        rows = rows[np.lexsort((start[rows], offer[rows]))]
    offer, lo, band = offer[rows], lo[rows], band[rows]
    count = np.bincount(offer, minlength=n)
    return pd.DataFrame(
        {
            "offer": offer,
            "lo": lo,
            "hi": np.maximum(hi[rows], 0.0),
            "price": price[rows],
            "tiered": tiered[rows],
            "binary": ~band
            & ((count[offer] > 1) | (lo > 0) | (scenario.alternate_groups()[offer] >= 0)),
            "band": band,
            "start": start[rows],
        },
        copy=False,
    )


def build_core(scenario: Scenario, builder: ProgramBuilder) -> Context:
    """Add offer, bundle and supplier columns and the demand and capacity rows."""
    seg = segments(scenario)
    offers = scenario.offers
    off = seg["offer"].to_numpy()
    sup, item = offers["supplier"].to_numpy()[off], offers["item"].to_numpy()[off]
    hi, price = seg["hi"].to_numpy(), seg["price"].to_numpy()
    quantum = scenario.offer_quantum()[off]
    x = builder.add_columns(
        len(seg),
        kind=ColumnKind.OFFER_UNITS,
        cost=price,
        hi=hi,
        # whole multiples of whole sizes are whole (bands: their sum is, by _whole_lots)
        integer=(quantum == np.round(quantum)) & ~seg["band"].to_numpy(),
        supplier=sup,
        item=item,
        ref=off,
    )
    band = seg["band"].to_numpy()
    _whole_lots(builder, x, off, quantum, (sup, item), hi, band)
    alt = scenario.alternate_groups()[off]
    switches = [
        _segment_choice(builder, seg, x, sup, item, alt),
        _band_alternates(builder, seg, x, (sup, item), alt),
    ]
    _one_alternate(builder, *(np.concatenate(parts) for parts in zip(*switches, strict=True)))
    add_bands(scenario, builder, seg, x)
    add_offer_costs(scenario, builder, seg, x)

    bundles, bu = scenario.bundles, scenario.bundle_units
    u = builder.add_columns(
        len(bundles),
        kind=ColumnKind.BUNDLE,
        cost=bundles["price"].to_numpy(float),
        hi=1.0,
        integer=True,
        supplier=bundles["supplier"].to_numpy(),
        ref=np.arange(len(bundles)),
    )
    b_of = bu["bundle"].to_numpy()
    b_sup = bundles["supplier"].to_numpy()[b_of]
    b_item = bu["item"].to_numpy()
    n_i = scenario.n_items
    keys = np.r_[sup * n_i + item, b_sup * n_i + b_item]
    pair_keys, inverse = unique_inverse(keys, scenario.n_suppliers * n_i)
    pair_seg, pair_bu = inverse[: len(seg)], inverse[len(seg) :]
    n_pairs, n_cols = len(pair_keys), builder.n_cols
    units = bu["units"].to_numpy(float)
    bundle_spend = bundles["price"].to_numpy(float)[b_of] * scenario.bundle_spend_fractions()
    cols = np.r_[x, u[b_of]]
    rows = np.r_[pair_seg, pair_bu]
    v = sp.csr_array((np.r_[np.ones(len(x)), units], (rows, cols)), shape=(n_pairs, n_cols))
    e = sp.csr_array((np.r_[price, bundle_spend], (rows, cols)), shape=(n_pairs, n_cols))
    source = np.full(n_cols, -1, dtype=np.int64)
    source[x] = off
    source[u] = -bundles["supplier"].to_numpy() - 2
    max_units = np.bincount(pair_seg, weights=_offer_max(seg), minlength=n_pairs)
    max_units += np.bincount(pair_bu, weights=units, minlength=n_pairs)
    pair_sup, pair_item = pair_keys // n_i, pair_keys % n_i
    max_units = np.minimum(max_units, scenario.items["demand"].to_numpy(float)[pair_item])
    ctx = Context(scenario, builder, pair_sup, pair_item, v, e, source, max_units)
    _demand_and_capacity(ctx)
    return ctx


def _offer_max(seg: pd.DataFrame) -> np.ndarray:
    """Per segment row: the offer's largest quantity, counted once (on its first segment).

    The largest segment top of an all-units offer; the sum of the band widths of an
    incremental one.
    """
    off, hi = seg["offer"].to_numpy(), seg["hi"].to_numpy(float)
    out = np.zeros(len(off))
    if len(off):  # segments are sorted by offer: each offer's rows are one run
        first = np.flatnonzero(np.r_[True, off[1:] != off[:-1]])
        band = seg["band"].to_numpy()[first]
        out[first] = np.where(band, np.add.reduceat(hi, first), np.maximum.reduceat(hi, first))
    return out


def _whole_lots(
    builder: ProgramBuilder,
    x: np.ndarray,
    off: np.ndarray,
    quantum: np.ndarray,
    pair: tuple[np.ndarray, np.ndarray],
    hi: np.ndarray,
    band: np.ndarray,
) -> None:
    """Whole lots or packs: an offer of size q != 1 gets an integer k with sum(x) = q k.

    Offers with q = 1 need no more than their integer unit columns (no extra column or row);
    unit columns of any whole q are integer too, which an integer-only backend needs. The
    bands of an incremental offer are continuous (a band may end between two lots): their sum
    is whole through k whatever q is.
    """
    sup, item = pair
    scaled = np.flatnonzero(~np.isnan(quantum) & ((quantum != 1.0) | band))
    if len(scaled) == 0:
        return
    offers, group = np.unique(off[scaled], return_inverse=True)
    first = np.flatnonzero(np.r_[True, group[1:] != group[:-1]])
    q = quantum[scaled][first]
    widest = np.maximum.reduceat(hi[scaled], first)
    most = np.where(band[scaled][first], np.add.reduceat(hi[scaled], first), widest) / q
    k = builder.add_columns(
        len(offers),
        kind=ColumnKind.OFFER_LOTS,
        hi=np.floor(most + 1e-9 * np.maximum(1.0, most)),
        integer=True,
        supplier=sup[scaled][first],
        item=item[scaled][first],
        ref=offers,
    )
    n = builder.n_cols
    rows = np.r_[group, np.arange(len(offers))]
    a = sp.csr_array((np.r_[np.ones(len(scaled)), -q], (rows, np.r_[x[scaled], k])), (len(k), n))
    builder.add_rows(
        [a],
        lo=0.0,
        hi=0.0,
        family=RowFamily.WHOLE_LOTS,
        supplier=sup[scaled][first],
        item=item[scaled][first],
    )


def _segment_choice(
    builder: ProgramBuilder,
    seg: pd.DataFrame,
    x: np.ndarray,
    sup: np.ndarray,
    item: np.ndarray,
    alternate: np.ndarray,
) -> Switches:
    """Binary segment choice where an offer has tiers, a minimum or alternates.

    lo*y <= x <= hi*y; one segment per offer. Returns the switches (alternate group, column,
    supplier, item) for the one-alternate rows.
    """
    binary = seg["binary"].to_numpy()
    if not binary.any():
        return _NO_SWITCHES
    xb = x[binary]
    lo, hi = seg["lo"].to_numpy()[binary], seg["hi"].to_numpy()[binary]
    off = seg["offer"].to_numpy()[binary]
    k = len(xb)
    y = _switched(builder, xb, np.arange(k), hi, (sup[binary], item[binary]), off)
    n = builder.n_cols
    has_lo = lo > 0
    if has_lo.any():
        rl = np.arange(int(has_lo.sum()))
        lower = sp.csr_array(
            (np.r_[np.ones(len(rl)), -lo[has_lo]], (np.r_[rl, rl], np.r_[xb[has_lo], y[has_lo]])),
            shape=(len(rl), n),
        )
        builder.add_rows(
            [lower],
            lo=0.0,
            hi=np.inf,
            family=RowFamily.SEGMENT_LOWER,
            supplier=sup[binary][has_lo],
            item=item[binary][has_lo],
        )
    offers_b, group = np.unique(off, return_inverse=True)
    one = sp.csr_array((np.ones(k), (group, y)), shape=(len(offers_b), n))
    builder.add_rows([one], lo=-np.inf, hi=1.0, family=RowFamily.ONE_SEGMENT)
    return alternate[binary], y, sup[binary], item[binary]


Switches = tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]  # group, column, supplier, item
_NO_SWITCHES: Switches = tuple(np.zeros(0, dtype=np.int64) for _ in range(4))  # type: ignore[assignment]


def _band_alternates(
    builder: ProgramBuilder,
    seg: pd.DataFrame,
    x: np.ndarray,
    pair: tuple[np.ndarray, np.ndarray],
    alternate: np.ndarray,
) -> Switches:
    """An incremental alternate's switch: its bands sum to at most its largest units x y.

    Its bands fill at once (they are not a segment choice), so the offer gets one binary of
    its own, counted in its group's one-alternate row.
    """
    band = seg["band"].to_numpy() & (alternate >= 0)
    if not band.any():
        return _NO_SWITCHES
    sup, item = pair
    off = seg["offer"].to_numpy()[band]
    offers, group = np.unique(off, return_inverse=True)
    first = np.flatnonzero(np.r_[True, group[1:] != group[:-1]])
    width = seg["hi"].to_numpy(float)[band]
    most = np.add.reduceat(width, first)
    picks = np.flatnonzero(band)[first]
    y = _switched(builder, x[band], group, most, (sup[picks], item[picks]), offers)
    return alternate[picks], y, sup[picks], item[picks]


def _switched(
    builder: ProgramBuilder,
    x: np.ndarray,
    group: np.ndarray,
    cap: np.ndarray,
    pair: tuple[np.ndarray, np.ndarray],
    ref: np.ndarray,
) -> np.ndarray:
    """One binary y per group, with sum(x of the group) <= cap x y; returns the y columns."""
    sup, item = pair
    k = len(cap)
    y = builder.add_columns(
        k, kind=ColumnKind.OFFER_SEGMENT, hi=1.0, integer=True, supplier=sup, item=item, ref=ref
    )
    rows = np.r_[group, np.arange(k)]
    upper = sp.csr_array(
        (np.r_[np.ones(len(x)), -cap], (rows, np.r_[x, y])), shape=(k, builder.n_cols)
    )
    builder.add_rows(
        [upper], lo=-np.inf, hi=0.0, family=RowFamily.SEGMENT_UPPER, supplier=sup, item=item,
        switch=y,
    )  # fmt: skip
    return y


def _one_alternate(
    builder: ProgramBuilder, alt: np.ndarray, y: np.ndarray, sup: np.ndarray, item: np.ndarray
) -> None:
    """At most one switched-on offer per alternate group (`alt`: its group, -1 if none)."""
    on = alt >= 0
    if not on.any():
        return
    groups, g = np.unique(alt[on], return_inverse=True)
    first = np.flatnonzero(on)[np.unique(g, return_index=True)[1]]
    pick = sp.csr_array((np.ones(int(on.sum())), (g, y[on])), shape=(len(groups), builder.n_cols))
    builder.add_rows(
        [pick],
        lo=-np.inf,
        hi=1.0,
        family=RowFamily.ONE_ALTERNATE,
        supplier=sup[first],
        item=item[first],
    )


def _demand_and_capacity(ctx: Context) -> None:
    sc, b = ctx.scenario, ctx.builder
    by_item = ctx.group_sum(ctx.pair_item, sc.n_items, ctx.V)
    demand = sc.items["demand"].to_numpy(float)
    b.add_rows([by_item], lo=demand, hi=demand, family=RowFamily.DEMAND, item=np.arange(sc.n_items))
    cap = sc.suppliers["capacity"].to_numpy(float)
    finite = np.flatnonzero(np.isfinite(cap))
    if len(finite):
        groups = np.full(sc.n_suppliers, -1)
        groups[finite] = np.arange(len(finite))
        by_sup = ctx.group_sum(groups[ctx.pair_supplier], len(finite), ctx.V)
        b.add_rows([by_sup], lo=-np.inf, hi=cap[finite], family=RowFamily.CAPACITY, supplier=finite)


def _with_fixed_cost(ctx: Context) -> np.ndarray:
    sup = ctx.scenario.suppliers
    has_pairs = np.bincount(ctx.pair_supplier, minlength=len(sup)) > 0
    return np.flatnonzero(has_pairs & (sup["fixed_cost"].to_numpy(float) > 0))


def core_indicators(ctx: Context) -> list[IndicatorNeed]:
    """The supplier binaries the core needs: minimums (with the floor), then fixed costs."""
    sup = ctx.scenario.suppliers
    has_pairs = np.bincount(ctx.pair_supplier, minlength=len(sup)) > 0
    with_min = np.flatnonzero(has_pairs & (sup["min_units"].to_numpy(float) > 0))
    n = ctx.scenario.n_items
    return [
        IndicatorNeed.whole(with_min, n, floor=True),
        IndicatorNeed.whole(_with_fixed_cost(ctx), n, floor=False),
    ]


def add_fixed_costs(ctx: Context) -> None:
    """Fixed costs: on the supplier's declared awarded binary."""
    with_fixed = _with_fixed_cost(ctx)
    cols = ctx.supplier_indicators(with_fixed)
    fixed = ctx.scenario.suppliers["fixed_cost"].to_numpy(float)
    ctx.builder.add_cost(cols, fixed[with_fixed], counts_as_cost=True)
