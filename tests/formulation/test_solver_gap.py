"""The gap the solver is asked for: the requested gap less what the tie-break may use."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from sourceopt import build_program, load_scenario
from sourceopt.formulation.objective import TIE_BREAK
from sourceopt.solution import document
from sourceopt.solve import solve_options, solve_program
from sourceopt.solvers.base import Limit, Status, within_gap

ROOT = Path(__file__).resolve().parents[2]


def scenario(penalty: float = 0.0) -> dict[str, object]:
    """Item A (100 units) from S1 at 10 or S2 at 12 (S2 listed second: perturbed most)."""
    sc: dict[str, object] = {
        "sourceopt": 1,
        "name": "gap",
        "items": [{"id": "A", "demand": 100}],
        "suppliers": [
            {"id": "S1", "attributes": {"risk": 1.0}},
            {"id": "S2", "attributes": {"risk": 0.0}},
        ],
        "offers": [
            {"supplier": "S1", "item": "A", "price": 10},
            {"supplier": "S2", "item": "A", "price": 12},
        ],
    }
    if penalty:
        sc["objective"] = {"penalties": [{"attribute": "risk", "weight": penalty}]}
    return sc


def test_the_solver_gets_the_requested_gap_less_the_tie_break_fraction() -> None:
    program = build_program(load_scenario(scenario()))
    # S2 (rank 1 of 2) carries TIE_BREAK x 12 x 1/2 on a cost of 12: a = TIE_BREAK / 2
    a = TIE_BREAK / 2
    assert program.solver_gap(1e-4) == pytest.approx((1e-4 - a) / (1 + a) * 0.999)
    assert program.solver_gap(1e-4) > 1e-4 / 2
    # a requested gap below twice the fraction keeps the old half
    assert program.solver_gap(1e-7) == pytest.approx(0.5e-7)


def test_a_negative_penalty_keeps_half_the_gap() -> None:
    # a penalty of -2 x risk 1 x spend makes S1 cost 10 - 20 < 0 a unit: no fraction of
    # the objective bounds the tie-break, so the solver gets half the gap as before
    program = build_program(load_scenario(scenario(penalty=-2.0)))
    assert program.solver_gap(1e-4) == pytest.approx(0.5e-4)


def test_a_solve_at_the_wider_solver_gap_is_still_proven_within_the_requested_gap() -> None:
    sc = load_scenario(ROOT / "scenarios" / "laptops.yaml")
    result = solve_program(sc, build_program(sc), solve_options(sc, mip_gap=1e-4))
    assert result.status.value == "optimal"
    assert result.document.solver.gap is not None
    assert result.document.solver.gap <= 1e-4


@pytest.mark.parametrize(
    ("said", "limit", "below", "status", "reported"),
    [
        # a limit stopped the run after the bound was within mip_gap: the proof is complete
        (Status.FEASIBLE, Limit.TIME_LIMIT, 0.5e-4, "optimal", None),
        # ... before: feasible, the limit kept
        (Status.FEASIBLE, Limit.TIME_LIMIT, 2e-4, "feasible", "time_limit"),
        # called optimal with a bound farther than mip_gap: not proven, said so
        (Status.OPTIMAL, None, 2e-4, "feasible", "gap"),
        (Status.OPTIMAL, None, 0.5e-4, "optimal", None),
    ],
)
def test_the_status_is_judged_by_the_gap_to_the_bound_not_by_the_solver_s_word(
    said: Status, limit: Limit | None, below: float, status: str, reported: str | None
) -> None:
    sc = load_scenario(scenario())
    program = build_program(sc)
    raw = solve_program(sc, program, solve_options(sc)).raw
    assert raw is not None
    assert raw.objective is not None  # 100 x 10 = 1,000 from S1
    # the bound `below` x the objective under it (the tie-break allowance is about 1e-7 of it)
    claimed = replace(raw, status=said, limit=limit, bound=raw.objective * (1 - below))
    doc = document(sc, program, claimed, seed=0, mip_gap=1e-4)
    assert doc.status.value == status
    assert doc.solver.limit == reported
    assert doc.objective == pytest.approx(1000.0)
    if said is Status.FEASIBLE and status == "optimal":
        assert "time_limit came after the bound was within mip_gap" in doc.solver.message


# (CP-SAT solves laptops' continuous units on its integer grid: `feasible` by design)
ZERO_GAP_CASES = [(b, "eu-it-lots") for b in ("highs", "cbc", "scip", "cpsat")]
ZERO_GAP_CASES += [(b, "laptops") for b in ("highs", "cbc", "scip")]


@pytest.mark.parametrize(("backend", "name"), ZERO_GAP_CASES)
def test_mip_gap_zero_proves_what_the_backend_proves(backend: str, name: str) -> None:
    # At mip_gap 0 a bound a rounding below the award (SCIP) or CBC's absolute 1e-9 below it
    # was reported `feasible` with limit `gap`: the absolute gap every backend is given proves
    # it as much as an equal bound. On a cost objective (laptops) the bound was also lowered
    # by the tie-break's effect (4e-8 of it here): at mip_gap 0 the tie-break is now dropped.
    sc = load_scenario(ROOT / "scenarios" / f"{name}.yaml")
    result = solve_program(sc, build_program(sc), solve_options(sc, mip_gap=0.0), backend)
    assert result.status.value == "optimal", result.document.solver
    assert result.document.solver.limit is None
    default = solve_program(sc, build_program(sc), solve_options(sc), backend)
    assert result.document.objective == pytest.approx(default.document.objective, rel=1e-9)


@pytest.mark.parametrize(
    ("objective", "bound", "mip_gap", "proven"),
    [
        (454.9090909090909, 454.90909090909093, 0.0, True),  # one rounding (SCIP)
        (454.9090909090909, 454.9090909080909, 0.0, True),  # 1e-9 below (CBC)
        (454.9090909090909, 454.90908, 0.0, False),  # 1.1e-5 below (2.4e-8 relative): not
        (2007743.874304, 2007743.8742999374, 0.0, True),  # 2e-12: the recomputation's noise
        (2007743.874304, 2007743.87, 0.0, False),  # 2e-9 relative: a real gap
        (1000.0, 999.9, 1e-4, True),  # 1e-4 relative
        (1000.0, 999.8, 1e-4, False),
    ],
)
def test_within_gap_takes_the_absolute_gap_the_backends_are_given(
    objective: float, bound: float, mip_gap: float, proven: bool
) -> None:
    assert within_gap(objective, bound, mip_gap) is proven


def test_the_tie_break_is_dropped_only_where_it_would_use_the_whole_gap() -> None:
    program = build_program(load_scenario(scenario()))
    a = TIE_BREAK / 2  # S2, rank 1 of 2, carries TIE_BREAK x 12 x 1/2 on a cost of 12
    assert program.for_gap(1e-6) is program  # 1e-6 > a: the tie-break stays
    assert program.for_gap(a * 1.01) is program
    for gap in (a, 1e-9, 0.0):
        exact = program.for_gap(gap)
        assert not exact.tie_break.any()
        assert exact.tie_break_allowance(1000.0) == 0.0  # the bound is the true objective's
