"""The scenario file format (docs/format.md, version 1) as pydantic types.

These types are the single definition of the format: the loader validates with them, the
columnar table checks derive their column specs from the record types, and the JSON Schema
(and later the service's OpenAPI schema) is generated from :class:`ScenarioDocument`.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

MAX_MAGNITUDE = 1e12
"""The largest magnitude of any number in a scenario (quantities, prices, capacities, bounds,
penalties, attributes): beyond it a solver's tolerances (1e-6 to 1e-9, relative) can no
longer tell a unit from rounding, and products of two such numbers overflow what a solver
treats as finite (1e20 for HiGHS)."""
NonNeg = Annotated[float, Field(ge=0, le=MAX_MAGNITUDE)]
Positive = Annotated[float, Field(gt=0, le=MAX_MAGNITUDE)]
Magnitude = Annotated[float, Field(ge=-MAX_MAGNITUDE, le=MAX_MAGNITUDE)]
Share = Annotated[float, Field(ge=0, le=1)]
Identifier = Annotated[str, Field(min_length=1, max_length=200)]
ScenarioName = Annotated[str, Field(pattern=r"^[A-Za-z0-9._-]+$", min_length=1, max_length=200)]
CurrencyCode = Annotated[str, Field(pattern=r"^[A-Z]{3}$")]
TierType = Literal["all_units", "incremental"]


class Strict(BaseModel):
    """Base of every format type: unknown keys are errors, values are not coerced from text."""

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True, allow_inf_nan=False)


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


# --- selectors ----------------------------------------------------------------------------

Comparison = Literal["gt", "ge", "lt", "le", "eq"]


class SelectorFilter(Strict):
    """A filter: every given entry must hold (tags: has any of them; not: the inner map fails).

    Which entries apply to suppliers and which to items is ``FILTER_KEYS`` in
    scenario/selectors.py; ``id``, item ``tags``/``attribute`` and ``not`` are format 1.1.
    """

    tags: list[str] | None = None
    country: list[str] | None = None
    region: list[str] | None = None
    group: list[str] | None = None
    attribute: dict[str, dict[Comparison, Magnitude]] | None = None
    id: list[Identifier] | None = Field(None, description="the record's id is one of them")
    not_: SelectorFilter | None = Field(
        None, alias="not", description="holds when this inner filter map does not hold"
    )


Selector = Literal["all"] | list[Identifier] | SelectorFilter


# --- rules --------------------------------------------------------------------------------


class Soft(Strict):
    """Makes a rule soft: it may be violated at `penalty` per unit of violation."""

    penalty: NonNeg


class RuleBase(Strict):
    """Keys shared by every rule."""

    name: Annotated[str, Field(min_length=1, max_length=200)] | None = None
    soft: Soft | None = None
    priority: int = 0


Per = Literal["item", "category"]
Measure = Literal["volume", "spend"]


def _need_a_bound(rule: Any, *keys: str) -> None:
    if all(getattr(rule, k) is None for k in keys):
        raise ValueError(f"give at least one of {', '.join(keys)}")


class MaxShareRule(RuleBase):
    """No selected supplier gets more than `limit` of the volume (or spend)."""

    type: Literal["max_share"]
    limit: Share
    suppliers: Selector = "all"
    items: Selector = "all"
    per: Per = "item"
    measure: Measure = "volume"


class SupplierCountRule(RuleBase):
    """Number of awarded suppliers among the selected, per item or over the items together."""

    type: Literal["supplier_count"]
    min: Annotated[int, Field(ge=0)] | None = None
    max: Annotated[int, Field(ge=0)] | None = None
    suppliers: Selector = "all"
    items: Selector = "all"
    per: Per = "category"

    @model_validator(mode="after")
    def _bounds(self) -> SupplierCountRule:
        _need_a_bound(self, "min", "max")
        if self.min is not None and self.max is not None and self.min > self.max:
            raise ValueError(f"min ({self.min}) is greater than max ({self.max})")
        return self


EachField = Literal["country", "region", "tag"]


class GroupShareRule(RuleBase):
    """The selected suppliers together get between `min` and `max` of the volume or spend.

    With `each`, the bounds apply to every distinct value of that supplier field separately
    (an added key; see models/README.md, section 6.3).
    """

    type: Literal["group_share"]
    min: Share | None = None
    max: Share | None = None
    suppliers: Selector = "all"
    items: Selector = "all"
    per: Per = "category"
    measure: Measure = "volume"
    each: EachField | None = Field(
        None,
        description=(
            "apply `min`/`max` to each distinct value of this supplier field separately, "
            "among the selected suppliers: `country`, `region`, or `tag` (each tag; a supplier "
            "with several tags counts in each of their groups). Suppliers without a value form "
            "no group and are not limited; with `min`, every value present must reach it"
        ),
    )

    @model_validator(mode="after")
    def _bounds(self) -> GroupShareRule:
        _need_a_bound(self, "min", "max")
        if self.min is not None and self.max is not None and self.min > self.max:
            raise ValueError(f"min ({self.min}) is greater than max ({self.max})")
        return self


class ExcludeRule(RuleBase):
    """Selected suppliers get nothing of the selected items."""

    type: Literal["exclude"]
    suppliers: Selector = "all"
    items: Selector = "all"


class AwardRule(RuleBase):
    """A manual lock: `supplier` gets between the bounds of `item`."""

    type: Literal["award"]
    supplier: Identifier
    item: Identifier
    min_units: NonNeg | None = None
    max_units: NonNeg | None = None

    @model_validator(mode="after")
    def _bounds(self) -> AwardRule:
        _need_a_bound(self, "min_units", "max_units")
        lo, hi = self.min_units, self.max_units
        if lo is not None and hi is not None and lo > hi:
            raise ValueError(f"min_units ({lo}) is greater than max_units ({hi})")
        return self


class AverageAttributeRule(RuleBase):
    """The volume- or spend-weighted average of an attribute over the selected award."""

    type: Literal["average_attribute"]
    attribute: Identifier
    min: Magnitude | None = None
    max: Magnitude | None = None
    suppliers: Selector = "all"
    items: Selector = "all"
    per: Per = "category"
    measure: Measure = "volume"

    @model_validator(mode="after")
    def _bounds(self) -> AverageAttributeRule:
        _need_a_bound(self, "min", "max")
        if self.min is not None and self.max is not None and self.min > self.max:
            raise ValueError(f"min ({self.min}) is greater than max ({self.max})")
        return self


class BudgetRule(RuleBase):
    """Total cost at most `max`."""

    type: Literal["budget"]
    max: NonNeg


class MaxItemsPerSupplierRule(RuleBase):
    """Each selected supplier wins at most `max` of the selected items."""

    type: Literal["max_items_per_supplier"]
    max: Annotated[int, Field(ge=0)]
    suppliers: Selector = "all"
    items: Selector = "all"


class BackupCoverageRule(RuleBase):
    """N-1 resilience: the others' unused capacity covers `coverage` of each awardee's volume."""

    type: Literal["backup_coverage"]
    coverage: NonNeg
    suppliers: Selector = "all"
    items: Selector = "all"


class MinAwardShareRule(RuleBase):
    """A selected supplier awarded anything of a scope gets at least `limit` of its measure.

    The scope is each selected item (`per: item`) or the selected items together
    (`per: category`); with `supplier_count` and `max_share` it writes a 70/30 split.
    """

    type: Literal["min_award_share"]
    limit: Share
    suppliers: Selector = "all"
    items: Selector = "all"
    per: Per = "item"
    measure: Measure = "volume"


class TotalRule(RuleBase):
    """The awarded volume (or spend) on the selected items is within `min` and `max`.

    Per selected supplier (`per: supplier`, a `min` then holds for every one of them, awarded
    or not: a commitment) or of the selected suppliers together (`per: all`).
    """

    type: Literal["total"]
    min: NonNeg | None = None
    max: NonNeg | None = None
    suppliers: Selector = "all"
    items: Selector = "all"
    measure: Measure = "volume"
    per: Literal["supplier", "all"] = "supplier"

    @model_validator(mode="after")
    def _bounds(self) -> TotalRule:
        _need_a_bound(self, "min", "max")
        if self.min is not None and self.max is not None and self.min > self.max:
            raise ValueError(f"min ({self.min}) is greater than max ({self.max})")
        return self


Rule = Annotated[
    MaxShareRule
    | SupplierCountRule
    | GroupShareRule
    | ExcludeRule
    | AwardRule
    | AverageAttributeRule
    | BudgetRule
    | MaxItemsPerSupplierRule
    | BackupCoverageRule
    | MinAwardShareRule
    | TotalRule,
    Field(discriminator="type"),
]

RULE_TYPES: tuple[str, ...] = (
    "max_share",
    "supplier_count",
    "group_share",
    "exclude",
    "award",
    "average_attribute",
    "budget",
    "max_items_per_supplier",
    "backup_coverage",
    "min_award_share",
    "total",
)


# --- objective, variants, solver ----------------------------------------------------------


class Penalty(Strict):
    """Adds weight x attribute x (spend or units) of the award to the objective."""

    attribute: Identifier
    per: Measure = "spend"
    weight: Magnitude = 1.0

    @model_validator(mode="before")
    @classmethod
    def _units_alias(cls, data: Any) -> Any:
        if isinstance(data, dict) and data.get("per") == "units":
            return {**data, "per": "volume"}
        return data


class Criterion(Strict):
    """A quality criterion of a score objective: ``weight`` x offer attribute / ``max``."""

    attribute: Identifier
    weight: NonNeg
    max: Positive = Field(description="the attribute value that earns the full weight")


class Objective(Strict):
    """What is optimised: total cost plus the penalties (minimised), or a score (maximised).

    With ``maximize: score`` (format 1.1) each offer's score is ``price_weight`` x (lowest
    landed unit cost among the item's offers in force / the offer's) + the criteria's weight x
    attribute / max; the award maximises the volume-weighted score, ties broken by lower cost.
    """

    minimize: Literal["total_cost"] = "total_cost"
    penalties: list[Penalty] = Field(default_factory=list)
    maximize: Literal["score"] | None = Field(
        None, description="'score': maximise the best price-quality ratio (format 1.1)"
    )
    price_weight: NonNeg | None = Field(
        None, description="score points of the lowest price (score objective only)"
    )
    criteria: list[Criterion] = Field(
        default_factory=list, description="quality criteria (score objective only)"
    )

    @model_validator(mode="after")
    def _one_sense(self) -> Objective:
        if self.maximize is None:
            if self.price_weight is not None or self.criteria:
                raise ValueError(
                    "price_weight and criteria belong to a score objective: "
                    "add 'maximize: score' (or remove them)"
                )
            return self
        if "minimize" in self.model_fields_set:
            raise ValueError("give either 'minimize: total_cost' or 'maximize: score', not both")
        if self.penalties:
            raise ValueError(
                "penalties cannot be combined with 'maximize: score' (a score is not money): "
                "remove the penalties, or express the attribute as a criterion"
            )
        if self.price_weight is None:
            raise ValueError("a score objective needs 'price_weight' (e.g. price_weight: 60)")
        return self

    @property
    def is_score(self) -> bool:
        """Whether the objective maximises a score (format 1.1) instead of minimising cost."""
        return self.maximize == "score"


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
