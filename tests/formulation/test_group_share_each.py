"""group_share with ``each``: one rule, a bound for every country (region, tag) separately.

Every expected number is derived by hand below. The base case ("E") is conformance case 41
(tests/conformance/cases.py), restated here:

items      A: demand 100            B: demand 100
suppliers  C1, C2 (CN)   M1 (MX)   U1 (US)
offers     C1-A @10      C2-B @10   M1-A @14 cap 50, M1-B @17   U1-A @16, U1-B @15

Without rules CN gets everything at 10: cost 2000. Moving a unit away from CN costs the price
difference; for a spend limit "CN <= 50 % of T" (i.e. CN spend <= the others' spend) it closes
the gap CN - others by the sum of the two prices: MX on A +4 per 24 of gap, US on B +5 per 25,
US on A +6 per 26, MX on B +7 per 27 (cheapest per unit of gap in that order).
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import yaml
from click.testing import CliRunner

from sourceopt import load_scenario, solve
from sourceopt.analysis.compare import compare_variants
from sourceopt.analysis.edits import drop_rule
from sourceopt.analysis.explain import explain
from sourceopt.analysis.frontier import frontier
from sourceopt.analysis.rule_costs import rule_costs
from sourceopt.cli import cli
from sourceopt.formulation.build import build_program
from sourceopt.scenario.model import Scenario
from sourceopt.scenario.schema import ScenarioDocument
from sourceopt.scenario.sourcing_models import available_models, read_model
from sourceopt.solvers.base import Status

RULE = "max-country-share-50pct"
TEN = ("CN", "TW", "US", "KR", "JP", "DE", "MX", "IN", "VN", "MY")  # the old `resilient` list


def each_rule(**keys: Any) -> dict[str, Any]:
    """The country limit of `resilient`: at most 50 % of the spend to each country."""
    return {
        "type": "group_share",
        "name": RULE,
        "each": "country",
        "max": 0.5,
        "per": "category",
        "measure": "spend",
        **keys,
    }


def case_e(rules: list[dict[str, Any]] | None = None, **extra: Any) -> dict[str, Any]:
    """Case E (module docstring) with the given rules (default: the each-country limit)."""
    return {
        "sourceopt": 1,
        "name": "each-country",
        "items": [{"id": "A", "demand": 100}, {"id": "B", "demand": 100}],
        "suppliers": [
            {"id": "C1", "country": "CN"},
            {"id": "C2", "country": "CN"},
            {"id": "M1", "country": "MX"},
            {"id": "U1", "country": "US"},
        ],
        "offers": [
            {"supplier": "C1", "item": "A", "price": 10},
            {"supplier": "C2", "item": "B", "price": 10},
            {"supplier": "M1", "item": "A", "price": 14, "capacity": 50},
            {"supplier": "M1", "item": "B", "price": 17},
            {"supplier": "U1", "item": "A", "price": 16},
            {"supplier": "U1", "item": "B", "price": 15},
        ],
        "rules": [each_rule()] if rules is None else rules,
        **extra,
    }


def load(doc: dict[str, Any]) -> Scenario:
    return load_scenario(copy.deepcopy(doc))


def units(res: Any) -> dict[tuple[str, str], float]:
    alloc = res.allocations
    sums = alloc.groupby(["supplier", "item"])["units"].sum()
    return {(str(s), str(i)): float(u) for (s, i), u in sums.items() if abs(u) > 1e-6}


# The optimum of E with the 50 % spend limit (conformance case 41): MX on A up to its
# capacity 50 closes 50 x 24 = 1200 of the gap 2000 (+200); the other 800 by US on B,
# 800 / 25 = 32 units (+160). Spend CN 500 + 680 = 1180, MX 700, US 480, T = 2360:
# CN is at exactly 50 % (binding), MX 29.7 %, US 20.3 %. Cost 2360.
E_OPTIMUM = 2360.0
E_UNITS = {("C1", "A"): 50.0, ("M1", "A"): 50.0, ("C2", "B"): 68.0, ("U1", "B"): 32.0}


def test_each_country_optimum_names_the_binding_country() -> None:
    res = solve(load(case_e()))
    assert res.status is Status.OPTIMAL
    assert res.objective == pytest.approx(E_OPTIMUM)
    assert units(res) == pytest.approx(E_UNITS)
    (rule,) = res.document.rules
    assert (rule.name, rule.group, rule.binding) == (RULE, "CN", True)
    assert rule.value == pytest.approx(0.5)
    assert res.verification.ok
    shares = res.document.kpis.group_shares  # type: ignore[union-attr]
    assert shares["country:CN"] == pytest.approx(1180 / 2360)
    assert shares["country:MX"] == pytest.approx(700 / 2360)


def test_rows_are_labelled_with_their_group() -> None:
    program = build_program(load(case_e()))
    rows = program.rows[program.rows["family"] == "group_share"]
    assert list(rows["rule"]) == [RULE] * 3  # one row per country present, sorted
    assert list(rows["group"]) == ["CN", "MX", "US"]
    assert list(rows["item"]) == [-1, -1, -1]
    assert set(program.rows.loc[program.rows["family"] == "demand", "group"]) == {""}


def test_one_rule_per_country_gives_the_same_optimum() -> None:
    # the format's own encoding (what `resilient` had): one rule per listed country; the
    # countries without suppliers select nobody. Same constraints on the award, same optimum.
    per_country = [each_rule(name=f"max-{c}", suppliers={"country": [c]}) for c in TEN]
    for rule in per_country:
        del rule["each"]
    res = solve(load(case_e(per_country)))
    assert res.objective == pytest.approx(E_OPTIMUM)
    assert units(res) == pytest.approx(E_UNITS)


@pytest.mark.parametrize("country", [None, "", "  "])
def test_a_supplier_without_a_country_is_not_limited(country: str | None) -> None:
    # N1 (no country, or a blank one) bids @8 on A and B, cheaper than anyone: it forms no
    # group, so it may take everything: 200 x 8 = 1600, 100 % of the spend. (Were it a group
    # of its own, it would be held to 50 %.) Every country has 0 %.
    doc = case_e()
    n1: dict[str, Any] = {"id": "N1"} if country is None else {"id": "N1", "country": country}
    doc["suppliers"].append(n1)
    doc["offers"] += [
        {"supplier": "N1", "item": "A", "price": 8},
        {"supplier": "N1", "item": "B", "price": 8},
    ]
    res = solve(load(doc))
    assert res.objective == pytest.approx(1600.0)
    assert units(res) == {("N1", "A"): 100.0, ("N1", "B"): 100.0}
    (rule,) = res.document.rules
    assert rule.value == 0.0
    assert rule.group in {"CN", "MX", "US"}
    rows = build_program(load(doc)).rows
    assert list(rows.loc[rows["rule"] == RULE, "group"]) == ["CN", "MX", "US"]


def test_no_supplier_with_a_value_means_no_group() -> None:
    # nobody has a region: the rule has no group and bounds nothing (even a minimum), so the
    # optimum is the unconstrained one, all at 10: 2000. It adds no row.
    rule = each_rule(name="min-region", each="region", max=None, min=0.25)
    res = solve(load(case_e([rule])))
    assert res.objective == pytest.approx(2000.0)
    (report,) = res.document.rules
    assert (report.value, report.group) == (None, None)
    assert not (build_program(load(case_e([rule]))).rows["rule"] == "min-region").any()


def test_each_with_a_minimum() -> None:
    # each country at least 25 % of the volume (50 of 200 units each). CN is cheapest anyway;
    # MX: A @14 (+4) beats B @17 (+7): 50 units of A, exactly its capacity (+200);
    # US: B @15 (+5) beats A @16 (+6): 50 units of B (+250). CN keeps A 50, B 50.
    # 2000 + 200 + 250 = 2450.
    res = solve(load(case_e([each_rule(name="min-country", max=None, min=0.25, measure="volume")])))
    assert res.objective == pytest.approx(2450.0)
    assert units(res) == pytest.approx(
        {("C1", "A"): 50.0, ("M1", "A"): 50.0, ("C2", "B"): 50.0, ("U1", "B"): 50.0}
    )
    (rule,) = res.document.rules
    assert rule.binding  # every country at exactly 25 %
    assert rule.value == pytest.approx(0.25)


def test_a_country_that_cannot_supply_makes_a_minimum_infeasible() -> None:
    # J1 (JP) bids on nothing: JP needs 50 units and can deliver 0. explain names the rule and
    # JP; the cheapest relaxation gives up JP's 50 units (volume: the highest price, 17, each).
    doc = case_e([each_rule(name="min-country", max=None, min=0.25, measure="volume")])
    doc["suppliers"].append({"id": "J1", "country": "JP"})
    answer = explain(load(doc))
    assert answer.status is Status.INFEASIBLE
    (member,) = answer.conflict
    assert member.rule == "min-country"
    assert "from each country" in member.message
    assert "4 countries: CN, JP, MX, US" in member.message
    assert "the suppliers from JP can deliver at most 0 units" in member.message
    assert answer.relaxation is not None
    (violation,) = answer.relaxation.violations
    assert (violation.rule, violation.amount) == ("min-country[JP]", pytest.approx(50.0))
    assert violation.penalty == pytest.approx(50.0 * 17)
    assert answer.verified


def test_soft_each_rule_is_priced_per_unit_of_money() -> None:
    # penalty 0.35 per unit of money over 50 %. The violation is CN - 0.5 T = half the gap;
    # MX on A closes 12 of violation for +4 (0.35 x 12 = 4.2 > 4: worth it), US on B 12.5 for
    # +5 (4.375 < 5: not). So MX takes its 50 units of A and nothing else moves:
    # CN 1500, MX 700, T 2200, violation 1500 - 1100 = 400, penalty 140.
    # Objective 2200 + 140 = 2340 (without the move: 2000 + 0.35 x 1000 = 2350).
    res = solve(load(case_e([each_rule(soft={"penalty": 0.35})])))
    assert res.total_cost == pytest.approx(2200.0)
    assert res.objective == pytest.approx(2340.0)
    assert res.document.cost.penalties == pytest.approx(140.0)  # type: ignore[union-attr]
    (rule,) = res.document.rules
    assert (rule.group, rule.violation) == ("CN", pytest.approx(400.0))
    assert units(res) == pytest.approx({("C1", "A"): 50.0, ("M1", "A"): 50.0, ("C2", "B"): 100.0})


def test_per_item_each() -> None:
    # each country at most 50 % of each item's units. A: C1 50 @10, then MX 50 @14 (cap 50)
    # = 1200; B: C2 50 @10, then US 50 @15 = 1250. Total 2450. Rows: 3 countries x 2 items.
    rule = each_rule(per="item", measure="volume")
    res = solve(load(case_e([rule])))
    assert res.objective == pytest.approx(2450.0)
    rows = build_program(load(case_e([rule]))).rows
    mine = rows[rows["rule"] == RULE]
    assert list(zip(mine["group"], mine["item"], strict=True)) == [
        ("CN", 0),
        ("CN", 1),
        ("MX", 0),
        ("MX", 1),
        ("US", 0),
        ("US", 1),
    ]


def test_rule_costs_drop_every_group_and_price_the_binding_country() -> None:
    # Without the rule: 2000, so the rule costs 360. The dual of CN's row: one more unit of
    # money allowed over 0.5 T lets the gap CN - others grow by 2, saving 2 x 5 / 25 = 0.4 at
    # the margin (US on B). MX and US rows are slack (dual 0).
    scenario = load(case_e())
    costs = rule_costs(scenario)
    (cost,) = costs.rules
    assert cost.objective_without == pytest.approx(2000.0)
    assert cost.rule_cost == pytest.approx(360.0)
    assert cost.dual == pytest.approx(-0.4, abs=1e-6)
    duals = costs.row_duals
    assert list(duals["group"]) == ["CN"]
    assert duals["dual"].iloc[0] == pytest.approx(-0.4, abs=1e-6)
    dropped = drop_rule(build_program(scenario), RULE, scenario)
    assert not (dropped.rows["rule"] == RULE).any()
    assert not (dropped.columns["kind"] == "slack").any()


def test_cli_names_the_group(tmp_path: Path) -> None:
    path = tmp_path / "e.yaml"
    path.write_text(yaml.safe_dump(case_e()))
    runner = CliRunner()
    solved = runner.invoke(cli, ["solve", str(path)])
    assert solved.exit_code == 0, solved.output
    assert f"{RULE}[CN]" in solved.output  # the rule report names the worst country
    priced = runner.invoke(cli, ["rules", str(path)])
    assert priced.exit_code == 0, priced.output
    assert f"{RULE}[CN]" in priced.output  # the row duals name the country's row


def test_variants_and_frontier_with_an_each_rule() -> None:
    doc = case_e(variants=[{"name": "no-country-limit", "drop_rules": [RULE]}])
    scenario = load(doc)
    table = compare_variants(scenario)
    objectives = {r.variant: r.objective for r in table.rows}
    assert objectives == pytest.approx({"base": E_OPTIMUM, "no-country-limit": 2000.0})
    # the largest MX share the rule allows is 50 %: every point of the frontier keeps it
    front = frontier(scenario, "group_share:country:MX", points=3)
    assert all(p.verified for p in front.points)
    values = [p.value for p in front.points if p.value is not None]
    assert values
    assert max(values) <= 0.5 + 1e-6


def test_resilient_model_is_four_rules_with_one_country_rule() -> None:
    model = read_model(available_models()["resilient"])
    names = [r.name for r in model.rules]
    assert names == [
        "max-supplier-share-40pct-of-spend",
        RULE,
        "backup-capacity-covers-50pct-of-any-supplier",
        "average-supplier-risk-max-0.35",
    ]
    country = model.rules[1]
    assert (country.type, getattr(country, "each", None)) == ("group_share", "country")
    assert np.isclose(getattr(country, "max", 0.0), 0.5)


def test_json_schema_documents_each() -> None:
    schema = ScenarioDocument.model_json_schema()
    each = schema["$defs"]["GroupShareRule"]["properties"]["each"]
    allowed = next(a for a in each["anyOf"] if "enum" in a)["enum"]
    assert allowed == ["country", "region", "tag"]
    assert "form no group" in each["description"]
    assert "each" not in schema["$defs"]["MaxShareRule"]["properties"]
