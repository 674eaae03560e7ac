"""The relaxation's bound and column choice, on programs whose answers are derived by hand."""

from __future__ import annotations

import numpy as np
import pytest

from sourceopt.solvers.base import SolveOptions, Status
from sourceopt.solvers.highs import HighsBackend
from sourceopt.solvers.relaxation import implied_upper, lagrangian_bound, promising_columns

from .test_backends import INF, make_program


# Two suppliers for one item of demand 4: x at 2 a unit (at most 3), y at 3 a unit; z at 9 a
# unit is never worth it. LP optimum: x = 3, y = 1, cost 9; duals: demand 3, x's capacity -1.
#   min 2x + 3y + 9z   s.t.  x + y + z = 4,  x <= 3 (as a row),  x, y, z >= 0
def _split():
    return make_program(
        c=[2, 3, 9],
        a=[[1, 1, 1], [1, 0, 0]],
        row_lo=[4, -INF],
        row_hi=[4, 3],
        col_lo=[0, 0, 0],
        col_hi=[INF, INF, INF],
        integer=[False, False, False],
    )


def test_implied_upper_from_rows_with_nonnegative_terms() -> None:
    # the demand row bounds every column by 4, the capacity row bounds x by 3
    assert implied_upper(_split()).tolist() == [3, 4, 4]


def test_implied_upper_ignores_rows_with_negative_terms() -> None:
    p = make_program(
        c=[1, 1],
        a=[[1, -1], [2, 0]],
        row_lo=[-INF, -INF],
        row_hi=[1, 6],
        col_lo=[0, 0],
        col_hi=[INF, 5],
        integer=[False, False],
    )
    assert implied_upper(p).tolist() == [3, 5]


def test_bound_of_the_optimal_duals_is_the_optimum() -> None:
    pricing = lagrangian_bound(_split(), _split().c, np.array([3.0, -1.0]))
    assert pricing.reduced.tolist() == [0, 0, 6]
    assert pricing.bound == pytest.approx(9.0)


# by hand, with d = c - A^T y and the implied upper bounds (3, 4, 4):
#   y = (0, 0): 0;  (2, 0): 8;  (5, -4): 20 - 12 - 2 * 4 = 0;
#   (3, 1): the capacity row has no lower side, its dual is dropped: 12 - 1 * 3 = 9;
#   (-7, 2): likewise: -7 * 4 = -28.  All at most the optimum 9.
@pytest.mark.parametrize(
    ("duals", "bound"),
    [((0, 0), 0.0), ((2, 0), 8.0), ((5, -4), 0.0), ((3, 1), 9.0), ((-7, 2), -28.0)],
)
def test_bound_of_any_duals_is_valid(duals, bound) -> None:
    pricing = lagrangian_bound(_split(), _split().c, np.array(duals, dtype=float))
    assert pricing.bound == pytest.approx(bound)


def test_promising_columns_are_the_used_and_the_cheap_ones() -> None:
    p = _split()
    pricing = lagrangian_bound(p, p.c, np.array([3.0, -1.0]))
    x = np.array([3.0, 1.0, 0.0])
    assert promising_columns(p, x, pricing, p.c).tolist() == [0, 1]


# A fixed-cost MIP: demand 10 from A (1 a unit, opening `opening`, up to 20 units) or B (2 a
# unit, nothing to open).  min x_a + 2 x_b + opening z  s.t.  x_a + x_b = 10, x_a - 20 z <= 0
def _fixed_cost(opening: float):
    return make_program(
        c=[1, 2, opening],
        a=[[1, 1, 0], [1, 0, -20]],
        row_lo=[10, -INF],
        row_hi=[10, 0],
        col_lo=[0, 0, 0],
        col_hi=[INF, INF, 1],
        integer=[False, False, True],
    )


def test_warm_start_runs_the_whole_mip_when_the_start_is_not_proven() -> None:
    # opening 15: the relaxation buys all from A at 1 + 15/20 = 1.75 a unit (z = 1/2, bound
    # 17.5) and prices B at 2 - 1.75 = 0.25 > 0: the restricted MIP (x_a, z) finds A alone,
    # 25; the whole MIP must run to find B alone, 20, the optimum
    raw = HighsBackend(warm_start="on").solve(_fixed_cost(15), SolveOptions(mip_gap=1e-6))
    assert raw.status is Status.OPTIMAL
    assert raw.objective == pytest.approx(20.0)
    assert raw.x is not None
    assert raw.x.tolist() == pytest.approx([0, 10, 0])
    assert raw.extra["restricted_columns"] == 2


def test_warm_start_proves_a_start_within_the_gap_without_the_whole_mip() -> None:
    # opening 0: the relaxation's bound 10 is met by A alone in the restricted MIP
    raw = HighsBackend(warm_start="on").solve(_fixed_cost(0), SolveOptions(mip_gap=1e-6))
    assert raw.status is Status.OPTIMAL
    assert raw.objective == pytest.approx(10.0)
    assert raw.x is not None
    assert raw.x.tolist() == pytest.approx([10, 0, 1])
    assert raw.message.startswith("Optimal (start award within the gap")


def test_warm_start_infeasible_relaxation_proves_the_mip_infeasible() -> None:
    # demand 30 but A and B can ship at most 10 each (rows x_a <= 20 z and bounds 10)
    p = make_program(
        c=[1, 2, 15],
        a=[[1, 1, 0], [1, 0, -20]],
        row_lo=[30, -INF],
        row_hi=[30, 0],
        col_lo=[0, 0, 0],
        col_hi=[10, 10, 1],
        integer=[False, False, True],
    )
    raw = HighsBackend(warm_start="on").solve(p, SolveOptions())
    assert raw.status is Status.INFEASIBLE
    assert raw.message == "Infeasible (the LP relaxation is infeasible)"


def test_warm_start_mip_infeasible_only_by_integrality() -> None:
    # 2 z = 1 with z binary: the relaxation (z = 1/2) is feasible, the MIP is not
    p = make_program(c=[1], a=[[2]], row_lo=[1], row_hi=[1], col_lo=[0], col_hi=[1], integer=[True])
    raw = HighsBackend(warm_start="on").solve(p, SolveOptions())
    assert raw.status is Status.INFEASIBLE
    assert "relaxation" not in raw.message
