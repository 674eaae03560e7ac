"""The service: `conflict` in infeasible job results and /v1/solve; KPIs as in the library."""

from __future__ import annotations

from typing import Any

from sourceopt import load_scenario, solve

from .conftest import Server, wait_for


def short_capacity() -> dict[str, Any]:
    """X needs 100 units; a holds 60 and b 30: at most 90 can be bought.

    Each of the three is needed (no demand row: buy nothing; no capacity of a or b: that one
    takes all 100), so the only minimal conflict is {capacity:a, capacity:b, demand:X}.
    """
    return {
        "sourceopt": 1,
        "name": "short-capacity",
        "items": [{"id": "X", "demand": 100}],
        "suppliers": [{"id": "a", "capacity": 60}, {"id": "b", "capacity": 30}],
        "offers": [
            {"supplier": "a", "item": "X", "price": 10},
            {"supplier": "b", "item": "X", "price": 12},
        ],
    }


EXPECTED = ["capacity:a", "capacity:b", "demand:X"]


def test_a_solve_job_result_carries_the_conflict(server: Server) -> None:
    with server.client() as client:
        answer = client.post("/v1/jobs", json={"scenario": short_capacity(), "kind": "solve"})
        assert answer.status_code == 202, answer.text
        done = wait_for(client, answer.json()["id"])
    assert done["status"] == "succeeded", done
    result: dict[str, Any] = done["result"]  # type: ignore[assignment]
    assert result["status"] == "infeasible"
    assert [m["rule"] for m in result["conflict"]] == EXPECTED
    local = solve(load_scenario(short_capacity())).to_dict()
    assert result["conflict"] == local["conflict"]


def test_sync_solve_answers_with_the_conflict_and_only_when_infeasible(server: Server) -> None:
    with server.client() as client:
        answer = client.post("/v1/solve", json={"scenario": short_capacity()})
        assert answer.status_code == 200, answer.text
        assert [m["rule"] for m in answer.json()["conflict"]] == EXPECTED
        feasible = short_capacity()
        feasible["suppliers"][1]["capacity"] = 40  # 60 + 40 = 100: exactly enough
        answer = client.post("/v1/solve", json={"scenario": feasible})
    assert answer.status_code == 200, answer.text
    assert answer.json()["status"] == "optimal"
    assert "conflict" not in answer.json()


def test_the_service_reports_savings_pct_as_a_percentage(server: Server) -> None:
    # 10 units at 9 against a baseline price of 10: savings 10 of 100 = exactly 10 %
    scenario = {
        "sourceopt": 1,
        "name": "ten-percent",
        "items": [{"id": "X", "demand": 10, "baseline_price": 10}],
        "suppliers": [{"id": "S"}],
        "offers": [{"supplier": "S", "item": "X", "price": 9}],
    }
    with server.client() as client:
        answer = client.post("/v1/solve", json={"scenario": scenario})
    assert answer.status_code == 200, answer.text
    kpis = answer.json()["kpis"]
    assert (kpis["baseline_cost"], kpis["savings"]) == (100.0, 10.0)
    assert kpis["savings_pct"] == 10.0
