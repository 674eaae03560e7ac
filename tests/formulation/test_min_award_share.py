"""min_award_share's rows: the spend big-M and the rows a volume rule adds (hand-derived)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from sourceopt import build_program, load_scenario
from sourceopt.formulation.blocks import ProgramBuilder
from sourceopt.formulation.core import build_core
from sourceopt.formulation.rules.min_award_share import item_spend_bound


def _scenario(rules: list[dict[str, Any]]) -> dict[str, Any]:
    """X (10): A @5, B @7 with tiers from 4 @6; Y (10): A @5, C @20 (capacity 3)."""
    return {
        "sourceopt": 1,
        "name": "mas-rows",
        "items": [{"id": "X", "demand": 10}, {"id": "Y", "demand": 10}],
        "suppliers": [{"id": "A"}, {"id": "B"}, {"id": "C"}],
        "offers": [
            {"supplier": "A", "item": "X", "price": 5},
            {"supplier": "B", "item": "X", "price": 7, "tiers": [{"from": 4, "price": 6}]},
            {"supplier": "A", "item": "Y", "price": 5},
            {"supplier": "C", "item": "Y", "price": 20, "capacity": 3},
        ],
        "rules": rules,
    }


def test_item_spend_bound_is_demand_times_the_dearest_price() -> None:
    # X: demand 10 x dearest 7 = 70. Y: 10 x 20 = 200, not the 10 x 5 + 3 x 20 = 110 of the
    # column bounds: C's capacity may be lifted by an analysis, the demand holds.
    sc = load_scenario(_scenario([]))
    ctx = build_core(sc, ProgramBuilder(scenario=sc.name))
    assert item_spend_bound(ctx) == pytest.approx([70.0, 200.0])


def test_volume_rows_are_one_per_selected_pair_and_a_zero_limit_adds_nothing() -> None:
    # per item: pairs A-X, B-X, A-Y, C-Y (4 rows); per category: suppliers A, B, C (3 rows)
    for per, rows in (("item", 4), ("category", 3)):
        program = build_program(
            load_scenario(_scenario([{"type": "min_award_share", "limit": 0.3, "per": per}]))
        )
        mine = program.rule_rows("min_award_share-1", measured=True)
        assert len(mine) == rows
        assert np.all(program.row_lo[mine] == 0.0)
    bare = build_program(load_scenario(_scenario([])))
    zero = build_program(load_scenario(_scenario([{"type": "min_award_share", "limit": 0}])))
    assert (zero.n_rows, zero.n_cols) == (bare.n_rows, bare.n_cols)
