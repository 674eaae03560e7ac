"""``solve_portfolio``: the joint solve, each category verified, the coordination priced."""

from __future__ import annotations

from sourceopt.portfolio.model import Portfolio
from sourceopt.portfolio.result import PortfolioResult

METHODS = ("auto", "monolithic")


def solve_portfolio(
    portfolio: Portfolio,
    *,
    backend: str = "highs",
    time_limit: float | None = None,
    gap: float | None = None,
    method: str = "auto",
) -> PortfolioResult:
    """Solve the portfolio to proven optimality and verify the joint award."""
    raise NotImplementedError("skeleton")
