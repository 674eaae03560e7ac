"""Program edits: labels stay aligned, dropped rules leave nothing behind."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
import scipy.sparse as sp

from sourceopt import AnalysisError, build_program, load_scenario
from sourceopt.analysis import (
    drop_rule,
    fix_columns,
    set_row_bounds,
    with_columns,
    with_row,
    with_rows,
    without_rule,
)
from sourceopt.formulation.program import Program
from sourceopt.solve import solve_options, solve_program

SCENARIO: dict[str, Any] = {
    "sourceopt": 1,
    "name": "edits",
    "items": [{"id": "A", "demand": 100}, {"id": "B", "demand": 40}],
    "suppliers": [{"id": "S1", "min_units": 10}, {"id": "S2", "fixed_cost": 5}, {"id": "S3"}],
    "offers": [
        {"supplier": "S1", "item": "A", "price": 10},
        {"supplier": "S2", "item": "A", "price": 11},
        {"supplier": "S3", "item": "A", "price": 12},
        {"supplier": "S3", "item": "B", "price": 4},
    ],
    "rules": [
        {"type": "max_share", "name": "soft-cap", "limit": 0.5, "soft": {"penalty": 3}},
        {"type": "supplier_count", "name": "three", "min": 3},
        {"type": "max_share", "name": "soft-cap-b", "limit": 0.9, "items": ["B"],
         "soft": {"penalty": 2}},
    ],
}  # fmt: skip


def consistent(p: Program) -> None:
    assert p.A.shape == (len(p.rows), len(p.columns))
    assert len(p.c) == len(p.col_lo) == len(p.col_hi) == len(p.integrality) == p.n_cols
    assert len(p.tie_break) == p.n_cols
    assert len(p.row_lo) == len(p.row_hi) == p.n_rows


def test_drop_rule_removes_rows_slacks_and_renumbers() -> None:
    sc = load_scenario(SCENARIO)
    program = build_program(sc)
    edited = drop_rule(program, "soft-cap", sc)
    consistent(edited)
    assert "soft-cap" not in set(edited.rows["rule"])
    slack = edited.columns[edited.columns["kind"] == "slack"]
    # soft-cap (position 0) had one slack per row; soft-cap-b (position 2) is now position 1
    assert sorted(set(slack["ref"])) == [1]
    # one row (and slack) per (supplier, item) pair with an offer: 4
    assert (program.columns["kind"] == "slack").sum() - len(slack) == 4


def test_drop_rule_prunes_indicators_only_it_used() -> None:
    sc = load_scenario(SCENARIO)
    program = build_program(sc)
    edited = drop_rule(program, "three", sc)
    consistent(edited)
    kind = edited.columns["kind"]
    sup = edited.columns["supplier"][kind == "awarded"]
    # S1 keeps its indicator (min_units), S2 its own (fixed cost); S3's was only the rule's
    assert sorted(sup) == [0, 1]
    floors = edited.rows[edited.rows["family"] == "awarded_floor"]
    assert list(floors["supplier"]) == [0]  # only S1's minimum keeps a floor
    # the edited program solves to the same award as a fresh build without the rule
    smaller = without_rule(sc, "three")
    options = solve_options(sc)
    a = solve_program(smaller, edited, options)
    b = solve_program(smaller, build_program(smaller), options)
    assert a.verification.ok
    assert a.objective == pytest.approx(b.objective)


def test_unknown_rule() -> None:
    sc = load_scenario(SCENARIO)
    with pytest.raises(AnalysisError, match="soft-cap, three, soft-cap-b"):
        drop_rule(build_program(sc), "nope", sc)


def test_add_columns_rows_fix_and_bounds() -> None:
    sc = load_scenario(SCENARIO)
    program = build_program(sc)
    grown, cols = with_columns(program, 2, kind="auxiliary", cost=1.0, hi=5.0)
    consistent(grown)
    assert list(cols) == [program.n_cols, program.n_cols + 1]
    assert list(grown.columns["kind"].iloc[-2:]) == ["auxiliary", "auxiliary"]
    coef = np.zeros(grown.n_cols)
    coef[cols] = 1.0
    one = with_row(grown, coef, lo=1.0, family="epsilon", rule="test")
    consistent(one)
    assert one.rows.iloc[-1]["family"] == "epsilon"
    two = with_rows(one, sp.csr_matrix(np.eye(2, grown.n_cols)), lo=0.0, hi=1.0, family="x")
    consistent(two)
    moved = set_row_bounds(two, np.array([two.n_rows - 1]), 0.5, 0.75)
    assert (moved.row_lo[-1], moved.row_hi[-1]) == (0.5, 0.75)
    assert two.row_lo[-1] == 0.0  # the input is never changed
    fixed = fix_columns(program, np.array([0]), 0.0)
    assert fixed.col_hi[0] == 0.0
    assert program.col_hi[0] > 0.0
    with pytest.raises(ValueError, match="columns"):
        with_rows(program, sp.csr_matrix((1, 3)), lo=0.0, hi=0.0, family="bad")
