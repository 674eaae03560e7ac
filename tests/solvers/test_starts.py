"""MIP starts on CBC, SCIP and CP-SAT (``StartCapable.solve_from``): the start changes the
speed only. A feasible start, an infeasible one and none give the same hand-derived optimum,
and each solver's own log says the start reached it and what it did with it.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import numpy as np
import pytest

from sourceopt.errors import BackendError
from sourceopt.solvers.base import (
    START,
    RawResult,
    SolveOptions,
    StartCapable,
    StartUse,
    Status,
    contradicted,
    solve_again,
    start_values,
)
from sourceopt.solvers.cbc import _start_use
from sourceopt.solvers.registry import available_backends, get_backend

from .test_backends import make_program

STARTS = [b for b in ("cbc", "scip", "cpsat") if b in available_backends()]
OPTIONS = SolveOptions(mip_gap=1e-9)


def fixed_costs(integer_units: bool = False) -> Any:
    """One item (100 units), three suppliers with fixed costs, at most two of them awarded.

    Columns x1, x2, x3 (units), y1, y2, y3 (awarded). S1 @10 up to 60 units, fixed 150;
    S2 @11, fixed 50; S3 @12, fixed 10. Rows: x1 + x2 + x3 = 100, x_s <= cap_s y_s,
    y1 + y2 + y3 <= 2. S1 cannot cover 100 alone. The awards:
    - S2 alone: 1100 + 50 = 1150; S3 alone: 1200 + 10 = 1210;
    - S1 60 with S2 40: 600 + 440 + 150 + 50 = 1240; S1 60 with S3 40: 600 + 480 + 160 = 1240;
    - S2 with S3: S2 is cheaper per unit, so all S2 and S3's 10 for nothing: 1160.
    Optimum 1150 at x = (0, 100, 0), y = (0, 1, 0), unique. (`integer_units`: x integral
    too, for CP-SAT, whose grid would otherwise make it a restriction; the optimum is integral.)
    """
    a = [
        [1, 1, 1, 0, 0, 0],
        [1, 0, 0, -60, 0, 0],
        [0, 1, 0, 0, -100, 0],
        [0, 0, 1, 0, 0, -100],
        [0, 0, 0, 1, 1, 1],
    ]
    lo = [100, -np.inf, -np.inf, -np.inf, -np.inf]
    hi = [100, 0, 0, 0, 2]
    integer = [integer_units] * 3 + [True] * 3
    cost = [10, 11, 12, 150, 50, 10]
    return make_program(cost, a, lo, hi, [0] * 6, [100, 100, 100, 1, 1, 1], integer)


OPTIMUM = 1150.0
BEST = [0, 100, 0, 0, 1, 0]
FEASIBLE = np.array([60.0, 0.0, 40.0, 1.0, 0.0, 1.0])  # S1 with S3: 1240, feasible
OVER_CAP = np.array([100.0, 0.0, 0.0, 1.0, 0.0, 0.0])  # S1 over its 60 units: infeasible
ALL_THREE = np.array([40.0, 30.0, 30.0, 1.0, 1.0, 1.0])  # three suppliers awarded: infeasible


def program_for(backend: str) -> Any:
    return fixed_costs(integer_units=not get_backend(backend).capabilities.continuous)


def objective(program: Any, raw: RawResult) -> float:
    assert raw.x is not None
    return float(program.c @ raw.x + program.offset)


@pytest.mark.parametrize("backend", STARTS)
def test_a_feasible_start_is_used_and_the_optimum_is_the_cold_one(backend: str) -> None:
    engine = get_backend(backend)
    assert isinstance(engine, StartCapable)
    program = program_for(backend)
    cold = engine.solve(program, OPTIONS)
    warm = engine.solve_from(program, OPTIONS, FEASIBLE)
    assert cold.status is Status.OPTIMAL
    assert warm.status is Status.OPTIMAL
    assert objective(program, cold) == pytest.approx(OPTIMUM)
    assert objective(program, warm) == pytest.approx(OPTIMUM)
    np.testing.assert_allclose(warm.x, BEST, atol=1e-6)
    # the solver's own log says it took the start as an incumbent (CBC: "MIPStart provided
    # solution with cost", SCIP: "feasible solution given by solution candidate storage",
    # CP-SAT: "The solution hint is complete and is feasible")
    assert warm.extra[START] == StartUse.USED
    assert "start_fallback" not in warm.extra
    assert START not in cold.extra
    if backend != "cpsat":  # branch-and-bound nodes, for the benchmarks (CBC's log, MathOpt's)
        assert isinstance(warm.extra["nodes"], int)
        assert isinstance(cold.extra["nodes"], int)


@pytest.mark.parametrize(
    "start", [OVER_CAP, ALL_THREE, np.zeros(6)], ids=["over-cap", "all-three", "zeros"]
)
@pytest.mark.parametrize("backend", STARTS)
def test_an_infeasible_start_still_gives_the_optimum(backend: str, start: np.ndarray) -> None:
    # zeros leave the demand row unmet; OVER_CAP breaks x1 <= 60 y1; ALL_THREE awards three.
    # What a solver makes of them is its own affair (CBC repairs OVER_CAP and zeros: it fixes
    # only the start's non-zero integers and completes the rest), the answer must not change.
    engine: Any = get_backend(backend)
    program = program_for(backend)
    raw = engine.solve_from(program, OPTIONS, start)
    assert raw.status is Status.OPTIMAL
    assert objective(program, raw) == pytest.approx(OPTIMUM)
    np.testing.assert_allclose(raw.x, BEST, atol=1e-6)
    assert START in raw.extra


@pytest.mark.skipif("cbc" not in STARTS, reason="CBC (PuLP) is not installed")
def test_a_start_cbc_cannot_use_is_solved_again_without_it() -> None:
    # ALL_THREE: its non-zero integers alone (y1 = y2 = y3 = 1) break y1 + y2 + y3 <= 2, so
    # CBC logs "mipstart values could not be used to build a solution" (and CBC 2.10.5 was
    # seen answering wrongly after that line: coin-or/Cbc#449)
    program = fixed_costs()
    engine: Any = get_backend("cbc")
    raw = engine.solve_from(program, OPTIONS, ALL_THREE)
    assert raw.extra[START] == StartUse.REJECTED
    assert raw.extra["start_fallback"] is True
    assert objective(program, raw) == pytest.approx(OPTIMUM)


def test_cbc_log_lines_are_read_as_what_became_of_the_start() -> None:
    # the lines CBC 2.10 prints (Cbc0045I, from CbcMipStartIO.cpp)
    read = "MIPStart values read for 6 variables.\n"
    used = read + "Cbc0045I MIPStart provided solution with cost 1240"
    bad = read + "Cbc0045I Warning: mipstart values could not be used to build a solution."
    assert _start_use(used) == StartUse.USED
    assert _start_use(bad) == StartUse.REJECTED
    assert _start_use("Cbc0045I Warning: MIPstart solution is not valid, ignoring it.") == (
        StartUse.REJECTED
    )
    assert _start_use("Result - Optimal solution found") == StartUse.NOT_USED


@pytest.mark.parametrize("backend", STARTS)
def test_an_lp_ignores_the_start(backend: str) -> None:
    # the LP relaxation: a unit with its share of the fixed cost costs 10 + 150/60 = 12.5 at
    # S1, 11 + 50/100 = 11.5 at S2, 12 + 10/100 = 12.1 at S3: all S2, y2 = 1: 1150 as well.
    program = replace(program_for(backend), integrality=np.zeros(6, dtype=bool))
    engine: Any = get_backend(backend)
    raw = engine.solve_from(program, OPTIONS, FEASIBLE)
    assert objective(program, raw) == pytest.approx(OPTIMUM)
    assert START not in raw.extra


def test_start_values_round_clip_and_check_the_length() -> None:
    program = fixed_costs()
    values = start_values(program, np.array([-5.0, 150.0, np.inf, 0.9999997, np.nan, 1.6]))
    np.testing.assert_array_equal(values, [0.0, 100.0, 0.0, 1.0, 0.0, 1.0])
    with pytest.raises(BackendError, match="one value per column of the program"):
        start_values(program, np.zeros(3))


def _raw(status: Status, use: StartUse | None, time_s: float = 2.0) -> RawResult:
    extra: dict[str, object] = {} if use is None else {START: use}
    return RawResult(status, "test", "0", time_s, extra=extra)


def test_a_used_start_followed_by_no_award_is_a_contradiction() -> None:
    assert contradicted(_raw(Status.INFEASIBLE, StartUse.USED))
    assert contradicted(_raw(Status.NO_SOLUTION, StartUse.USED))
    assert not contradicted(_raw(Status.INFEASIBLE, StartUse.NOT_USED))
    assert not contradicted(_raw(Status.OPTIMAL, StartUse.USED))
    assert not contradicted(_raw(Status.INFEASIBLE, None))


def test_solving_again_gets_what_is_left_of_the_time_limit() -> None:
    given: list[SolveOptions] = []

    def cold(options: SolveOptions) -> RawResult:
        given.append(options)
        return _raw(Status.OPTIMAL, None, time_s=1.0)

    again = solve_again(_raw(Status.INFEASIBLE, StartUse.USED), SolveOptions(time_limit=5.0), cold)
    assert given[0].time_limit == pytest.approx(3.0)  # 5 s less the 2 s of the first run
    assert again.status is Status.OPTIMAL
    assert again.time_s == pytest.approx(3.0)
    assert again.extra == {START: StartUse.USED, "start_fallback": True}
