"""``sourceopt portfolio`` end to end (exit codes, JSON) and the portfolio analyses."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from sourceopt.cli import cli
from sourceopt.cli.exits import Exit
from sourceopt.portfolio import load_portfolio, solve_portfolio
from sourceopt.portfolio.analysis import carriers, goal_costs, goal_frontier

from .helpers import two, write

SB = {"id": "sb", "tags": ["small_business"]}
GOAL = {
    "type": "group_share",
    "name": "sb-30pct",
    "min": 0.3,
    "suppliers": {"tags": ["small_business"]},
    "measure": "spend",
}


def goal_portfolio(tmp_path: Path, goal: dict[str, object] = GOAL) -> Path:
    """A: big 10, sb 11; B: big 10, sb 13; 100 units each (see test_solve_portfolio)."""
    return write(
        tmp_path,
        two({"big": 10, "sb": 11}, {"big": 10, "sb": 13}, [{"id": "big"}, SB]),
        rules=[goal],
    )


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, ["portfolio", *args])
    return result.exit_code, result.output


def test_json_result_and_exit_0(tmp_path: Path) -> None:
    code, out = run(str(goal_portfolio(tmp_path)), "--json")
    assert code == Exit.OK
    doc = json.loads(out)
    assert set(doc) == {
        "portfolio",
        "status",
        "objective",
        "total_cost",
        "categories",
        "rules",
        "goals",
        "suppliers",
        "coordination",
        "verification",
    }
    assert doc["total_cost"] == pytest.approx(2000 + 600 / 10.7)


def test_text_summary(tmp_path: Path) -> None:
    code, out = run(str(goal_portfolio(tmp_path)))
    assert code == Exit.OK
    assert "cost of the goals:       56.07 USD" in out
    assert "verification: ok" in out


def test_invalid_file_exits_3(tmp_path: Path) -> None:
    code, out = run(str(goal_portfolio(tmp_path, {**GOAL, "per": "item"})))
    assert code == Exit.INVALID
    assert "rules[0].per: a portfolio rule holds over the whole portfolio" in out


def test_infeasible_portfolio_exits_4(tmp_path: Path) -> None:
    # sb bids only in A: at most 100 x 11 = 1100 of a total of at least 1100 + 1000 (B all
    # to big): a share of at most 0.524 < 0.9
    cats = two({"big": 10, "sb": 11}, {"big": 10}, [{"id": "big"}, SB])
    path = write(tmp_path, cats, rules=[{**GOAL, "min": 0.9}])
    code, out = run(str(path), "--json")
    assert code == Exit.INFEASIBLE
    doc = json.loads(out)
    assert doc["status"] == "infeasible"
    assert doc["total_cost"] is None
    assert doc["coordination"]["independent_cost"] == pytest.approx(2000.0)


def test_usage_errors_exit_2(tmp_path: Path) -> None:
    path = str(goal_portfolio(tmp_path))
    assert run(path, "--goals", "--carriers")[0] == Exit.USAGE
    assert run(path, "--goals", "--out", "report.xlsx")[0] == Exit.USAGE  # --out: a solve only
    code, out = run(path, "--frontier", "max_share:big")
    assert code == Exit.USAGE
    assert "write group_share:<rule name or supplier tag>" in out


def test_goal_cost_and_its_dual(tmp_path: Path) -> None:
    # without the goal: 2000; with it 2000 + 600 / 10.7. The goal's row is
    # 11u - 0.3 (2000 + u) >= r: u = (600 + r) / 10.7, so d cost / d r = 1 / 10.7.
    data = goal_costs(load_portfolio(goal_portfolio(tmp_path)))
    (goal,) = data["goals"]
    assert goal["objective_without"] == pytest.approx(2000.0)
    assert goal["goal_cost"] == pytest.approx(600 / 10.7)
    assert goal["dual"] == pytest.approx(1 / 10.7)
    code, out = run(str(goal_portfolio(tmp_path)), "--goals", "--json")
    assert code == Exit.OK
    assert json.loads(out)["goals"][0]["goal_cost"] == pytest.approx(600 / 10.7)


def test_goal_frontier(tmp_path: Path) -> None:
    # min share s: 11u >= s (2000 + u) -> u = 2000 s / (11 - s); cost 2000 + u
    data = goal_frontier(
        load_portfolio(goal_portfolio(tmp_path)), "group_share:small_business", 0.1, 0.3, 3
    )
    assert [p["bound"] for p in data["points"]] == pytest.approx([0.1, 0.2, 0.3])
    expected = [2000 + 2000 * s / (11 - s) for s in (0.1, 0.2, 0.3)]
    assert [p["objective"] for p in data["points"]] == pytest.approx(expected)
    by_name = goal_frontier(
        load_portfolio(goal_portfolio(tmp_path)), "group_share:sb-30pct", 0.1, 0.3, 3
    )
    assert [p["objective"] for p in by_name["points"]] == pytest.approx(expected)


def test_carriers(tmp_path: Path) -> None:
    portfolio = load_portfolio(goal_portfolio(tmp_path))
    data = carriers(solve_portfolio(portfolio), portfolio)
    (goal,) = data["goals"]
    u = 600 / 10.7
    assert goal["categories"] == [
        {"category": "cat-a", "value": pytest.approx(11 * u), "share_of_goal": 1.0},
        {"category": "cat-b", "value": 0.0, "share_of_goal": 0.0},
    ]


def test_schema_of_the_portfolio_file_and_result(tmp_path: Path) -> None:
    import jsonschema
    import yaml

    out = CliRunner().invoke(cli, ["schema", "--portfolio"]).output
    schema = json.loads(out)
    path = goal_portfolio(tmp_path)
    jsonschema.validate(yaml.safe_load(path.read_text()), schema)
    bundled = Path(__file__).parents[2] / "scenarios" / "portfolio" / "portfolio.yaml"
    jsonschema.validate(yaml.safe_load(bundled.read_text()), schema)
    result = json.loads(CliRunner().invoke(cli, ["schema", "--portfolio", "--result"]).output)
    jsonschema.validate(solve_portfolio(load_portfolio(path)).to_dict(), result)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(
            {"sourceopt_portfolio": 1, "name": "p", "categories": [], "x": 1}, schema
        )
