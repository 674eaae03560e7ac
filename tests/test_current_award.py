"""Today's award (format 1.1): item ``current``, the result's ``items``, ``current_units``,
``kpis.retained_pct``; every figure derived by hand below.

Scenario ``today()``:
- A: demand 100, baseline 12, today S1 70 + S2 30.
- B: demand 50, baseline 6, today S2 50.
- C: demand 20, baseline 10, today S3 15 + S1 5.
- S1 (capacity 60) bids A @10; S2 bids A @12 and B @5; S3 bids C @11 and the bundle ``kit``
  (B 20 + C 20) for 300.

Optimum: A 60 x 10 = 600 from S1 (its capacity) and 40 x 12 = 480 from S2. B and C: without
the kit, 50 x 5 + 20 x 11 = 470; with it, 300 + 30 x 5 = 450 (cheaper by 20), so the kit is
accepted, B takes 30 from S2's offer and C nothing through offers. Total 1,530 (the objective;
``today`` changes nothing in the optimisation).

items:
- A: offer units 100; baseline_cost 12 x 100 = 1,200; cost 600 + 480 = 1,080; savings 120;
  savings_pct 10; suppliers S1, S2; current 100; retained min(70, 60) + min(30, 40) = 90.
- B: offer units 30 (the kit's 20 are not offer units); baseline_cost 6 x 30 = 180; cost
  30 x 5 = 150; savings 30; savings_pct 100 x 30 / 180 = 16.67; suppliers S2 and S3 (the kit);
  current 50; retained min(50, 30) (S2) + min(0, 20) (S3) = 30.
- C: offer units 0; baseline_cost 0; cost 0; savings 0; savings_pct null (baseline 0);
  suppliers S3 (the kit); current 20; retained min(15, 20) (S3) + min(5, 0) (S1) = 15.
- the kit: item null, bundle kit, cost 300, suppliers S3.
retained_pct = 100 x (90 + 30 + 15) / (100 + 50 + 20) = 100 x 135 / 170 = 79.41 %.
current_units per allocation: S1 A 70, S2 A 30, S2 B 50 (offers); S3 B 0 and S3 C 15 (kit).
"""

from __future__ import annotations

import copy
import csv
import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner

from sourceopt import load_scenario, solve
from sourceopt.analysis.diff import award_of
from sourceopt.cli import cli
from sourceopt.errors import ScenarioError
from sourceopt.verify import verify

TOTAL = 1530.0


def today() -> dict[str, Any]:
    """The scenario of the module docstring."""
    return {
        "sourceopt": 1,
        "name": "today",
        "items": [
            {"id": "A", "demand": 100, "baseline_price": 12, "current": {"S1": 70, "S2": 30}},
            {"id": "B", "demand": 50, "baseline_price": 6, "current": {"S2": 50}},
            {"id": "C", "demand": 20, "baseline_price": 10, "current": {"S3": 15, "S1": 5}},
        ],
        "suppliers": [{"id": "S1", "capacity": 60}, {"id": "S2"}, {"id": "S3"}],
        "offers": [
            {"supplier": "S1", "item": "A", "price": 10},
            {"supplier": "S2", "item": "A", "price": 12},
            {"supplier": "S2", "item": "B", "price": 5},
            {"supplier": "S3", "item": "C", "price": 11},
        ],
        "bundles": [{"id": "kit", "supplier": "S3", "units": {"B": 20, "C": 20}, "price": 300}],
    }


EXPECTED_ITEMS = [
    {
        "item": "A",
        "demand": 100.0,
        "baseline_cost": 1200.0,
        "cost": 1080.0,
        "savings": 120.0,
        "savings_pct": 10.0,
        "suppliers": ["S1", "S2"],
        "current_units": 100.0,
        "retained_units": 90.0,
    },
    {
        "item": "B",
        "demand": 50.0,
        "baseline_cost": 180.0,
        "cost": 150.0,
        "savings": 30.0,
        "savings_pct": pytest.approx(100 * 30 / 180),
        "suppliers": ["S2", "S3"],
        "current_units": 50.0,
        "retained_units": 30.0,
    },
    {
        "item": "C",
        "demand": 20.0,
        "baseline_cost": 0.0,
        "cost": 0.0,
        "savings": 0.0,
        "savings_pct": None,
        "suppliers": ["S3"],
        "current_units": 20.0,
        "retained_units": 15.0,
    },
    {
        "item": None,
        "bundle": "kit",
        "demand": None,
        "baseline_cost": None,
        "cost": 300.0,
        "savings": None,
        "savings_pct": None,
        "suppliers": ["S3"],
        "current_units": None,
        "retained_units": None,
    },
]


def test_items_current_units_and_retained_pct_by_hand() -> None:
    result = solve(load_scenario(today()))
    doc = result.to_dict()
    assert doc["objective"] == pytest.approx(TOTAL)
    assert doc["verification"]["ok"] is True
    assert doc["items"] == EXPECTED_ITEMS
    assert doc["kpis"]["retained_pct"] == pytest.approx(100 * 135 / 170)
    current = {
        (a["supplier"], a["item"], a["source"]): a["current_units"] for a in doc["allocations"]
    }
    assert current == {
        ("S1", "A", "offer"): 70.0,
        ("S2", "A", "offer"): 30.0,
        ("S2", "B", "offer"): 50.0,
        ("S3", "B", "kit"): 0.0,
        ("S3", "C", "kit"): 15.0,
    }


def test_without_current_retained_pct_is_null_and_current_units_zero() -> None:
    data = today()
    for item in data["items"]:
        del item["current"]
    doc = solve(load_scenario(data)).to_dict()
    assert doc["objective"] == pytest.approx(TOTAL)  # today's award changes nothing
    assert doc["kpis"]["retained_pct"] is None
    assert {a["current_units"] for a in doc["allocations"]} == {0.0}
    assert [e["current_units"] for e in doc["items"]] == [0.0, 0.0, 0.0, None]
    assert [e["retained_units"] for e in doc["items"]] == [0.0, 0.0, 0.0, None]


def test_an_unknown_supplier_in_current_names_its_place() -> None:
    data = today()
    data["items"][1]["current"] = {"S2": 40, "S9": 10}
    with pytest.raises(ScenarioError) as caught:
        load_scenario(data)
    problems = [(p.place, p.message) for p in caught.value.problems]
    assert len(problems) == 1, problems
    assert problems[0][0] == "items[1].current.S9"
    assert "unknown supplier 'S9'" in problems[0][1]
    assert "S1, S2, S3" in problems[0][1]


def test_negative_current_units_are_refused() -> None:
    data = today()
    data["items"][0]["current"] = {"S1": -5}
    with pytest.raises(ScenarioError) as caught:
        load_scenario(data)
    problems = [(p.place, p.message) for p in caught.value.problems]
    assert problems == [("items[0].current.S1", "expected a number >= 0, got -5")]


def _with_items_csv(tmp_path: Path, text: str) -> Path:
    data = today()
    (tmp_path / "items.csv").write_text(text)
    data["items"] = {"file": "items.csv"}
    path = tmp_path / "today.yaml"
    path.write_text(yaml.safe_dump(data))
    return path


ITEMS_CSV = (
    "id,demand,baseline_price,current.S1,current.S2,current.S3\n"
    "A,100,12,70,30,\nB,50,6,,50,\nC,20,10,5,,15\n"
)


def test_items_table_with_current_columns(tmp_path: Path) -> None:
    doc = solve(load_scenario(_with_items_csv(tmp_path, ITEMS_CSV))).to_dict()
    assert doc["items"] == EXPECTED_ITEMS
    assert doc["kpis"]["retained_pct"] == pytest.approx(100 * 135 / 170)


def test_a_current_column_of_an_unknown_supplier_is_refused(tmp_path: Path) -> None:
    text = ITEMS_CSV.replace("current.S3", "current.S9")
    with pytest.raises(ScenarioError) as caught:
        load_scenario(_with_items_csv(tmp_path, text))
    problems = [(p.place, p.message) for p in caught.value.problems]
    assert len(problems) == 1, problems
    assert "column current.S9" in problems[0][0]
    assert "unknown supplier 'S9'" in problems[0][1]


def test_a_negative_current_cell_names_row_and_column(tmp_path: Path) -> None:
    text = ITEMS_CSV.replace("B,50,6,,50,", "B,50,6,,-50,")
    with pytest.raises(ScenarioError) as caught:
        load_scenario(_with_items_csv(tmp_path, text))
    places = [p.place for p in caught.value.problems]
    assert len(places) == 1, places
    assert "row 3, column current.S2" in places[0]


def test_the_verifier_catches_a_tampered_item_figure() -> None:
    scenario = load_scenario(today())
    result = solve(scenario)
    award = award_of(scenario, result)
    items = result.to_dict()["items"]
    assert verify(scenario, award, reported_items=items).ok
    tampered = copy.deepcopy(items)
    tampered[0]["retained_units"] = 100.0  # A keeps 90, not 100
    tampered[1]["cost"] = 140.0  # B costs 150
    check = verify(scenario, award, reported_items=tampered)
    assert not check.ok
    assert "items" in check.checked
    assert any("item A: retained_units reported 100.0, recomputed 90" in p for p in check.problems)
    assert any("item B: cost reported 140.0, recomputed 150" in p for p in check.problems)


def test_summary_and_csv_show_items(tmp_path: Path) -> None:
    path = tmp_path / "today.yaml"
    path.write_text(yaml.safe_dump(today()))
    out = tmp_path / "out"
    res = CliRunner().invoke(cli, ["solve", str(path), "--csv", str(out)])
    assert res.exit_code == 0, res.output
    assert "today's award retained: 79.41 % of today's units" in res.output
    assert "Items" in res.output
    assert "retained" in res.output
    with (out / "items.csv").open(newline="") as f:
        rows = list(csv.DictReader(f))
    assert [r["item"] for r in rows] == ["A", "B", "C", ""]
    assert rows[1]["suppliers"] == "S2;S3"
    assert float(rows[0]["retained_units"]) == 90.0
    assert rows[3]["bundle"] == "kit"
    # --rows 1: only the largest item cost (A, 1,080), and a line counting the others
    res = CliRunner().invoke(cli, ["solve", str(path), "--rows", "1"])
    assert "... 3 more items" in res.output
    assert json.loads((out / "result.json").read_text())["items"][0]["item"] == "A"


def test_the_result_schema_has_the_new_keys() -> None:
    res = CliRunner().invoke(cli, ["schema", "--result"])
    assert res.exit_code == 0, res.output
    schema = json.loads(res.output)
    defs = schema["$defs"]
    assert "items" in schema["properties"]
    assert "current_units" in defs["AllocationDoc"]["properties"]
    assert "retained_pct" in defs["KpiDoc"]["properties"]
    assert set(defs["ItemDoc"]["properties"]) >= {
        "item",
        "bundle",
        "demand",
        "baseline_cost",
        "cost",
        "savings",
        "savings_pct",
        "suppliers",
        "current_units",
        "retained_units",
    }


def test_the_report_shows_today_s_award_from_a_real_solve() -> None:
    from sourceopt.report import build_report, scenario_facts

    scenario = load_scenario(today())
    facts = scenario_facts(scenario)
    assert [i["current"] for i in facts["items"]] == [
        {"S1": 70.0, "S2": 30.0},
        {"S2": 50.0},
        {"S1": 5.0, "S3": 15.0},
    ]
    report = build_report(solve(scenario).to_dict(), facts=facts)
    assert report.has_current
    assert report.summary.retained_pct == pytest.approx(100 * 135 / 170)
    assert [(i.label, i.retained_units) for i in report.items] == [
        ("A", 90.0),
        ("B", 30.0),
        ("C", 15.0),
        ("bundle kit", None),
    ]
    outcome = {s.supplier: (s.current_units, s.outcome) for s in report.suppliers}
    # today S1 70 + 5 = 75 (now 60: loses), S2 30 + 50 = 80 (now 40 + 30 = 70: loses),
    # S3 15 (now the kit's 40: gains)
    assert outcome == {"S1": (75.0, "loses"), "S2": (80.0, "loses"), "S3": (15.0, "gains")}


def test_the_report_leaves_today_s_columns_blank_without_current() -> None:
    from sourceopt.report import build_report, scenario_facts

    data = today()
    for item in data["items"]:
        del item["current"]
    scenario = load_scenario(data)
    report = build_report(solve(scenario).to_dict(), facts=scenario_facts(scenario))
    assert not report.has_current
    assert {a.current_units for a in report.award} == {None}
    assert {i.retained_units for i in report.items} == {None}


def test_excel_items_sheet_with_current_columns(tmp_path: Path) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    sheet = book.active
    for row in [
        ["id", "demand", "baseline_price", "current.S1", "current.S2", "current.S3"],
        ["A", 100, 12, 70, 30, None],
        ["B", 50, 6, None, 50, None],
        ["C", 20, 10, 5, None, 15],
    ]:
        sheet.append(row)
    book.save(tmp_path / "items.xlsx")
    data = today()
    data["items"] = {"file": "items.xlsx"}
    path = tmp_path / "today.yaml"
    path.write_text(yaml.safe_dump(data))
    doc = solve(load_scenario(path)).to_dict()
    assert doc["items"] == EXPECTED_ITEMS
    assert doc["kpis"]["retained_pct"] == pytest.approx(100 * 135 / 170)
