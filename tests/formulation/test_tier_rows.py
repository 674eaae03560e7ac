"""A max_share's tier rows: all-units tiers against the share cap (formulation/tiers.py).

Optima and relaxation bounds are derived by hand in the comments; the solves are real HiGHS.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import highspy
import numpy as np
import pytest

from sourceopt import build_program, load_scenario, solve
from sourceopt.analysis import drop_rule
from sourceopt.analysis.explain import explain
from sourceopt.analysis.groups import conflict_groups
from sourceopt.formulation.program import Program, RowFamily
from sourceopt.formulation.tiers import without_tier_rows
from sourceopt.solvers.highs_model import new_highs, pass_model

# Item A, demand 100, no supplier above 70 % of it. S1 and S2: price 10, 8 from 60 units
# (all-units); S3: price 9. Both tiers cannot be in use (60 + 60 > 100), so one supplier
# takes 70 at 8 and S3 the other 30 at 9: 560 + 270 = 830 (no tier: 70 x 9 + 30 x 10 = 930).
# Without the tier rows the relaxation prices every S1 and S2 unit at 8: 70 + 30 = 800.
TIERS: dict[str, Any] = {
    "sourceopt": 1,
    "name": "tiers",
    "items": [{"id": "A", "demand": 100}],
    "suppliers": [{"id": "S1"}, {"id": "S2"}, {"id": "S3"}],
    "offers": [
        {"supplier": "S1", "item": "A", "price": 10},
        {"supplier": "S2", "item": "A", "price": 10},
        {"supplier": "S3", "item": "A", "price": 9},
    ],
    "tiers": [
        {"supplier": "S1", "item": "A", "from": 60, "price": 8},
        {"supplier": "S2", "item": "A", "from": 60, "price": 8},
    ],
    "rules": [{"type": "max_share", "name": "share-70", "limit": 0.7}],
}


def optimum(program: Program, *, integer: bool = True) -> float:
    """The optimum of `program` (cost without the tie-break), or of its LP relaxation."""
    h = new_highs(highspy)
    h.setOptionValue("output_flag", False)
    h.setOptionValue("threads", 1)
    if not integer:
        program = replace(program, integrality=np.zeros(program.n_cols, dtype=bool))
    pass_model(highspy, h, program, program.c)
    h.run()
    assert h.modelStatusToString(h.getModelStatus()) == "Optimal"
    return float(h.getInfo().objective_function_value)


def rows_of(program: Program, family: RowFamily) -> np.ndarray:
    return np.flatnonzero((program.rows["family"] == family).to_numpy())


def test_the_tier_rows_of_a_share_cap() -> None:
    program = build_program(load_scenario(TIERS))
    share, top = rows_of(program, RowFamily.TIER_SHARE), rows_of(program, RowFamily.TIER_TOP)
    # tier share: per pair, its units + (60 - 30) x each other supplier's tier binary <= 70
    assert len(share) == 3
    assert program.row_hi[share] == pytest.approx([70.0] * 3)
    lifts = program.A[share].data
    assert sorted(np.round(lifts[lifts != 1.0], 9).tolist()) == [30.0] * 4  # S1, S2: 1; S3: 2
    # tier top: a tier segment's units <= 70 x its binary (its own top is the demand, 100)
    assert len(top) == 2
    assert sorted(program.A[top].data.tolist()) == [-70.0, -70.0, 1.0, 1.0]
    assert set(program.rows["rule"].to_numpy()[np.r_[share, top]]) == {"share-70"}


def test_the_tier_rows_raise_the_relaxation_and_keep_the_optimum() -> None:
    program = build_program(load_scenario(TIERS))
    # before: every S1 and S2 unit at 8 (S1 70 with its tier binary at 0.7, S2 30 at 0.3)
    assert optimum(without_tier_rows(program), integer=False) == pytest.approx(800.0, abs=1e-6)
    # after: with a, b the tier units of S1, S2 and Y = y1 + y2 their tier binaries,
    # a + b <= 70 Y (the tops) and a + b <= 140 - 30 Y (the two pairs' share rows), so
    # a + b <= 98 at Y = 1.4; S3 (at most 70 - 30 Y = 28) takes the other 2 at 9:
    # 900 - (a + b) = 802
    assert optimum(program, integer=False) == pytest.approx(802.0, abs=1e-6)
    assert optimum(program) == pytest.approx(830.0, abs=1e-6)
    result = solve(load_scenario(TIERS))
    assert result.document.status == "optimal"
    assert result.document.objective == pytest.approx(830.0, abs=1e-6)


def test_dropping_the_rule_drops_its_tier_rows() -> None:
    # without the cap S1 (or S2) takes all 100 units at 8: 800
    sc = load_scenario(TIERS)
    edited = drop_rule(build_program(sc), "share-70", sc)
    assert not len(rows_of(edited, RowFamily.TIER_SHARE))
    assert not len(rows_of(edited, RowFamily.TIER_TOP))
    assert optimum(edited) == pytest.approx(800.0, abs=1e-6)


@pytest.mark.parametrize(
    "rule",
    [
        {"type": "max_share", "name": "soft", "limit": 0.7, "soft": {"penalty": 5}},
        {"type": "max_share", "name": "spend", "limit": 0.7, "measure": "spend"},
        {"type": "max_share", "name": "whole", "limit": 0.7, "per": "category"},
    ],
)
def test_no_tier_rows_for_other_share_caps(rule: dict[str, Any]) -> None:
    program = build_program(load_scenario({**TIERS, "rules": [rule]}))
    assert not len(rows_of(program, RowFamily.TIER_SHARE))
    assert not len(rows_of(program, RowFamily.TIER_TOP))


# Infeasible: demand 100, two suppliers, neither above 40 %. S2 is 9, or 7 from 70 units.
# The cheapest relaxation exceeds the cap by 20 units in total (S1 60 + S2 40, or 50 + 50),
# then costs the least within that: S1 60 at 8 + S2 40 at 9 = 840, plus the 20 units over the
# cap priced at the highest unit price offered (9): 1020. Had the tier rows stayed while the
# cap was elastic, S1's row (units + (70 - 60) y <= 40) would still hold S1 at 40: another,
# wrong relaxation (measured without the fix: objective 824 instead of 1020).
INFEASIBLE: dict[str, Any] = {
    "sourceopt": 1,
    "name": "tight-share",
    "items": [{"id": "A", "demand": 100}],
    "suppliers": [{"id": "S1"}, {"id": "S2"}],
    "offers": [
        {"supplier": "S1", "item": "A", "price": 8},
        {"supplier": "S2", "item": "A", "price": 9},
    ],
    "tiers": [{"supplier": "S2", "item": "A", "from": 70, "price": 7}],
    "rules": [{"type": "max_share", "name": "share-40", "limit": 0.4}],
}


def test_a_relaxation_frees_the_tier_rows_with_their_rule() -> None:
    sc = load_scenario(INFEASIBLE)
    program = build_program(sc)
    assert len(rows_of(program, RowFamily.TIER_SHARE)) == 1
    grouped = conflict_groups(sc, program)
    assert not len(rows_of(grouped.program, RowFamily.TIER_SHARE))
    assert not len(rows_of(grouped.program, RowFamily.TIER_TOP))
    relaxation = explain(sc).relaxation
    assert relaxation is not None
    assert relaxation.result.document.objective == pytest.approx(1020.0, abs=1e-6)
