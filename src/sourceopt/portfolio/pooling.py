"""Pooled tiers (``pool: [tiers]``): one tier choice for a firm's offers of one item id.

Offers of the same supplier for the same item id in several categories (identical price and
tiers, checked when loading) choose their all-units tier by the units awarded through all of
them together. Each such offer is built *untiered* in its category (one column x_k at the
base price p_0) plus, per tier t = 1..T with price p_t, a binary y_kt and a column w_kt
(the units priced at tier t) with cost (p_t - p_0) that enters the pair's spend too, so the
category's own rules, rebates and budget see the pooled price:

    w_kt <= x_k,   w_kt <= M_k y_kt,   x_k - w_kt + M_k y_kt <= M_k,   sum_t y_kt <= 1

(with y_kt = 1, w_kt = x_k: every unit costs p_t). The linking rows make the choice
pool-wide and the right one for the pooled units U = sum_k x_k:

    y_kt = y_1t (every member),   U >= from_t y_1t,
    U <= below(from_{t+1}) + M (1 - y_1t),   U <= below(from_1) + M sum_t y_1t

(below: just under the threshold, as for one offer's segments; M = sum_k M_k, M_k the
member's largest quantity). A member in a category that could never reach tier t alone
still gets its price when the pool does: that is the point of pooling.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import scipy.sparse as sp

from sourceopt.formulation.context import Context
from sourceopt.formulation.core import _below, segments
from sourceopt.formulation.program import ColumnKind
from sourceopt.portfolio.pools import CategoryPools, PoolPlan

POOL_FAMILY = "pool_tier"  # the row family of pooling rows (structural, not a rule)


@dataclass
class PoolColumns:
    """Local columns of a category's pooled offers: per (group, offer): x, [y_t], M."""

    x: dict[int, int] = field(default_factory=dict)  # group -> x column
    y: dict[int, np.ndarray] = field(default_factory=dict)  # group -> y columns (t = 1..T)
    big_m: dict[int, float] = field(default_factory=dict)


def pool_category(ctx: Context, plan: CategoryPools | None) -> PoolColumns:
    """A category's pooled tier columns and rows, right after its core (see module doc)."""
    out = PoolColumns()
    if plan is None:
        return out
    sc, b = ctx.scenario, ctx.builder
    seg_offer = segments(sc)["offer"].to_numpy()
    entries: list[tuple[int, np.ndarray, np.ndarray]] = []
    for g, offer in plan.members:
        group = plan.groups[g]
        x = int(np.flatnonzero(seg_offer == offer)[0])  # the offer's one (untiered) column
        o_sup = int(sc.offers["supplier"].to_numpy()[offer])
        o_item = int(sc.offers["item"].to_numpy()[offer])
        cap = float(sc.offers["capacity"].to_numpy(float)[offer])
        big_m = min(cap, float(sc.items["demand"].to_numpy(float)[o_item]))
        n_t = len(group.tiers)
        delta = np.array([p for _, p in group.tiers]) - group.price
        y = b.add_columns(
            n_t,
            kind=ColumnKind.OFFER_SEGMENT,
            hi=1.0,
            integer=True,
            supplier=o_sup,
            item=o_item,
            ref=offer,
        )
        w = b.add_columns(
            n_t, kind=ColumnKind.AUXILIARY, cost=delta, hi=big_m, supplier=o_sup, item=o_item
        )
        _rows(ctx, x, y, w, big_m, o_sup, o_item)
        pair = int(np.flatnonzero((ctx.pair_supplier == o_sup) & (ctx.pair_item == o_item))[0])
        entries.append((pair, w, delta))
        out.x[g], out.y[g], out.big_m[g] = x, y, big_m
    source = np.full(b.n_cols, -1, dtype=np.int64)  # the pooled price carries the offer's
    source[: len(ctx.attribute_source)] = ctx.attribute_source  # attributes, as its units do
    for (_, offer), (_, w, _) in zip(plan.members, entries, strict=True):
        source[w] = offer
    ctx.attribute_source = source
    ctx._attributes.clear()
    spend = sp.csr_array(ctx.E, copy=True)
    spend.resize((spend.shape[0], b.n_cols))
    rows = np.concatenate([np.full(len(w), p) for p, w, _ in entries])
    cols = np.concatenate([w for _, w, _ in entries])
    vals = np.concatenate([d for _, _, d in entries])
    ctx.E = sp.csr_array(spend + sp.csr_array((vals, (rows, cols)), shape=spend.shape))
    ctx._by_column.clear()
    return out


def _rows(
    ctx: Context, x: int, y: np.ndarray, w: np.ndarray, big_m: float, sup: int, item: int
) -> None:
    b, n_t, n = ctx.builder, len(y), ctx.builder.n_cols
    r = np.arange(n_t)

    def block(entries: list[tuple[np.ndarray, float | np.ndarray]]) -> sp.csr_array:
        rows = np.concatenate([r for _ in entries])
        cols = np.concatenate([np.broadcast_to(c, (n_t,)) for c, _ in entries])
        vals = np.concatenate([np.broadcast_to(v, (n_t,)) for _, v in entries])
        return sp.csr_array((vals.astype(float), (rows, cols)), shape=(n_t, n))

    xs = np.full(n_t, x)
    label = {"family": POOL_FAMILY, "supplier": sup, "item": item}
    b.add_rows([block([(w, 1.0), (xs, -1.0)])], lo=-np.inf, hi=0.0, **label)  # type: ignore[arg-type]
    b.add_rows([block([(w, 1.0), (y, -big_m)])], lo=-np.inf, hi=0.0, **label)  # type: ignore[arg-type]
    b.add_rows([block([(xs, 1.0), (w, -1.0), (y, big_m)])], lo=-np.inf, hi=big_m, **label)  # type: ignore[arg-type]
    one = sp.csr_array((np.ones(n_t), (np.zeros(n_t, dtype=np.int64), y)), shape=(1, n))
    b.add_rows([one], lo=-np.inf, hi=1.0, family=POOL_FAMILY, supplier=sup, item=item)


def link_pools(
    ctx: Context, plan: PoolPlan, columns: Sequence[PoolColumns], starts: np.ndarray
) -> None:
    """The pool-wide rows of every pool, over the stacked columns (see module doc)."""
    b = ctx.builder
    sup_ids = ctx.scenario.suppliers["id"].astype(str).tolist()
    for g, group in enumerate(plan.groups):
        members = [(k, columns[k]) for k, _ in group.members]
        xs = np.array([starts[k] + c.x[g] for k, c in members], dtype=np.int64)
        ys = [starts[k] + c.y[g] for k, c in members]
        big_m = float(sum(c.big_m[g] for _, c in members))
        sup = sup_ids.index(group.supplier)
        n, n_t = b.n_cols, len(group.tiers)

        def row(cols: np.ndarray, vals: np.ndarray, n: int = n) -> sp.csr_array:
            return sp.csr_array((vals, (np.zeros(len(cols), np.int64), cols)), shape=(1, n))

        same = []
        for other in ys[1:]:
            k = np.arange(n_t)
            same.append(
                sp.csr_array(
                    (np.r_[np.ones(n_t), -np.ones(n_t)], (np.r_[k, k], np.r_[ys[0], other])),
                    shape=(n_t, n),
                )
            )
        if same:
            b.add_rows(
                [sp.csr_array(sp.vstack(same))], lo=0.0, hi=0.0, family=POOL_FAMILY, supplier=sup
            )
        starts_t = np.array([f for f, _ in group.tiers])
        ones = np.ones(len(xs))
        for t in range(n_t):
            reach = row(np.r_[xs, ys[0][t]], np.r_[ones, -starts_t[t]])
            b.add_rows([reach], lo=0.0, hi=np.inf, family=POOL_FAMILY, supplier=sup)
            if t + 1 < n_t:
                top = float(_below(starts_t[t + 1 : t + 2])[0])
                cap = row(np.r_[xs, ys[0][t]], np.r_[ones, big_m])
                b.add_rows([cap], lo=-np.inf, hi=top + big_m, family=POOL_FAMILY, supplier=sup)
        first = float(_below(starts_t[:1])[0])
        base = row(np.r_[xs, ys[0]], np.r_[ones, -big_m * np.ones(n_t)])
        b.add_rows([base], lo=-np.inf, hi=first, family=POOL_FAMILY, supplier=sup)
