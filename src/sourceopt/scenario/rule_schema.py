"""The format's selectors and rule types (docs/format.md, "Selectors" and "Rules")."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import Field, model_validator

from sourceopt.scenario.schema_base import Identifier, Magnitude, NonNeg, Share, Strict

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
