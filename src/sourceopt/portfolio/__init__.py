"""Portfolios: several categories decided together under organisation-wide rules.

A portfolio file (``portfolio.yaml``, SCENARIO-FORMAT.md "Portfolios") names category scenario
files; :func:`load_portfolio` validates it, :func:`build_portfolio_program` stacks the
categories' Programs block-diagonally with the linking rows, :func:`solve_portfolio` solves
and verifies the joint award and prices the coordination.
"""

from sourceopt.portfolio.build import PortfolioProgram, build_portfolio_program
from sourceopt.portfolio.load import load_portfolio
from sourceopt.portfolio.model import Category, Portfolio
from sourceopt.portfolio.result import PortfolioDocument, PortfolioResult
from sourceopt.portfolio.solve import solve_portfolio

__all__ = [
    "Category",
    "Portfolio",
    "PortfolioDocument",
    "PortfolioProgram",
    "PortfolioResult",
    "build_portfolio_program",
    "load_portfolio",
    "solve_portfolio",
]
