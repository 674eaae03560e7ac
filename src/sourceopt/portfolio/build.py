"""Stack the categories' Programs block-diagonally and add the portfolio's linking rows."""

from __future__ import annotations

from dataclasses import dataclass

from sourceopt.formulation.program import Program
from sourceopt.portfolio.model import Portfolio
from sourceopt.scenario.model import Scenario


@dataclass(frozen=True)
class Block:
    """One category's place in the stacked program."""

    category: str
    scenario: Scenario
    program: Program
    first_col: int
    first_row: int


@dataclass(frozen=True)
class PortfolioProgram:
    """The stacked program, its category blocks and the combined view of the portfolio."""

    program: Program
    blocks: tuple[Block, ...]
    view: Scenario


def build_portfolio_program(portfolio: Portfolio) -> PortfolioProgram:
    """The portfolio's one Program: categories block-diagonal, then the linking rows."""
    raise NotImplementedError("skeleton")
