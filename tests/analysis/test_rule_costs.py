"""Cost of each rule, on tiny scenarios whose answers are derived by hand."""

from __future__ import annotations

import json
from typing import Any

import pytest
import yaml
from click.testing import CliRunner

from sourceopt import AnalysisError, load_scenario
from sourceopt.analysis import rule_costs
from sourceopt.cli import cli
from sourceopt.solvers.base import Status


def lp(rules: list[dict[str, Any]]) -> dict[str, Any]:
    """Item A (100 units): S1 at 10, S2 at 11; item B (50 units): only S2 at 5. An LP."""
    return {
        "sourceopt": 1,
        "name": "rule-costs-lp",
        "items": [{"id": "A", "demand": 100}, {"id": "B", "demand": 50}],
        "suppliers": [
            {"id": "S1", "capacity": 200},
            {"id": "S2", "capacity": 200, "tags": ["small_business"]},
        ],
        "offers": [
            {"supplier": "S1", "item": "A", "price": 10},
            {"supplier": "S2", "item": "A", "price": 11},
            {"supplier": "S2", "item": "B", "price": 5},
        ],
        "rules": rules,
    }


CAP = {"type": "max_share", "name": "cap-60", "limit": 0.6, "items": ["A"]}
LOOSE = {
    "type": "group_share",
    "name": "small-10pct",
    "suppliers": {"tags": ["small_business"]},
    "min": 0.1,
}


def test_rule_cost_and_dual_known_exactly() -> None:
    # With the cap, S1 gets 60 of A (600), S2 40 (440), B 250: 1290. Without: 1000 + 250 =
    # 1250. Rule cost 40 = 3.2 % of 1250. One more unit of S1's bound saves 10 - 11 = -1.
    costs = rule_costs(load_scenario(lp([CAP, LOOSE])))
    assert costs.objective == pytest.approx(1290.0)
    cap, loose = costs.rules
    assert cap.binding
    assert cap.objective_without == pytest.approx(1250.0)
    assert cap.rule_cost == pytest.approx(40.0)
    assert cap.rule_cost_pct == pytest.approx(3.2)
    assert cap.dual == pytest.approx(-1.0, abs=1e-4)
    assert cap.verified
    rows = costs.row_duals
    assert list(rows["supplier"]) == ["S1"]
    assert list(rows["item"]) == ["A"]
    assert list(rows["per"]) == ["unit"]
    # S2 holds 90 of 150 units, far above 10 %: the rule changes nothing
    assert not loose.binding
    assert loose.rule_cost == pytest.approx(0.0, abs=1e-6)
    assert loose.dual == pytest.approx(0.0, abs=1e-9)
    assert "changes nothing" in loose.note


def test_json_is_the_contract() -> None:
    doc = rule_costs(load_scenario(lp([CAP]))).to_dict()
    assert set(doc) == {"scenario", "variant", "objective", "rules"}
    assert set(doc["rules"][0]) == {
        "name",
        "type",
        "binding",
        "objective_without",
        "rule_cost",
        "rule_cost_pct",
        "status_without",
        "dual",
        "note",  # added keys (the format allows additions)
        "method",
        "final",
    }
    assert doc["rules"][0]["status_without"] == "optimal"


def test_mip_rule_cost_through_a_fixed_cost() -> None:
    # A (100 units): S1 at 10, S2 at 9 with a fixed cost of 200. Alone, S1 is cheapest (1000
    # against 1100). "At least two suppliers" forces both in; once S2's fixed cost is paid it
    # takes all but S1's award quantum (1 unit): 99 x 9 + 10 + 200 = 1101. Rule cost 101, and
    # no duals for a MIP.
    sc = {
        "sourceopt": 1,
        "name": "rule-costs-mip",
        "items": [{"id": "A", "demand": 100}],
        "suppliers": [{"id": "S1"}, {"id": "S2", "fixed_cost": 200}],
        "offers": [
            {"supplier": "S1", "item": "A", "price": 10},
            {"supplier": "S2", "item": "A", "price": 9},
        ],
        "rules": [{"type": "supplier_count", "name": "two", "min": 2}],
    }
    (two,) = rule_costs(load_scenario(sc)).rules
    assert two.rule_cost == pytest.approx(101.0)
    assert two.objective_without == pytest.approx(1000.0)
    assert two.dual is None
    assert two.verified


def test_infeasible_base_says_so() -> None:
    # B is offered only by S2; excluding S2 from B leaves no award. Without the ban: 1250.
    ban = {"type": "exclude", "name": "ban", "suppliers": ["S2"], "items": ["B"]}
    costs = rule_costs(load_scenario(lp([ban])))
    assert costs.base.status is Status.INFEASIBLE
    (rule,) = costs.rules
    assert rule.rule_cost is None
    assert rule.objective_without == pytest.approx(1250.0)
    assert "has an award" in rule.note


def test_unknown_rule_lists_the_rules() -> None:
    with pytest.raises(AnalysisError, match="cap-60"):
        rule_costs(load_scenario(lp([CAP])), rules=["nope"])


def test_cli(tmp_path: Any) -> None:
    path = tmp_path / "s.yaml"
    path.write_text(yaml.safe_dump(lp([CAP, LOOSE])))
    runner = CliRunner()
    out = runner.invoke(cli, ["rules", str(path)])
    assert out.exit_code == 0, out.output
    assert "cap-60" in out.output
    assert "Dual prices" in out.output
    out = runner.invoke(cli, ["rules", str(path), "--json", "--rule", "cap-60"])
    assert out.exit_code == 0
    assert [r["name"] for r in json.loads(out.output)["rules"]] == ["cap-60"]
    out = runner.invoke(cli, ["rules", str(path), "--rule", "nope"])
    assert out.exit_code == 2
    assert "unknown rule 'nope'" in out.output


def _split(rules: list[dict[str, Any]]) -> dict[str, Any]:
    """X (100): A at 10, B at 12, C at 11 with an offer capacity of 20."""
    return {
        "sourceopt": 1,
        "name": "rule-costs-split",
        "items": [{"id": "X", "demand": 100}],
        "suppliers": [{"id": "A"}, {"id": "B"}, {"id": "C"}],
        "offers": [
            {"supplier": "A", "item": "X", "price": 10},
            {"supplier": "B", "item": "X", "price": 12},
            {"supplier": "C", "item": "X", "price": 11, "capacity": 20},
        ],
        "rules": rules,
    }


def test_min_award_share_and_total_are_priced() -> None:
    # 70/30: at least 2 suppliers, none over 70 %, each awarded at least 30 %. C (20 at most)
    # cannot reach 30: A 70 + B 30 = 1060. Without the 30 % floor: A 70, C 20, B 10 = 1040;
    # the floor costs 20 (20 / 1040 = 1.923 %).
    split = [
        {"type": "supplier_count", "name": "two", "min": 2, "per": "item"},
        {"type": "max_share", "name": "seventy", "limit": 0.7},
        {"type": "min_award_share", "name": "thirty", "limit": 0.3},
    ]
    costs = rule_costs(load_scenario(_split(split)))
    assert costs.objective == pytest.approx(1060.0)
    thirty = next(r for r in costs.rules if r.name == "thirty")
    assert (thirty.binding, thirty.verified) == (True, True)
    assert thirty.objective_without == pytest.approx(1040.0)
    assert thirty.rule_cost == pytest.approx(20.0)
    assert thirty.rule_cost_pct == pytest.approx(100 * 20 / 1040)
    # a commitment of 30 units to B: A 70 + B 30 = 1060; without it A takes all, 1000: 60
    commit = [{"type": "total", "name": "commit-b", "min": 30, "suppliers": ["B"]}]
    (b,) = rule_costs(load_scenario(_split(commit))).rules
    assert b.binding
    assert b.rule_cost == pytest.approx(60.0)
    assert b.objective_without == pytest.approx(1000.0)
    assert b.verified
    # an LP: the commitment's dual is what one more unit to B costs, 12 - 10 = 2
    assert b.dual == pytest.approx(2.0, abs=1e-4)


def test_a_resolve_ending_above_the_base_within_the_gap_costs_zero_not_a_negative() -> None:
    """Dropping a rule keeps the base award feasible, so the optimum without it is at most the
    base's: a re-solve that stopped within its gap above the base (a parallel worker starts
    without the base award) is priced at the base objective, cost 0, never a negative cost."""
    from sourceopt.analysis.rule_costs import Without, _priced

    sc = load_scenario(lp([CAP]))
    out = rule_costs(sc)
    base, rule = out.base, sc.rules[0]
    # 60 A at 10 + 40 A at 11 + 50 B at 5 = 600 + 440 + 250
    assert base.document.objective == pytest.approx(1290.0)
    above = Without(1290.0 + 0.5, Status.OPTIMAL, verified=True)
    priced = _priced(rule, "scenario", base, above, binding=False, dual=None)
    assert priced.objective_without == pytest.approx(1290.0)
    assert priced.rule_cost == pytest.approx(0.0)
    assert priced.note.startswith("changes nothing")
