"""The portfolio result contract (SCENARIO-FORMAT.md "Portfolios"; docs/results.md).

:class:`PortfolioDocument` is the JSON of ``sourceopt portfolio FILE --json``;
:class:`PortfolioResult` wraps it with the category results and honest accessors.
"""

from __future__ import annotations

import json
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from sourceopt.errors import SolutionUnavailableError
from sourceopt.result import ResultDocument, RuleDoc, VerificationDoc
from sourceopt.solvers.base import Status


class _Doc(BaseModel):
    model_config = ConfigDict(extra="forbid")


class GoalDoc(_Doc):
    """One portfolio rule's attainment, jointly and with the categories solved alone."""

    rule: str
    value: float | None = Field(description="the rule's measure on the joint award")
    bound: float | None = Field(description="the rule's bound (its min or max, or limit)")
    met: bool = Field(description="the joint award meets the rule (hard: within tolerance)")
    met_independent: bool | None = Field(
        description="the categories' awards solved alone, together, meet it (null: no such award)"
    )


class PortfolioSupplierDoc(_Doc):
    """What one firm receives over the whole portfolio."""

    supplier: str
    spend: float = Field(description="spend over all categories (before rebates)")
    share_of_spend: float = Field(description="a fraction of the portfolio's spend")
    categories: list[str] = Field(description="the categories in which it is awarded units")


class CoordinationDoc(_Doc):
    """What deciding the categories together changes (money in the portfolio currency)."""

    independent_cost: float | None = Field(
        description="sum of each category's total cost solved alone (null: one has no award)"
    )
    independent_goals_met: bool | None = Field(
        description="the independent awards together meet every portfolio rule"
    )
    joint_cost: float | None = Field(description="the portfolio's total cost")
    cost_of_goals: float | None = Field(
        description="joint_cost - independent_cost (negative when pooling saves more than the "
        "goals cost)"
    )


class PortfolioDocument(_Doc):
    """The JSON result of a portfolio solve."""

    portfolio: str
    status: Status
    objective: float | None = Field(
        description="sum of the categories' objectives, a shared firm's fixed cost once, plus "
        "portfolio soft-rule penalties"
    )
    total_cost: float | None
    categories: list[ResultDocument]
    rules: list[RuleDoc]
    goals: list[GoalDoc]
    suppliers: list[PortfolioSupplierDoc]
    coordination: CoordinationDoc
    verification: VerificationDoc | None = Field(
        None,
        description="the portfolio-level check (shared firms, pooling, portfolio rules) of the "
        "joint award; each category's own verdict is in its result",
    )


class PortfolioResult:
    """A portfolio solve's result: the JSON document plus honest accessors."""

    def __init__(self, document: PortfolioDocument) -> None:
        self.document = document

    @property
    def status(self) -> Status:
        """Why the joint solve stopped."""
        return self.document.status

    @property
    def total_cost(self) -> float:
        """The portfolio's total cost; raises if there is no award."""
        if self.document.total_cost is None:
            raise SolutionUnavailableError(
                f"no total cost: the portfolio solve ended {self.status.value!r} without an award"
            )
        return float(self.document.total_cost)

    @property
    def objective(self) -> float:
        """The portfolio objective; raises if there is no award."""
        if self.document.objective is None:
            raise SolutionUnavailableError(
                f"no objective: the portfolio solve ended {self.status.value!r} without an award"
            )
        return float(self.document.objective)

    def category(self, name: str) -> ResultDocument:
        """One category's result by name."""
        for doc in self.document.categories:
            if doc.scenario == name:
                return doc
        raise KeyError(name)

    def to_dict(self) -> dict[str, Any]:
        """The JSON result contract as plain Python data."""
        return self.document.model_dump(mode="json")

    def to_json(self, indent: int | None = 2) -> str:
        """The JSON result contract as text."""
        return json.dumps(self.to_dict(), indent=indent)

    def __repr__(self) -> str:
        doc = self.document
        obj = f", total_cost={doc.total_cost:.6g}" if doc.total_cost is not None else ""
        return f"PortfolioResult({doc.portfolio}: {doc.status.value}{obj})"
