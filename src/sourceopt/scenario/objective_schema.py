"""The format's objective (docs/format.md, "Objective"): cost with penalties, or a score."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field, model_validator

from sourceopt.scenario.rule_schema import Measure
from sourceopt.scenario.schema_base import Identifier, Magnitude, NonNeg, Positive, Strict


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
