"""The ``portfolio`` job kind: a portfolio (several categories) solved jointly.

Its runner takes the loaded :class:`~sourceopt.portfolio.model.Portfolio` where the other
kinds take a Scenario (the job table calls every runner with it as ``scenario``) and the
solver options every kind takes, plus the portfolio's solve ``method``; its result is
``PortfolioResult.to_dict()``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Literal

from sourceopt.jobs.options import SolverOptions

if TYPE_CHECKING:
    from sourceopt.jobs.model import FileJob
    from sourceopt.portfolio import Portfolio, PortfolioResult


class PortfolioOptions(SolverOptions):
    """``portfolio``: the solver's settings and how the joint problem is solved."""

    method: Literal["auto", "monolithic", "decomposed"] | None = None


def solve_portfolio_job(
    scenario: Portfolio,
    *,
    backend: str | None = None,
    time_limit: float | None = None,
    mip_gap: float | None = None,
    method: str | None = None,
) -> PortfolioResult:
    """``solve_portfolio`` with a job's option names (``mip_gap``; unset means default)."""
    from sourceopt.portfolio import solve_portfolio

    return solve_portfolio(
        scenario,
        backend=backend,
        time_limit=time_limit,
        gap=mip_gap,
        method=method or "auto",
    )


def run_portfolio_file(job: FileJob, limit: float) -> dict[str, Any]:
    """A batch's portfolio file job: load, solve; its result is ``PortfolioResult.to_dict()``."""
    from sourceopt.portfolio import load_portfolio

    portfolio = load_portfolio(job.file)
    result = solve_portfolio_job(
        portfolio, backend=job.options.backend, time_limit=limit, mip_gap=job.options.mip_gap
    )
    return result.to_dict()
