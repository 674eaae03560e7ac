"""Whole units and alternate offers (format 1.1) beyond the catalogue: what the result, the
CSV output, the verifier, variants, tables and explain make of them.

Figures are derived by hand in each test's docstring or comment.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import yaml
from click.testing import CliRunner

from sourceopt import Award, load_scenario, solve, verify
from sourceopt.analysis.explain import explain
from sourceopt.cli import cli
from sourceopt.errors import ScenarioError
from sourceopt.scenario.variants import apply_variant


def _alternates() -> dict[str, Any]:
    """A (10): S1 a1 @10 and a2 @8 cap 6 (alternates), S2 @11. Optimum a2 6 + S2 4 = 92."""
    return {
        "sourceopt": 1,
        "name": "alternates",
        "items": [{"id": "A", "demand": 10}],
        "suppliers": [{"id": "S1"}, {"id": "S2"}],
        "offers": [
            {"supplier": "S1", "item": "A", "price": 10, "id": "a1"},
            {"supplier": "S1", "item": "A", "price": 8, "capacity": 6, "id": "a2"},
            {"supplier": "S2", "item": "A", "price": 11},
        ],
    }


def test_allocations_name_the_alternate_used() -> None:
    doc = solve(load_scenario(_alternates())).to_dict()
    offers = {(a["supplier"], a["offer"]): a["units"] for a in doc["allocations"]}
    assert offers == {("S1", "a2"): 6.0, ("S2", None): 4.0}
    assert {"whole_units", "alternates"} <= set(doc["verification"]["checked"])


def test_csv_allocations_have_the_offer_column(tmp_path: Path) -> None:
    path = tmp_path / "s.yaml"
    path.write_text(yaml.safe_dump(_alternates()))
    out = tmp_path / "out"
    res = CliRunner().invoke(cli, ["solve", str(path), "--csv", str(out)])
    assert res.exit_code == 0, res.output
    with (out / "allocations.csv").open(newline="") as f:
        rows = list(csv.DictReader(f))
    assert [(r["supplier"], r["offer"]) for r in rows] == [("S1", "a2"), ("S2", "")]


def test_result_schema_has_the_offer_key() -> None:
    res = CliRunner().invoke(cli, ["schema", "--result"])
    schema = json.loads(res.output)
    allocation = schema["$defs"]["AllocationDoc"]["properties"]
    assert "offer" in allocation


def test_verifier_refuses_two_alternates_and_broken_lots() -> None:
    """Two alternates with units, and 2.5 units of a lot-of-1 item, are both found."""
    sc = load_scenario(_alternates())
    check = verify(sc, Award(np.array([4.0, 6.0, 0.0]), np.zeros(0, bool)))
    assert not check.ok
    assert any("2 alternate offers receive units" in p for p in check.problems), check.problems
    whole = _alternates()
    whole["items"][0]["lot_size"] = 1
    sc = load_scenario(whole)
    check = verify(sc, Award(np.array([7.5, 0.0, 2.5]), np.zeros(0, bool)))
    messages = [p for p in check.problems if "whole multiple" in p]
    assert len(messages) == 2, check.problems
    assert "7.5 units through the offer, not a whole multiple of its lot_size 1" in messages[0]


def test_pack_size_replaces_the_lot_in_the_verifier() -> None:
    """Lot 10, S2's pack 4: 12 units through S2 are 3 packs (fine), not whole lots."""
    sc = _alternates()
    sc["items"][0].update(demand=20, lot_size=10)
    sc["offers"][2]["pack_size"] = 4
    check = verify(load_scenario(sc), Award(np.array([0.0, 8.0, 12.0]), np.zeros(0, bool)))
    assert [p for p in check.problems if "whole multiple" in p] == [
        "supplier S1, item A: 8 units through the offer, not a whole multiple of its lot_size 10"
    ]


def test_a_variant_breaking_a_lot_names_the_variant_and_the_applied_demand() -> None:
    sc = _alternates()
    sc["items"][0]["lot_size"] = 5
    sc["variants"] = [{"name": "more", "demand_scale": 1.12}]  # 10 x 1.12 = 11.2
    with pytest.raises(ScenarioError) as err:
        load_scenario(sc)
    [problem] = err.value.problems
    assert problem.place == "variants[0]"
    assert "demand 11.2 of item 'A'" in problem.message
    assert "variant 'more'" in problem.message


def test_offer_edits_apply_in_order() -> None:
    """exclude_offers (a2) before add_offers (a2 again, new price): the added one stands."""
    sc = _alternates()
    sc["variants"] = [
        {
            "name": "rebid",
            "exclude_offers": ["a2"],
            "add_offers": [{"supplier": "S1", "item": "A", "price": 7, "id": "a2", "capacity": 5}],
            "price_scale": {"S1": 2.0},  # after add_offers: the added offer is scaled too
        }
    ]
    applied = apply_variant(load_scenario(sc), "rebid")
    rows = {
        i: (p, c)
        for i, p, c in zip(
            applied.offer_ids(), applied.offers["price"], applied.offers["capacity"], strict=True
        )
    }
    assert rows == {"a1": (20.0, np.inf), None: (11.0, np.inf), "a2": (14.0, 5.0)}


def test_tables_carry_lot_size_pack_size_and_offer_ids(tmp_path: Path) -> None:
    """The same scenario from CSV: A (10, lot 5); S1 @10 cap 7 (id x), S2 @12 pack 5.

    S1 can take one lot (5 of its 7), S2 the other: 50 + 60 = 110.
    """
    (tmp_path / "items.csv").write_text("id,demand,lot_size\nA,10,5\n")
    (tmp_path / "offers.csv").write_text(
        "supplier,item,price,capacity,id,pack_size\nS1,A,10,7,x,\nS2,A,12,,,5\n"
    )
    doc = {
        "sourceopt": 1,
        "name": "tables",
        "items": {"file": "items.csv"},
        "suppliers": [{"id": "S1"}, {"id": "S2"}],
        "offers": {"file": "offers.csv"},
    }
    (tmp_path / "s.yaml").write_text(yaml.safe_dump(doc))
    res = solve(load_scenario(tmp_path / "s.yaml"))
    assert res.objective == pytest.approx(110)
    assert list(res.allocations["offer"]) == ["x", None]


def test_explain_an_award_only_lots_make_infeasible() -> None:
    """A (10, lot 5): S1 cap 7, S2 cap 4. Continuous 7 + 3 would do; in lots S1 gives 5 and
    S2 none (4 < 5), so 5 are short. explain names the demand, and its relaxation (which
    keeps whole units) cuts it by one lot: 5 units, priced at the dearest price 12: 60."""
    sc = _alternates()
    sc["items"][0]["lot_size"] = 5
    sc["offers"] = [
        {"supplier": "S1", "item": "A", "price": 10, "capacity": 7},
        {"supplier": "S2", "item": "A", "price": 12, "capacity": 4},
    ]
    scenario = load_scenario(sc)
    assert solve(scenario).status.value == "infeasible"
    found = explain(scenario)
    assert [m.rule for m in found.conflict] == ["demand:A"]
    assert found.relaxation is not None
    [cut] = found.relaxation.violations
    assert (cut.rule, cut.amount, cut.penalty) == ("demand:A", 5.0, 60.0)


def test_compare_solves_offer_edit_variants_from_their_own_offers() -> None:
    """Base 92 (a2 6 @8 + S2 4 @11). Without a2: a1 10 @10 = 100 (S2 would cost 110).
    With a late S2 bid @9 (no id: it replaces S2's offer): a2 6 @8 + S2 4 @9 = 84.
    Base -> no-a2: +8, all of it rule effect (A's award at B's prices: a2, gone, keeps its
    48, S2 4 @11 = 44: 92, no price effect)."""
    from sourceopt.analysis import compare_variants, diff_variants

    sc = _alternates()
    sc["variants"] = [
        {"name": "no-a2", "exclude_offers": ["a2"]},
        {"name": "late", "add_offers": [{"supplier": "S2", "item": "A", "price": 9}]},
    ]
    scenario = load_scenario(sc)
    rows = {r.variant: r.objective for r in compare_variants(scenario).rows}
    assert rows == pytest.approx({"base": 92.0, "no-a2": 100.0, "late": 84.0})
    diff = diff_variants(scenario, "base", "no-a2")
    assert (diff.objective_change, diff.price_effect, diff.rule_effect) == pytest.approx(
        (8.0, 0.0, 8.0)
    )


def test_summary_names_the_alternate(tmp_path: Path) -> None:
    path = tmp_path / "s.yaml"
    path.write_text(yaml.safe_dump(_alternates()))
    res = CliRunner().invoke(cli, ["solve", str(path)])
    assert res.exit_code == 0, res.output
    lines = [line.split() for line in res.output.splitlines()]
    assert ["S1", "A", "6.00", "8.00", "48.00", "offer", "a2"] in lines
    assert ["S2", "A", "4.00", "11.00", "44.00", "offer"] in lines
