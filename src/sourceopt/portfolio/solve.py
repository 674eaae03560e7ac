"""``solve_portfolio``: the joint solve, each category verified, the coordination priced.

``method``: ``"monolithic"`` solves the stacked Program in one run; ``"decomposed"`` by
components, exactly (:mod:`sourceopt.portfolio.decompose`); ``"auto"`` (default) decomposes a
Program of 100,000+ columns that falls into 2+ components, as measured faster
(:func:`~sourceopt.portfolio.decompose.prefer_decomposed`). The joint run's status is the
portfolio's; every category's result is its slice of the joint award mapped back through its
own labels and verified against the category as it stands in the portfolio
(:mod:`sourceopt.portfolio.verify`). The coordination figures solve each category alone,
as its own file says (no portfolio rules, no pooling, its firms' terms as written there).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

from sourceopt.award import Award
from sourceopt.errors import SourceoptError
from sourceopt.formulation.build import build_program
from sourceopt.portfolio.build import PortfolioProgram, build_portfolio_program
from sourceopt.portfolio.model import Portfolio
from sourceopt.portfolio.result import PortfolioResult
from sourceopt.portfolio.summary import document
from sourceopt.portfolio.verify import priced_categories
from sourceopt.result import ResultDocument, SolverDoc
from sourceopt.solution import award_from
from sourceopt.solution import document as category_document
from sourceopt.solvers.base import (
    Backend,
    RawResult,
    SolveOptions,
    Status,
    proven_status,
)
from sourceopt.solvers.registry import get_backend

METHODS = ("auto", "monolithic", "decomposed")


@dataclass(frozen=True)
class Solved:
    """A solved set of categories: their result documents and awards (None: no award)."""

    status: Status
    documents: list[ResultDocument]
    awards: list[Award] | None
    raw: RawResult | None = None
    exact: bool = True  # the backend solved exactly (its objective must match the recomputation)


def options_of(
    portfolio: Portfolio, time_limit: float | None, gap: float | None, threads: int | None = None
) -> SolveOptions:
    """The portfolio's solver settings, given options taking precedence."""
    s = portfolio.solver
    return SolveOptions(
        time_limit=time_limit if time_limit is not None else s.time_limit,
        mip_gap=gap if gap is not None else s.mip_gap,
        seed=s.seed,
        threads=threads if threads is not None else s.threads,
    )


def solve_portfolio(
    portfolio: Portfolio,
    *,
    backend: str | None = None,
    time_limit: float | None = None,
    gap: float | None = None,
    method: str = "auto",
    independent: bool = True,
) -> PortfolioResult:
    """Solve the portfolio to proven optimality and verify the joint award.

    `backend` defaults to the portfolio's ``solver.backend`` (HiGHS unless it says otherwise).
    `independent`: also solve each category alone for the coordination figures (else they
    are null). Infeasible and limited runs are answers (``result.status``), not exceptions.
    """
    if method not in METHODS:
        raise SourceoptError(f"unknown method {method!r}; the methods are: {', '.join(METHODS)}")
    engine = get_backend(backend or portfolio.solver.backend)
    options = options_of(portfolio, time_limit, gap)
    pp = build_portfolio_program(portfolio)
    joint = solve_joint(pp, engine, options, decomposed=_decomposes(method, pp))
    alone = solve_alone(portfolio, engine, options) if independent else None
    return PortfolioResult(document(portfolio, pp, joint, alone))


def _decomposes(method: str, pp: PortfolioProgram) -> bool:
    """Whether the joint solve runs by components (``auto``: decompose.prefer_decomposed)."""
    if method != "auto":
        return method == "decomposed"
    from sourceopt.portfolio.decompose import portfolio_blocks, prefer_decomposed

    blocks = portfolio_blocks(pp.program.n_cols, [b.cols for b in pp.blocks])
    return prefer_decomposed(pp.program, blocks)


def solve_joint(
    pp: PortfolioProgram, engine: Backend, options: SolveOptions, *, decomposed: bool = False
) -> Solved:
    """Solve the stacked program; map each category's slice back and verify it.

    `decomposed`: by components (:mod:`sourceopt.portfolio.decompose`, exact) instead of one run.
    """
    halved = replace(options, mip_gap=pp.program.solver_gap(options.mip_gap))
    if decomposed:
        from sourceopt.portfolio.decompose import portfolio_blocks, solve_decomposed

        blocks = portfolio_blocks(pp.program.n_cols, [b.cols for b in pp.blocks])
        raw = solve_decomposed(pp.program, halved, engine.name, blocks=blocks)
    else:
        raw = engine.solve(pp.program, halved)
    status = _proven_status(pp, raw, options.mip_gap)
    exact = engine.capabilities.continuous
    if raw.x is None:
        docs = [_empty(b.scenario.name, b.scenario.variant, raw) for b in pp.blocks]
        return Solved(status, docs, None, raw, exact)
    awards = [award_from(b.program, b.scenario, raw.x[b.cols]) for b in pp.blocks]
    priced = priced_categories([b.scenario for b in pp.blocks], pp.pools, awards)
    docs = []
    for block, scenario in zip(pp.blocks, priced, strict=True):
        part = RawResult(
            status,
            raw.backend,
            raw.version,
            raw.time_s,
            x=raw.x[block.cols],
            message=f"solved jointly in portfolio {pp.program.name!r}",
            limit=None if status is Status.OPTIMAL else raw.limit,
        )
        doc = category_document(
            scenario, block.program, part, seed=options.seed, mip_gap=options.mip_gap, exact=exact
        )
        docs.append(doc.model_copy(update={"scenario": block.category}))
    return Solved(status, docs, awards, raw, exact)


def _proven_status(pp: PortfolioProgram, raw: RawResult, mip_gap: float) -> Status:
    """OPTIMAL exactly when the gap to the bound, lowered by the tie-break, is within `mip_gap`.

    Either way round: a run the backend called optimal outside it is FEASIBLE, and one a limit
    stopped within it is OPTIMAL (as a category's result, :func:`sourceopt.solution.document`).
    """
    if raw.x is None or raw.bound is None or not math.isfinite(raw.bound):
        return raw.status
    objective = pp.program.objective_value(raw.x)
    bound = raw.bound - pp.program.tie_break_allowance(objective)
    return proven_status(raw.status, objective, bound, mip_gap)


def solve_alone(portfolio: Portfolio, engine: Backend, options: SolveOptions) -> Solved:
    """Each category solved alone, as its own file says (for the coordination figures)."""
    docs, awards, worst = [], [], Status.OPTIMAL
    for cat in portfolio.categories:
        program = build_program(cat.scenario)
        raw = engine.solve(program, replace(options, mip_gap=program.solver_gap(options.mip_gap)))
        doc = category_document(
            cat.scenario,
            program,
            raw,
            seed=options.seed,
            mip_gap=options.mip_gap,
            exact=engine.capabilities.continuous,
        )
        docs.append(doc.model_copy(update={"scenario": cat.name}))
        if raw.x is None:
            return Solved(doc.status, docs, None)
        if doc.status is not Status.OPTIMAL:
            worst = doc.status
        awards.append(award_from(program, cat.scenario, raw.x))
    return Solved(worst, docs, awards)


def _empty(name: str, variant: str, raw: RawResult) -> ResultDocument:
    return ResultDocument.without_award(name, variant, raw.status, SolverDoc.of(raw))
