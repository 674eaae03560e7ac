"""The report model from documents: format 1.1's keys when present, derived items, escaping."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest

from sourceopt import load_scenario, solve
from sourceopt.report import build_report, scenario_facts
from sourceopt.report.html import render_html

ROOT = Path(__file__).resolve().parents[2]


def _doc() -> dict[str, Any]:
    """A small result document (the format of docs/results.md), written out by hand."""
    return {
        "scenario": "chairs",
        "variant": "base",
        "status": "optimal",
        "objective": 1100.0,
        "total_cost": 1100.0,
        "cost": {
            "purchase": 1100.0,
            "bundles": 0.0,
            "fixed": 0.0,
            "rebates": 0.0,
            "penalties": 0.0,
        },
        "allocations": [
            {
                "supplier": "a",
                "item": "X",
                "units": 60.0,
                "unit_price": 10.0,
                "spend": 600.0,
                "source": "offer",
            },
            {
                "supplier": "b",
                "item": "X",
                "units": 40.0,
                "unit_price": 12.5,
                "spend": 500.0,
                "source": "offer",
            },
        ],
        "suppliers": [
            {
                "supplier": "a",
                "units": 60.0,
                "spend": 600.0,
                "share_of_spend": 6 / 11,
                "items": ["X"],
            },
            {
                "supplier": "b",
                "units": 40.0,
                "spend": 500.0,
                "share_of_spend": 5 / 11,
                "items": ["X"],
            },
        ],
        "kpis": {
            "baseline_cost": 1200.0,
            "savings": 100.0,
            "savings_pct": 100 / 12,
            "supplier_count": 2,
            "hhi": 5041.32,
            "max_supplier_share": 6 / 11,
            "group_shares": {},
        },
        "rules": [],
        "solver": {
            "backend": "highs",
            "version": "1",
            "time_s": 0.01,
            "gap": 0.0,
            "bound": 1100.0,
            "seed": 0,
        },
        "verification": {"ok": True, "max_violation": 0.0, "checked": ["demand"], "problems": []},
        "input_sha256": "x",
    }


FACTS = {
    "scenario": "chairs",
    "currency": "EUR",
    "items": [
        {
            "id": "X",
            "demand": 100.0,
            "unit": "each",
            "baseline_price": 12.0,
            "current": {"b": 70.0, "c": 30.0},
        }
    ],
    "suppliers": [
        {"id": "a", "name": "Acme"},
        {"id": "b", "name": "Brightco"},
        {"id": "c", "name": "Cheapseat"},
    ],
    "offers": [
        {"supplier": "a", "item": "X", "price": 10.0, "capacity": 60.0, "tiers": []},
        {"supplier": "b", "item": "X", "price": 12.5, "capacity": None, "tiers": []},
        {"supplier": "c", "item": "X", "price": 13.0, "capacity": None, "tiers": []},
    ],
}


def test_items_derived_as_format_1_1_defines_them() -> None:
    report = build_report(_doc(), facts=FACTS)
    (item,) = report.items
    # X: 60 x 10 + 40 x 12.5 = 1,100; baseline 12 x 100 units bought = 1,200; savings 100
    assert (item.item, item.demand, item.cost, item.baseline_cost) == ("X", 100.0, 1100.0, 1200.0)
    assert item.savings == 100.0
    assert item.savings_pct == pytest.approx(100 / 12)
    assert item.suppliers == ["a", "b"]
    assert [b.winner for b in report.bids] == [True, True, False]


def test_today_s_award_when_the_result_carries_it() -> None:
    doc = _doc()
    for alloc, now in zip(doc["allocations"], (0.0, 70.0), strict=True):
        alloc["current_units"] = now
    doc["kpis"]["retained_pct"] = 40.0  # min(70, 40) = 40 of b's units kept, of 100 today
    doc["items"] = [
        {
            "item": "X",
            "demand": 100.0,
            "baseline_cost": 1200.0,
            "cost": 1100.0,
            "savings": 100.0,
            "savings_pct": 8.5,
            "suppliers": ["a", "b"],
            "current_units": 100.0,
            "retained_units": 40.0,
        }
    ]
    report = build_report(doc, facts=FACTS)
    assert report.has_current
    assert [a.current_units for a in report.award] == [0.0, 70.0]
    assert report.summary.retained_pct == 40.0
    (item,) = report.items
    assert (item.savings_pct, item.current_units, item.retained_units) == (8.5, 100.0, 40.0)
    outcome = {s.supplier: (s.current_units, s.outcome) for s in report.suppliers}
    # a is new (0 today, 60 now), b loses (70 -> 40), c exits (30 -> 0)
    assert outcome == {"a": (0.0, "new"), "b": (70.0, "loses"), "c": (30.0, "exits")}
    page = render_html(report)
    assert "Volume retained" in page
    assert "exits" in page


def test_every_user_string_is_escaped() -> None:
    doc = _doc()
    evil = '<script>alert("x")</script>'
    doc["scenario"] = evil
    doc["allocations"][0]["item"] = evil
    facts = copy.deepcopy(FACTS)
    facts["suppliers"][0]["name"] = evil
    facts["category"] = evil
    page = render_html(build_report(doc, facts=facts))
    assert "<script" not in page
    assert "&lt;script&gt;" in page


def test_bundles_are_items_of_their_own() -> None:
    scenario = load_scenario(ROOT / "scenarios" / "raw-material" / "resin.yaml")
    result = solve(scenario).to_dict()
    report = build_report(result, facts=scenario_facts(scenario))
    bundles = [i for i in report.items if i.bundle is not None]
    items = [i for i in report.items if i.bundle is None]
    assert {i.item for i in items} == set(scenario.items["id"])
    # offers and bundles together are the purchase and bundle cost of the result
    total = sum(i.cost for i in report.items)
    assert total == pytest.approx(result["cost"]["purchase"] + result["cost"]["bundles"], rel=1e-12)
    assert sorted(i.bundle for i in bundles) == ["AN-PET-VESSEL", "GS-PE-PACKAGE", "PR-PP-PACKAGE"]


def test_infeasible_with_its_conflict(tmp_path: Path) -> None:
    import openpyxl

    from sourceopt.report.workbook import write_workbook

    doc = _doc() | {"status": "infeasible", "objective": None, "total_cost": None}
    doc |= {"cost": None, "allocations": [], "suppliers": [], "kpis": None, "verification": None}
    doc["conflict"] = [
        {"rule": "sb-80pct", "message": "needs at least 112 of 140 units from brightco"},
        {"rule": "capacity:brightco", "message": "brightco can deliver at most 60"},
    ]
    report = build_report(doc, facts=FACTS)
    assert report.items == []
    assert report.summary.total_cost is None
    page = render_html(report)
    assert "No award: the solve ended infeasible" in page
    assert "needs at least 112 of 140 units from brightco" in page
    ws = openpyxl.load_workbook(write_workbook(report, tmp_path / "a.xlsx"))["Summary"]
    cells = {ws.cell(r, 1).value: ws.cell(r, 2).value for r in range(1, ws.max_row + 1)}
    assert cells["Status"] == "infeasible"
    assert cells["Total cost (EUR)"] is None
    assert cells["Conflict: capacity:brightco"] == "brightco can deliver at most 60"


def test_an_infeasible_award_shown_carries_solve_s_conflict() -> None:
    from sourceopt.report.collect import collect

    scenario = load_scenario(ROOT / "scenarios" / "infeasible-setaside.yaml")
    report = collect(scenario, variants=["base"]).report
    # the same list `solve` gives an infeasible result (issue 11: `conflict`), when it has one
    assert report.summary.conflict == (solve(scenario).to_dict().get("conflict") or [])
    assert report.summary.status == "infeasible"
