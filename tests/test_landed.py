"""Landed cost, incremental tiers and scoped rebates (format 1.1) beyond the catalogue.

Figures derived by hand in the comments. Scenario ``two_currencies()`` (USD; 1 EUR = 2 USD):
- X, demand 100: E (EUR supplier) @6 EUR = 12 USD, freight 0.5 EUR = 1 USD (landed 13 USD);
  U @10 USD, duty 1 USD (landed 11 USD) -> U takes X: purchase 1000, duty 100, total 1100.
- E loses X; it would win X when 2p + 1 < 11, p < 5 EUR: its price-to-win is 5 (EUR), its
  price 6 (EUR), both in its own currency.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import numpy as np
import openpyxl
import pytest
from click.testing import CliRunner

from sourceopt import load_scenario, solve
from sourceopt.analysis.price_to_win import price_to_win
from sourceopt.award import Award
from sourceopt.cli import cli
from sourceopt.result import ResultDocument
from sourceopt.scenario.landed import landed_unit_cost
from sourceopt.verify import verify


def two_currencies() -> dict[str, Any]:
    return {
        "sourceopt": 1,
        "name": "two-currencies",
        "currency": "USD",
        "exchange_rates": {"EUR": 2},
        "items": [{"id": "X", "demand": 100}],
        "suppliers": [{"id": "E", "currency": "EUR"}, {"id": "U"}],
        "offers": [
            {"supplier": "E", "item": "X", "price": 6, "adders": {"freight": 0.5}},
            {"supplier": "U", "item": "X", "price": 10, "adders": {"duty": 1}},
        ],
    }


def test_landed_unit_cost_is_price_plus_adders_converted() -> None:
    # E: 6 x 2 + 0.5 x 2 = 13; U: 10 + 1 = 11 (the scenario currency needs no rate)
    sc = load_scenario(two_currencies())
    assert landed_unit_cost(sc).tolist() == [13.0, 11.0]
    assert sc.offers["currency"].tolist() == ["EUR", "USD"]
    assert sc.offers["rate"].tolist() == [2.0, 1.0]


def test_costs_and_items_use_landed_unit_cost() -> None:
    res = solve(load_scenario(two_currencies()))
    doc = res.to_dict()
    assert res.total_cost == pytest.approx(1100.0)
    assert doc["cost"]["purchase"] == pytest.approx(1000.0)
    assert doc["cost"]["adders"] == pytest.approx(100.0)
    assert doc["cost"]["adders_by_name"] == {"duty": pytest.approx(100.0), "freight": 0.0}
    (entry,) = doc["items"]
    assert entry["cost"] == pytest.approx(1100.0)  # 100 units x landed 11
    spend = {s["supplier"]: s["spend"] for s in doc["suppliers"]}
    assert spend["U"] == pytest.approx(1000.0)  # duty is cost, not spend


def test_price_to_win_is_in_the_offers_own_currency() -> None:
    ptw = price_to_win(load_scenario(two_currencies()))
    rows = ptw.frame.set_index("supplier")
    assert rows.loc["E", "price"] == pytest.approx(6.0)
    assert rows.loc["E", "price_to_win"] == pytest.approx(5.0, rel=1e-5)


def test_offer_table_columns_hold_landed_keys(tmp_path: Path) -> None:
    # The same as two_currencies(), the offers as a CSV table with adders.<name> columns,
    # plus an incremental tier for U (from 60 at 8 USD) and a fixed cost on U's offer (50).
    # U: 60 x 10 + 40 x 8 = 920, duty 100, fixed 50 = 1070 < E's 1300 -> total 1070.
    (tmp_path / "offers.csv").write_text(
        "supplier,item,price,currency,tier_type,fixed_cost,adders.freight,adders.duty\n"
        "E,X,6,EUR,,,0.5,\n"
        "U,X,10,,incremental,50,,1\n"
    )
    (tmp_path / "tiers.csv").write_text("supplier,item,from,price\nU,X,60,8\n")
    data = two_currencies()
    data["suppliers"] = [{"id": "E"}, {"id": "U"}]  # E's currency from the offer's column
    data["offers"] = {"file": "offers.csv"}
    data["tiers"] = {"file": "tiers.csv"}
    res = solve(load_scenario(data, base_dir=tmp_path))
    cost = res.to_dict()["cost"]
    assert res.total_cost == pytest.approx(1070.0)
    assert cost["purchase"] == pytest.approx(920.0)
    assert cost["fixed"] == pytest.approx(50.0)
    assert cost["adders_by_name"] == {"freight": 0.0, "duty": pytest.approx(100.0)}
    assert res.allocations["unit_price"].tolist() == [pytest.approx(9.2)]


def _falling() -> dict[str, Any]:
    # A: 10 for units [0, 50), 4 from 50, incremental.
    return {
        "sourceopt": 1,
        "name": "falling",
        "items": [{"id": "X", "demand": 100}],
        "suppliers": [{"id": "A"}, {"id": "B"}],
        "offers": [
            {
                "supplier": "A",
                "item": "X",
                "price": 10,
                "tier_type": "incremental",
                "tiers": [{"from": 50, "price": 4}],
            },
            {"supplier": "B", "item": "X", "price": 7.5},
        ],
    }


def test_verifier_recomputes_the_band_cost() -> None:
    # 80 units through A: 50 x 10 + 30 x 4 = 620 (unit price 7.75); 20 through B: 150.
    sc = load_scenario(_falling())
    check = verify(sc, Award(np.array([80.0, 20.0]), np.zeros(0, dtype=bool)))
    assert check.ok
    assert check.cost.purchase == pytest.approx(770.0)
    assert check.unit_prices[0] == pytest.approx(7.75)
    wrong = verify(
        sc,
        Award(np.array([80.0, 20.0]), np.zeros(0, dtype=bool)),
        reported_objective=4 * 80 + 150.0,  # as if every unit were at the last tier
    )
    assert not wrong.ok
    assert any("objective" in p for p in wrong.problems)


def test_incremental_minimum_is_exact() -> None:
    # With min_units 60 on A (falling bands) and B capped at 45: A takes 55..100 units and must
    # take >= 60 if used; from L2, A alone (700) beats every split: 700.
    data = copy.deepcopy(_falling())
    data["offers"][0]["min_units"] = 60
    data["offers"][1]["capacity"] = 45
    res = solve(load_scenario(data))
    assert res.total_cost == pytest.approx(700.0)
    units = dict(zip(res.allocations["supplier"], res.allocations["units"], strict=True))
    assert units["A"] == pytest.approx(100.0)


def test_summary_and_schema_show_adders(tmp_path: Path) -> None:
    path = tmp_path / "s.json"
    path.write_text(json.dumps(two_currencies()))
    out = CliRunner().invoke(cli, ["solve", str(path)])
    assert out.exit_code == 0, out.output
    assert "adders 100.00: duty 100.00  freight 0.00" in out.output
    props = ResultDocument.model_json_schema()["$defs"]["CostDoc"]["properties"]
    assert {"adders", "adders_by_name"} <= set(props)


def test_offer_sheet_holds_adders_and_currency(tmp_path: Path) -> None:
    # two_currencies() with the offers in an Excel sheet: the same 1100 (U: 1000 + duty 100).
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Offers"
    sheet.append(["supplier", "item", "price", "currency", "adders.freight", "adders.duty"])
    sheet.append(["E", "X", 6, "EUR", 0.5, None])
    sheet.append(["U", "X", 10, None, None, 1])
    book.save(tmp_path / "bids.xlsx")
    data = two_currencies()
    data["suppliers"] = [{"id": "E"}, {"id": "U"}]
    data["offers"] = {"file": "bids.xlsx", "sheet": "Offers"}
    sc = load_scenario(data, base_dir=tmp_path)
    assert landed_unit_cost(sc).tolist() == [13.0, 11.0]
    res = solve(sc)
    assert res.total_cost == pytest.approx(1100.0)
    assert res.to_dict()["cost"]["adders_by_name"]["duty"] == pytest.approx(100.0)


def test_report_summary_lists_adders_by_name() -> None:
    # two_currencies(): adders 100 (duty 100, freight 0) in the report's Summary money rows.
    from sourceopt.report.sections import summary

    doc = solve(load_scenario(two_currencies())).to_dict()
    rows = summary(doc, {"currency": "USD"})["cost"]
    assert rows["adders"] == pytest.approx(100.0)
    assert rows["adders.duty"] == pytest.approx(100.0)
    assert rows["adders.freight"] == 0.0


def test_a_bid_workbook_keeps_each_offers_own_money(tmp_path: Path) -> None:
    # `template --with-offers` writes prices, adders, fixed costs and tiers back in each
    # offer's own currency beside its currency column: the workbook solves to the file's
    # hand-derived 32,230 EUR (scenarios/landed-cost.yaml).
    out = tmp_path / "bids.xlsx"
    example = Path(__file__).resolve().parents[1] / "scenarios" / "landed-cost.yaml"
    res = CliRunner().invoke(
        cli, ["template", "--from", str(example), "--out", str(out), "--with-offers"]
    )
    assert res.exit_code == 0, res.output
    sheet = openpyxl.load_workbook(out)["Offers"]
    header = [c.value for c in sheet[1]]
    first = dict(zip(header, [c.value for c in sheet[6]], strict=True))  # sz-tech housing
    assert (first["price"], first["currency"], first["fixed_cost"]) == (40, "CNY", 8000)
    assert first["adders.freight"] == 4
    assert solve(load_scenario(out)).total_cost == pytest.approx(32_230.0, rel=1e-9)
