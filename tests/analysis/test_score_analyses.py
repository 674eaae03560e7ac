"""Analyses under a score objective (format 1.1), every figure derived by hand.

The duel: item A, demand 10. S1 bids 10 with quality 50, S2 bids 12 with quality 100; MEAT
60/40. Scores: S1 60 x 10/10 + 40 x 50/100 = 80, S2 60 x 10/12 + 40 = 90: S2 wins all
(score 90, cost 120). With the rule cap60 (max_share 0.6) S2 gets 6 and S1 4:
(6 x 90 + 4 x 80) / 10 = 86, cost 72 + 40 = 112.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import yaml
from click.testing import CliRunner

from sourceopt import load_scenario, solve
from sourceopt.analysis.compare import compare_variants, diff_variants
from sourceopt.analysis.explain import explain
from sourceopt.analysis.frontier import frontier
from sourceopt.analysis.price_to_win import price_to_win
from sourceopt.analysis.rule_costs import rule_costs
from sourceopt.analysis.stress import stress
from sourceopt.award import Award
from sourceopt.cli import cli
from sourceopt.errors import AnalysisError
from sourceopt.verify import verify

MEAT = {
    "maximize": "score",
    "price_weight": 60,
    "criteria": [{"attribute": "quality", "weight": 40, "max": 100}],
}


def duel(rules: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    """The duel of the module docstring, with a lowest-price variant ``cheap``."""
    return {
        "sourceopt": 1,
        "name": "score-duel",
        "items": [{"id": "A", "demand": 10, "baseline_price": 13}],
        "suppliers": [
            {"id": "S1", "attributes": {"quality": 50}},
            {"id": "S2", "attributes": {"quality": 100}},
        ],
        "offers": [
            {"supplier": "S1", "item": "A", "price": 10},
            {"supplier": "S2", "item": "A", "price": 12},
        ],
        "rules": rules or [],
        "objective": MEAT,
        "variants": [{"name": "cheap", "objective": {"minimize": "total_cost"}}],
    }


CAP60 = [{"type": "max_share", "name": "cap60", "limit": 0.6}]


def test_rule_cost_is_the_score_lost() -> None:
    # with cap60: 86; without: 90. The rule takes 4 points (4/90 = 4.444 % of the score).
    costs = rule_costs(load_scenario(duel(CAP60)))
    assert costs.objective_kind == "score"
    assert costs.objective == pytest.approx(86)
    (rule,) = costs.rules
    assert rule.objective_without == pytest.approx(90)
    assert rule.rule_cost == pytest.approx(4)
    assert rule.rule_cost_pct == pytest.approx(400 / 90)
    assert costs.to_dict()["objective_kind"] == "score"


def test_rule_cost_of_an_exclude_rule_recomputes_the_scores() -> None:
    # A hard exclude of S1 leaves S2 alone in force: S2 is then the lowest price, 60 + 40 = 100.
    # Without the rule S2 scores 90 (case above): the rule *adds* 10 points, a cost of -10.
    costs = rule_costs(
        load_scenario(duel([{"type": "exclude", "name": "no-s1", "suppliers": ["S1"]}]))
    )
    assert costs.objective == pytest.approx(100)
    assert costs.rules[0].objective_without == pytest.approx(90)
    assert costs.rules[0].rule_cost == pytest.approx(-10)


def test_rules_text_says_points(tmp_path: Path) -> None:
    path = tmp_path / "duel.yaml"
    path.write_text(yaml.safe_dump(duel(CAP60)))
    out = CliRunner().invoke(cli, ["rules", str(path)])
    assert out.exit_code == 0, out.output
    assert "score with every rule: 86.0000 points" in out.output
    assert "score lost" in out.output


def test_price_to_win_recomputes_every_score() -> None:
    # S1 at price p <= 10 is the lowest: S1 scores 60 + 20 = 80 whatever p; S2 scores
    # 60 x p/12 + 40. S1 wins when 80 >= 60 p / 12 + 40, i.e. p <= 8; at 8 both score 80 and
    # the tie goes to the cheaper S1 (8 < 12). So 8, with all 10 units.
    out = price_to_win(load_scenario(duel()))
    assert out.verified
    (s1,) = out.offers
    assert (s1.supplier, s1.price) == ("S1", 10.0)
    assert s1.price_to_win == pytest.approx(8.0, rel=1e-5)
    assert s1.units_at_price == pytest.approx(10.0)


def test_compare_puts_score_and_cost_side_by_side(tmp_path: Path) -> None:
    # base (score, cap60): 86 points, cost 112; cheap (cost, cap60): S1 takes 6 (its cap), S2 4:
    # 60 + 48 = 108.
    comparison = compare_variants(load_scenario(duel(CAP60)))
    rows = {r.variant: r for r in comparison.rows}
    assert (rows["base"].objective_kind, rows["base"].objective) == ("score", pytest.approx(86))
    assert rows["base"].total_cost == pytest.approx(112)
    assert rows["cheap"].objective_kind == "total_cost"
    assert rows["cheap"].objective == pytest.approx(108)
    path = tmp_path / "duel.yaml"
    path.write_text(yaml.safe_dump(duel(CAP60)))
    runner = CliRunner()
    out = runner.invoke(cli, ["compare", str(path), "--json"])
    assert out.exit_code == 0, out.output
    kinds = {v["variant"]: v.get("objective_kind") for v in json.loads(out.output)["variants"]}
    assert kinds == {"base": "score", "cheap": None}  # absent: money
    text = runner.invoke(cli, ["compare", str(path)]).output
    assert "86.0000 points" in text
    assert "108.00" in text


def test_diff_of_score_and_cost_has_no_objective_change() -> None:
    # base -> cheap: S1 4 -> 6, S2 6 -> 4. No score-minus-cost change; the total cost moves
    # 112 -> 108 = -4, all of it the award moving (the prices are the same: price effect 0).
    diff = diff_variants(load_scenario(duel(CAP60)), "base", "cheap")
    assert diff.objective_change is None
    assert diff.price_effect == pytest.approx(0)
    assert diff.rule_effect == pytest.approx(-4)


def test_frontier_and_stress_refuse_a_score() -> None:
    scenario = load_scenario(duel(CAP60))
    with pytest.raises(AnalysisError, match="not available under a score objective"):
        frontier(scenario, "max_share")
    with pytest.raises(AnalysisError, match="not available under a score objective"):
        stress(scenario)
    assert stress(scenario, variant="cheap").objective == pytest.approx(108)


def test_verifier_recomputes_the_score() -> None:
    # S1 4, S2 6 scores 86 (module docstring); a reported 90 is caught.
    scenario = load_scenario(duel())
    award = Award(np.array([4.0, 6.0]), np.zeros(0, dtype=bool))
    check = verify(scenario, award, reported_objective=90.0)
    assert check.cost.objective == pytest.approx(86)
    assert check.cost.total_cost == pytest.approx(112)
    assert any("score of 90" in p and "scores 86" in p for p in check.problems)
    assert verify(scenario, award, reported_objective=86.0).ok


def test_solve_text_says_score(tmp_path: Path) -> None:
    path = tmp_path / "duel.yaml"
    path.write_text(yaml.safe_dump(duel()))
    out = CliRunner().invoke(cli, ["solve", str(path)])
    assert out.exit_code == 0, out.output
    assert "score 90.0000 points" in out.output
    assert solve(load_scenario(duel())).document.objective_kind == "score"


def test_explain_prices_the_relaxation_in_money() -> None:
    # Capacities 4 + 4 cannot meet a demand of 10, whatever the objective: the conflict is the
    # two capacities and the demand. The relaxation is priced in money (the score objective
    # read as cost) and its relaxed award passes the verifier.
    sc = duel([{"type": "budget", "name": "b", "max": 50}])
    for s in sc["suppliers"]:
        s["capacity"] = 4
    out = explain(load_scenario(sc))
    assert out.status.value == "infeasible"
    assert {m.rule for m in out.conflict} == {"capacity:S1", "capacity:S2", "demand:A"}
    assert out.relaxation is not None
    assert out.verified
