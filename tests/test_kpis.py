"""The result's KPIs, derived by hand on tiny scenarios, and the same figures in every shell.

docs/results.md fixes the names (``kpis``: ``baseline_cost``, ``savings``, ``savings_pct``,
``supplier_count``, ``hhi``, ``max_supplier_share``, group shares) and format 1.1 fixes
``savings_pct`` as a percentage, 100 x savings / baseline_cost. Shares are fractions of spend
(spend = what the suppliers are paid, before rebates; fixed costs are not spend); HHI is on
spend shares in percent (0-10,000). Savings compare the baseline (demand x baseline price)
with the total cost (purchase + bundles + fixed - rebates) when every item has a baseline
price; otherwise with the spend on the items that have one.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from click.testing import CliRunner

from sourceopt import load_scenario, solve
from sourceopt.analysis.compare import compare_variants
from sourceopt.cli import cli


def pair() -> dict[str, Any]:
    """A: 100 units (baseline 12), B: 50 units (baseline 6).

    S1 (US, small business) bids A at 10 but holds 60 units; S2 (DE) bids A at 12 and B at 5.
    Optimum: A 60 x 10 = 600 from S1 and 40 x 12 = 480 from S2, B 50 x 5 = 250 from S2:
    total 1,330. Baseline 100 x 12 + 50 x 6 = 1,500; savings 170 = 11.333... %.
    Spend: S1 600, S2 730 (of 1,330). Variant `double` (demand x 2): A 200, B 100: S1 still
    60 x 10 = 600, S2 140 x 12 + 100 x 5 = 2,180; total 2,780 against a baseline of
    200 x 12 + 100 x 6 = 3,000: savings 220 = 7.333... %.
    """
    return {
        "sourceopt": 1,
        "name": "kpi-pair",
        "items": [
            {"id": "A", "demand": 100, "baseline_price": 12},
            {"id": "B", "demand": 50, "baseline_price": 6},
        ],
        "suppliers": [
            {"id": "S1", "country": "US", "tags": ["small_business"], "capacity": 60},
            {"id": "S2", "country": "DE"},
        ],
        "offers": [
            {"supplier": "S1", "item": "A", "price": 10},
            {"supplier": "S2", "item": "A", "price": 12},
            {"supplier": "S2", "item": "B", "price": 5},
        ],
        "variants": [{"name": "double", "demand_scale": 2.0}],
    }


def hhi(*spend: float) -> float:
    total = sum(spend)
    return sum((100 * s / total) ** 2 for s in spend)


def test_pair_every_kpi_by_hand() -> None:
    doc = solve(load_scenario(pair())).to_dict()
    assert doc["total_cost"] == pytest.approx(1330)
    k = doc["kpis"]
    assert k["baseline_cost"] == pytest.approx(1500)
    assert k["savings"] == pytest.approx(170)
    assert k["savings_pct"] == pytest.approx(100 * 170 / 1500)  # 11.33 %, not 0.1133 or 1.13
    assert k["supplier_count"] == 2
    # shares 600/1330 = 45.11 % and 730/1330 = 54.89 %: HHI 2,035.2 + 3,012.6 = 5,047.8
    assert k["hhi"] == pytest.approx(hhi(600, 730))
    assert k["hhi"] == pytest.approx(5047.77, abs=0.01)
    assert k["max_supplier_share"] == pytest.approx(730 / 1330)
    assert k["group_shares"] == pytest.approx(
        {"tag:small_business": 600 / 1330, "country:DE": 730 / 1330, "country:US": 600 / 1330}
    )
    sups = {s["supplier"]: s for s in doc["suppliers"]}
    assert sups["S1"] == {
        "supplier": "S1",
        "units": pytest.approx(60),
        "spend": pytest.approx(600),
        "share_of_spend": pytest.approx(600 / 1330),
        "items": ["A"],
    }
    assert sups["S2"]["units"] == pytest.approx(90)
    assert sups["S2"]["share_of_spend"] == pytest.approx(730 / 1330)
    assert sups["S2"]["items"] == ["A", "B"]


def test_baseline_follows_the_variants_demand() -> None:
    doc = solve(load_scenario(pair()), variant="double").to_dict()
    assert doc["total_cost"] == pytest.approx(2780)
    k = doc["kpis"]
    assert k["baseline_cost"] == pytest.approx(3000)
    assert k["savings"] == pytest.approx(220)
    assert k["savings_pct"] == pytest.approx(100 * 220 / 3000)
    assert k["max_supplier_share"] == pytest.approx(2180 / 2780)


def test_fixed_costs_count_in_savings_not_in_spend_shares() -> None:
    # S2 must be awarded (only it bids B), so its fixed cost of 100 changes nothing in the
    # award: total 1,330 + 100 = 1,430, savings 1,500 - 1,430 = 70 = 4.667 %; the spend
    # shares stay 600/1,330 and 730/1,330 (a fixed cost is cost, not spend)
    scenario = pair()
    scenario["suppliers"][1]["fixed_cost"] = 100
    doc = solve(load_scenario(scenario)).to_dict()
    assert doc["cost"]["fixed"] == pytest.approx(100)
    assert doc["total_cost"] == pytest.approx(1430)
    assert doc["kpis"]["savings"] == pytest.approx(70)
    assert doc["kpis"]["savings_pct"] == pytest.approx(100 * 70 / 1500)
    assert doc["kpis"]["max_supplier_share"] == pytest.approx(730 / 1330)


def test_a_fixed_cost_that_outweighs_a_cheaper_price_drops_the_supplier() -> None:
    # S1 now costs 1,000 to award; it saves only 60 x (12 - 10) = 120 on A, so all of A goes
    # to S2: 100 x 12 + 50 x 5 = 1,450 (against 1,330 + 1,000 with S1). One supplier: share
    # 1, HHI 10,000; savings 1,500 - 1,450 = 50 = 3.333 %
    scenario = pair()
    scenario["suppliers"][0]["fixed_cost"] = 1000
    doc = solve(load_scenario(scenario)).to_dict()
    k = doc["kpis"]
    assert doc["total_cost"] == pytest.approx(1450)
    assert doc["cost"]["fixed"] == 0
    assert k["savings"] == pytest.approx(50)
    assert k["savings_pct"] == pytest.approx(100 * 50 / 1500)
    assert (k["supplier_count"], k["max_supplier_share"]) == (1, pytest.approx(1.0))
    assert k["hhi"] == pytest.approx(10_000)
    assert k["group_shares"] == pytest.approx(
        {"tag:small_business": 0.0, "country:DE": 1.0, "country:US": 0.0}
    )


def test_rebates_count_in_savings_and_shares_are_before_rebates() -> None:
    # S2 gives 10 % back once its spend reaches 700. A unit of A from S2 then costs
    # 12 x 0.9 = 10.8 > 10, so the award is unchanged; S2's spend 730 >= 700 earns 73.
    # Total 1,330 - 73 = 1,257; savings 1,500 - 1,257 = 243 = 16.2 %; shares stay on spend
    # before rebates (730/1,330)
    scenario = pair()
    scenario["rebates"] = [{"supplier": "S2", "tiers": [{"from_spend": 700, "percent": 10}]}]
    doc = solve(load_scenario(scenario)).to_dict()
    assert doc["cost"]["rebates"] == pytest.approx(73)
    assert doc["total_cost"] == pytest.approx(1257)
    assert doc["kpis"]["savings"] == pytest.approx(243)
    assert doc["kpis"]["savings_pct"] == pytest.approx(16.2)
    assert doc["kpis"]["max_supplier_share"] == pytest.approx(730 / 1330)


def bundle() -> dict[str, Any]:
    """A and B, 10 units each (baselines 10 and 20); Q bids them at 10 and 20 (= 300).

    P offers a package of 10 A + 10 B for 270: cheaper, so it is accepted and Q gets
    nothing. Its price counts as spend by baseline value: A 10 x 10 = 100 and B 10 x 20 = 200
    of 300, so A 90 (unit price 9) and B 180 (unit price 18). Baseline 300, savings 30 =
    exactly 10 %; one supplier (P, MX): share 1, HHI 10,000.
    """
    return {
        "sourceopt": 1,
        "name": "kpi-bundle",
        "items": [
            {"id": "A", "demand": 10, "baseline_price": 10},
            {"id": "B", "demand": 10, "baseline_price": 20},
        ],
        "suppliers": [{"id": "P", "country": "MX"}, {"id": "Q", "country": "US"}],
        "offers": [
            {"supplier": "Q", "item": "A", "price": 10},
            {"supplier": "Q", "item": "B", "price": 20},
        ],
        "bundles": [{"id": "pkg", "supplier": "P", "units": {"A": 10, "B": 10}, "price": 270}],
    }


def test_bundle_kpis_and_allocations_by_hand() -> None:
    doc = solve(load_scenario(bundle())).to_dict()
    assert doc["total_cost"] == pytest.approx(270)
    assert doc["cost"]["bundles"] == pytest.approx(270)
    assert doc["cost"]["purchase"] == 0
    rows = {(a["item"], a["source"]): a for a in doc["allocations"]}
    assert set(rows) == {("A", "pkg"), ("B", "pkg")}
    assert rows["A", "pkg"]["spend"] == pytest.approx(90)
    assert rows["A", "pkg"]["unit_price"] == pytest.approx(9)
    assert rows["B", "pkg"]["spend"] == pytest.approx(180)
    k = doc["kpis"]
    assert k["baseline_cost"] == pytest.approx(300)
    assert k["savings"] == pytest.approx(30)
    assert k["savings_pct"] == pytest.approx(10.0)
    assert (k["supplier_count"], k["hhi"]) == (1, pytest.approx(10_000))
    assert k["group_shares"] == pytest.approx({"country:MX": 1.0, "country:US": 0.0})
    assert doc["suppliers"] == [
        {
            "supplier": "P",
            "units": pytest.approx(20),
            "spend": pytest.approx(270),
            "share_of_spend": pytest.approx(1.0),
            "items": ["A", "B"],
        }
    ]


def test_partial_baseline_compares_only_the_items_that_have_one() -> None:
    # A (baseline 12): 10 x 10 = 100; C (no baseline): 5 x 3 = 15; S1's fixed cost 50.
    # Total 165, but only A can be compared: baseline 120, savings 120 - 100 = 20 = 16.67 %
    scenario = {
        "sourceopt": 1,
        "name": "kpi-partial",
        "items": [{"id": "A", "demand": 10, "baseline_price": 12}, {"id": "C", "demand": 5}],
        "suppliers": [{"id": "S1", "fixed_cost": 50}],
        "offers": [
            {"supplier": "S1", "item": "A", "price": 10},
            {"supplier": "S1", "item": "C", "price": 3},
        ],
    }
    doc = solve(load_scenario(scenario)).to_dict()
    assert doc["total_cost"] == pytest.approx(165)
    k = doc["kpis"]
    assert (k["baseline_cost"], k["savings"]) == (pytest.approx(120), pytest.approx(20))
    assert k["savings_pct"] == pytest.approx(100 * 20 / 120)
    assert k["group_shares"] == {}


def test_no_baseline_no_savings() -> None:
    scenario = copy.deepcopy(pair())
    for item in scenario["items"]:
        del item["baseline_price"]
    k = solve(load_scenario(scenario)).to_dict()["kpis"]
    assert (k["baseline_cost"], k["savings"], k["savings_pct"]) == (None, None, None)


def test_the_same_percentages_in_every_shell(tmp_path: Path) -> None:
    """CLI summary, compare (JSON and text) and the batch summary show 11.33 %, 7.33 %, 10 %."""
    runner = CliRunner()
    (tmp_path / "pair.json").write_text(json.dumps(pair()))
    (tmp_path / "bundle.json").write_text(json.dumps(bundle()))
    text = runner.invoke(cli, ["solve", str(tmp_path / "bundle.json")])
    assert text.exit_code == 0, text.output
    assert "savings vs baseline 300.00: 30.00 (10.00 %)" in text.output

    compared = compare_variants(load_scenario(pair())).to_dict()["variants"]
    pcts = {r["variant"]: r["savings_pct"] for r in compared}
    assert pcts["base"] == pytest.approx(100 * 170 / 1500)
    assert pcts["double"] == pytest.approx(100 * 220 / 3000)
    table = runner.invoke(cli, ["compare", str(tmp_path / "pair.json")])
    assert table.exit_code == 0, table.output
    assert "11.33" in table.output
    assert "7.33" in table.output
    assert "1.13" not in table.output
    assert "113.3" not in table.output

    out = tmp_path / "out"
    run = runner.invoke(
        cli,
        ["batch", str(tmp_path / "pair.json"), "--out", str(out), "--variants", "all"],
        catch_exceptions=False,
    )
    assert run.exit_code == 0, run.output
    summary = pd.read_csv(out / "summary.csv").set_index("variant")
    assert summary.loc["base", "baseline_cost"] == pytest.approx(1500)
    assert summary.loc["base", "savings_pct"] == pytest.approx(100 * 170 / 1500)
    assert summary.loc["double", "savings_pct"] == pytest.approx(100 * 220 / 3000)
    assert summary.loc["double", "hhi"] == pytest.approx(hhi(600, 2180))


def test_paying_more_than_the_baseline_is_negative_savings() -> None:
    # X: 10 units, baseline 8, the only bid 10: cost 100 against 80, savings -20 = -25 %
    scenario = {
        "sourceopt": 1,
        "name": "kpi-dearer",
        "items": [{"id": "X", "demand": 10, "baseline_price": 8}],
        "suppliers": [{"id": "S"}],
        "offers": [{"supplier": "S", "item": "X", "price": 10}],
    }
    k = solve(load_scenario(scenario)).to_dict()["kpis"]
    assert (k["baseline_cost"], k["savings"]) == (pytest.approx(80), pytest.approx(-20))
    assert k["savings_pct"] == pytest.approx(-25.0)
