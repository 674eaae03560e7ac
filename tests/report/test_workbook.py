"""The award workbook read back with openpyxl: every figure equals the documents' own.

xlsxwriter stores a number with 16 significant digits (``%.16G``), as Excel itself keeps
them, so a figure x of the JSON is compared with ``float(f"{x:.16G}")``, exactly.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from sourceopt import load_scenario, solve
from sourceopt.analysis import compare_variants, diff_variants, frontier, rule_costs
from sourceopt.report.collect import Collected
from sourceopt.report.workbook import write_workbook

LAPTOPS = Path(__file__).resolve().parents[2] / "scenarios" / "laptops.yaml"
DIFF = ("base", "single-source-allowed")  # as in conftest.py
MONEY, SHARE, PCT = "#,##0.00", "0.0%", '0.00" %"'


def x16(value: float | None) -> float | None:
    """A figure as the workbook stores it (16 significant digits)."""
    return None if value is None else float(f"{value:.16G}")


@pytest.fixture(scope="module")
def book(laptops_report: Collected, tmp_path_factory: pytest.TempPathFactory) -> Any:
    path = write_workbook(laptops_report.report, tmp_path_factory.mktemp("wb") / "award.xlsx")
    return openpyxl.load_workbook(path), path


@pytest.fixture(scope="module")
def base() -> dict[str, Any]:
    return solve(load_scenario(LAPTOPS)).to_dict()


def rows(ws: Any, top: int = 1) -> list[dict[str, Any]]:
    """The table under the header row `top` as dicts keyed by header."""
    header = [c.value for c in ws[top]]
    out = []
    for line in ws.iter_rows(min_row=top + 1):
        if all(c.value is None for c in line):
            continue
        out.append({h: c for h, c in zip(header, line, strict=False) if h is not None})
    return out


def test_sheets_in_order(book: Any) -> None:
    wb, _ = book
    expected = ["Summary", "Award", "Items", "Suppliers", "Rules", "Scenarios", "Changes", "Bids"]
    assert wb.sheetnames == [*expected, "Frontier"]


def test_summary_equals_the_result(book: Any, base: dict[str, Any]) -> None:
    ws = book[0]["Summary"]
    cells = {ws.cell(r, 1).value: ws.cell(r, 2) for r in range(1, ws.max_row + 1)}
    k = base["kpis"]
    assert cells["Scenario"].value == "laptops-fy2026"
    assert cells["Status"].value == "proven optimal"
    assert cells["Verification"].value.startswith("passed")
    expected = {
        "Total cost (USD)": (base["total_cost"], MONEY),
        "Objective (USD)": (base["objective"], MONEY),
        "Baseline cost (USD)": (k["baseline_cost"], MONEY),
        "Savings (USD)": (k["savings"], MONEY),
        "Savings %": (k["savings_pct"], PCT),
        "Max supplier share": (k["max_supplier_share"], SHARE),
        "HHI": (k["hhi"], "#,##0"),
        "Suppliers awarded": (k["supplier_count"], "#,##0"),
        "Gap": (base["solver"]["gap"], "0.0E+00"),
    }
    money = {k: v for k, v in base["cost"].items() if not isinstance(v, dict)}
    money |= {f"adders.{n}": v for n, v in base["cost"]["adders_by_name"].items()}
    expected |= {f"Cost: {key} (USD)": (v, MONEY) for key, v in money.items()}
    for label, (value, fmt) in expected.items():
        assert cells[label].value == x16(value), label
        assert isinstance(cells[label].value, int | float), label
        assert cells[label].number_format == fmt, label


def test_award_equals_the_allocations(book: Any, base: dict[str, Any]) -> None:
    table = rows(book[0]["Award"])
    assert len(table) == len(base["allocations"]) == 12
    for row, a in zip(table, base["allocations"], strict=True):
        assert row["Supplier"].value == a["supplier"]
        assert row["Item"].value == a["item"]
        assert row["Units"].value == x16(a["units"])
        assert row["Unit price (USD)"].value == x16(a["unit_price"])
        assert row["Spend (USD)"].value == x16(a["spend"])
        assert row["Spend (USD)"].number_format == MONEY
        assert row["Source"].value == a["source"]
        assert row["Today's units"].value is None  # no `current` in this scenario


def test_items_hand_derived(book: Any, base: dict[str, Any]) -> None:
    table = {r["Item"].value: r for r in rows(book[0]["Items"])}
    std = table["NB-14-STD"]
    # NB-14-STD: northbridge 630 @ 989 (its 600-unit tier) + pacifica 270 @ 999
    # = 623,070 + 269,730 = 892,800; baseline 900 x 1,085 = 976,500; savings 83,700 (8.571 %)
    assert std["Demand"].value == 900
    assert std["Cost (USD)"].value == 892_800
    assert std["Baseline cost (USD)"].value == 976_500
    assert std["Savings (USD)"].value == 83_700
    assert std["Savings %"].value == pytest.approx(100 * 83_700 / 976_500, rel=1e-15)
    assert std["Savings %"].number_format == PCT
    assert std["Suppliers"].value == "northbridge, pacifica-devices"
    # every item has a baseline and there are no bundles: the items add up to the purchase
    # cost and their savings to the KPI savings plus the fixed cost (12,000, pacifica's)
    total = sum(r["Cost (USD)"].value for r in table.values())
    savings = sum(r["Savings (USD)"].value for r in table.values())
    assert total == base["cost"]["purchase"]
    assert savings == base["kpis"]["savings"] + base["cost"]["fixed"]


def test_suppliers_equal_the_result(book: Any, base: dict[str, Any]) -> None:
    table = rows(book[0]["Suppliers"])
    assert len(table) == len(base["suppliers"])
    for row, s in zip(table, base["suppliers"], strict=True):
        assert row["Supplier"].value == s["supplier"]
        assert row["Units"].value == x16(s["units"])
        assert row["Spend (USD)"].value == x16(s["spend"])
        assert row["Share of spend"].value == x16(s["share_of_spend"])
        assert row["Share of spend"].number_format == SHARE
        assert row["Items won"].value == len(s["items"])
        assert row["Items"].value == ", ".join(s["items"])
    assert table[0]["Name"].value == "Northbridge Systems (OEM direct)"


def test_rules_with_their_costs(book: Any, base: dict[str, Any]) -> None:
    costs = rule_costs(load_scenario(LAPTOPS)).to_dict()["rules"]
    table = rows(book[0]["Rules"])
    assert [r["Rule"].value for r in table] == [r["name"] for r in base["rules"]]
    for row, r, c in zip(table, base["rules"], costs, strict=True):
        assert row["Value"].value == x16(r["value"])
        assert row["Bound"].value == x16(r["bound"])
        share = r["type"] in ("max_share", "group_share")
        assert row["Value"].number_format == (SHARE if share else "General")
        assert row["Binding"].value == ("yes" if r["binding"] else "no")
        assert row["Rule cost (USD)"].value == x16(c["rule_cost"])
        assert row["Objective without (USD)"].value == x16(c["objective_without"])
        assert row["Status without"].value == c["status_without"]


def test_scenarios_equal_compare(book: Any) -> None:
    compared = compare_variants(load_scenario(LAPTOPS)).to_dict()["variants"]
    table = rows(book[0]["Scenarios"])
    assert [r["Variant"].value for r in table] == [v["variant"] for v in compared]
    keys = {
        "Total cost (USD)": "total_cost",
        "Objective (USD)": "objective",
        "Savings (USD)": "savings",
        "Savings %": "savings_pct",
        "Suppliers": "supplier_count",
        "Max share": "max_supplier_share",
        "HHI": "hhi",
        "Gap": "gap",
    }
    for row, v in zip(table, compared, strict=True):
        assert row["Status"].value == v["status"]
        for header, key in keys.items():
            assert row[header].value == x16(v[key]), (v["variant"], header)
        for group, share in v["group_shares"].items():
            assert row[f"Share {group}"].value == x16(share)


def test_changes_equal_the_diff(book: Any) -> None:
    diff = diff_variants(load_scenario(LAPTOPS), *DIFF).to_dict()
    ws = book[0]["Changes"]
    assert ws["B2"].value == x16(diff["objective_change"])
    assert ws["B3"].value == x16(diff["price_effect"])
    assert ws["B4"].value == x16(diff["rule_effect"])
    table = rows(ws, top=6)
    assert len(table) == len(diff["moves"]) > 0
    for row, m in zip(table, diff["moves"], strict=True):
        assert [row["Supplier"].value, row["Item"].value] == [m["supplier"], m["item"]]
        assert row[f"Units in {DIFF[0]}"].value == x16(m["units_from"])
        assert row[f"Units in {DIFF[1]}"].value == x16(m["units_to"])


def test_frontier_equals_the_analysis(book: Any) -> None:
    front = frontier(load_scenario(LAPTOPS), "max_share").to_dict()
    table = rows(book[0]["Frontier"])
    assert len(table) == len(front["points"]) >= 3
    for row, p in zip(table, front["points"], strict=True):
        assert row["Bound on max_share"].value == x16(p["bound"])
        assert row["Value"].value == x16(p["value"])
        assert row["Objective (USD)"].value == x16(p["objective"])
        assert row["Knee"].value == ("yes" if p["knee"] else "no")
        assert row["Value"].number_format == SHARE


def test_bids_winners_highlighted(book: Any, base: dict[str, Any]) -> None:
    ws = book[0]["Bids"]
    table = rows(ws)
    scenario = load_scenario(LAPTOPS)
    assert len(table) == scenario.n_offers
    won = {(a["supplier"], a["item"]): a["units"] for a in base["allocations"]}
    for row in table:
        units = won.get((row["Supplier"].value, row["Item"].value), 0.0)
        assert row["Awarded units"].value == units
        assert row["Winner"].value == ("yes" if units > 0 else "no")
    first = table[0]  # northbridge NB-14-STD: 1049, tiers from 300 at 1019, from 600 at 989
    assert first["Price (USD)"].value == 1049
    assert first["Volume tiers"].value == "from 300: 1019; from 600: 989"
    rules = ws.conditional_formatting
    formulas = [r.formula for cf in rules for r in cf.rules]
    assert formulas == [["$H2>0"]]


def test_tables_have_frozen_headers_filters_and_widths(book: Any) -> None:
    wb, _ = book
    for name in ["Award", "Items", "Suppliers", "Rules", "Scenarios", "Bids", "Frontier"]:
        ws = wb[name]
        assert ws.freeze_panes == "A2", name
        assert ws.auto_filter.ref, name
        assert ws.auto_filter.ref.startswith("A1:"), name
        assert ws.column_dimensions["A"].width > 10, name


def test_native_charts(book: Any) -> None:
    _, path = book
    with zipfile.ZipFile(Path(path)) as z:
        charts = sorted(n for n in z.namelist() if re.fullmatch(r"xl/charts/chart\d+\.xml", n))
        xml = [z.read(n).decode() for n in charts]
    assert len(charts) == 4
    joined = "".join(xml)
    for title in [
        "Spend by supplier",
        "Savings against baseline by item",
        "Scenarios",
        "max_share",
    ]:
        assert title in joined
    assert "<c:barChart>" in joined
    assert "<c:scatterChart>" in joined
