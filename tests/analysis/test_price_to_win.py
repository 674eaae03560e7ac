"""price-to-win: thresholds derived by hand on tiny cases, by reduced cost and by bisection."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner

from sourceopt.analysis.price_to_win import price_to_win
from sourceopt.cli import cli
from sourceopt.errors import AnalysisError
from sourceopt.scenario.load import load_scenario


def duel(min_units: float = 0.0) -> dict[str, Any]:
    """Item A, demand 100; S1 bids 10, S2 bids 12, no capacities.

    S1 wins all 100. S2 wins as soon as it undercuts 10: at 10 the two tie, below 10 S2 wins
    all 100 units. So S2's price-to-win is exactly 10, with 100 units at it.
    """
    offer: dict[str, Any] = {"supplier": "S2", "item": "A", "price": 12}
    if min_units:
        offer["min_units"] = min_units  # a binary: the program becomes a MIP
    return {
        "sourceopt": 1,
        "name": "duel",
        "items": [{"id": "A", "demand": 100}],
        "suppliers": [{"id": "S1"}, {"id": "S2"}],
        "offers": [{"supplier": "S1", "item": "A", "price": 10}, offer],
    }


def test_two_suppliers_parametric_is_exact() -> None:
    out = price_to_win(load_scenario(duel()))
    assert out.verified
    assert out.to_dict() == {
        "scenario": "duel",
        "offers": [
            {
                "supplier": "S2",
                "item": "A",
                "price": 12.0,
                "price_to_win": 10.0,
                "units_at_price": 100.0,
                "final": True,  # every re-solve ended in a proof
            }
        ],
    }
    assert out.offers[0].method == "parametric"
    assert out.offers[0].solves <= 4


def test_two_suppliers_mip_parametric() -> None:
    out = price_to_win(load_scenario(duel(min_units=10)), tolerance=1e-7)
    (offer,) = out.offers
    assert offer.method == "parametric"
    assert offer.price_to_win == pytest.approx(10.0, abs=12 * 1e-7)
    assert offer.units_at_price == pytest.approx(100)


def ladder() -> dict[str, Any]:
    """Item A, demand 100. S1 bids 10 but can deliver 60; S2 bids 12; S3 bids 13; S4 bids 9
    and is banned from A by an exclude rule.

    Award: S1 60, S2 40. S3 replaces S2's 40 units below 12 (price-to-win 12, 40 units).
    S2 already wins 40 of the 100 it could carry; it wins more only below 10, where it takes
    S1's 60 too (price-to-win 10, 100 units). S4 can win at no price (null).
    """
    return {
        "sourceopt": 1,
        "name": "ladder",
        "items": [{"id": "A", "demand": 100}],
        "suppliers": [{"id": "S1", "capacity": 60}, {"id": "S2"}, {"id": "S3"}, {"id": "S4"}],
        "offers": [
            {"supplier": "S1", "item": "A", "price": 10},
            {"supplier": "S2", "item": "A", "price": 12},
            {"supplier": "S3", "item": "A", "price": 13},
            {"supplier": "S4", "item": "A", "price": 9},
        ],
        "rules": [{"type": "exclude", "name": "ban-s4", "suppliers": ["S4"]}],
    }


def test_partial_winner_loser_and_banned_offer() -> None:
    out = price_to_win(load_scenario(ladder()), tolerance=1e-7)
    got = {o.supplier: o for o in out.offers}
    assert set(got) == {"S2", "S3", "S4"}
    assert got["S3"].price_to_win == pytest.approx(12, abs=2e-6)
    assert got["S3"].units_at_price == pytest.approx(40)
    assert got["S3"].method == "parametric"  # two exact steps: 10.80 (wins 40), then 12 (tie)
    assert got["S2"].price_to_win == pytest.approx(10, abs=2e-6)
    assert got["S2"].units_at_price == pytest.approx(100)
    assert got["S2"].units_now == pytest.approx(40)
    assert got["S4"].price_to_win is None
    assert out.frame.loc[out.frame["supplier"] == "S4", "price_to_win"].isna().all()


def test_limit_prices_the_first_offers_only() -> None:
    # ladder's candidates in offer order: S2, S3, S4; a limit of 2 prices S2 and S3 (the
    # figures above), S4 not at all; a limit below 1 prices nothing and says so.
    out = price_to_win(load_scenario(ladder()), tolerance=1e-7, limit=2)
    assert [o.supplier for o in out.offers] == ["S2", "S3"]
    assert out.offers[0].price_to_win == pytest.approx(10, abs=2e-6)
    assert out.offers[1].price_to_win == pytest.approx(12, abs=2e-6)
    with pytest.raises(AnalysisError, match="limit must be at least 1"):
        price_to_win(load_scenario(ladder()), limit=0)


# A spend rule sees the price: S2 may take at most 30 % of the spend. At price p, S2's spend
# is p x and S1's 10 (100 - x); p x <= 0.3 (p x + 10 (100 - x)) gives x <= 300 / (0.7 p + 3).
# Below 10 S2 still wins (30 units just below 10), at 10 it ties: the threshold stays 10.
def test_spend_rule_sees_the_lowered_price() -> None:
    doc = duel()
    doc["rules"] = [
        {
            "type": "group_share",
            "name": "s2-max-30pct-spend",
            "suppliers": ["S2"],
            "max": 0.3,
            "measure": "spend",
        }
    ]
    out = price_to_win(load_scenario(doc), tolerance=1e-7)
    (offer,) = out.offers
    assert out.verified
    assert offer.method == "bisection"
    assert offer.price_to_win == pytest.approx(10, abs=2e-6)
    assert offer.units_at_price == pytest.approx(300 / (0.7 * 10 + 3), rel=1e-4)


def test_unknown_supplier_lists_the_suppliers() -> None:
    with pytest.raises(AnalysisError, match=r"unknown supplier 'S9'.*suppliers are: S1, S2"):
        price_to_win(load_scenario(duel()), supplier="S9")


def test_supplier_filter_and_cli(tmp_path: Path) -> None:
    path = tmp_path / "ladder.yaml"
    path.write_text(yaml.safe_dump(ladder()))
    runner = CliRunner()
    res = runner.invoke(cli, ["price-to-win", str(path), "--supplier", "S3", "--json"])
    assert res.exit_code == 0, res.output
    data = json.loads(res.output)
    assert set(data) == {"scenario", "offers"}
    assert [o["supplier"] for o in data["offers"]] == ["S3"]
    keys = {"supplier", "item", "price", "price_to_win", "units_at_price", "final"}
    assert set(data["offers"][0]) == keys
    text = runner.invoke(cli, ["price-to-win", str(path)])
    assert text.exit_code == 0
    assert "price to win" in text.output
    assert "S4" in text.output
    bad = runner.invoke(cli, ["price-to-win", str(path), "--supplier", "nobody"])
    assert bad.exit_code == 2
    assert "the suppliers are: S1, S2, S3, S4" in bad.output
