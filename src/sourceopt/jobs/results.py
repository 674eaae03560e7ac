"""The result document of every job kind: what ``to_dict()`` of ``solve`` and each analysis is.

``solve`` gives the result contract (:class:`sourceopt.result.ResultDocument`); each analysis'
document is a model here, field for field its ``to_dict()`` (docs/results.md, "Analyses").
Every model forbids unknown keys, so a key an analysis adds without its model fails the job's
validation (:meth:`sourceopt.jobs.kinds.Kind.run`) and ``tests/jobs/test_results.py``: the
document, the OpenAPI schema of the service's job results and the docs stay one contract.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from sourceopt.result import ResultDocument
from sourceopt.solvers.base import Status


class _Doc(BaseModel):
    model_config = ConfigDict(extra="forbid")


class RuleCostDoc(_Doc):
    """One rule priced: the objective without it and the difference (``rules``)."""

    name: str
    type: str
    binding: bool
    objective_without: float | None
    rule_cost: float | None
    rule_cost_pct: float | None
    status_without: Status
    dual: float | None
    note: str
    method: Literal["dual", "skipped", "resolve"] = Field(
        "resolve", description="dual: proven 0 by the LP duals without a re-solve; resolve"
    )
    final: bool = Field(True, description="false: a limit stopped the figure (or it never ran)")


class RulesDocument(_Doc):
    """``rules``: the cost of each rule of one variant."""

    scenario: str
    variant: str
    objective: float | None
    rules: list[RuleCostDoc]


class VariantRowDoc(_Doc):
    """One variant's row of ``compare``."""

    variant: str
    status: Status
    objective: float | None
    total_cost: float | None
    savings: float | None
    savings_pct: float | None
    supplier_count: int | None
    max_supplier_share: float | None
    hhi: float | None
    group_shares: dict[str, float]
    gap: float | None
    objective_kind: Literal["score"] | None = Field(
        None, description="format 1.1: score when the objective is a score (absent: total_cost)"
    )
    final: bool = Field(
        True, description="false: a limit stopped the variant's solve (or it never ran)"
    )


class CompareDocument(_Doc):
    """``compare``: variants side by side."""

    scenario: str
    variants: list[VariantRowDoc]


class FrontierPointDoc(_Doc):
    """One point of a frontier: the bound, the metric's value there, the cost."""

    bound: float | None
    value: float | None
    objective: float | None
    status: Status
    knee: bool
    gap: float | None = Field(
        None, description="a point a limit stopped: its award's relative gap to its bound"
    )
    final: bool = Field(True, description="false: a limit stopped this point's solve")


class FrontierDocument(_Doc):
    """``frontier``: cost against a metric."""

    scenario: str
    metric: str
    points: list[FrontierPointDoc]


class ConflictMemberDoc(_Doc):
    """One member of a minimal conflict: what cannot hold, in words."""

    rule: str
    message: str


class ViolationDoc(_Doc):
    """How far one rule (or datum) is relaxed, and what that is priced at."""

    rule: str
    amount: float
    penalty: float


class RelaxationDoc(_Doc):
    """The cheapest relaxation: its objective, split into cost and penalty, the violations."""

    objective: float
    violations: list[ViolationDoc]
    cost: float
    penalty: float


class ExplainDocument(_Doc):
    """``explain``: a minimal conflict and the cheapest relaxation (or what binds)."""

    scenario: str
    status: Status
    conflict: list[ConflictMemberDoc]
    relaxation: RelaxationDoc | None
    final: bool = Field(
        True,
        description="false: a limit stopped a solve short of its proof (the conflict may not "
        "be minimal, the relaxation not found or not proven the cheapest)",
    )


class OfferToWinDoc(_Doc):
    """One offer's price-to-win (None: no price wins) and what it would win just below it."""

    supplier: str
    item: str
    price: float
    price_to_win: float | None
    units_at_price: float | None
    final: bool = Field(True, description="false: the offer was not priced (its worker failed)")


class PriceToWinDocument(_Doc):
    """``price-to-win``: the price at which each offer would win."""

    scenario: str
    offers: list[OfferToWinDoc]


class SupplierFailureDoc(_Doc):
    """The award without one supplier: the extra cost, what cannot be covered, and why."""

    supplier: str
    objective_without: float | None
    delta: float | None
    uncovered_units: float | None
    status_without: Status
    reason: str = Field(description="without an award: what is uncovered, or what conflicts")
    method: Literal["dual", "skipped", "resolve"] = Field(
        "resolve", description="skipped: not in the award, so its failure costs nothing"
    )
    final: bool = Field(True, description="false: a limit stopped the figure (or it never ran)")
    verified: bool = Field(True, description="the re-solve's award passed the verifier")


class StressDocument(_Doc):
    """``stress``: the award when each awarded supplier fails, worst first."""

    scenario: str
    objective: float | None
    suppliers: list[SupplierFailureDoc]


class RawResultDoc(_Doc):
    """A re-solve's raw result as a worker sends it back (internal: a parallel analysis)."""

    status: Status
    backend: str
    version: str
    time_s: float
    x: list[float] | None
    objective: float | None
    bound: float | None
    gap: float | None
    message: str
    limit: str | None


class RawPointDoc(_Doc):
    """One frontier bound a worker solved, with its raw result (internal)."""

    at: float
    raw: RawResultDoc


class FrontierPointsDocument(_Doc):
    """``frontier-points`` (internal): a worker's share of a frontier's grid, raw."""

    scenario: str
    points: list[RawPointDoc]


class OfferFiguresDoc(OfferToWinDoc):
    """Every figure of one offer priced by a worker (internal)."""

    units_now: float
    method: str
    solves: int


class PricedOffersDocument(_Doc):
    """``price-to-win-offers`` (internal): a worker's share of a price-to-win's offers."""

    scenario: str
    offers: list[OfferFiguresDoc]
    verified: bool


class ExplainProbesDocument(_Doc):
    """``explain-probes`` (internal): each probed set's status (null: the budget was spent)."""

    scenario: str
    statuses: list[Status | None]


__all__ = [
    "CompareDocument",
    "ExplainDocument",
    "FrontierDocument",
    "PriceToWinDocument",
    "ResultDocument",
    "RulesDocument",
    "StressDocument",
]
