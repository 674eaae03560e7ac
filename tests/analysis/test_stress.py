"""stress: the cost of each awarded supplier failing, with deltas derived by hand."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner

from sourceopt.analysis.stress import stress
from sourceopt.cli import cli
from sourceopt.errors import AnalysisError
from sourceopt.scenario.load import load_scenario
from sourceopt.solvers.base import Status


def shared_capacity() -> dict[str, Any]:
    """Items A and B, demand 100 each. S1 bids A at 10; S2 (capacity 100 in total) bids A at
    12 and B at 10; S3 bids B at 11. A lock keeps S1 at 50+ units of A.

    Award: S1 100 A (1,000), S2 100 B (1,000): 2,000; S3 nothing.
    S1 fails, others free: S2 must take A (1,200), S3 takes B (1,100): 2,300, delta 300 (the
    lock on S1 is void once S1 has failed).
    S1 fails, others held: S2 keeps its 100 B, its capacity is full, so A (100 units) cannot
    be covered at all: infeasible, 100 uncovered.
    S2 fails: S1 keeps A (1,000), S3 takes B (1,100): 2,100, delta 100, either way.
    """
    return {
        "sourceopt": 1,
        "name": "shared",
        "items": [{"id": "A", "demand": 100}, {"id": "B", "demand": 100}],
        "suppliers": [{"id": "S1"}, {"id": "S2", "capacity": 100}, {"id": "S3"}],
        "offers": [
            {"supplier": "S1", "item": "A", "price": 10},
            {"supplier": "S2", "item": "A", "price": 12},
            {"supplier": "S2", "item": "B", "price": 10},
            {"supplier": "S3", "item": "B", "price": 11},
        ],
        "rules": [
            {"type": "award", "name": "lock-s1", "supplier": "S1", "item": "A", "min_units": 50}
        ],
    }


def thin() -> dict[str, Any]:
    """Item A demand 100, B demand 50. S1 bids A at 10 (offer capacity 60); S2 bids A at 12
    and B at 5; S3 bids B at 6 (offer capacity 20).

    Award: S1 60 A (600), S2 40 A (480) + 50 B (250): 1,330.
    S2 fails: A only 60 from S1 (40 short), B only 20 from S3 (30 short): 70 uncovered.
    S1 fails: S2 takes all of A (1,200) + B (250) = 1,450: delta 120.
    """
    return {
        "sourceopt": 1,
        "name": "thin",
        "items": [{"id": "A", "demand": 100}, {"id": "B", "demand": 50}],
        "suppliers": [{"id": "S1"}, {"id": "S2"}, {"id": "S3"}],
        "offers": [
            {"supplier": "S1", "item": "A", "price": 10, "capacity": 60},
            {"supplier": "S2", "item": "A", "price": 12},
            {"supplier": "S2", "item": "B", "price": 5},
            {"supplier": "S3", "item": "B", "price": 6, "capacity": 20},
        ],
    }


def rows(out: Any) -> list[tuple[Any, ...]]:
    return [
        (s.supplier, s.objective_without, s.delta, s.uncovered_units, s.status_without)
        for s in out.suppliers
    ]


def test_others_free() -> None:
    out = stress(load_scenario(shared_capacity()))
    assert out.objective == pytest.approx(2000)
    assert out.verified
    assert rows(out) == [
        ("S1", pytest.approx(2300), pytest.approx(300), 0.0, Status.OPTIMAL),
        ("S2", pytest.approx(2100), pytest.approx(100), 0.0, Status.OPTIMAL),
    ]


def test_others_held() -> None:
    out = stress(load_scenario(shared_capacity()), keep=True)
    assert rows(out) == [
        ("S1", None, None, pytest.approx(100), Status.INFEASIBLE),
        ("S2", pytest.approx(2100), pytest.approx(100), 0.0, Status.OPTIMAL),
    ]


def test_uncovered_demand_ranks_first() -> None:
    out = stress(load_scenario(thin()))
    assert rows(out) == [
        ("S2", None, None, pytest.approx(70), Status.INFEASIBLE),
        ("S1", pytest.approx(1450), pytest.approx(120), 0.0, Status.OPTIMAL),
    ]
    assert list(out.frame.columns) == [
        "supplier",
        "objective_without",
        "delta",
        "uncovered_units",
        "status_without",
        "reason",
        "method",
        "final",
        "verified",
    ]


def test_one_supplier_and_errors() -> None:
    sc = load_scenario(thin())
    assert [s.supplier for s in stress(sc, supplier="S1").suppliers] == ["S1"]
    with pytest.raises(AnalysisError, match=r"'S3' is not in the award; awarded: S1, S2"):
        stress(sc, supplier="S3")
    with pytest.raises(AnalysisError, match=r"unknown supplier 'S7'.*suppliers are: S1, S2, S3"):
        stress(sc, supplier="S7")


def test_cli_stress(tmp_path: Path) -> None:
    path = tmp_path / "shared.yaml"
    path.write_text(yaml.safe_dump(shared_capacity()))
    runner = CliRunner()
    res = runner.invoke(cli, ["stress", str(path), "--json", "--keep"])
    assert res.exit_code == 0, res.output
    data = json.loads(res.output)
    assert set(data) == {"scenario", "objective", "suppliers"}
    assert data["suppliers"][0] == {
        "supplier": "S1",
        "objective_without": None,
        "delta": None,
        "uncovered_units": 100.0,
        "status_without": "infeasible",
        "reason": (
            "no other supplier can cover A 100 units, with the other awards held at their units"
        ),
        "method": "resolve",
        "final": True,
        "verified": True,
    }
    text = runner.invoke(cli, ["stress", str(path)])
    assert text.exit_code == 0
    assert "supplier fails" in text.output
    assert "300.00" in text.output
    bad = runner.invoke(cli, ["stress", str(path), "--variant", "nope"])
    assert bad.exit_code == 2
    assert "unknown variant 'nope'" in bad.output


def test_uncovered_items_are_named() -> None:
    # thin(): without S2, A gets only S1's 60 (40 short) and B only S3's 20 (30 short)
    out = stress(load_scenario(thin()))
    assert out.suppliers[0].reason == "no other supplier can cover A 40 units, B 30 units"
    assert out.suppliers[1].reason == ""  # S1's failure has an award


def capped() -> dict[str, Any]:
    """A and B, demand 100 each; no supplier over 60 % of the 200 units. S1 bids A at 10;
    S2 bids A at 11 and B at 10; S3 bids B at 10.5.

    Award: S1 100 A (1,000), S2 100 B (1,000): 2,000 (each 50 %).
    S1 fails, others free: only S2 bids A: 100 A (1,100); S2 may carry 120 in all, so 20 B
    (200) and S3 80 B (840): 2,140, delta 140.
    S1 fails, others held: S2 keeps its 100 B and must take the 100 A: 200 of 200 units, over
    the 60 % cap. Every unit can be carried (nothing uncovered); the cap and the held award
    cannot both hold: infeasible, and the reason names the rule and the hold.
    S2 fails: S1 keeps A, S3 takes B (1,050): 2,050, delta 50, either way.
    """
    return {
        "sourceopt": 1,
        "name": "capped",
        "items": [{"id": "A", "demand": 100}, {"id": "B", "demand": 100}],
        "suppliers": [{"id": "S1"}, {"id": "S2"}, {"id": "S3"}],
        "offers": [
            {"supplier": "S1", "item": "A", "price": 10},
            {"supplier": "S2", "item": "A", "price": 11},
            {"supplier": "S2", "item": "B", "price": 10},
            {"supplier": "S3", "item": "B", "price": 10.5},
        ],
        "rules": [{"type": "max_share", "name": "cap60", "limit": 0.6, "per": "category"}],
    }


def test_a_failure_blocked_by_rules_names_them() -> None:
    free = stress(load_scenario(capped()))
    assert rows(free) == [
        ("S1", pytest.approx(2140), pytest.approx(140), 0.0, Status.OPTIMAL),
        ("S2", pytest.approx(2050), pytest.approx(50), 0.0, Status.OPTIMAL),
    ]
    held = stress(load_scenario(capped()), keep=True)
    assert rows(held) == [
        ("S1", None, None, 0.0, Status.INFEASIBLE),
        ("S2", pytest.approx(2050), pytest.approx(50), 0.0, Status.OPTIMAL),
    ]
    assert held.suppliers[0].reason == (
        "rule cap60 cannot hold, with the other awards held at their units"
    )


def test_cli_stress_keep_says_why_and_exits_0(tmp_path: Path) -> None:
    # a failure without an award is an answer about a hypothetical: exit 0 (README)
    path = tmp_path / "capped.yaml"
    path.write_text(yaml.safe_dump(capped()))
    res = CliRunner().invoke(cli, ["stress", str(path), "--keep"])
    assert res.exit_code == 0, res.output
    assert "Why these failures leave no award:" in res.output
    assert "  - S1: rule cap60 cannot hold, with the other awards held at their units" in res.output


@pytest.mark.parametrize("command", ["stress", "price-to-win"])
@pytest.mark.parametrize(
    ("scenario", "limit", "code", "why"),
    [
        ("infeasible-setaside.yaml", [], 4, "is infeasible; `sourceopt explain` shows why"),
        ("laptops.yaml", ["--time-limit", "0.001"], 5, "is no_solution; a limit stopped its"),
    ],
)
def test_a_base_without_an_award_exits_with_its_status_code(
    command: str, scenario: str, limit: list[str], code: int, why: str
) -> None:
    # before: exit 2 (a usage error) and "`sourceopt explain` shows why" for a base a time
    # limit stopped; README: 4 infeasible, 5 no award
    path = Path(__file__).resolve().parents[2] / "scenarios" / scenario
    res = CliRunner().invoke(cli, [command, str(path), *limit])
    assert res.exit_code == code, res.output
    assert why in res.output


def test_a_base_without_an_award_fails_a_job_with_reason_no_award() -> None:
    from sourceopt.errors import NoAwardError
    from sourceopt.jobs.failures import FailureKind, failure_of
    from sourceopt.jobs.model import InlineJob

    path = Path(__file__).resolve().parents[2] / "scenarios" / "infeasible-setaside.yaml"
    sc = load_scenario(path)
    with pytest.raises(NoAwardError) as raised:
        stress(sc)
    assert raised.value.status == "infeasible"
    failure = failure_of(raised.value, InlineJob("k", "stress", sc), 4096)
    assert failure.kind is FailureKind.NO_AWARD
    assert failure.error()["reason"] == "no-award"
