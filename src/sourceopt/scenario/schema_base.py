"""The format's shared value types and the strict base model (docs/format.md)."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

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
