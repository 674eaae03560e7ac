"""The scenario file format (docs/format.md, version 1) as pydantic types.

These types are the single definition of the format: the loader validates with them, the
columnar table checks derive their column specs from the record types, and the JSON Schema
(and later the service's OpenAPI schema) is generated from :class:`ScenarioDocument`.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import ConfigDict, Field, model_validator

from sourceopt.scenario.objective_schema import Criterion, Objective, Penalty
from sourceopt.scenario.rule_schema import (
    RULE_TYPES,
    AverageAttributeRule,
    AwardRule,
    BackupCoverageRule,
    BudgetRule,
    Comparison,
    EachField,
    ExcludeRule,
    GroupShareRule,
    MaxItemsPerSupplierRule,
    MaxShareRule,
    Measure,
    MinAwardShareRule,
    Per,
    Rule,
    RuleBase,
    Selector,
    SelectorFilter,
    Soft,
    SupplierCountRule,
    TotalRule,
)
from sourceopt.scenario.schema_base import (
    MAX_MAGNITUDE,
    CurrencyCode,
    Identifier,
    Magnitude,
    NonNeg,
    Positive,
    ScenarioName,
    Share,
    Strict,
    TierType,
)

# re-exported: every type of the format is read from here (defined in schema_base.py,
# rule_schema.py and objective_schema.py, or below)
__all__ = [
    "MAX_MAGNITUDE",
    "RULE_TYPES",
    "AverageAttributeRule",
    "AwardRule",
    "BackupCoverageRule",
    "BudgetRule",
    "Comparison",
    "Criterion",
    "CurrencyCode",
    "EachField",
    "ExcludeRule",
    "GroupShareRule",
    "Identifier",
    "Magnitude",
    "MaxItemsPerSupplierRule",
    "MaxShareRule",
    "Measure",
    "MinAwardShareRule",
    "NonNeg",
    "Objective",
    "Penalty",
    "Per",
    "Positive",
    "Rule",
    "RuleBase",
    "ScenarioName",
    "Selector",
    "SelectorFilter",
    "Share",
    "Soft",
    "Strict",
    "SupplierCountRule",
    "TierType",
    "TotalRule",
]

# --- tables -------------------------------------------------------------------------------


class TableFile(Strict):
    """A table kept in its own file (CSV, Parquet or xlsx), path relative to the scenario."""

    file: Annotated[str, Field(min_length=1)]
    sheet: str | None = Field(
        None,
        description="the sheet of an .xlsx/.xlsm workbook (default: its first sheet); "
        "for .xlsx files only",
    )


class ColumnTable(Strict):
    """A table given inline as columns: ``{columns: {key: [values...]}}``."""

    columns: dict[str, list[Any]]


class Tier(Strict):
    """An all-units volume discount step of an offer."""

    from_: Annotated[float, Field(gt=0, le=MAX_MAGNITUDE, alias="from")] = Field(
        description="units awarded through the offer from which every unit costs `price`"
    )
    price: NonNeg

    model_config = ConfigDict(
        extra="forbid", frozen=True, strict=True, populate_by_name=True, allow_inf_nan=False
    )


class ItemRecord(Strict):
    """What is bought."""

    id: Identifier
    demand: Positive = Field(description="units that must be awarded")
    unit: str | None = None
    baseline_price: NonNeg | None = Field(None, description="today's unit price, for savings")
    group: str | None = Field(None, description="label used by rule scopes")
    tags: list[str] = Field(
        default_factory=list, description="labels item selectors can pick (format 1.1)"
    )
    attributes: dict[str, Magnitude] = Field(
        default_factory=dict, description="map name -> number for item selectors (format 1.1)"
    )
    current: dict[str, NonNeg] = Field(
        default_factory=dict,
        description="today's award: map supplier id -> units it supplies today (format 1.1); "
        "feeds the result only",
    )
    lot_size: Positive | None = Field(
        None,
        description="whole units (format 1.1): every offer allocation of the item is a whole "
        "multiple of it; demand and bundle units must be multiples too",
    )


class SupplierRecord(Strict):
    """Who can supply."""

    id: Identifier
    name: str | None = None
    country: str | None = None
    region: str | None = None
    tags: list[str] = Field(default_factory=list)
    capacity: NonNeg | None = Field(None, description="max units over all its items")
    fixed_cost: NonNeg = Field(0.0, description="incurred once if awarded anything")
    min_units: NonNeg = Field(0.0, description="if awarded anything, at least this many units")
    attributes: dict[str, Magnitude] = Field(default_factory=dict)
    currency: CurrencyCode | None = Field(
        None,
        description="the money of its offers and bundles unless they say otherwise "
        "(default: the scenario's; format 1.1)",
    )


class OfferRecord(Strict):
    """A unit-price offer of one supplier for one item."""

    supplier: Identifier
    item: Identifier
    price: NonNeg = Field(description="unit price below the first tier")
    capacity: NonNeg | None = Field(None, description="max units of this item")
    min_units: NonNeg = Field(0.0, description="if used at all, at least this many units")
    tiers: list[Tier] = Field(default_factory=list)
    attributes: dict[str, Magnitude] = Field(default_factory=dict)
    tier_type: TierType = Field(
        "all_units",
        description="all_units: every unit at the tier reached; incremental: each band of "
        "units at its own tier's price (format 1.1)",
    )
    currency: CurrencyCode | None = Field(
        None, description="the money of its price, tiers, adders and fixed cost (format 1.1)"
    )
    adders: dict[str, NonNeg] = Field(
        default_factory=dict,
        description="map name -> money per unit awarded through the offer (freight, duty): "
        "cost, never spend (format 1.1)",
    )
    fixed_cost: NonNeg = Field(
        0.0, description="one-off cost when the offer receives any units (format 1.1)"
    )
    id: Identifier | None = Field(
        None,
        description="offer id, unique in the scenario (format 1.1); offers of one supplier "
        "for one item with distinct ids are alternates: at most one receives units",
    )
    pack_size: Positive | None = Field(
        None,
        description="whole packs (format 1.1): units through the offer are a whole multiple "
        "of it; replaces the item's lot_size for this offer",
    )


class OfferPair(Strict):
    """Every offer of one supplier for one item (a variant's ``exclude_offers`` entry)."""

    supplier: Identifier
    item: Identifier


class TierRecord(Strict):
    """One row of a top-level tiers table (``tiers: {file: tiers.csv}``)."""

    supplier: Identifier
    item: Identifier
    from_: Annotated[float, Field(gt=0, le=MAX_MAGNITUDE, alias="from")]
    price: NonNeg

    model_config = ConfigDict(
        extra="forbid", frozen=True, strict=True, populate_by_name=True, allow_inf_nan=False
    )


class BundleRecord(Strict):
    """An all-or-nothing package offer."""

    id: Identifier
    supplier: Identifier
    units: dict[str, Positive] = Field(min_length=1, description="item id -> units")
    price: NonNeg = Field(description="total price of the whole package")
    currency: CurrencyCode | None = Field(
        None, description="the money of its price (default: its supplier's; format 1.1)"
    )


class RebateTier(Strict):
    """A threshold (spend, or units in format 1.1) and the percent taken off the spend."""

    from_spend: NonNeg | None = Field(
        None, description="spend (scenario currency) from which `percent` applies"
    )
    from_units: NonNeg | None = Field(
        None, description="awarded units from which `percent` applies (format 1.1)"
    )
    percent: Annotated[float, Field(ge=0, le=100)]

    @model_validator(mode="after")
    def _one_threshold(self) -> RebateTier:
        if (self.from_spend is None) == (self.from_units is None):
            raise ValueError("give exactly one of from_spend, from_units")
        return self


class RebateRecord(Strict):
    """Discounts on a supplier's awarded spend (on the selected items, format 1.1)."""

    supplier: Identifier
    tiers: list[RebateTier] = Field(min_length=1)
    items: Selector | None = Field(
        None,
        description="only offer spend (and units) on these items count, for the threshold and "
        "the discount; bundles count only without it (format 1.1)",
    )

    @model_validator(mode="after")
    def _one_kind(self) -> RebateRecord:
        kinds = {t.from_spend is None for t in self.tiers}
        if len(kinds) > 1:
            raise ValueError(
                "all tiers of one rebate use the same threshold: from_spend or from_units, "
                "not both (write two rebates instead)"
            )
        return self


# --- variants, solver ----------------------------------------------------------


class DemandScale(Strict):
    """A variant's demand factor for the selected items (``scale_demand``)."""

    items: Selector = "all"
    factor: Positive


class PriceScale(Strict):
    """A variant's price factor for the offers of selected suppliers on selected items."""

    suppliers: Selector = "all"
    items: Selector = "all"
    factor: Positive


class Variant(Strict):
    """A what-if variant: the base scenario with these changes."""

    name: ScenarioName
    description: str | None = None
    drop_rules: list[str] = Field(default_factory=list)
    add_rules: list[Rule] = Field(default_factory=list)
    exclude_suppliers: list[Identifier] = Field(default_factory=list)
    demand_scale: Positive = 1.0
    price_scale: dict[str, Positive] = Field(default_factory=dict)
    objective: Objective | None = Field(None, description="replaces the objective (format 1.1)")
    set_demand: dict[str, Positive] = Field(
        default_factory=dict, description="item id -> units (format 1.1)"
    )
    scale_demand: list[DemandScale] = Field(
        default_factory=list, description="demand factors of selected items (format 1.1)"
    )
    scale_prices: list[PriceScale] = Field(
        default_factory=list,
        description="price and tier price factors of selected offers, adders unchanged (1.1)",
    )
    add_offers: list[OfferRecord] = Field(
        default_factory=list,
        description="late or revised bids (format 1.1): without id an offer replaces every "
        "offer of its (supplier, item); with an existing id it replaces that offer; with a "
        "new id it is one more alternate",
    )
    exclude_offers: list[OfferPair | Identifier] = Field(
        default_factory=list,
        description="offers taken out (format 1.1): {supplier, item} (every offer of the "
        "pair) or an offer id",
    )


BackendName = Literal["highs", "cbc", "scip", "cpsat"]  # the solvers registry's names (tested)


class SolverSettings(Strict):
    """Solver options of a scenario (each may be overridden from the command line)."""

    backend: BackendName = "highs"
    time_limit: Positive | None = Field(None, description="seconds")
    mip_gap: Annotated[float, Field(ge=0, le=1)] = 1e-6
    seed: Annotated[int, Field(ge=0)] = 0
    threads: Annotated[int, Field(ge=1, le=256)] = 1


# --- documents ----------------------------------------------------------------------------

Table = TableFile | ColumnTable


class ScenarioHeader(Strict):
    """Every top-level key except the record tables (validated column-wise, see tables.py)."""

    sourceopt: Literal[1]
    name: ScenarioName
    category: str | None = None
    currency: CurrencyCode = "USD"
    exchange_rates: dict[CurrencyCode, Positive] = Field(
        default_factory=dict,
        description="map ISO code -> value of one unit of it in the scenario currency (format 1.1)",
    )
    model: Annotated[str, Field(min_length=1)] | None = None
    bundles: list[BundleRecord] = Field(default_factory=list)
    rebates: list[RebateRecord] = Field(default_factory=list)
    rules: list[Rule] = Field(default_factory=list)
    objective: Objective | None = None
    variants: list[Variant] = Field(default_factory=list)
    solver: SolverSettings = Field(default_factory=SolverSettings)


TABLE_KEYS: tuple[str, ...] = ("items", "suppliers", "offers", "tiers")


class ScenarioDocument(ScenarioHeader):
    """A whole scenario file (for the JSON Schema and the service's OpenAPI)."""

    items: list[ItemRecord] | Table
    suppliers: list[SupplierRecord] | Table
    offers: list[OfferRecord] | Table
    tiers: list[TierRecord] | Table | None = None


class ModelDocument(Strict):
    """A named sourcing model (a file in `models/`): rules and an objective to adopt."""

    sourceopt_model: Literal[1]
    name: ScenarioName
    description: Annotated[str, Field(min_length=1)]
    rules: list[Rule] = Field(default_factory=list)
    objective: Objective | None = None
