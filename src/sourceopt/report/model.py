"""The report model: one typed structure, rendered as an Excel workbook and as an HTML page.

It is built only from documents: the result document of the award shown (``solve`` /
``SolveResult.to_dict()``), the result documents of the variants compared, the analyses'
JSON (``rules``, ``compare --diff``, ``frontier``) and the scenario's facts
(:func:`~sourceopt.report.facts.scenario_facts`). Every figure is the documents' own; the
only figures derived here are the per-item ones while a result carries no ``items`` list
(format 1.1), computed exactly as that list defines them (docs/results.md).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from sourceopt.report import sections

Doc = Mapping[str, Any]


@dataclass(frozen=True)
class Summary:
    """Headline of the award shown: status, cost, savings, concentration, verification."""

    scenario: str
    category: str | None
    variant: str
    currency: str
    status: str
    proven_optimal: bool
    gap: float | None
    bound: float | None
    limit: str | None
    backend: str
    solve_seconds: float
    objective: float | None
    total_cost: float | None
    baseline_cost: float | None
    savings: float | None
    savings_pct: float | None
    cost: dict[str, float]
    supplier_count: int | None
    max_supplier_share: float | None
    hhi: float | None
    retained_pct: float | None
    verified: bool | None
    checks: int
    problems: list[str]
    conflict: list[dict[str, str]]
    input_sha256: str = ""
    objective_kind: str = "total_cost"  # format 1.1: "score" (points) or "total_cost" (money)

    @property
    def is_score(self) -> bool:
        """Whether the objective is a score in points (format 1.1), not money."""
        return self.objective_kind == "score"


@dataclass(frozen=True)
class AwardRow:
    """One allocation: supplier, item, units, unit price, spend, source, today's units."""

    supplier: str
    supplier_name: str
    item: str
    units: float
    unit_price: float
    spend: float
    source: str
    current_units: float | None


@dataclass(frozen=True)
class ItemRow:
    """One item (or one bundle, ``item`` None): demand, baseline, cost, savings, suppliers."""

    item: str | None
    bundle: str | None
    demand: float | None
    unit: str | None
    baseline_cost: float | None
    cost: float
    savings: float | None
    savings_pct: float | None
    suppliers: list[str]
    current_units: float | None
    retained_units: float | None

    @property
    def label(self) -> str:
        """The item id, or ``bundle <id>``."""
        return self.item if self.item is not None else f"bundle {self.bundle}"


@dataclass(frozen=True)
class SupplierRow:
    """One supplier: units, spend, share, items won; against today's award when known."""

    supplier: str
    name: str
    units: float
    spend: float
    share_of_spend: float
    items: list[str]
    current_units: float | None
    outcome: str | None  # new, gains, keeps, loses, exits (only with today's award)


@dataclass(frozen=True)
class RuleRow:
    """One rule as measured on the award, with its cost when the rules analysis ran."""

    name: str
    type: str
    origin: str
    soft: bool
    value: float | None
    bound: float | None
    binding: bool
    violation: float
    group: str | None
    objective_without: float | None = None
    rule_cost: float | None = None
    rule_cost_pct: float | None = None
    status_without: str | None = None
    dual: float | None = None
    note: str = ""


@dataclass(frozen=True)
class ScenarioRow:
    """One variant's ``compare`` entry, plus whether its award was verified."""

    variant: str
    status: str
    objective: float | None
    total_cost: float | None
    savings: float | None
    savings_pct: float | None
    supplier_count: int | None
    max_supplier_share: float | None
    hhi: float | None
    group_shares: dict[str, float]
    gap: float | None
    verified: bool | None
    objective_kind: str = "total_cost"


@dataclass(frozen=True)
class Move:
    """One (supplier, item) whose units moved between the two variants of a diff."""

    supplier: str
    item: str
    units_from: float
    units_to: float


@dataclass(frozen=True)
class Changes:
    """``compare --diff A B``: the objective change, its split, and every move."""

    from_variant: str
    to_variant: str
    objective_change: float | None
    price_effect: float | None
    rule_effect: float | None
    moves: list[Move]
    objective_kind: str | None = "total_cost"  # "score", or None when the two differ


@dataclass(frozen=True)
class BidRow:
    """One offer as received, and what it won."""

    supplier: str
    supplier_name: str
    item: str
    price: float
    tiers: list[dict[str, float]]
    capacity: float | None
    min_units: float
    awarded_units: float
    awarded_price: float | None
    adders: float = 0.0  # format 1.1: per unit, in the scenario currency
    fixed_cost: float = 0.0  # format 1.1: the offer's one-off cost if it receives units

    @property
    def winner(self) -> bool:
        """Whether the offer receives units."""
        return self.awarded_units > 0

    @property
    def tiers_text(self) -> str:
        """The tiers as ``from 300: 1019; from 600: 989`` (empty without tiers)."""
        return "; ".join(f"from {t['from']:g}: {t['price']:g}" for t in self.tiers)


@dataclass(frozen=True)
class FrontierPoint:
    """One point of the frontier: bound, measured value, objective, status, knee."""

    bound: float
    value: float | None
    objective: float | None
    status: str
    knee: bool


@dataclass(frozen=True)
class FrontierSection:
    """Cost against a metric (``frontier`` JSON)."""

    metric: str
    points: list[FrontierPoint]


@dataclass(frozen=True)
class Report:
    """Everything a report shows; the workbook and the HTML page render exactly this."""

    summary: Summary
    award: list[AwardRow]
    items: list[ItemRow]
    suppliers: list[SupplierRow]
    rules: list[RuleRow]
    scenarios: list[ScenarioRow]
    bids: list[BidRow]
    changes: Changes | None = None
    frontier: FrontierSection | None = None
    rule_costs: bool = False
    has_current: bool = False
    notes: list[str] = field(default_factory=list)

    @property
    def currency(self) -> str:
        """The scenario's currency (every money figure is in it)."""
        return self.summary.currency

    @property
    def objective_label(self) -> str:
        """The award's objective as a header: ``Score (points)`` or ``Objective (EUR)``."""
        return "Score (points)" if self.summary.is_score else f"Objective ({self.currency})"

    @property
    def objective_cell(self) -> str:
        """How the award's objective figures are shown: ``number`` (points) or ``money``."""
        return "number" if self.summary.is_score else "money"

    @property
    def title(self) -> str:
        """``<scenario> / <variant>``."""
        return f"{self.summary.scenario} / {self.summary.variant}"


def build_report(
    result: Doc,
    *,
    facts: Doc | None = None,
    variants: Sequence[Doc] = (),
    rule_costs: Doc | None = None,
    diff: Doc | None = None,
    frontier: Doc | None = None,
) -> Report:
    """The report of the award in `result` (a result document), with what else was run.

    `variants` are the result documents of the variants side by side (default: `result`
    alone); `facts` the scenario's facts (items, suppliers, offers) of `result`'s variant;
    `rule_costs`, `diff`, `frontier` the JSON of those analyses, when asked for.
    """
    facts = facts or {}
    names = {str(s["id"]): str(s["name"]) for s in facts.get("suppliers", [])}
    has_current = sections.has_current(result, facts)
    return Report(
        summary=Summary(**sections.summary(result, facts)),
        award=[AwardRow(**row) for row in sections.award(result, names, has_current)],
        items=[ItemRow(**row) for row in sections.items(result, facts)],
        suppliers=[SupplierRow(**row) for row in sections.suppliers(result, facts, names)],
        rules=[RuleRow(**row) for row in sections.rules(result, rule_costs)],
        scenarios=[ScenarioRow(**sections.scenario_row(v)) for v in (variants or [result])],
        bids=[BidRow(**row) for row in sections.bids(result, facts, names)],
        changes=None if diff is None else _changes(diff),
        frontier=None if frontier is None else _frontier(frontier),
        rule_costs=rule_costs is not None,
        has_current=has_current,
        notes=sections.notes(result),
    )


def _changes(diff: Doc) -> Changes:
    return Changes(
        from_variant=str(diff["from"]),
        to_variant=str(diff["to"]),
        objective_change=diff["objective_change"],
        price_effect=diff.get("price_effect"),
        rule_effect=diff.get("rule_effect"),
        moves=[
            Move(str(m["supplier"]), str(m["item"]), float(m["units_from"]), float(m["units_to"]))
            for m in diff["moves"]
        ],
        objective_kind=diff.get("objective_kind")
        or (
            "total_cost"
            if diff["objective_change"] is not None or "price_effect" not in diff
            else None
        ),
    )


def _frontier(front: Doc) -> FrontierSection:
    points = [
        FrontierPoint(
            bound=float(p["bound"]),
            value=p["value"],
            objective=p["objective"],
            status=str(p["status"]),
            knee=bool(p["knee"]),
        )
        for p in front["points"]
    ]
    return FrontierSection(metric=str(front["metric"]), points=points)
