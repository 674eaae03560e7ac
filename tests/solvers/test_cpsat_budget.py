"""CP-SAT's default time budget: a run without a time limit ends, and says how it ended.

The case is a 40-offer award MIP (``tests/data/valid/cpsat-slow-award-mip.yaml``) on which
CP-SAT finds good awards quickly but does not finish its search within seconds.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from sourceopt import load_scenario, solve
from sourceopt.result import SolveResult
from sourceopt.solvers import cpsat
from sourceopt.solvers.base import SolveOptions

SLOW = Path(__file__).resolve().parents[1] / "data" / "valid" / "cpsat-slow-award-mip.yaml"


def test_the_default_budget_applies_only_without_a_time_limit() -> None:
    assert cpsat.DEFAULT_TIME_LIMIT == 60.0
    assert cpsat.budgeted(SolveOptions()).time_limit == 60.0
    assert cpsat.budgeted(SolveOptions(time_limit=5.0)).time_limit == 5.0
    params = cpsat.CpSatBackend().params(cpsat.budgeted(SolveOptions()))
    assert params.time_limit.total_seconds() == 60.0


def _check_honest(res: SolveResult, limit: str) -> None:
    """Stopped by `limit`: a real, verified award no better than the optimum, no gap claimed."""
    doc = res.to_dict()
    assert doc["status"] == "feasible", doc["solver"]
    assert doc["solver"]["limit"] == limit
    assert doc["solver"]["gap"] is None  # the grid model's bound proves nothing here
    assert doc["solver"]["bound"] is None
    assert doc["verification"]["ok"], doc["verification"]
    best = solve(load_scenario(SLOW), backend="highs").objective  # proven optimal
    assert doc["objective"] >= best * (1 - 1e-9)


def test_an_explicit_budget_returns_the_best_award_as_feasible() -> None:
    res = solve(load_scenario(SLOW), backend="cpsat", time_limit=0.5)
    assert res.to_dict()["solver"]["time_s"] < 10
    _check_honest(res, "time_limit")


def test_a_run_without_a_time_limit_stops_at_the_default_budget(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(cpsat, "DEFAULT_TIME_LIMIT", 0.5)  # the real default is 60 s
    scenario = load_scenario(SLOW)
    assert scenario.solver.time_limit is None
    res = solve(scenario, backend="cpsat")
    solver = res.to_dict()["solver"]
    assert solver["time_s"] < 10
    assert "default budget of 0.5 s (no time_limit was given)" in solver["message"]
    _check_honest(res, "default_time_limit")
