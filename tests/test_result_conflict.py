"""An infeasible solve says why: the result's ``conflict`` (library, CLI, --csv, batch).

The conflict is the one ``explain`` names (docs/results.md, "conflict": when ``status`` is
``infeasible``, also ``conflict``); it is absent for every other status. The service's job
results and ``/v1/solve`` are checked against a real server in
tests/service/test_result_conflict.py.
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import pandas as pd
from click.testing import CliRunner

from sourceopt import load_scenario, solve
from sourceopt.analysis.explain import explain
from sourceopt.cli import cli
from sourceopt.formulation.build import build_program
from sourceopt.result import ResultDocument
from sourceopt.solve import solve_options, solve_with, with_conflict
from sourceopt.solvers.base import Status
from sourceopt.solvers.registry import get_backend

ROOT = Path(__file__).resolve().parents[1]
SETASIDE = ROOT / "scenarios" / "infeasible-setaside.yaml"


def short_capacity() -> dict[str, Any]:
    """X needs 100 units; a holds 60 and b 30, so at most 60 + 30 = 90 can be bought.

    Each of the three is needed: without X's demand row nothing need be bought; without a's
    capacity a takes all 100; without b's, b takes 100. So the minimal conflict is exactly
    {capacity:a, capacity:b, demand:X}, and it is the only one (there are no rules).
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


def test_an_infeasible_result_names_the_hand_derived_conflict() -> None:
    result = solve(load_scenario(short_capacity()))
    assert result.status is Status.INFEASIBLE
    doc = result.to_dict()
    assert [m["rule"] for m in doc["conflict"]] == ["capacity:a", "capacity:b", "demand:X"]
    assert "at most 60" in doc["conflict"][0]["message"]
    assert list(result.conflict["rule"]) == ["capacity:a", "capacity:b", "demand:X"]
    assert ResultDocument.model_validate(doc).conflict == result.document.conflict


def test_the_conflict_is_explains_with_rules_first() -> None:
    scenario = load_scenario(SETASIDE)
    doc = solve(scenario).to_dict()
    assert doc["status"] == "infeasible"
    assert doc["conflict"] == explain(scenario, relax=False).to_dict()["conflict"]
    rules = [m["rule"] for m in doc["conflict"]]
    # 40 % of spend needs about 480,000 USD from the two small businesses; their capacities
    # (2,500 and 2,000 units, worth at most 282,600 USD) cannot give it: the rule and both
    # capacities are in every conflict. Rules come first, then capacities, then demands.
    assert rules[0] == "small-business-goal-min-40pct-of-spend"
    assert {"capacity:campus-clean", "capacity:tri-county-paper"} <= set(rules)
    kinds = [r.split(":")[0] if ":" in r else "rule" for r in rules]
    order = {"rule": 0, "capacity": 1, "demand": 2}
    assert kinds == sorted(kinds, key=order.__getitem__)


def test_no_conflict_key_unless_infeasible() -> None:
    scenario = load_scenario(SETASIDE)
    feasible = solve(scenario, variant="goal-18pct")
    assert feasible.status is Status.OPTIMAL
    assert "conflict" not in feasible.to_dict()
    assert feasible.conflict.empty
    undiagnosed = solve(scenario, diagnose=False)
    assert undiagnosed.status is Status.INFEASIBLE
    assert "conflict" not in undiagnosed.to_dict()


def test_a_spent_time_budget_leaves_the_conflict_out_and_says_so() -> None:
    # the solve "started" 10 s ago with a 1 s limit: every feasibility solve of the search is
    # undecided, so nothing is proven and no (wrong, empty) conflict may be claimed
    scenario = load_scenario(short_capacity())
    options = solve_options(scenario, time_limit=1.0)
    engine = get_backend("highs")
    program = build_program(scenario)
    result = solve_with(engine, scenario, program, options)
    late = with_conflict(result, scenario, program, engine, options, time.monotonic() - 10)
    assert "conflict" not in late.to_dict()
    assert "not diagnosed in the time allowed" in late.document.solver.message
    on_time = with_conflict(result, scenario, program, engine, options, time.monotonic())
    assert [m.rule for m in on_time.document.conflict or []] == [
        "capacity:a",
        "capacity:b",
        "demand:X",
    ]


def test_cli_json_csv_and_summary_carry_the_conflict(tmp_path: Path) -> None:
    runner = CliRunner()
    run = runner.invoke(cli, ["solve", str(SETASIDE), "--json", "--csv", str(tmp_path)])
    assert run.exit_code == 4, run.output
    printed = json.loads(run.stdout)
    expected = explain(load_scenario(SETASIDE), relax=False).to_dict()["conflict"]
    assert printed["conflict"] == expected
    written = json.loads((tmp_path / "result.json").read_text())
    assert written["conflict"] == expected
    text = runner.invoke(cli, ["solve", str(SETASIDE)])
    assert text.exit_code == 4
    assert "Why: these cannot all hold together" in text.output
    assert expected[0]["message"] in text.output


def test_cli_all_variants_only_the_infeasible_one_has_a_conflict() -> None:
    run = CliRunner().invoke(cli, ["solve", str(SETASIDE), "--all-variants", "--json"])
    assert run.exit_code == 4, run.output
    docs = {d["variant"]: d for d in json.loads(run.output)}
    assert docs["base"]["conflict"][0]["rule"] == "small-business-goal-min-40pct-of-spend"
    assert "conflict" not in docs["goal-18pct"]
    assert "conflict" not in docs["soft-goal"]


def test_batch_result_file_carries_the_conflict(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "short.json").write_text(json.dumps(short_capacity()))
    out = tmp_path / "out"
    run = CliRunner().invoke(
        cli, ["batch", str(folder), "--out", str(out), "--jobs", "1"], catch_exceptions=False
    )
    assert run.exit_code == 8, run.output  # an infeasible job is not a solved one
    (path,) = [p for p in (out / "results").rglob("base.json") if p.is_file()]
    doc = json.loads(path.read_text())
    assert doc["status"] == "infeasible"
    assert [m["rule"] for m in doc["conflict"]] == ["capacity:a", "capacity:b", "demand:X"]
    summary = pd.read_csv(out / "summary.csv")
    assert summary["error"][0].endswith("; conflict: capacity:a, capacity:b, demand:X")
