"""The result contract (docs/results.md) as pydantic types, and its Python face.

:class:`ResultDocument` is the JSON every shell prints; :class:`SolveResult` wraps it with
pandas views (``allocations``, ``suppliers``) and refuses to give an objective when there is
no award.
"""

from __future__ import annotations

import json
from typing import Any, Literal

import numpy as np
import pandas as pd
from pydantic import BaseModel, ConfigDict, Field

from sourceopt.errors import SolutionUnavailableError
from sourceopt.solvers.base import RawResult, Status


class _Doc(BaseModel):
    model_config = ConfigDict(extra="forbid")


class CostDoc(_Doc):
    """Cost breakdown; total cost = purchase + bundles + adders + fixed - rebates."""

    purchase: float
    bundles: float
    fixed: float = Field(description="supplier fixed costs and offer fixed costs (format 1.1)")
    rebates: float
    penalties: float
    adders: float = Field(
        0.0, description="units x adders (freight, duty, ...) over every offer (format 1.1)"
    )
    adders_by_name: dict[str, float] = Field(
        default_factory=dict, description="the adders' total per adder name (format 1.1)"
    )


class AllocationDoc(_Doc):
    """Units of one item awarded to one supplier through an offer or a bundle."""

    supplier: str
    item: str
    units: float
    unit_price: float
    spend: float
    source: str  # "offer" or the bundle id
    offer: str | None = Field(
        None,
        description="the offer's id (format 1.1: names which alternate offer is used); null "
        "for an offer without id and for a bundle line",
    )
    current_units: float = Field(
        0.0,
        description="units this supplier supplies of this item today (the item's current; "
        "0 where none); a bundle line shows the same figure as the supplier's offer line",
    )


class ItemDoc(_Doc):
    """One item's figures (format 1.1), or one accepted bundle's (``item`` null).

    ``cost`` is the item's offer units at landed unit cost (fixed costs excluded; a bundle's:
    its price); ``baseline_cost`` = baseline_price x the units bought through offers.
    """

    item: str | None
    bundle: str | None = Field(
        None, exclude_if=lambda value: value is None, description="a bundle entry: its id"
    )
    demand: float | None = Field(description="the item's demand (null for a bundle)")
    baseline_cost: float | None = Field(
        description="baseline_price x units bought through offers (null without a baseline "
        "price, and for a bundle)"
    )
    cost: float = Field(description="offer units x landed unit cost; a bundle's price")
    savings: float | None = Field(description="baseline_cost - cost (null without a baseline)")
    savings_pct: float | None = Field(
        description="a percentage: 100 x savings / baseline_cost (null when that is 0 or null)"
    )
    suppliers: list[str] = Field(description="ids of the suppliers awarded units of the item")
    current_units: float | None = Field(
        description="units supplied today over all suppliers (0 without current; null for a bundle)"
    )
    retained_units: float | None = Field(
        description="sum over suppliers of min(today's units, units awarded incl. bundle "
        "units) (null for a bundle)"
    )


class SupplierDoc(_Doc):
    """What one awarded supplier receives."""

    supplier: str
    units: float
    spend: float
    share_of_spend: float = Field(description="a fraction of the award's spend")
    items: list[str]


class KpiDoc(_Doc):
    """Headline figures of the award (HHI on spend shares, 0-10,000).

    Shares are fractions of spend (what the suppliers are paid, before rebates; fixed costs
    are not spend); ``savings_pct`` is a percentage.
    """

    baseline_cost: float | None = Field(
        description="demand x baseline_price over the items that have one (null if none)"
    )
    savings: float | None = Field(
        description="baseline_cost - total_cost when every item has a baseline price, else "
        "baseline_cost - the spend on the items that have one"
    )
    savings_pct: float | None = Field(
        description="a percentage: 100 x savings / baseline_cost (null when that is 0)"
    )
    supplier_count: int = Field(description="suppliers awarded anything")
    hhi: float = Field(description="sum of squared spend shares in percent, 0-10,000")
    max_supplier_share: float = Field(description="the largest share of spend, a fraction")
    group_shares: dict[str, float] = Field(
        description="share of spend (a fraction) per supplier tag (tag:<t>) and country "
        "(country:<c>)"
    )
    retained_pct: float | None = Field(
        None,
        description="a percentage: 100 x sum of retained units / sum of today's units (null "
        "when no item has current)",
    )


class RuleDoc(_Doc):
    """One rule as measured on the award by the verifier.

    ``value`` is the worst row's (closest to or furthest past its bound). ``group`` (an added
    key) names, for a group_share rule with ``each``, the group that row is about (e.g.
    ``CN``); it is null for every other rule.
    """

    name: str
    type: str
    origin: str
    soft: bool
    value: float | None
    bound: float | None
    binding: bool
    violation: float
    group: str | None = None


class SolverDoc(_Doc):
    """What the solver reported (bound is valid for the true objective)."""

    backend: str
    version: str
    time_s: float
    gap: float | None
    bound: float | None
    seed: int
    limit: str | None = None
    message: str = ""

    @classmethod
    def of(cls, raw: RawResult, seed: int = 0) -> SolverDoc:
        """A backend run's figures before any award is read: no gap or bound yet."""
        return cls(
            backend=raw.backend,
            version=raw.version,
            time_s=raw.time_s,
            gap=None,
            bound=None,
            seed=seed,
            limit=raw.limit,
            message=raw.message,
        )


class VerificationDoc(_Doc):
    """The independent verifier's verdict."""

    ok: bool
    max_violation: float
    checked: list[str]
    problems: list[str]


class ConflictDoc(_Doc):
    """One member of a minimal conflict: a rule name, ``capacity:<supplier>`` or ``demand:<item>``.

    The same members, in the same order, as ``sourceopt explain`` names.
    """

    rule: str
    message: str


class ResultDocument(_Doc):
    """The JSON result of a solve.

    ``conflict`` is present only when the status is ``infeasible``: a minimal set of rules and
    data that cannot hold together (an empty list when no rule or datum is to blame: the
    offers' own structure admits no award). It is absent for every other status, and when a
    solve was asked not to diagnose (``solve(..., diagnose=False)``).
    """

    scenario: str
    variant: str
    status: Status
    objective: float | None
    objective_kind: Literal["total_cost", "score"] = Field(
        "total_cost",
        exclude_if=lambda value: value == "total_cost",
        description="format 1.1, present only under a score objective: `score` (then "
        "`objective` is the award's score net of soft-rule penalties in points, maximised); "
        "absent, `objective` is the total cost plus penalties (minimised)",
    )
    total_cost: float | None
    cost: CostDoc | None
    allocations: list[AllocationDoc]
    items: list[ItemDoc] = Field(
        default_factory=list,
        description="one entry per item, then one per accepted bundle (empty without an award)",
    )
    suppliers: list[SupplierDoc]
    kpis: KpiDoc | None
    rules: list[RuleDoc]
    solver: SolverDoc
    verification: VerificationDoc | None
    input_sha256: str
    conflict: list[ConflictDoc] | None = Field(
        None,
        exclude_if=lambda value: value is None,
        description="infeasible only: a minimal conflicting set of rules and data "
        "(capacity:<supplier>, demand:<item>), as `explain` names it",
    )

    @classmethod
    def without_award(
        cls,
        scenario: str,
        variant: str,
        status: Status,
        solver: SolverDoc,
        *,
        objective_kind: Literal["total_cost", "score"] = "total_cost",
        input_sha256: str = "",
    ) -> ResultDocument:
        """A result with no award: every figure empty, only the status and the solver's."""
        return cls(
            scenario=scenario,
            variant=variant,
            status=status,
            objective=None,
            objective_kind=objective_kind,
            total_cost=None,
            cost=None,
            allocations=[],
            suppliers=[],
            kpis=None,
            rules=[],
            solver=solver,
            verification=None,
            input_sha256=input_sha256,
        )


class SolveResult:
    """A solve's result: the JSON document plus pandas views and honest accessors."""

    def __init__(
        self,
        document: ResultDocument,
        duals: np.ndarray | None = None,
        raw: RawResult | None = None,
    ) -> None:
        self.document = document
        self.duals = duals
        """Row duals of the solved program (LPs on a backend that has them; else None)."""
        self.raw = raw
        """The backend's raw result (column values, ...), for analyses; None when not kept."""

    @property
    def status(self) -> Status:
        """Why the solve stopped (optimal, feasible, infeasible, ...)."""
        return self.document.status

    @property
    def has_award(self) -> bool:
        """Whether there is an award (status optimal or feasible)."""
        return self.document.objective is not None

    def _need_award(self, what: str) -> float:
        value = getattr(self.document, what)
        if value is None:
            raise SolutionUnavailableError(
                f"no {what.replace('_', ' ')}: the solve ended {self.status.value!r} without an "
                "award (check .status first)"
            )
        return float(value)

    @property
    def objective(self) -> float:
        """Total cost plus penalties; raises if there is no award."""
        return self._need_award("objective")

    @property
    def total_cost(self) -> float:
        """Purchase + bundles + fixed - rebates; raises if there is no award."""
        return self._need_award("total_cost")

    @property
    def verification(self) -> VerificationDoc:
        """The verifier's verdict; raises if there is no award to verify."""
        if self.document.verification is None:
            raise SolutionUnavailableError(
                f"nothing was verified: the solve ended {self.status.value!r}"
            )
        return self.document.verification

    @property
    def allocations(self) -> pd.DataFrame:
        """One row per (supplier, item, source) with units, unit price and spend."""
        cols = list(AllocationDoc.model_fields)
        frame = pd.DataFrame([a.model_dump() for a in self.document.allocations], columns=cols)
        offer = frame["offer"].astype(object)  # None (not NaN) for a line without an offer id
        frame["offer"] = offer.where(offer.notna(), None)
        return frame

    @property
    def items(self) -> pd.DataFrame:
        """One row per item, then per accepted bundle: cost, savings, today's units kept."""
        cols = list(ItemDoc.model_fields)
        rows = [i.model_dump() for i in self.document.items]
        return pd.DataFrame(rows, columns=cols)

    @property
    def suppliers(self) -> pd.DataFrame:
        """One row per awarded supplier with units, spend, share of spend and items won."""
        cols = list(SupplierDoc.model_fields)
        return pd.DataFrame([s.model_dump() for s in self.document.suppliers], columns=cols)

    @property
    def rules(self) -> pd.DataFrame:
        """One row per rule: value, bound, binding, violation."""
        cols = list(RuleDoc.model_fields)
        return pd.DataFrame([r.model_dump() for r in self.document.rules], columns=cols)

    @property
    def conflict(self) -> pd.DataFrame:
        """Infeasible only: one row per member of a minimal conflict (rule, message)."""
        members = self.document.conflict or []
        return pd.DataFrame([m.model_dump() for m in members], columns=["rule", "message"])

    def to_dict(self) -> dict[str, Any]:
        """The JSON result contract as plain Python data."""
        return self.document.model_dump(mode="json")

    def to_json(self, indent: int | None = 2) -> str:
        """The JSON result contract as text."""
        return json.dumps(self.to_dict(), indent=indent)

    def __repr__(self) -> str:
        obj = f", objective={self.document.objective:.6g}" if self.has_award else ""
        doc = self.document
        return f"SolveResult({doc.scenario}/{doc.variant}: {self.status.value}{obj})"
