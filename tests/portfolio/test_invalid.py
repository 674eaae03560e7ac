"""Invalid portfolio files: refused with every problem, its file and key path (exact messages)."""

from __future__ import annotations

from pathlib import Path

import pytest

from sourceopt.errors import ScenarioError
from sourceopt.portfolio import load_portfolio

from .helpers import category, two, write

GOAL = {"type": "group_share", "min": 0.3, "suppliers": {"tags": ["sb"]}, "measure": "spend"}


def problems(path: Path) -> list[str]:
    with pytest.raises(ScenarioError) as info:
        load_portfolio(path)
    return [str(p) for p in info.value.problems]


def test_a_shared_firm_whose_capacity_differs(tmp_path: Path) -> None:
    cats = two({"f": 5}, {"f": 5}, [{"id": "f", "capacity": 150}])
    cats["b"]["suppliers"][0]["capacity"] = 200
    assert problems(write(tmp_path, cats)) == [
        f"{tmp_path / 'b.yaml'}: suppliers[0].capacity: firm 'f' has capacity 200 here but 150 "
        f"in category 'cat-a' ({tmp_path / 'a.yaml'}); a firm bidding in several categories "
        "must have the same capacity in each (the portfolio holds it once over all of them)"
    ]


def test_per_item_in_a_portfolio_rule(tmp_path: Path) -> None:
    path = write(tmp_path, two({"f": 5}, {"f": 5}, [{"id": "f"}]), rules=[{**GOAL, "per": "item"}])
    assert problems(path) == [
        f"{path}: rules[0].per: a portfolio rule holds over the whole portfolio: 'per: item' is "
        "not available here (omit per, or write it in the category's scenario file)"
    ]


def test_a_category_in_another_currency(tmp_path: Path) -> None:
    cats = two({"f": 5}, {"f": 5}, [{"id": "f"}])
    cats["b"]["currency"] = "EUR"
    path = write(tmp_path, cats)
    assert problems(path) == [
        f"{tmp_path / 'b.yaml'}: currency: the category is in EUR but portfolio 'p' ({path}) is "
        "in USD; every category must use the portfolio's currency"
    ]


def test_pooled_offers_that_differ(tmp_path: Path) -> None:
    tiers = {"t": [{"from": 150, "price": 8}]}
    cats = two({"t": 10}, {"t": 10}, [{"id": "t"}], tiers=tiers)
    cats["b"]["offers"][0]["tiers"] = [{"from": 150, "price": 7}]
    assert problems(write(tmp_path, cats, pool=["tiers"])) == [
        f"{tmp_path / 'b.yaml'}: offers (supplier 't', item 'x'): pooled tiers need identical "
        "offers, but this offer's price and tiers differ from those in category 'cat-a' "
        f"({tmp_path / 'a.yaml'}); make them equal, or drop 'tiers' from the portfolio's pool"
    ]
    assert load_portfolio(write(tmp_path, cats)).pool == frozenset()  # unpooled: fine


def test_pooled_rebates_that_differ(tmp_path: Path) -> None:
    cats = two({"f": 5}, {"f": 5}, [{"id": "f"}])
    for file, percent in (("a", 2), ("b", 3)):
        cats[file]["rebates"] = [
            {"supplier": "f", "tiers": [{"from_spend": 100, "percent": percent}]}
        ]
    assert problems(write(tmp_path, cats, pool=["rebates"])) == [
        f"{tmp_path / 'b.yaml'}: rebates (supplier 'f'): pooled rebates need identical "
        "rebates, but this one differs from the one in category 'cat-a' "
        f"({tmp_path / 'a.yaml'}); make them equal, or drop 'rebates' from the portfolio's pool"
    ]


def test_unknown_category_supplier_and_duplicate_rule_names(tmp_path: Path) -> None:
    rules = [
        {**GOAL, "name": "g", "items": {"category": ["cat-z"]}},
        {**GOAL, "name": "g"},
    ]
    path = write(tmp_path, two({"f": 5}, {"f": 5}, [{"id": "f"}]), rules=rules)
    assert problems(path) == [f"{path}: rules[1].name: duplicate rule name 'g'"]
    rules[1]["name"] = "h"
    path = write(tmp_path, two({"f": 5}, {"f": 5}, [{"id": "f"}]), rules=rules)
    assert problems(path) == [
        f"{path}: rules[0].items.category: unknown category 'cat-z'; the categories are: "
        "cat-a, cat-b"
    ]
    unknown = [{"type": "total", "max": 5, "suppliers": ["nobody"]}]
    found = problems(write(tmp_path, two({"f": 5}, {"f": 5}, [{"id": "f"}]), rules=unknown))
    assert len(found) == 1
    assert found[0].startswith(f"{path}: rules[0].suppliers")
    assert "nobody" in found[0]


def test_a_glob_that_matches_nothing_and_an_unknown_key(tmp_path: Path) -> None:
    path = tmp_path / "portfolio.yaml"
    path.write_text("sourceopt_portfolio: 1\nname: p\ncategories: [missing/*.yaml]\n")
    assert problems(path) == [f"{path}: categories[0]: the pattern matches no scenario file"]
    path.write_text("sourceopt_portfolio: 1\nname: p\ncategories: [a.yaml]\ngoals: []\n")
    found = problems(path)
    assert len(found) == 1
    assert found[0].startswith(f"{path}: goals")


def test_same_scenario_names_are_told_apart_by_file_stem(tmp_path: Path) -> None:
    cats = two({"f": 5}, {"f": 5}, [{"id": "f"}])
    cats["b"]["name"] = "cat-a"
    portfolio = load_portfolio(write(tmp_path, cats))
    assert portfolio.category_names == ("a", "b")


def test_a_category_file_with_its_own_problem(tmp_path: Path) -> None:
    cats = {
        "a": category(
            "cat-a",
            [{"id": "x", "demand": 1}],
            [{"id": "f"}],
            [{"supplier": "g", "item": "x", "price": 1}],
        )
    }
    found = problems(write(tmp_path, cats))
    assert len(found) == 1
    assert found[0].startswith(str(tmp_path / "a.yaml"))


def test_a_glob_never_takes_the_portfolio_file_itself(tmp_path: Path) -> None:
    path = write(tmp_path, two({"f": 5}, {"f": 5}, [{"id": "f"}]))
    path.write_text("sourceopt_portfolio: 1\nname: p\ncategories: ['*.yaml']\n")
    assert load_portfolio(path).category_names == ("cat-a", "cat-b")


def test_a_score_objective_in_a_category(tmp_path: Path) -> None:
    cats = two({"f": 5}, {"f": 5}, [{"id": "f", "attributes": {"q": 1}}])
    cats["b"]["objective"] = {
        "maximize": "score",
        "price_weight": 60,
        "criteria": [{"attribute": "q", "weight": 40, "max": 1}],
    }
    assert problems(write(tmp_path, cats)) == [
        f"{tmp_path / 'b.yaml'}: objective: a score objective cannot be part of a portfolio "
        "(the portfolio minimises the sum of its categories' costs); use a cost objective in "
        "this category"
    ]


def test_pooled_incremental_tiers(tmp_path: Path) -> None:
    cats = two({"t": 10}, {"t": 10}, [{"id": "t"}], tiers={"t": [{"from": 150, "price": 8}]})
    for file in ("a", "b"):
        cats[file]["offers"][0]["tier_type"] = "incremental"
    got = problems(write(tmp_path, cats, pool=["tiers"]))
    assert got == [
        f"{tmp_path / f}.yaml: offers[0].tier_type: pool: [tiers] prices all-units tiers "
        "only; this offer's tiers are incremental (write tier_type: all_units, or drop 'tiers' "
        "from the portfolio's pool)"
        for f in ("a", "b")
    ]


def test_pooled_rebates_scoped_or_in_units(tmp_path: Path) -> None:
    cats = two({"f": 5}, {"f": 5}, [{"id": "f"}])
    for file in ("a", "b"):
        cats[file]["rebates"] = [{"supplier": "f", "tiers": [{"from_units": 100, "percent": 2}]}]
    got = problems(write(tmp_path, cats, pool=["rebates"]))
    assert got == [
        f"{tmp_path / f}.yaml: rebates (supplier 'f'): pool: [rebates] pools one rebate per "
        "firm by spend on all its items; this firm's rebates are several, scoped by items or "
        "counted in units (keep one from_spend rebate without items, or drop 'rebates' from "
        "the pool)"
        for f in ("a", "b")
    ]


def test_pooled_tiers_on_alternates(tmp_path: Path) -> None:
    cats = two({"t": 10}, {"t": 10}, [{"id": "t"}], tiers={"t": [{"from": 150, "price": 8}]})
    for file in ("a", "b"):
        first = cats[file]["offers"][0]
        first["id"] = f"{file}-1"
        cats[file]["offers"].append({**first, "id": f"{file}-2", "price": 11, "tiers": []})
    got = problems(write(tmp_path, cats, pool=["tiers"]))
    assert got == [
        f"{tmp_path / f}.yaml: offers[0].id: pool: [tiers] pools one tiered offer per supplier "
        "and item; this one is an alternate (keep one offer for the pair, or drop 'tiers' from "
        "the portfolio's pool)"
        for f in ("a", "b")
    ]
