"""Stack the categories' Programs block-diagonally and add the portfolio's linking rows.

Each category is built by the ordinary builder from the category *as it stands in the
portfolio* (:func:`~sourceopt.portfolio.view.lifted`: a shared firm's capacity, fixed cost
and minimum taken out; with ``pool: [tiers]`` the pooled offers' tier choice made pool-wide,
with ``pool: [rebates]`` the pooled rebates taken out and built once on the combined view,
:mod:`sourceopt.portfolio.pooling`). Its Program keeps its rows and columns; the Programs are
stacked block-diagonally (``scipy.sparse.block_diag``), their labels moved to portfolio-wide
supplier and item codes and their ``scenario`` label set to the category's name.

The linking rows are then built by the rule families themselves over a *combined view*
(:func:`~sourceopt.portfolio.view.combined_view`): a :class:`~sourceopt.formulation.context.Context`
whose pairs are every category's pairs (items renamed ``<category>/<item>``, suppliers
merged by id) and whose ``V``/``E`` are the categories' award expressions stacked over the
stacked columns. On it, shared firms get what the categories no longer hold: a capacity row
over all their units, one awarded indicator paying the fixed cost once, and a floor
(``min_units``) over all their units; then every portfolio rule is built by its own family
(``group_share``, ``max_share``, ``total``, ``budget``, ...) exactly as in one scenario, so
no rule's rows are re-derived here, except a spend ``max_share``, whose family would repeat
the total spend in every firm's row (:mod:`sourceopt.portfolio.shares` says why and how it
keeps one column for it). ``budget`` reads the stacked true cost plus the shared
fixed costs. See models/README.md, "Portfolios".
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
import pandas as pd
import scipy.sparse as sp

from sourceopt.formulation.blocks import ProgramBuilder
from sourceopt.formulation.build import Built, build_parts
from sourceopt.formulation.context import Context, IndicatorNeed
from sourceopt.formulation.family import family_of
from sourceopt.formulation.program import ColumnKind, Program, RowFamily
from sourceopt.formulation.provenance import Provenance
from sourceopt.formulation.rebates import build_rebates
from sourceopt.portfolio.model import Portfolio
from sourceopt.portfolio.pooling import PoolColumns, link_pools, pool_category
from sourceopt.portfolio.pools import CategoryPools, PoolPlan, plan_pools
from sourceopt.portfolio.shares import build_max_share, is_dense
from sourceopt.portfolio.view import (
    Offsets,
    combined_view,
    lifted,
    offsets,
    scoped_rules,
    shared_firms,
)
from sourceopt.scenario.model import Scenario
from sourceopt.scenario.schema import MaxShareRule


@dataclass(frozen=True)
class Block:
    """One category's place in the stacked program.

    ``scenario`` is the category as built (shared firms' terms lifted, pooled offers
    untiered, pooled rebates out); ``program`` its own Program (local codes); its columns are
    ``first_col : first_col + program.n_cols`` of the stacked program, its rows likewise.
    """

    category: str
    scenario: Scenario
    program: Program
    first_col: int
    first_row: int

    @property
    def cols(self) -> slice:
        """Its columns in the stacked program."""
        return slice(self.first_col, self.first_col + self.program.n_cols)


@dataclass(frozen=True)
class PortfolioProgram:
    """The stacked program, its category blocks, the combined view and the pool plan."""

    program: Program
    blocks: tuple[Block, ...]
    view: Scenario
    pools: PoolPlan
    shared: frozenset[str]


def build_category(scenario: Scenario, plan: CategoryPools | None = None) -> Built[PoolColumns]:
    """One category's Program as :func:`~sourceopt.formulation.build.build_program` makes it.

    The pooled offers' tier columns (`plan`) are added right after the core, so that every rule
    of the category sees their spend at the pooled price; ``extra`` holds those columns.
    """
    return build_parts(scenario, lambda ctx: pool_category(ctx, plan))


def build_portfolio_program(portfolio: Portfolio) -> PortfolioProgram:
    """The portfolio's one Program: categories block-diagonal, then the linking rows."""
    cats = portfolio.categories
    names = [c.name for c in cats]
    originals = [c.scenario for c in cats]
    shared = shared_firms(originals)
    plan = plan_pools(portfolio)
    scenarios = [plan.prepared(k, lifted(s, shared)) for k, s in enumerate(originals)]
    built = [build_category(s, plan.for_category(k)) for k, s in enumerate(scenarios)]
    view = combined_view(
        portfolio.name, portfolio.source, portfolio.currency, names, originals, portfolio.solver
    )
    view = view.with_changes(
        rules=scoped_rules(view, portfolio.rules, portfolio.rule_categories),
        rule_origins=("portfolio",) * len(portfolio.rules),
    )
    where = offsets(names, originals)
    builder = ProgramBuilder(scenario=portfolio.name)
    for one, at in zip(built, where, strict=True):
        program = one.program
        builder.add_columns(
            program.n_cols,
            kind=ColumnKind.AUXILIARY,
            cost=one.true_cost,
            lo=program.col_lo,
            hi=program.col_hi,
            supplier=_moved(program.columns["supplier"].to_numpy(), at.suppliers),
            item=_shifted(program.columns["item"].to_numpy(), at.item),
        )
    ctx = _view_context(view, builder, built, where)
    _link(ctx, shared, plan, built)
    link, _ = builder.build()
    blocks, stacked = _stack(portfolio, names, scenarios, built, where, link)
    stacked = replace(
        stacked,
        provenance=replace(
            stacked.provenance,
            pair_supplier=ctx.pair_supplier,
            pair_item=ctx.pair_item,
            pair_units=ctx.V,
            pair_spend=ctx.E,
        ),
    )
    return PortfolioProgram(stacked, blocks, view, plan, frozenset(shared))


def _moved(codes: np.ndarray, mapping: np.ndarray) -> np.ndarray:
    return np.where(codes >= 0, mapping[np.maximum(codes, 0)], -1)


def _shifted(codes: np.ndarray, by: int) -> np.ndarray:
    return np.where(codes >= 0, codes + by, -1)


def _view_context(
    view: Scenario,
    builder: ProgramBuilder,
    built: list[Built[PoolColumns]],
    where: list[Offsets],
) -> Context:
    """A Context over the stacked columns whose pairs are every category's pairs."""
    v_parts, e_parts, src = [], [], []
    for one, at in zip(built, where, strict=True):
        program, ctx = one.program, one.ctx
        v_parts.append(_resized(ctx.V, program.n_cols))
        e_parts.append(_resized(ctx.E, program.n_cols))
        s = np.full(program.n_cols, -1, dtype=np.int64)
        a = ctx.attribute_source
        s[: len(a)] = np.where(
            a >= 0, a + at.offer, np.where(a < -1, -_moved(-a - 2, at.suppliers) - 2, -1)
        )
        src.append(s)
    pairs = [(one.ctx, at) for one, at in zip(built, where, strict=True)]
    return Context(
        view,
        builder,
        np.concatenate([_moved(c.pair_supplier, at.suppliers) for c, at in pairs]),
        np.concatenate([c.pair_item + at.item for c, at in pairs]),
        sp.csr_array(sp.block_diag(v_parts, format="csr")),
        sp.csr_array(sp.block_diag(e_parts, format="csr")),
        np.concatenate(src),
        np.concatenate([c.pair_max_units for c, _ in pairs]),
    )


def _rebate_context(ctx: Context, plan: PoolPlan, pairs: list[int]) -> Context:
    """The view's Context for pooled rebates (``pool: [rebates]``).

    Each pooled firm's rebate (as written in its categories) over its spend in the categories
    that have it; its other pairs count no spend there.
    """
    view = ctx.scenario
    ids = pd.Index(view.suppliers["id"].astype(str))
    rows, member = [], np.zeros(ctx.n_pairs, dtype=bool)
    pair_cat = np.repeat(np.arange(len(pairs)), pairs)
    for rebate in plan.rebates:
        code = int(ids.get_indexer(pd.Index([rebate.supplier]))[0])
        rows += [(code, start, pct) for start, pct in rebate.tiers]
        member |= (ctx.pair_supplier == code) & np.isin(pair_cat, rebate.members)
    table = pd.DataFrame(rows, columns=["supplier", "from_spend", "percent"])
    spend = sp.csr_array(sp.diags(member.astype(float)) @ ctx.E)
    return replace(ctx, scenario=view.with_changes(rebates=table), E=spend, _by_column={})


def _resized(m: sp.sparray, n_cols: int) -> sp.csr_array:
    out = sp.csr_array(m, copy=True)
    out.resize((m.shape[0], n_cols))
    return out


def _link(ctx: Context, shared: set[str], plan: PoolPlan, built: list[Built[PoolColumns]]) -> None:
    """Shared firms' capacity, fixed cost and minimum; pools; the portfolio rules."""
    view, b = ctx.scenario, ctx.builder
    sup = view.suppliers
    is_shared = sup["id"].astype(str).isin(shared).to_numpy()
    has_pairs = np.bincount(ctx.pair_supplier, minlength=len(sup)) > 0
    cap = sup["capacity"].to_numpy(float)
    capped = np.flatnonzero(is_shared & has_pairs & np.isfinite(cap))
    if len(capped):
        groups = np.full(len(sup), -1)
        groups[capped] = np.arange(len(capped))
        rows = ctx.group_sum(groups[ctx.pair_supplier], len(capped), ctx.V)
        b.add_rows(
            [ctx.widen(rows)],
            lo=-np.inf,
            hi=cap[capped],
            family=RowFamily.CAPACITY,
            supplier=capped,
        )
    with_min = np.flatnonzero(is_shared & has_pairs & (sup["min_units"].to_numpy(float) > 0))
    fixed = sup["fixed_cost"].to_numpy(float)
    with_fixed = np.flatnonzero(is_shared & has_pairs & (fixed > 0))
    needs = [
        IndicatorNeed.whole(with_min, view.n_items, floor=True),
        IndicatorNeed.whole(with_fixed, view.n_items, floor=False),
    ]
    families = [family_of(rule) for rule in view.rules]
    for rule, family in zip(view.rules, families, strict=True):
        needs += family.indicators(rule, ctx)
    ctx.declare_indicators(needs)
    if len(with_fixed):
        b.add_cost(ctx.supplier_indicators(with_fixed), fixed[with_fixed], counts_as_cost=True)
    starts = np.cumsum([0] + [one.program.n_cols for one in built])[:-1]
    link_pools(ctx, plan, [one.extra for one in built], starts)
    if plan.rebates:
        build_rebates(_rebate_context(ctx, plan, [one.ctx.n_pairs for one in built]))
    for ref, (rule, family) in enumerate(zip(view.rules, families, strict=True)):
        if isinstance(rule, MaxShareRule) and is_dense(rule):
            build_max_share(rule, ctx, ref)  # its total as one column (portfolio/shares.py)
        else:
            family.build(rule, ctx, ref)


def _stack(
    portfolio: Portfolio,
    names: list[str],
    scenarios: list[Scenario],
    built: list[Built[PoolColumns]],
    where: list[Offsets],
    link: Program,
) -> tuple[tuple[Block, ...], Program]:
    """The categories' Programs block-diagonal, the linking part's rows and columns after."""
    programs = [one.program for one in built]
    n = sum(p.n_cols for p in programs)
    extra = slice(n, link.n_cols)
    blocks, col, row = [], 0, 0
    for name, scenario, p in zip(names, scenarios, programs, strict=True):
        blocks.append(Block(name, scenario, p, col, row))
        col, row = col + p.n_cols, row + p.n_rows
    a_cat = sp.csr_array(sp.block_diag([p.A for p in programs], format="csr"))
    a_cat.resize((row, link.n_cols))
    a = sp.csr_matrix(sp.vstack([a_cat, sp.csr_array(link.A)], format="csr"))
    a.sort_indices()
    cat = np.concatenate
    program = Program(
        c=cat([p.c for p in programs] + [link.c[extra]]),
        A=a,
        row_lo=cat([p.row_lo for p in programs] + [link.row_lo]),
        row_hi=cat([p.row_hi for p in programs] + [link.row_hi]),
        col_lo=cat([p.col_lo for p in programs] + [link.col_lo[extra]]),
        col_hi=cat([p.col_hi for p in programs] + [link.col_hi[extra]]),
        integrality=cat([p.integrality for p in programs] + [link.integrality[extra]]),
        columns=pd.concat(
            [
                _labels(p.columns, name, at)
                for p, name, at in zip(programs, names, where, strict=True)
            ]
            + [link.columns.iloc[n:]],
            ignore_index=True,
        ),
        rows=pd.concat(
            [_labels(p.rows, name, at) for p, name, at in zip(programs, names, where, strict=True)]
            + ([link.rows] if link.n_rows else []),
            ignore_index=True,
        ).astype({"supplier": np.int64, "item": np.int64}),
        tie_break=cat([p.tie_break for p in programs] + [np.zeros(link.n_cols - n)]),
        offset=float(sum(p.offset for p in programs) + link.offset),
        name=portfolio.name,
        provenance=_provenance(programs, link, row),
    )
    return tuple(blocks), program


def _labels(frame: pd.DataFrame, name: str, at: Offsets) -> pd.DataFrame:
    """A category's labels with portfolio-wide supplier and item codes and its name."""
    out = frame.copy()
    out["supplier"] = _moved(out["supplier"].to_numpy(), at.suppliers)
    out["item"] = _shifted(out["item"].to_numpy(), at.item)
    out["scenario"] = name
    return out


def _provenance(programs: list[Program], link: Program, n_rows: int) -> Provenance:
    """Switches of every block (moved) and of the linking part; pairs from the view."""
    rows, cols, floors = [], [], []
    col, row = 0, 0
    for p in programs:
        pv = p.provenance
        rows.append(pv.switch_row + row)
        cols.append(pv.switch_col + col)
        floors.append(pv.switch_floor)
        col, row = col + p.n_cols, row + p.n_rows
    lp = link.provenance
    return replace(
        Provenance.empty(),
        switch_row=np.concatenate([*rows, lp.switch_row + n_rows]).astype(np.int64),
        switch_col=np.concatenate([*cols, lp.switch_col]).astype(np.int64),
        switch_floor=np.concatenate([*floors, lp.switch_floor]).astype(bool),
    )
