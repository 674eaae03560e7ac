"""The portfolio file format (``sourceopt_portfolio: 1``) as pydantic types.

Rules are kept as raw maps here and validated as scenario rules by the loader, once their
item selector's ``category`` entry (a portfolio-only key) has been taken out.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import Field

from sourceopt.scenario.schema import ScenarioName, SolverSettings, Strict


class CategoryRef(Strict):
    """A category: a scenario file (or glob, relative to the portfolio file) and its variant."""

    file: Annotated[str, Field(min_length=1)]
    variant: Annotated[str, Field(min_length=1)] = "base"


class PortfolioFile(Strict):
    """A portfolio file: categories decided together under organisation-wide rules."""

    sourceopt_portfolio: Literal[1] = Field(description="portfolio format version, the integer 1")
    name: ScenarioName
    currency: Annotated[str, Field(pattern=r"^[A-Z]{3}$")] = "USD"
    categories: list[Annotated[str, Field(min_length=1)] | CategoryRef] = Field(min_length=1)
    pool: list[Literal["tiers", "rebates"]] = Field(default_factory=list)
    rules: list[dict[str, Any]] = Field(default_factory=list)
    solver: SolverSettings | None = None
