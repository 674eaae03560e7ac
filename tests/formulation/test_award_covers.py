"""The award covers: pair links and the capacity cover (valid rows that tighten the relaxation).

Optima and relaxation values are derived by hand in the comments; the solves are real HiGHS.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import highspy
import numpy as np
import pytest

from sourceopt import build_program, load_scenario, solve
from sourceopt.analysis import drop_rule
from sourceopt.formulation.lift import lift_capacities
from sourceopt.formulation.program import Program, RowFamily
from sourceopt.solvers.highs_model import new_highs, pass_model

# S1 is cheap on A (1) and dear on B (9), with a fixed cost of 30; S3 sells both at 5, free.
# Optimum: S1 on A (10 + 30), S3 on B (50) = 90; all from S3 costs 100, S1 on both 130.
PAIRS: dict[str, Any] = {
    "sourceopt": 1,
    "name": "pair-links",
    "items": [{"id": "A", "demand": 10}, {"id": "B", "demand": 10}],
    "suppliers": [{"id": "S1", "fixed_cost": 30}, {"id": "S3"}],
    "offers": [
        {"supplier": "S1", "item": "A", "price": 1},
        {"supplier": "S1", "item": "B", "price": 9},
        {"supplier": "S3", "item": "A", "price": 5},
        {"supplier": "S3", "item": "B", "price": 5},
    ],
    "rules": [{"type": "supplier_count", "name": "at-most-two", "max": 2}],
}

# Three suppliers with a fixed cost of 100 and capacity 12, S4 free with capacity 6;
# demand 10 + 10 = 20. S4 carries at most 6, so the others must carry 14 > 12: two of them
# (one of them and S4 carry at most 18). Optimum: two of S1-S3 carry all 20 units at price 1,
# 20 + 200 = 220 (with S4's 6 units at 2 instead: 14 + 12 + 200 = 226).
COVER: dict[str, Any] = {
    "sourceopt": 1,
    "name": "cover",
    "items": [{"id": "A", "demand": 10}, {"id": "B", "demand": 10}],
    "suppliers": [
        {"id": "S1", "fixed_cost": 100, "capacity": 12},
        {"id": "S2", "fixed_cost": 100, "capacity": 12},
        {"id": "S3", "fixed_cost": 100, "capacity": 12},
        {"id": "S4", "capacity": 6},
    ],
    "offers": [
        {"supplier": s, "item": i, "price": p}
        for s, p in (("S1", 1), ("S2", 1), ("S3", 1), ("S4", 2))
        for i in ("A", "B")
    ],
}


def relaxation(program: Program) -> float:
    """The LP relaxation's optimum of `program` (cost without the tie-break)."""
    h = new_highs(highspy)
    h.setOptionValue("output_flag", False)
    h.setOptionValue("threads", 1)  # HiGHS's one scheduler per process: as every solve sets it
    lp = replace(program, integrality=np.zeros(program.n_cols, dtype=bool))
    pass_model(highspy, h, lp, lp.c)
    h.run()
    assert h.modelStatusToString(h.getModelStatus()) == "Optimal"
    return float(h.getInfo().objective_function_value)


def rows_of(program: Program, family: RowFamily) -> np.ndarray:
    return np.flatnonzero((program.rows["family"] == family).to_numpy())


def test_pair_links_close_the_relaxation_gap_of_a_fixed_cost() -> None:
    program = build_program(load_scenario(PAIRS))
    # S1's link: v_1A + v_1B <= 20 z; its pair links v_1A <= 10 z, v_1B <= 10 z (demand 10).
    links = rows_of(program, RowFamily.AWARDED_PAIR_LINK)
    assert len(links) == 2
    assert sorted(program.A[links].data) == [-10.0, -10.0, 1.0, 1.0]
    # Relaxation with a units to A and b to B through S1 (the rest from S3):
    # a + 9b + 30 z + 5(20 - a - b) with z >= max(a, b) / 10 = 100 - 4a + 4b + 3 max(a, b):
    # 90 at a = 10, b = 0, the optimum itself. With the supplier link alone (z >= (a + b) / 20)
    # it was 100 - 2.5a + 5.5b = 75.
    assert relaxation(program) == pytest.approx(90.0, abs=1e-6)
    result = solve(load_scenario(PAIRS))
    assert result.document.status == "optimal"
    assert result.document.objective == pytest.approx(90.0, abs=1e-6)


def test_the_capacity_cover_needs_what_the_others_cannot_carry() -> None:
    program = build_program(load_scenario(COVER))
    cover = rows_of(program, RowFamily.AWARDED_COVER)
    # 12 z1 + 12 z2 + 12 z3 >= 20 - 6 (S4's reach: its capacity)
    assert len(cover) == 1
    assert program.row_lo[cover[0]] == pytest.approx(14.0)
    assert sorted(program.A[cover].data) == [12.0, 12.0, 12.0]
    # each pair's bound (its demand, 10) is below its supplier's M = min(12, 10 + 10) = 12:
    # two pair links per supplier with a fixed cost
    assert len(rows_of(program, RowFamily.AWARDED_PAIR_LINK)) == 6
    result = solve(load_scenario(COVER))
    assert result.document.status == "optimal"
    assert result.document.objective == pytest.approx(220.0, abs=1e-6)


def test_no_cover_where_the_suppliers_without_a_binary_carry_everything() -> None:
    free = {**COVER, "suppliers": [*COVER["suppliers"][:3], {"id": "S4", "capacity": 20}]}
    program = build_program(load_scenario(free))
    assert len(rows_of(program, RowFamily.AWARDED_COVER)) == 0


def test_lifting_capacities_frees_the_cover() -> None:
    sc = load_scenario(COVER)
    program = build_program(sc)
    cover = rows_of(program, RowFamily.AWARDED_COVER)
    assert len(cover) == 1
    lifted = lift_capacities(sc, program).program
    assert np.isneginf(lifted.row_lo[cover]).all()
    assert np.isposinf(lifted.row_hi[cover]).all()


def test_dropping_a_rule_keeps_the_covers_valid() -> None:
    # the pair links use demands and capacities only: without the supplier_count rule the
    # optimum is still S1 on A and S3 on B, 90 (at most two suppliers did not bind)
    sc = load_scenario(PAIRS)
    edited = drop_rule(build_program(sc), "at-most-two", sc)
    assert len(rows_of(edited, RowFamily.AWARDED_PAIR_LINK)) == 2
    assert relaxation(edited) == pytest.approx(90.0, abs=1e-6)
