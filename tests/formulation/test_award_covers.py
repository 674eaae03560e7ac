"""The capacity cover: a valid row over the suppliers' binaries (formulation/cover.py).

Optima are derived by hand in the comments; the solves are real HiGHS.
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
    "rules": [{"type": "supplier_count", "name": "at-most-three", "max": 3}],
}


def optimum(program: Program, *, integer: bool = True) -> float:
    """The optimum of `program` (cost without the tie-break), or of its LP relaxation."""
    h = new_highs(highspy)
    h.setOptionValue("output_flag", False)
    h.setOptionValue("threads", 1)  # HiGHS's one scheduler per process: as every solve sets it
    if not integer:
        program = replace(program, integrality=np.zeros(program.n_cols, dtype=bool))
    pass_model(highspy, h, program, program.c)
    h.run()
    assert h.modelStatusToString(h.getModelStatus()) == "Optimal"
    return float(h.getInfo().objective_function_value)


def covers(program: Program) -> np.ndarray:
    return np.flatnonzero((program.rows["family"] == RowFamily.AWARDED_COVER).to_numpy())


def test_the_capacity_cover_needs_what_the_others_cannot_carry() -> None:
    program = build_program(load_scenario(COVER))
    cover = covers(program)
    # 12 z1 + 12 z2 + 12 z3 >= 20 - 6 (S4's reach: its capacity); M = min(12, 10 + 10)
    assert len(cover) == 1
    assert program.row_lo[cover[0]] == pytest.approx(14.0)
    assert sorted(program.A[cover].data) == [12.0, 12.0, 12.0]
    # binaries alone: at least 14 / 12 of a supplier in the relaxation, so the rounded
    # row (z1 + z2 + z3 >= 2) is a cut the solver can derive; the optimum is unchanged
    result = solve(load_scenario(COVER))
    assert result.document.status == "optimal"
    assert result.document.objective == pytest.approx(220.0, abs=1e-6)
    # the relaxation implies the row: 6 units from S4 at 2, 14 at 1 + 100/12 = 142.67
    assert optimum(program, integer=False) == pytest.approx(12 + 14 * (1 + 100 / 12), abs=1e-6)


def test_no_cover_where_the_suppliers_without_a_binary_carry_everything() -> None:
    with_room = {**COVER, "suppliers": [*COVER["suppliers"][:3], {"id": "S4", "capacity": 20}]}
    assert len(covers(build_program(load_scenario(with_room)))) == 0
    assert len(covers(build_program(load_scenario(COVER)))) == 1


def test_lifting_capacities_frees_the_cover() -> None:
    sc = load_scenario(COVER)
    program = build_program(sc)
    cover = covers(program)
    assert len(cover) == 1
    lifted = lift_capacities(sc, program).program
    assert np.isneginf(lifted.row_lo[cover]).all()
    assert np.isposinf(lifted.row_hi[cover]).all()


def test_dropping_a_rule_keeps_the_cover_and_the_optimum() -> None:
    # the cover uses demands and capacities only: without the (slack) count rule the
    # optimum is still two of S1-S3 carrying everything, 220
    sc = load_scenario(COVER)
    edited = drop_rule(build_program(sc), "at-most-three", sc)
    assert len(covers(edited)) == 1
    assert optimum(edited) == pytest.approx(220.0, abs=1e-6)
