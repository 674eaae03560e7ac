"""Numbers up to the 1e12 limit solve and verify; beyond it they are refused, with the place."""

from __future__ import annotations

from typing import Any

import pytest

from sourceopt import load_scenario, solve
from sourceopt.errors import ScenarioError
from sourceopt.scenario.schema import MAX_MAGNITUDE


def _scenario(demand: float, price: float, **extra: Any) -> dict[str, Any]:
    return {
        "sourceopt": 1,
        "name": "big",
        "items": [{"id": "A", "demand": demand}],
        "suppliers": [{"id": "S"}],
        "offers": [{"supplier": "S", "item": "A", "price": price}],
        **extra,
    }


def test_at_the_limit_the_award_is_optimal_and_verified() -> None:
    # one supplier takes all 1e12 units at 1e12 each: objective 1e12 x 1e12 = 1e24
    result = solve(load_scenario(_scenario(MAX_MAGNITUDE, MAX_MAGNITUDE))).to_dict()
    assert result["status"] == "optimal"
    assert result["objective"] == pytest.approx(1e24, rel=1e-9)
    assert result["verification"]["ok"]


@pytest.mark.parametrize(("demand", "price"), [(1e200, 1.0), (1.0, 2e12)])
def test_beyond_the_limit_is_refused(demand: float, price: float) -> None:
    with pytest.raises(ScenarioError, match=r"no number in a scenario may exceed 1e\+12"):
        load_scenario(_scenario(demand, price))


def test_a_variant_may_not_scale_past_the_limit() -> None:
    # 1e12 x 1e12 = 1e24 units: past what a solver treats as finite (this used to end in an
    # IndexError while mapping the solver's answer back)
    variants = [{"name": "v", "demand_scale": 1e12, "price_scale": {"S": 2.0}}]
    with pytest.raises(ScenarioError) as caught:
        load_scenario(_scenario(1e12, 1e12, variants=variants))
    assert [p.place for p in caught.value.problems] == [
        "variants[0].demand_scale",
        "variants[0].price_scale.S",
    ]
    assert "to 2e+12" in caught.value.problems[1].message
