"""Tier inequalities of a per-item volume ``max_share``: all-units tiers against the share cap.

An all-units offer's segment j of offer b has units ``lo_bj y_bj <= x_bj <= H_bj y_bj`` (y
binary, one segment per offer). Per offer that is the convex hull of its segments, so the
linear relaxation prices any quantity at the offer's lowest tier price. What makes a low tier
price unreachable lies across the offers of an item: with a share cap sigma (no pair above
sigma d_i units) and the demand row (the pairs' units sum to d_i), an offer at a tier from
more than (1 - sigma) d_i units leaves every other pair less than sigma d_i. Two families of
valid rows say it (models/README.md, "Tier rows of a max_share"), both owned by the rule:

- *tier share*: per selected pair P of item i,
  ``v_P + sum_{b of another supplier} (lo_bj - (1 - sigma) d_i) y_bj <= sigma d_i``
  over the all-units segments with ``lo_bj > (1 - sigma) d_i``;
- *tier top*: per all-units segment of a selected pair whose top H_bj exceeds sigma d_i,
  ``x_bj - sigma d_i y_bj <= 0``.

They hold only while the rule holds as it stands (hard, its limit) and the item's demand is an
equality: they carry the rule's name (dropping the rule drops them) and a structural family
of their own (:attr:`RowFamily.TIER_SHARE`, :attr:`RowFamily.TIER_TOP`), and an analysis
that makes rules or demands elastic removes them first (:func:`without_tier_rows`).
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

from sourceopt.formulation.blocks import ProgramBuilder
from sourceopt.formulation.context import Context, SegmentChoice
from sourceopt.formulation.edits import subset
from sourceopt.formulation.program import Program, RowFamily
from sourceopt.scenario.schema import MaxShareRule

TIER_FAMILIES = (RowFamily.TIER_SHARE, RowFamily.TIER_TOP)
_TOL = 1e-9  # relative: a coefficient or a bound this close to nothing adds nothing


def add_tier_rows(rule: MaxShareRule, ctx: Context, ref: int, selected: np.ndarray) -> None:
    """The tier share and tier top rows of a hard per-item volume max_share (module doc).

    `selected` marks the pairs the rule caps. Nothing is added for a soft rule, a limit
    outside (0, 1) or a program without all-units segment binaries.
    """
    sigma = float(rule.limit)
    choice = ctx.segment_choice
    if choice is None or not len(choice.y) or rule.soft is not None or not 0.0 < sigma < 1.0:
        return
    sup, item, builder = ctx.pair_supplier, ctx.pair_item, ctx.builder
    demand = ctx.scenario.items["demand"].to_numpy(float)
    d = demand[item[choice.pair]]
    _tops(rule, ref, choice, sigma * d, selected, (sup, item), builder)
    coef = choice.lo - (1.0 - sigma) * d
    big = np.flatnonzero((coef > _TOL * np.maximum(d, 1.0)) & (choice.lo > 0))
    if not len(big):
        return
    order = big[np.argsort(item[choice.pair[big]], kind="stable")]
    seg_item = item[choice.pair[order]]
    n_items = len(demand)
    start = np.searchsorted(seg_item, np.arange(n_items))
    count = np.searchsorted(seg_item, np.arange(n_items), side="right") - start
    owners = np.flatnonzero(selected & (count[item] > 0))
    if not len(owners):
        return
    per = count[item[owners]]
    row = np.repeat(np.arange(len(owners)), per)
    at = np.repeat(start[item[owners]] - np.r_[0, np.cumsum(per)[:-1]], per) + np.arange(len(row))
    seg = order[at]
    other = sup[choice.pair[seg]] != sup[owners[row]]
    row, seg = row[other], seg[other]
    kept = np.unique(row)
    if not len(kept):
        return
    renum = np.full(len(owners), -1)
    renum[kept] = np.arange(len(kept))
    owners = owners[kept]
    n = builder.n_cols
    lifts = sp.csr_array((coef[seg], (renum[row], choice.y[seg])), shape=(len(owners), n))
    builder.add_rows(
        [ctx.widen(ctx.V[owners]), lifts], lo=-np.inf, hi=sigma * demand[item[owners]],
        family=RowFamily.TIER_SHARE, rule=str(rule.name),
        supplier=sup[owners], item=item[owners],
    )  # fmt: skip


def _tops(
    rule: MaxShareRule,
    ref: int,
    choice: SegmentChoice,
    top: np.ndarray,
    selected: np.ndarray,
    labels: tuple[np.ndarray, np.ndarray],
    builder: ProgramBuilder,
) -> None:
    """``x_bj - sigma d_i y_bj <= 0`` where the segment's own top H_bj is above sigma d_i."""
    pick = np.flatnonzero(selected[choice.pair] & (top < choice.hi - _TOL * np.maximum(top, 1.0)))
    if not len(pick):
        return
    r = np.arange(len(pick))
    n = builder.n_cols
    m = sp.csr_array(
        (
            np.r_[np.ones(len(pick)), -top[pick]],
            (np.r_[r, r], np.r_[choice.x[pick], choice.y[pick]]),
        ),
        shape=(len(pick), n),
    )
    sup, item = labels
    p = choice.pair[pick]
    builder.add_rows(
        [m], lo=-np.inf, hi=0.0, family=RowFamily.TIER_TOP, rule=str(rule.name),
        supplier=sup[p], item=item[p],
    )  # fmt: skip


def without_tier_rows(program: Program) -> Program:
    """The program without its tier rows (for analyses that make rules or demands elastic)."""
    family = program.rows["family"].to_numpy()
    drop = np.isin(family, [str(f) for f in TIER_FAMILIES])
    if not drop.any():
        return program
    return subset(program, ~drop, np.ones(program.n_cols, dtype=bool))
