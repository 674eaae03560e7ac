"""Run the conformance catalogue on every installed backend that can solve each case."""

from __future__ import annotations

import copy
from typing import Any

import pandas as pd
import pytest

from sourceopt import load_scenario, solve
from sourceopt.errors import SolutionUnavailableError
from sourceopt.solvers.registry import available_backends, backend_names, get_backend

from .cases import CASES, Case

RESULT_KEYS = (
    "scenario",
    "variant",
    "status",
    "objective",
    "total_cost",
    "cost",
    "allocations",
    "suppliers",
    "kpis",
    "rules",
    "solver",
    "verification",
    "input_sha256",
)
COST_KEYS = ("purchase", "bundles", "fixed", "rebates", "penalties")
UNITS_TOL = 1e-6


def _pairs() -> list[Any]:
    params = []
    installed = set(available_backends())
    for backend in backend_names():
        for c in CASES:
            marks = []
            if backend not in installed:
                marks.append(pytest.mark.skip(reason=f"backend {backend} is not installed"))
            params.append(pytest.param(c, backend, id=f"{c.name}-{backend}", marks=marks))
    return params


def _approx(value: float) -> Any:
    return pytest.approx(value, rel=1e-6, abs=1e-6)


def _units(allocations: pd.DataFrame) -> dict[tuple[str, str], float]:
    """Units per (supplier, item), offers and bundles together, leaving out zeros."""
    if len(allocations) == 0:
        return {}
    sums = allocations.groupby(["supplier", "item"])["units"].sum()
    return {(str(s), str(i)): float(u) for (s, i), u in sums.items() if abs(u) > UNITS_TOL}


def _bundles(allocations: pd.DataFrame) -> frozenset[str]:
    sources = allocations.loc[allocations["units"].abs() > UNITS_TOL, "source"]
    return frozenset(str(s) for s in sources if s != "offer")


def _solve(c: Case, backend: str) -> Any:
    scenario = load_scenario(copy.deepcopy(c.scenario))
    return solve(scenario, backend=backend, variant=c.variant)


@pytest.mark.parametrize(("case", "backend"), _pairs())
def test_case(case: Case, backend: str) -> None:
    caps = get_backend(backend).capabilities
    if not caps.continuous and not case.integral:
        if case.status == "infeasible":  # its integer grid may not prove it: never a false award
            assert str(_solve(case, backend).status) in ("infeasible", "no_solution")
            return
        pytest.skip(f"{backend} is integer-only and the optimum of {case.name} is fractional")
    integer_only = not caps.continuous

    res = _solve(case, backend)
    status = str(res.status)

    doc = res.to_dict()
    missing = [k for k in RESULT_KEYS if k not in doc]
    assert not missing, f"result misses keys {missing}"
    assert doc["status"] == status
    assert doc["variant"] == case.variant

    if case.status != "optimal":
        assert status == case.status
        with pytest.raises(SolutionUnavailableError):
            _ = res.objective
        with pytest.raises(SolutionUnavailableError):
            _ = res.total_cost
        return

    accepted = {"optimal", "feasible"} if integer_only else {"optimal"}
    assert status in accepted, f"{case.name} on {backend}: status {status}"
    assert case.objective is not None
    assert case.total_cost is not None
    assert res.objective == _approx(case.objective)
    assert res.total_cost == _approx(case.total_cost)
    assert doc["objective"] == _approx(case.objective)
    assert doc["total_cost"] == _approx(case.total_cost)
    assert all(k in doc["cost"] for k in COST_KEYS), doc["cost"]
    for key, value in (case.cost or {}).items():
        assert doc["cost"][key] == _approx(value), f"cost.{key}: {doc['cost']}"
    assert res.verification.ok, res.to_dict()["verification"]
    assert doc["verification"]["ok"] is True

    alloc = res.allocations
    assert {"supplier", "item", "units", "unit_price", "spend", "source"} <= set(alloc.columns)
    # spend is units x unit price on every row
    for row in alloc.itertuples():
        assert row.spend == _approx(row.units * row.unit_price)

    if case.tie:
        _check_tie(case, backend, res)
        return
    if case.allocation is not None:
        got = _units(alloc)
        assert set(got) == set(case.allocation), f"awarded pairs {sorted(got)}"
        for key, units in case.allocation.items():
            assert got[key] == _approx(units), f"{key}: {got[key]} != {units}"
    if case.bundles is not None:
        assert _bundles(alloc) == case.bundles


def _check_tie(case: Case, backend: str, res: Any) -> None:
    """Any optimal award: every unit of the demand at the tied price; the same twice."""
    alloc = res.allocations
    demand = sum(i["demand"] for i in case.scenario["items"])
    assert float(alloc["units"].sum()) == _approx(demand)
    used = alloc[alloc["units"].abs() > UNITS_TOL]
    assert set(used["unit_price"].round(9)) == {10.0}
    again = _solve(case, backend)
    assert _units(again.allocations) == pytest.approx(_units(alloc), rel=0, abs=1e-9)
