"""Sifting (column generation) for the LP relaxation: hand-derived programs and generated ones.

The working set's size is set through the module's constants (``SIFT_PER_ROW``,
``SIFT_COVER``) so that small programs really go through pricing rounds.
"""

from __future__ import annotations

import sys
from pathlib import Path

import highspy
import numpy as np
import pytest

from sourceopt import load_scenario
from sourceopt.formulation.build import build_program
from sourceopt.solvers import highs_sift
from sourceopt.solvers.base import SolveOptions, Status
from sourceopt.solvers.highs import HighsBackend
from sourceopt.solvers.highs_model import new_highs, pass_model
from sourceopt.solvers.highs_sift import first_columns, sifted_relaxation
from sourceopt.solvers.relaxation import implied_upper, lagrangian_bound

from .test_backends import INF, assert_feasible, make_program

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
from benchmarks import generators

QUIET = {"output_flag": False, "threads": 1, "random_seed": 0}


@pytest.fixture
def one_per_row(monkeypatch: pytest.MonkeyPatch) -> None:
    """The first working set: the cheapest column of each covering row only."""
    monkeypatch.setattr(highs_sift, "SIFT_PER_ROW", 1)
    monkeypatch.setattr(highs_sift, "SIFT_COVER", 0.0)
    monkeypatch.setattr(highs_sift, "SIFT_GREEDY", False)


# One item of demand 4: x at 2 a unit (at most 3, as a row), y at 3, z at 9.
#   min 2x + 3y + 9z  s.t.  x + y + z = 4,  x <= 3,  x, y, z >= 0
# LP optimum x = 3, y = 1, cost 9; duals: demand 3, capacity -1 (reduced cost of z: 6).
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


def test_first_working_set_is_the_cheapest_per_covering_row(one_per_row) -> None:
    p = _split()
    assert first_columns(p, p.c, implied_upper(p)).tolist() == [True, False, False]


def test_greedy_filling_adds_what_the_capacity_leaves_to_others(monkeypatch) -> None:
    # demand 4: x (cheapest) fills 3 units, its capacity row x <= 3 is then full; y (next)
    # fills the last unit; z is never reached
    monkeypatch.setattr(highs_sift, "SIFT_PER_ROW", 1)
    monkeypatch.setattr(highs_sift, "SIFT_COVER", 0.0)
    p = _split()
    assert first_columns(p, p.c, implied_upper(p)).tolist() == [True, True, False]


def test_pricing_brings_in_the_columns_the_optimum_needs(one_per_row) -> None:
    # round 1: {x} and the demand row's artificial (cost 10 x 9 = 90): x = 3, 1 unit unmet,
    # 6 + 90 = 96; duals demand 90, capacity -88: y (3 - 90) and z (9 - 90) price out.
    # round 2: x = 3, y = 1, 9, duals (3, -1): z's reduced cost 6 >= 0, the artificial 0.
    p = _split()
    sifted = sifted_relaxation(highspy, p, p.c, QUIET, np.inf)
    assert sifted is not None
    assert sifted.objective == pytest.approx(9.0)
    assert sifted.x.tolist() == pytest.approx([3, 1, 0])
    assert sifted.duals.tolist() == pytest.approx([3, -1])
    assert sifted.extra["sifting_rounds"] == 2
    assert lagrangian_bound(p, p.c, sifted.duals).bound == pytest.approx(9.0)


def test_an_infeasible_working_set_is_repaired_from_its_farkas_proof() -> None:
    # w must be at least 2 (so it is in the first working set) and w - v <= 0; v (5 a unit)
    # is in no covering row, so it is left out, and 0 satisfies the row (no artificial):
    # {w} alone is infeasible. HiGHS's dual ray of that proof prices v in (gain 1 x 10).
    #   min w + 5v  s.t.  w - v <= 0,  2 <= w <= 10,  0 <= v <= 10:  w = v = 2, cost 12
    p = make_program(
        c=[1, 5],
        a=[[1, -1]],
        row_lo=[-INF],
        row_hi=[0],
        col_lo=[2, 0],
        col_hi=[10, 10],
        integer=[False, False],
    )
    sifted = sifted_relaxation(highspy, p, p.c, QUIET, np.inf)
    assert sifted is not None
    assert sifted.objective == pytest.approx(12.0)
    assert sifted.x.tolist() == pytest.approx([2, 2])
    assert sifted.extra["sifting_repairs"] == 1


def test_an_infeasible_program_is_handed_back_unsolved(one_per_row) -> None:
    # demand 30, x and y at most 10 each: the demand row's artificial stays in use at any
    # price, so sifting gives up (the caller decides with the whole program)
    p = make_program(
        c=[1, 2],
        a=[[1, 1]],
        row_lo=[30],
        row_hi=[30],
        col_lo=[0, 0],
        col_hi=[10, 10],
        integer=[False, False],
    )
    assert sifted_relaxation(highspy, p, p.c, QUIET, np.inf) is None
    raw = HighsBackend(warm_start="on", relaxation="sift").solve(
        make_program(
            c=[1, 2, 0],
            a=[[1, 1, 0]],
            row_lo=[30],
            row_hi=[30],
            col_lo=[0, 0, 0],
            col_hi=[10, 10, 1],
            integer=[False, False, True],
        ),
        SolveOptions(),
    )
    assert raw.status is Status.INFEASIBLE


def _lp_optimum(program) -> float:
    """The LP relaxation's optimum by HiGHS on the whole program (dual simplex)."""
    h = new_highs(highspy)
    h.setOptionValue("output_flag", False)
    h.setOptionValue("solve_relaxation", True)
    cost = program.solver_objective()
    pass_model(highspy, h, program, cost)
    h.run()
    assert h.getModelStatus().name == "kOptimal"
    return float(h.getInfo().objective_function_value)


@pytest.mark.parametrize("primal_max", [0, 50, 10**9])  # never, after few columns, always
@pytest.mark.parametrize(("family", "offers"), [("split-lp", 2_000), ("coupa-scale", 5_000)])
def test_sifting_reaches_the_lp_optimum_of_generated_programs(
    family, offers, primal_max, monkeypatch
):
    # two cheapest per covering row: far from the optimum's support, so pricing does the work
    monkeypatch.setattr(highs_sift, "SIFT_PER_ROW", 2)
    monkeypatch.setattr(highs_sift, "SIFT_COVER", 0.0)
    monkeypatch.setattr(highs_sift, "SIFT_GREEDY", False)
    monkeypatch.setattr(highs_sift, "SIFT_PRIMAL_MAX", primal_max)
    program = build_program(load_scenario(generators.scenario_dict(family, offers)))
    cost = program.solver_objective()
    working = highs_sift.WorkingLP(highspy, program, cost, QUIET)
    used: list[int] = []  # the simplex strategy of each round's run
    sifted = working.sift(
        program, np.inf, lambda *_: used.append(working.h.getOptionValue("simplex_strategy")[1])
    )
    assert sifted is not None
    assert sifted.extra["sifting_rounds"] > 1
    assert (highs_sift.PRIMAL in used) == (primal_max > 0)  # rounds after pricing: primal
    assert used[0] == 1  # the first run the instance's own (HiGHS's default: the dual simplex)
    assert working.h.getOptionValue("simplex_strategy")[1] == 1  # and left so
    act = program.A @ sifted.x  # the point, 0 outside the working set, is the whole LP's
    scale = 1e-6 * np.maximum(1.0, np.abs(act))
    assert np.all(act >= program.row_lo - scale)
    assert np.all(act <= program.row_hi + scale)
    whole = _lp_optimum(program)
    assert sifted.objective == pytest.approx(whole, rel=1e-7)
    bound = lagrangian_bound(program, cost, sifted.duals).bound
    assert bound <= whole + 1e-6 * abs(whole)
    assert bound == pytest.approx(whole, rel=1e-7)


@pytest.mark.parametrize("greedy", [False, True])
def test_sift_warm_start_gives_the_objective_of_the_default_path(greedy, monkeypatch) -> None:
    monkeypatch.setattr(highs_sift, "SIFT_PER_ROW", 2)
    monkeypatch.setattr(highs_sift, "SIFT_COVER", 0.0)
    monkeypatch.setattr(highs_sift, "SIFT_GREEDY", greedy)
    program = build_program(load_scenario(generators.scenario_dict("coupa-scale", 5_000)))
    options = SolveOptions(mip_gap=1e-6)
    sift = HighsBackend(warm_start="on", relaxation="sift").solve(program, options)
    default = HighsBackend(warm_start="on").solve(program, options)
    assert sift.status is Status.OPTIMAL
    assert default.status is Status.OPTIMAL
    assert sift.extra["sifting"] == "solved"
    assert sift.objective == pytest.approx(default.objective, rel=1e-6)
    assert sift.x is not None
    assert_feasible(program, sift.x)


def test_unknown_relaxation_method_is_refused() -> None:
    with pytest.raises(ValueError, match="relaxation must be one of"):
        HighsBackend(relaxation="pdlp")


def test_sifting_gives_up_when_most_columns_are_needed(one_per_row, monkeypatch) -> None:
    # _split: the first set {x} (1 of 3 columns), round 1 prices y and z in: 3 > 0.5 x 3
    monkeypatch.setattr(highs_sift, "SIFT_ANY_SIZE", 0)
    p = _split()
    assert sifted_relaxation(highspy, p, p.c, QUIET, np.inf) is None


def test_the_warm_start_falls_back_to_the_whole_relaxation(one_per_row, monkeypatch) -> None:
    # demand 10 from A (1 a unit, opening 15 for up to 20 units) or B (1.5 a unit). Round 1
    # over {x_a, z} (x_a the cheapest): x_a = 10, z = 1/2, 17.5, demand's dual 1.75 prices B
    # in (1.5 - 1.75 < 0), and 3 columns > 0 x 3: sifting gives up. The whole relaxation
    # buys from B (15) and so does the MIP: B alone 15 (A alone costs 10 + 15 = 25)
    monkeypatch.setattr(highs_sift, "SIFT_ANY_SIZE", 0)
    monkeypatch.setattr(highs_sift, "SIFT_MAX_SHARE", 0.0)
    p = make_program(
        c=[1, 1.5, 15],
        a=[[1, 1, 0], [1, 0, -20]],
        row_lo=[10, -INF],
        row_hi=[10, 0],
        col_lo=[0, 0, 0],
        col_hi=[INF, INF, 1],
        integer=[False, False, True],
    )
    raw = HighsBackend(warm_start="on", relaxation="sift").solve(p, SolveOptions(mip_gap=1e-6))
    assert raw.extra["sifting"] == "gave up"
    assert raw.status is Status.OPTIMAL
    assert raw.objective == pytest.approx(15.0)
