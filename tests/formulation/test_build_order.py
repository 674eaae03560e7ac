"""The build order is explicit: indicators are declared up front, rules build where they stand."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from sourceopt import build_program, load_scenario
from sourceopt.errors import SourceoptError
from sourceopt.formulation.blocks import ProgramBuilder
from sourceopt.formulation.core import build_core
from sourceopt.formulation.program import ColumnKind, RowFamily

SCENARIO: dict[str, Any] = {
    "sourceopt": 1,
    "name": "order",
    "items": [{"id": "A", "demand": 100}, {"id": "B", "demand": 40}],
    "suppliers": [{"id": "S1", "fixed_cost": 7}, {"id": "S2"}, {"id": "S3"}],
    "offers": [
        {"supplier": "S1", "item": "A", "price": 10},
        {"supplier": "S2", "item": "A", "price": 11},
        {"supplier": "S3", "item": "B", "price": 4},
        {"supplier": "S2", "item": "B", "price": 5},
    ],
    "rules": [
        {"type": "budget", "name": "money", "max": 5000},
        {"type": "supplier_count", "name": "two", "min": 2, "per": "item"},
        {"type": "max_items_per_supplier", "name": "one-item", "max": 1},
    ],
}


def test_indicators_come_before_every_rule_row() -> None:
    program = build_program(load_scenario(SCENARIO))
    kind = program.columns["kind"].to_numpy()
    awarded = np.flatnonzero(kind == ColumnKind.AWARDED)
    links = np.r_[program.rows_of(RowFamily.AWARDED_LINK), program.rows_of(RowFamily.AWARDED_FLOOR)]
    rule_rows = np.flatnonzero(program.rows["rule"].to_numpy() != "")
    assert len(awarded) == 1 + 4  # S1's fixed cost; one per pair (shared by both rules)
    assert links.max() < rule_rows.min()


def test_a_budget_is_built_where_it_stands_over_every_cost_column() -> None:
    program = build_program(load_scenario(SCENARIO))
    (row,) = program.rule_rows("money")
    assert row == np.flatnonzero(program.rows["rule"].to_numpy() != "").min()  # first rule row
    coefficients = program.A[[row]].toarray().ravel()
    # purchase at each segment's price and S1's fixed cost on its indicator: the true cost
    assert np.array_equal(coefficients, program.c)
    s1 = np.flatnonzero(
        (program.columns["kind"] == ColumnKind.AWARDED).to_numpy()
        & (program.columns["item"].to_numpy() < 0)
    )
    assert coefficients[s1].tolist() == [7.0]


def test_an_undeclared_indicator_is_an_error() -> None:
    scenario = load_scenario(SCENARIO)
    ctx = build_core(scenario, ProgramBuilder(scenario=scenario.name))
    with pytest.raises(SourceoptError, match="not declared"):
        ctx.supplier_indicators(np.array([0, 1]))
