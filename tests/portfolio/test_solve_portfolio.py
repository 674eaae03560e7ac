"""Hand-derived portfolios: a linking goal, shared firms' terms, pooled tiers, properties."""

from __future__ import annotations

from pathlib import Path

import pytest

from sourceopt import load_scenario, solve
from sourceopt.portfolio import load_portfolio, solve_portfolio
from sourceopt.solvers.registry import available_backends

from .helpers import two, write

BIG = {"id": "big"}
SB = {"id": "sb", "tags": ["small_business"]}
GOAL = {
    "type": "group_share",
    "name": "sb-30pct",
    "min": 0.3,
    "suppliers": {"tags": ["small_business"]},
    "measure": "spend",
}
EXACT = [b for b in ("highs", "cbc", "scip") if b in available_backends()]
ALL = [*EXACT, *(["cpsat"] if "cpsat" in available_backends() else [])]


def _approx(value: float) -> object:
    return pytest.approx(value, rel=1e-6, abs=1e-6)


def goal_portfolio(tmp_path: Path, rules: list[dict[str, object]]) -> Path:
    """A: big 10, sb 11; B: big 10, sb 13; 100 units each."""
    return write(
        tmp_path, two({"big": 10, "sb": 11}, {"big": 10, "sb": 13}, [BIG, SB]), rules=rules
    )


@pytest.mark.parametrize("backend", EXACT)
def test_goal_moves_volume_where_it_costs_least(tmp_path: Path, backend: str) -> None:
    # sb >= 30 % of total spend. Moving u units to sb in A adds 1 per unit to cost and 11 to
    # sb spend (total 2000 + u); in B it would add 3 per unit for 13 of sb spend. Per unit of
    # cost, A gives 11 - 0.3 = 10.7 of "sb spend - 0.3 total", B (13 - 0.9) / 3 = 4.03: all in
    # A: 11u = 0.3 (2000 + u) -> u = 600 / 10.7 = 56.0747..., cost 2000 + u.
    u = 600 / 10.7
    res = solve_portfolio(load_portfolio(goal_portfolio(tmp_path, [GOAL])), backend=backend)
    doc = res.to_dict()
    assert doc["status"] == "optimal"
    assert doc["total_cost"] == _approx(2000 + u)
    a, b = doc["categories"]
    assert {x["supplier"]: x["units"] for x in a["allocations"]} == {
        "big": _approx(100 - u),
        "sb": _approx(u),
    }
    assert [x["supplier"] for x in b["allocations"]] == ["big"]
    assert doc["goals"] == [
        {
            "rule": "sb-30pct",
            "value": _approx(0.3),
            "bound": 0.3,
            "met": True,
            "met_independent": False,
        }
    ]
    assert doc["coordination"] == {
        "independent_cost": 2000.0,
        "independent_goals_met": False,
        "joint_cost": _approx(2000 + u),
        "cost_of_goals": _approx(u),
    }
    assert doc["verification"]["ok"]
    assert all(c["verification"]["ok"] for c in doc["categories"])
    sb = next(s for s in doc["suppliers"] if s["supplier"] == "sb")
    assert sb == {
        "supplier": "sb",
        "spend": _approx(11 * u),
        "share_of_spend": _approx(0.3),
        "categories": ["cat-a"],
    }


def test_no_rules_no_pooling_is_the_sum_of_the_categories_alone(tmp_path: Path) -> None:
    res = solve_portfolio(load_portfolio(goal_portfolio(tmp_path, [])))
    alone = sum(solve(load_scenario(tmp_path / f"{f}.yaml")).total_cost for f in "ab")
    assert res.total_cost == _approx(alone) == _approx(2000.0)
    assert res.to_dict()["coordination"]["cost_of_goals"] == _approx(0.0)


def test_bundled_examples_alone_equal_their_portfolio(tmp_path: Path, repo: Path) -> None:
    files = ["laptops.yaml", "public-services.yaml"]
    path = tmp_path / "portfolio.yaml"
    cats = ", ".join(str(repo / "scenarios" / f) for f in files)
    path.write_text(f"sourceopt_portfolio: 1\nname: examples\ncategories: [{cats}]\n")
    res = solve_portfolio(load_portfolio(path))
    alone = sum(solve(load_scenario(repo / "scenarios" / f)).total_cost for f in files)
    assert res.status.value == "optimal"
    assert res.total_cost == _approx(alone)


def test_adding_a_goal_never_lowers_cost(tmp_path: Path) -> None:
    without = solve_portfolio(load_portfolio(goal_portfolio(tmp_path, []))).total_cost
    for share in (0.1, 0.3, 0.5):
        goal = {**GOAL, "min": share}
        with_goal = solve_portfolio(load_portfolio(goal_portfolio(tmp_path, [goal]))).total_cost
        assert with_goal >= without - 1e-6
        without = with_goal  # a tighter goal never costs less than a looser one


@pytest.mark.parametrize("backend", ALL)
def test_shared_capacity_holds_once_over_all_categories(tmp_path: Path, backend: str) -> None:
    # cheap (5) has capacity 150 in both files: alone each category buys its 100 from it
    # (1000 in all); together it supplies 150 and the other 50 go to dear where dear is
    # cheaper (8 in A, 9 in B): 150 x 5 + 50 x 8 = 1150.
    cheap = {"id": "cheap", "capacity": 150}
    cats = two({"cheap": 5, "dear": 8}, {"cheap": 5, "dear": 9}, [cheap, {"id": "dear"}])
    doc = solve_portfolio(load_portfolio(write(tmp_path, cats)), backend=backend).to_dict()
    assert doc["total_cost"] == _approx(1150.0)
    assert doc["coordination"]["independent_cost"] == _approx(1000.0)
    a_units = {x["supplier"]: x["units"] for x in doc["categories"][0]["allocations"]}
    assert a_units == {"cheap": _approx(50.0), "dear": _approx(50.0)}
    assert "supplier_capacity" in doc["verification"]["checked"]


@pytest.mark.parametrize("backend", ALL)
def test_shared_fixed_cost_is_paid_once(tmp_path: Path, backend: str) -> None:
    # f: 5 a unit + fixed 100; g: 6.5 a unit; 50 units each. Alone: f costs 250 + 100 = 350
    # against g's 325, so g wins both (650). Together f's fixed cost is paid once:
    # 100 x 5 + 100 = 600 < 650.
    f = {"id": "f", "fixed_cost": 100}
    cats = two({"f": 5, "g": 6.5}, {"f": 5, "g": 6.5}, [f, {"id": "g"}], demand=50)
    doc = solve_portfolio(load_portfolio(write(tmp_path, cats)), backend=backend).to_dict()
    assert doc["total_cost"] == _approx(600.0)
    assert doc["coordination"]["independent_cost"] == _approx(650.0)
    assert doc["coordination"]["cost_of_goals"] == _approx(-50.0)
    assert [c["cost"]["fixed"] for c in doc["categories"]] == [0.0, 0.0]  # paid by the portfolio


@pytest.mark.parametrize("backend", ALL)
def test_shared_minimum_counts_all_units(tmp_path: Path, backend: str) -> None:
    # m: 5 a unit, min_units 150 (in both files); n: 6. 100 units each. Alone m cannot reach
    # its minimum (100 < 150): n wins both, 1200. Together m gets all 200 >= 150: 1000.
    m = {"id": "m", "min_units": 150}
    cats = two({"m": 5, "n": 6}, {"m": 5, "n": 6}, [m, {"id": "n"}])
    doc = solve_portfolio(load_portfolio(write(tmp_path, cats)), backend=backend).to_dict()
    assert doc["total_cost"] == _approx(1000.0)
    assert doc["coordination"]["independent_cost"] == _approx(1200.0)


@pytest.mark.parametrize("backend", ALL)
def test_pooled_tiers_reach_a_tier_neither_category_reaches(tmp_path: Path, backend: str) -> None:
    # t: 10, from 150 units 8; u: 9.5. 100 units each. Alone t's tier is out of reach and u
    # wins (950 + 950 = 1900). Pooled, t's 200 units reach 150: 200 x 8 = 1600 (150 at 8 and
    # 50 from u would cost 1200 + 475 = 1675).
    tiers = {"t": [{"from": 150, "price": 8}]}
    cats = two({"t": 10, "u": 9.5}, {"t": 10, "u": 9.5}, [{"id": "t"}, {"id": "u"}], tiers=tiers)
    pooled = solve_portfolio(
        load_portfolio(write(tmp_path, cats, pool=["tiers"])), backend=backend
    ).to_dict()
    assert pooled["total_cost"] == _approx(1600.0)
    for c in pooled["categories"]:
        assert [(x["supplier"], x["unit_price"]) for x in c["allocations"]] == [("t", 8.0)]
        assert c["verification"]["ok"]
    assert pooled["coordination"]["independent_cost"] == _approx(1900.0)
    apart = solve_portfolio(load_portfolio(write(tmp_path, cats)), backend=backend)
    assert apart.total_cost == _approx(1900.0)


def test_pooled_tiers_within_a_category_rule_on_spend(tmp_path: Path) -> None:
    # as above, plus in A a cap of 60 % of A's spend for t: with the pool, t's price is 8 in
    # A too, so the cap is on spend at 8. A: t gets q, u 100 - q: 8q <= 0.6 (8q + 9.5 (100 -
    # q)) = 570 - 0.9 q -> 8.9 q <= 570 -> q = 64.04...; B: t 100. Pool units 164.04 >= 150
    # (the price stays 8; at base price 10 q would differ). Cost 8 (q + 100) + 9.5 (100 - q).
    tiers = {"t": [{"from": 150, "price": 8}]}
    cats = two({"t": 10, "u": 9.5}, {"t": 10, "u": 9.5}, [{"id": "t"}, {"id": "u"}], tiers=tiers)
    cats["a"]["rules"] = [
        {
            "type": "max_share",
            "limit": 0.6,
            "suppliers": ["t"],
            "per": "category",
            "measure": "spend",
        }
    ]
    q = 570 / 8.9
    doc = solve_portfolio(load_portfolio(write(tmp_path, cats, pool=["tiers"]))).to_dict()
    assert doc["total_cost"] == _approx(8 * (q + 100) + 9.5 * (100 - q))
    assert doc["categories"][0]["verification"]["ok"]


@pytest.mark.parametrize("backend", EXACT)
def test_no_firm_over_a_share_of_total_spend(backend: str, tmp_path: Path) -> None:
    # big: 10 in A and B, alt: 11 in A, 12 in B; 100 units each; no firm over 60 % of total
    # spend. Moving u units of A to alt: big's spend 2000 - 10u <= 0.6 (2000 + u) ->
    # u = 800 / 10.6; in B a unit would cost 2 for the same 10 of big's spend (worse). alt's
    # share is 11u / (2000 + u) = 0.40. Cost 2000 + u. (Built with the total as one column:
    # portfolio/shares.py; the verifier checks the rule as written.)
    cats = two({"big": 10, "alt": 11}, {"big": 10, "alt": 12}, [{"id": "big"}, {"id": "alt"}])
    rule = {"type": "max_share", "name": "cap", "limit": 0.6, "measure": "spend"}
    doc = solve_portfolio(load_portfolio(write(tmp_path, cats, rules=[rule])), backend=backend)
    u = 800 / 10.6
    assert doc.total_cost == _approx(2000 + u)
    (goal,) = doc.to_dict()["goals"]
    assert goal == {
        "rule": "cap",
        "value": _approx(0.6),
        "bound": 0.6,
        "met": True,
        "met_independent": False,
    }


@pytest.mark.parametrize(
    ("penalty", "objective", "met"), [(0.01, 2006.0, False), (1.0, None, True)]
)
def test_a_soft_goal_is_priced(
    tmp_path: Path, penalty: float, objective: float | None, met: bool
) -> None:
    # The goal's row is sb spend - 0.3 total >= 0, in money: unmet it is short by
    # 0.3 x 2000 = 600; meeting it costs 600 / 10.7 = 56.07 (0.0935 per unit of the row). At
    # 0.01 a unit the portfolio pays 6 instead (objective 2006, cost 2000); at 1 it meets it.
    goal = {**GOAL, "soft": {"penalty": penalty}}
    doc = solve_portfolio(load_portfolio(goal_portfolio(tmp_path, [goal]))).to_dict()
    assert doc["objective"] == _approx(objective if objective else 2000 + 600 / 10.7)
    assert doc["total_cost"] == _approx(2000.0 if not met else 2000 + 600 / 10.7)
    assert doc["goals"][0]["met"] is met
    assert doc["verification"]["ok"]


@pytest.mark.parametrize("backend", ALL)
def test_pooled_rebates_count_spend_across_categories(tmp_path: Path, backend: str) -> None:
    # r: 10 a unit, rebate 10 % from 1,500 of spend (in both files); alt: 9.5. 100 units each.
    # Alone r's spend is at most 1,000: alt wins both, 1,900. Pooled, r's 2,000 of spend over
    # both categories reaches the tier: 2,000 - 200 = 1,800 (150 units to r and 50 to alt
    # would cost 1,350 + 475 = 1,825).
    cats = two({"r": 10, "alt": 9.5}, {"r": 10, "alt": 9.5}, [{"id": "r"}, {"id": "alt"}])
    for file in "ab":
        cats[file]["rebates"] = [{"supplier": "r", "tiers": [{"from_spend": 1500, "percent": 10}]}]
    pooled = solve_portfolio(
        load_portfolio(write(tmp_path, cats, pool=["rebates"])), backend=backend
    ).to_dict()
    assert pooled["total_cost"] == _approx(1800.0)
    assert [c["total_cost"] for c in pooled["categories"]] == [1000.0, 1000.0]  # before it
    assert pooled["coordination"]["independent_cost"] == _approx(1900.0)
    assert "pooled_rebates" in pooled["verification"]["checked"]
    assert pooled["verification"]["ok"]
    apart = solve_portfolio(load_portfolio(write(tmp_path, cats)), backend=backend)
    assert apart.total_cost == _approx(1900.0)


@pytest.mark.skipif("cpsat" not in available_backends(), reason="cpsat is not installed")
def test_an_integer_only_backend_never_claims_a_fractional_optimum(tmp_path: Path) -> None:
    # the goal's optimum puts 600 / 10.7 = 56.07... units with sb: off CP-SAT's integer grid,
    # so it may only say feasible, with a verified award that costs at least the optimum
    res = solve_portfolio(load_portfolio(goal_portfolio(tmp_path, [GOAL])), backend="cpsat")
    doc = res.to_dict()
    assert doc["status"] == "feasible"
    assert doc["verification"]["ok"]
    assert doc["total_cost"] >= 2000 + 600 / 10.7 - 1e-6
    assert doc["goals"][0]["met"]


@pytest.mark.parametrize(
    ("items", "cost"),
    [
        # B only: 13u >= 0.3 (1000 + 3u) -> u = 300 / 12.1; each unit costs 3 more
        ({"category": ["cat-b"]}, 2000 + 3 * 300 / 12.1),
        # A's item by its portfolio name: 11u >= 0.3 (1000 + u) -> u = 300 / 10.7
        (["cat-a/x"], 2000 + 300 / 10.7),
    ],
)
def test_a_goal_scoped_to_a_category_or_item(tmp_path: Path, items: object, cost: float) -> None:
    goal = {**GOAL, "items": items}
    res = solve_portfolio(load_portfolio(goal_portfolio(tmp_path, [goal])))
    assert res.total_cost == _approx(cost)
    assert res.to_dict()["goals"][0]["value"] == _approx(0.3)


def test_a_category_variant_is_solved(tmp_path: Path) -> None:
    # A's variant halves sb's price (5.5 < 10): A all to sb (550), B to big (1000)
    cats = two({"big": 10, "sb": 11}, {"big": 10, "sb": 13}, [{"id": "big"}, SB])
    cats["a"]["variants"] = [{"name": "sb-bafo", "price_scale": {"sb": 0.5}}]
    path = write(tmp_path, cats)
    path.write_text(
        "sourceopt_portfolio: 1\nname: p\ncategories: [{file: a.yaml, variant: sb-bafo}, b.yaml]\n"
    )
    doc = solve_portfolio(load_portfolio(path)).to_dict()
    assert doc["total_cost"] == _approx(1550.0)
    assert doc["categories"][0]["variant"] == "sb-bafo"


def test_pooled_tiers_with_a_spend_weighted_attribute_rule(tmp_path: Path) -> None:
    # the pooled-tiers case (1,600 with t at 8 for all 200 units), plus an average risk over
    # spend of at most 0.11 (t 0.1, u 0.5): all to t has 0.1 and holds. The rule's row is
    # sum spend x (risk - 0.11) <= 0; the pooled price's columns (-2 a unit of spend) must
    # carry t's risk: with risk 0 there, t's 8 a unit would count as 10 x (0.1 - 0.11) +
    # 2 x 0.11 = 0.12 > 0 and no award would hold
    tiers = {"t": [{"from": 150, "price": 8}]}
    firms = [{"id": "t", "attributes": {"risk": 0.1}}, {"id": "u", "attributes": {"risk": 0.5}}]
    cats = two({"t": 10, "u": 9.5}, {"t": 10, "u": 9.5}, firms, tiers=tiers)
    rule = {"type": "average_attribute", "attribute": "risk", "max": 0.11, "measure": "spend"}
    doc = solve_portfolio(
        load_portfolio(write(tmp_path, cats, pool=["tiers"], rules=[rule]))
    ).to_dict()
    assert doc["total_cost"] == _approx(1600.0)
    assert doc["goals"][0]["value"] == _approx(0.1)
