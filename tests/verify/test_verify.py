"""The independent verifier on tiny hand-built scenarios (every expected number derived below).

The base case ("B") used throughout:

items        A: demand 100, baseline 10      B: demand 50, baseline 20
suppliers    S1: capacity 200, fixed 100, risk 0.2, tag small_business, country US
             S2: capacity inf, fixed 50, risk 0.5, country CN
             S3: capacity 50, fixed 30, risk 0.1, country US
offers  0    S1-A: price 10, tiers from 60 @ 9, from 100 @ 8; capacity 100
        1    S2-A: price 11, capacity 100, own risk 0.3
        2    S2-B: price 20, capacity 80
        3    S3-B: price 25, capacity inf
bundle  K1   S3: {A: 20, B: 10} for 400; spend split by baseline value 20x10 : 10x20
             = 200 : 200, i.e. fractions 0.5 / 0.5
rebates      S1: from 0 -> 1 %, from 500 -> 2 %, from 800 -> 5 %;  S2: from 2000 -> 10 %
objective    penalty risk x spend, weight 0.5

Award: S1-A 60, S2-A 20, S2-B 40, S3-B 0, K1 accepted.
- demand A = 60 + 20 + 20 (bundle) = 100; B = 40 + 10 (bundle) = 50
- unit prices: S1-A has exactly 60 units, the tier boundary -> 9; others base: 11, 20, 25
- purchase = 60x9 + 20x11 + 40x20 = 540 + 220 + 800 = 1560
- bundles = 400; fixed = 100 + 50 + 30 = 180 (S3 is awarded through its bundle only)
- spend: S1 540, S2 220 + 800 = 1020, S3 400
- rebates: S1 reaches 0 and 500 but not 800 -> 2 % x 540 = 10.8; S2 1020 < 2000 -> 0
- total cost = 1560 + 400 + 180 - 10.8 = 2129.2
- penalty = 0.5 x (0.2x540 + 0.3x220 + 0.5x800 + 0.1x400) = 0.5 x 614 = 307
- objective = 2129.2 + 307 = 2436.2
Volumes: S1 60 (A), S2 60 (A 20, B 40), S3 30 (A 20, B 10); pair spend S1-A 540,
S2-A 220, S2-B 800, S3-A 200, S3-B 200; item spend A 960, B 1000 (1960 in all).
"""

from __future__ import annotations

import copy
import math
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd
import pytest
from pydantic import TypeAdapter

from sourceopt.award import Award
from sourceopt.errors import SourceoptError
from sourceopt.scenario.model import Scenario
from sourceopt.scenario.schema import Objective, Rule, SolverSettings
from sourceopt.verify import RuleCheck, Verification, verify

INF = math.inf
RULE = TypeAdapter(Rule)

BASE: dict[str, Any] = {
    "items": [
        {"id": "A", "demand": 100.0, "baseline_price": 10.0, "group": "g1"},
        {"id": "B", "demand": 50.0, "baseline_price": 20.0, "group": "g2"},
    ],
    "suppliers": [
        {"id": "S1", "capacity": 200.0, "fixed_cost": 100.0, "risk": 0.2,
         "tags": {"small_business"}, "country": "US"},
        {"id": "S2", "capacity": INF, "fixed_cost": 50.0, "risk": 0.5, "country": "CN"},
        {"id": "S3", "capacity": 50.0, "fixed_cost": 30.0, "risk": 0.1, "country": "US"},
    ],
    "offers": [
        {"supplier": "S1", "item": "A", "price": 10.0, "capacity": 100.0,
         "tiers": [(60.0, 9.0), (100.0, 8.0)]},
        {"supplier": "S2", "item": "A", "price": 11.0, "capacity": 100.0, "risk": 0.3},
        {"supplier": "S2", "item": "B", "price": 20.0, "capacity": 80.0},
        {"supplier": "S3", "item": "B", "price": 25.0},
    ],
    "bundles": [{"id": "K1", "supplier": "S3", "units": {"A": 20.0, "B": 10.0}, "price": 400.0}],
    "rebates": [
        {"supplier": "S1", "tiers": [(0.0, 1.0), (500.0, 2.0), (800.0, 5.0)]},
        {"supplier": "S2", "tiers": [(2000.0, 10.0)]},
    ],
    "penalties": [{"attribute": "risk", "per": "spend", "weight": 0.5}],
}  # fmt: skip

UNITS = (60.0, 20.0, 40.0, 0.0)
OBJECTIVE = 2436.2


def build(records: dict[str, Any] | None = None, rules: Sequence[dict[str, Any]] = ()) -> Scenario:
    """A Scenario from record lists, laid out as model.py's docstring says."""
    t = BASE if records is None else records
    items = pd.DataFrame(
        {
            "id": [r["id"] for r in t["items"]],
            "demand": [r["demand"] for r in t["items"]],
            "unit": [None] * len(t["items"]),
            "baseline_price": [r.get("baseline_price", np.nan) for r in t["items"]],
            "group": [r.get("group") for r in t["items"]],
        }
    )
    item_code = {r["id"]: k for k, r in enumerate(t["items"])}
    sup = t["suppliers"]
    suppliers = pd.DataFrame(
        {
            "id": [r["id"] for r in sup],
            "name": [r["id"] for r in sup],
            "country": [r.get("country") for r in sup],
            "region": [None] * len(sup),
            "tags": [frozenset(r.get("tags", ())) for r in sup],
            "capacity": [r.get("capacity", INF) for r in sup],
            "fixed_cost": [r.get("fixed_cost", 0.0) for r in sup],
            "min_units": [r.get("min_units", 0.0) for r in sup],
            "attr.risk": [r.get("risk", np.nan) for r in sup],
        }
    )
    sup_code = {r["id"]: k for k, r in enumerate(sup)}
    off = t["offers"]
    offers = pd.DataFrame(
        {
            "supplier": [sup_code[r["supplier"]] for r in off],
            "item": [item_code[r["item"]] for r in off],
            "price": [r["price"] for r in off],
            "capacity": [r.get("capacity", INF) for r in off],
            "min_units": [r.get("min_units", 0.0) for r in off],
            "attr.risk": [r.get("risk", np.nan) for r in off],
        }
    )
    tiers = pd.DataFrame(
        [(k, f, p) for k, r in enumerate(off) for f, p in r.get("tiers", ())],
        columns=["offer", "from", "price"],
    )
    bundles = pd.DataFrame(
        {
            "id": [b["id"] for b in t["bundles"]],
            "supplier": [sup_code[b["supplier"]] for b in t["bundles"]],
            "price": [b["price"] for b in t["bundles"]],
        }
    )
    bundle_units = pd.DataFrame(
        [(k, item_code[i], u) for k, b in enumerate(t["bundles"]) for i, u in b["units"].items()],
        columns=["bundle", "item", "units"],
    )
    rebates = pd.DataFrame(
        [(sup_code[r["supplier"]], f, p) for r in t["rebates"] for f, p in r["tiers"]],
        columns=["supplier", "from_spend", "percent"],
    )
    return Scenario(
        name="tiny",
        source="<test>",
        items=items,
        suppliers=suppliers,
        offers=offers,
        tiers=tiers,
        bundles=bundles,
        bundle_units=bundle_units,
        rebates=rebates,
        rules=tuple(RULE.validate_python(r) for r in rules),
        objective=Objective.model_validate({"penalties": t["penalties"]}),
        solver=SolverSettings(),
    )


def tables() -> dict[str, Any]:
    """A copy of the base tables to change."""
    return copy.deepcopy(BASE)


def run(
    units: Sequence[float] = UNITS,
    bundles: tuple[bool, ...] = (True,),
    rules: Sequence[dict[str, Any]] = (),
    t: dict[str, Any] | None = None,
    **kw: Any,
) -> Verification:
    return verify(build(t, rules), Award(np.array(units), np.array(bundles)), **kw)


def only_rule(v: Verification) -> RuleCheck:
    (check,) = v.rules
    return check


# --- a correct award and its cost ---------------------------------------------------------


def test_correct_award_passes_with_exact_costs() -> None:
    v = run(reported_objective=OBJECTIVE)
    assert v.ok, v.problems
    assert v.problems == ()
    assert v.max_violation == 0.0
    c = v.cost
    assert c.purchase == pytest.approx(1560.0)
    assert c.bundles == pytest.approx(400.0)
    assert c.fixed == pytest.approx(180.0)
    assert c.rebates == pytest.approx(10.8)
    assert c.penalties == pytest.approx(307.0)
    assert c.total_cost == pytest.approx(2129.2)
    assert c.objective == pytest.approx(OBJECTIVE)
    np.testing.assert_allclose(v.unit_prices, [9.0, 11.0, 20.0, 25.0])
    # bundle_units rows: (K1, A) and (K1, B), 400 x 0.5 each
    np.testing.assert_allclose(v.bundle_item_spend, [200.0, 200.0])
    for name in ("demand", "offer_capacity", "tiers", "bundles", "rebates"):
        assert name in v.checked
    for name in ("supplier_capacity", "min_units", "cost"):
        assert name in v.checked


@pytest.mark.parametrize(
    ("s1_units", "price", "rebate"),
    [
        # 59 units: below the first tier -> base 10; spend 590 reaches 500 -> 2 % = 11.8
        (59.0, 10.0, 11.8),
        # within tolerance of the boundary 60 counts as reached -> 9; 2 % x 540 = 10.8
        (60.0 - 1e-9, 9.0, 10.8),
        # 100 units: highest tier -> 8 for every unit; spend 800 reaches 800 -> only 5 %
        # applies (not 1 + 2 + 5) = 40
        (100.0, 8.0, 40.0),
    ],
)
def test_tier_and_rebate_choice(s1_units: float, price: float, rebate: float) -> None:
    v = run(units=[s1_units, 20.0, 40.0, 0.0])
    assert v.unit_prices[0] == pytest.approx(price)
    assert v.cost.purchase == pytest.approx(s1_units * price + 220.0 + 800.0)
    assert v.cost.rebates == pytest.approx(rebate, rel=1e-6)


def test_rejected_bundle_and_unused_supplier() -> None:
    # Without K1: S1-A 80 (tier 60 -> 9: 720), S2-A 20 (220), S2-B 30 (600), S3-B 20 (500).
    # S3 awarded through its offer: fixed 100 + 50 + 30 = 180.
    # Rebates: S1 720 -> 2 % = 14.4. Total = 720 + 220 + 600 + 500 + 180 - 14.4 = 2205.6.
    # Penalty 0.5 x (0.2x720 + 0.3x220 + 0.5x600 + 0.1x500) = 0.5 x 560 = 280.
    v = run(units=[80.0, 20.0, 30.0, 20.0], bundles=(False,), reported_objective=2485.6)
    assert v.ok, v.problems
    assert v.cost.bundles == 0.0
    np.testing.assert_allclose(v.bundle_item_spend, [0.0, 0.0])
    assert v.cost.total_cost == pytest.approx(2205.6)
    assert v.cost.objective == pytest.approx(2485.6)
    # S3 with nothing at all: S1-A 80, S2-A 20, S2-B 50 -> fixed 150 only.
    # 720 + 220 + 1000 + 150 - 14.4 = 2075.6
    v = run(units=[80.0, 20.0, 50.0, 0.0], bundles=(False,))
    assert v.ok, v.problems
    assert v.cost.fixed == pytest.approx(150.0)
    assert v.cost.total_cost == pytest.approx(2075.6)


def test_wrong_reported_objective_fails_the_cost_check() -> None:
    v = run(reported_objective=OBJECTIVE + 1.0)
    assert not v.ok
    assert "cost" in v.checked
    assert any("reported 2437.2" in p and "2436.2" in p for p in v.problems)
    # a difference within the relative tolerance passes: 1e-6 x 2436.2 > 1e-3
    assert run(reported_objective=OBJECTIVE + 1e-3).ok


def test_award_of_wrong_shape_is_an_error() -> None:
    with pytest.raises(SourceoptError, match="4 offers"):
        run(units=[1.0, 2.0])


# --- the award's own feasibility ----------------------------------------------------------


def test_demand_short_is_named() -> None:
    v = run(units=[50.0, 20.0, 40.0, 0.0])  # A: 50 + 20 + 20 = 90 of 100
    assert not v.ok
    assert "item A: awarded 90 units, demand 100" in v.problems
    assert v.max_violation == pytest.approx(10.0)


def test_offer_capacity_exceeded_negative_and_nan() -> None:
    # S2-B 90 > capacity 80 (and B then gets 100 of 50)
    v = run(units=[60.0, 20.0, 90.0, 0.0])
    assert "supplier S2, item B: 90 units through the offer, capacity 80" in v.problems
    assert "item B: awarded 100 units, demand 50" in v.problems
    v = run(units=[60.0, 20.0, 45.0, -5.0])
    assert "supplier S3, item B: -5 units through the offer (negative)" in v.problems
    v = run(units=[60.0, 20.0, np.nan, 0.0])
    assert any(
        p.startswith("supplier S2, item B: units through the offer are nan") for p in v.problems
    )


def test_offer_and_supplier_min_units() -> None:
    t = tables()
    t["offers"][2]["min_units"] = 45.0  # S2-B gets 40
    t["suppliers"][2]["min_units"] = 40.0  # S3 gets 30 in all (bundle)
    v = run(t=t)
    assert not v.ok
    assert any(
        p.startswith("supplier S2, item B: 40 units through the offer, below its minimum 45")
        for p in v.problems
    )
    assert any(
        p.startswith("supplier S3: awarded 30 units in total, below its minimum 40")
        for p in v.problems
    )
    # an unused offer and an unawarded supplier are exempt
    t = tables()
    t["offers"][3]["min_units"] = 45.0
    t["suppliers"][2]["min_units"] = 40.0
    assert run(units=[80.0, 20.0, 50.0, 0.0], bundles=(False,), t=t).ok


def test_supplier_capacity_counts_bundle_units() -> None:
    t = tables()
    t["suppliers"][2]["capacity"] = 25.0  # S3: 20 + 10 bundle units = 30
    v = run(t=t)
    assert "supplier S3: awarded 30 units in total, capacity 25" in v.problems
    assert v.max_violation == pytest.approx(5.0)


# --- rules --------------------------------------------------------------------------------


def check(rule: dict[str, Any], **kw: Any) -> tuple[Verification, RuleCheck]:
    v = run(rules=[{"name": "r", **rule}], **kw)
    return v, only_rule(v)


def assert_fails(v: Verification, *words: str) -> None:
    assert not v.ok
    assert "rule:r" in v.checked
    assert any(all(w in p for w in ("rule 'r'", *words)) for p in v.problems), v.problems


def test_max_share_per_item_volume() -> None:
    # S1-A 60 of demand 100 = 0.6 > 0.5, past by 60 - 0.5 x 100 = 10 units;
    # S2-B 40 of 50 = 0.8 > 0.5, past by 40 - 25 = 15 units (the worst row); total 25
    v, r = check({"type": "max_share", "limit": 0.5})
    assert (r.value, r.bound, r.violation, r.ok) == (
        pytest.approx(0.8),
        0.5,
        pytest.approx(25.0),
        False,
    )
    assert_fails(v, "supplier S1, item A", "60%", "50%")
    assert_fails(v, "supplier S2, item B", "80%")
    # limit 0.8: S2-B exactly at it -> ok and binding
    _, r = check({"type": "max_share", "limit": 0.8})
    assert r.ok
    assert r.binding
    assert r.violation == 0.0


def test_max_share_per_category_spend() -> None:
    # S2 spend 1020 of 1960 = 0.52041 > 0.5; linear form 1020 - 0.5 x 1960 = 40 money
    v, r = check({"type": "max_share", "limit": 0.5, "per": "category", "measure": "spend"})
    assert r.value == pytest.approx(1020 / 1960)
    assert r.violation == pytest.approx(40.0)
    assert_fails(v, "supplier S2 of the selected items together")


def test_soft_rule_is_priced_and_stays_ok() -> None:
    # max_share 0.5 violated by 10 + 15 = 25 units (see above) at 3 per unit -> +75
    soft = {"type": "max_share", "limit": 0.5, "soft": {"penalty": 3.0}}
    v, r = check(soft, reported_objective=OBJECTIVE + 75.0)
    assert v.ok, v.problems
    assert r.soft
    assert r.ok
    assert r.violation == pytest.approx(25.0)
    assert v.cost.penalties == pytest.approx(307.0 + 75.0)
    assert v.cost.total_cost == pytest.approx(2129.2)
    assert v.cost.objective == pytest.approx(OBJECTIVE + 75.0)


def test_supplier_count() -> None:
    # 3 suppliers awarded, max 2 -> 1 supplier too many
    v, r = check({"type": "supplier_count", "max": 2})
    assert (r.value, r.bound, r.violation) == (3.0, 2.0, 1.0)
    assert_fails(v, "awarded suppliers 3, above the maximum 2")
    # per item, min 3: A has S1, S2, S3 (3: binding), B has S2, S3 (2: short by 1)
    v, r = check({"type": "supplier_count", "min": 3, "per": "item"})
    assert (r.value, r.bound, r.violation, r.binding) == (2.0, 3.0, 1.0, True)
    assert_fails(v, "item B")


def test_group_share() -> None:
    # small business (S1) volume 60 of 150 = 0.4 < 0.5; linear form 0.5 x 150 - 60 = 15 units
    v, r = check({"type": "group_share", "min": 0.5, "suppliers": {"tags": ["small_business"]}})
    assert r.value == pytest.approx(0.4)
    assert r.violation == pytest.approx(15.0)
    assert_fails(v, "below the minimum 50%")
    # per item, spend, US suppliers (S1, S3) at most 0.5: A: (540 + 200) / 960 = 0.7708,
    # past by 740 - 480 = 260; B: 200 / 1000 = 0.2 fine. Worst row is A.
    us = {"suppliers": {"country": ["US"]}, "per": "item", "measure": "spend"}
    v, r = check({"type": "group_share", "max": 0.5, **us})
    assert r.value == pytest.approx(740 / 960)
    assert r.violation == pytest.approx(260.0)
    assert_fails(v, "item A")


def test_group_share_each_country_catches_a_violated_country() -> None:
    # countries: US = {S1, S3}, CN = {S2}. Spend S1 540, S2 1020, S3 400 (1960 in all).
    # each country at most 50 % of spend: CN 1020 / 1960 = 0.5204, past by 1020 - 980 = 40
    # money (the worst row); US (540 + 400) / 1960 = 0.4796 holds.
    each = {"type": "group_share", "each": "country", "max": 0.5, "measure": "spend"}
    v, r = check(each)
    assert (r.value, r.violation, r.group) == (
        pytest.approx(1020 / 1960),
        pytest.approx(40.0),
        "CN",
    )
    assert_fails(v, "country CN: share of spend of the country 52.04", "above the maximum 50%")
    assert not any("country US" in p for p in v.problems)
    # the same as one rule per country (the format's selectors): the same total violation
    per_country = [
        {
            "type": "group_share",
            "name": c,
            "max": 0.5,
            "measure": "spend",
            "suppliers": {"country": [c]},
        }
        for c in ("CN", "US")
    ]
    ten = run(rules=per_country)
    assert sum(c.violation for c in ten.rules) == pytest.approx(40.0)
    # at most 55 %: every country within its bound, CN the worst (closest) row
    v, r = check({**each, "max": 0.55})
    assert v.ok
    assert (r.group, r.violation, r.binding) == ("CN", 0.0, False)


def test_group_share_each_per_item_and_suppliers_without_a_value() -> None:
    # per item, volume, at most 70 %. A (100): US S1 60 + S3 bundle 20 = 80 -> past by 10;
    # CN S2 20. B (50): CN S2 40 -> past by 40 - 35 = 5; US S3 bundle 10.
    # Rows CN-A 0.2, CN-B 0.8, US-A 0.8, US-B 0.2: the first worst is CN-B. Total 15 units.
    v, r = check({"type": "group_share", "each": "country", "max": 0.7, "per": "item"})
    assert (r.value, r.violation, r.group) == (pytest.approx(0.8), pytest.approx(15.0), "CN")
    assert_fails(v, "country US, item A", "80%")
    assert_fails(v, "country CN, item B", "80%")
    # S2 without a country forms no group: only US is limited, and holds at 80 % max
    t = tables()
    del t["suppliers"][1]["country"]
    v, r = check({"type": "group_share", "each": "country", "max": 0.8, "per": "item"}, t=t)
    assert v.ok
    assert (r.group, r.value, r.binding) == ("US", pytest.approx(0.8), True)


def test_group_share_each_tag_and_nobody_to_group() -> None:
    # only S1 is tagged (small_business): 60 of 150 units = 0.4 < 0.5, short by 15 units
    v, r = check({"type": "group_share", "each": "tag", "min": 0.5})
    assert (r.value, r.violation, r.group) == (
        pytest.approx(0.4),
        pytest.approx(15.0),
        "small_business",
    )
    assert_fails(v, "tag small_business", "below the minimum 50%")
    # no supplier has a region: no group, the rule selects nothing and holds
    v, r = check({"type": "group_share", "each": "region", "min": 0.5})
    assert v.ok
    assert (r.value, r.group) == (None, None)


def test_exclude_counts_bundle_units() -> None:
    # S3 gets 10 units of B through its bundle
    v, r = check({"type": "exclude", "suppliers": ["S3"], "items": ["B"]})
    assert (r.value, r.bound, r.violation) == (10.0, 0.0, 10.0)
    assert_fails(v, "supplier S3, item B", "units 10, above the maximum 0")


def test_exclude_with_not_and_id_filters() -> None:
    # suppliers {not: {tags: [small_business]}} = S2, S3; items {group: [g2], not: {id: [A]}}
    # = B. On B: S2 40 units, S3 10 through its bundle -> both named, 50 units in all.
    v, r = check(
        {
            "type": "exclude",
            "suppliers": {"not": {"tags": ["small_business"]}},
            "items": {"group": ["g2"], "not": {"id": ["A"]}},
        }
    )
    assert r.violation == pytest.approx(50.0)
    assert_fails(v, "supplier S2, item B", "units 40, above the maximum 0")
    assert_fails(v, "supplier S3, item B", "units 10, above the maximum 0")
    # the same rule on the small business alone (S1 has nothing of B) holds
    v, r = check({"type": "exclude", "suppliers": {"id": ["S1"]}, "items": {"not": {"id": ["A"]}}})
    assert v.ok
    assert r.violation == 0.0


def test_award_lock() -> None:
    # S2 gets 40 of B, lock at least 45 -> short by 5
    v, r = check({"type": "award", "supplier": "S2", "item": "B", "min_units": 45})
    assert (r.value, r.bound, r.violation) == (40.0, 45.0, 5.0)
    assert_fails(v, "supplier S2, item B")


def test_average_attribute() -> None:
    # volume-weighted risk: S1-A 60x0.2 + S2-A 20x0.3 (offer's own) + S2-B 40x0.5
    # + S3 bundle 30x0.1 = 12 + 6 + 20 + 3 = 41 over 150 units = 0.27333
    _, r = check({"type": "average_attribute", "attribute": "risk", "max": 0.3})
    assert r.ok
    assert r.value == pytest.approx(41 / 150)
    # max 0.25: linear form 41 - 0.25 x 150 = 3.5 risk-units
    v, r = check({"type": "average_attribute", "attribute": "risk", "max": 0.25})
    assert r.violation == pytest.approx(3.5)
    assert_fails(v, "volume-weighted average risk")
    # spend-weighted per item, min 0.2: A: (0.2x540 + 0.3x220 + 0.1x200) / 960 = 194/960
    # = 0.2021 ok; B: (0.5x800 + 0.1x200) / 1000 = 0.42 ok. Worst is A, binding is not.
    by_item = {"per": "item", "measure": "spend"}
    _, r = check({"type": "average_attribute", "attribute": "risk", "min": 0.2, **by_item})
    assert r.ok
    assert not r.binding
    assert r.value == pytest.approx(194 / 960)


def test_budget() -> None:
    # total cost 2129.2 (penalties excluded) over 2000 by 129.2 money
    v, r = check({"type": "budget", "max": 2000})
    assert r.value == pytest.approx(2129.2)
    assert r.violation == pytest.approx(129.2)
    assert_fails(v, "total cost")
    assert check({"type": "budget", "max": 2200})[0].ok


def test_max_items_per_supplier() -> None:
    # S1 wins A; S2 wins A, B; S3 wins A, B (bundle) -> S2 and S3 one item too many each
    v, r = check({"type": "max_items_per_supplier", "max": 1})
    assert (r.value, r.bound, r.violation) == (2.0, 1.0, 2.0)
    assert_fails(v, "supplier S2", "items won 2")
    assert_fails(v, "supplier S3")


def test_backup_coverage() -> None:
    # capacities on all items: S1 min(200, 100) = 100, S2 min(inf, 100 + 80) = 180,
    # S3 min(50, inf) = 50; spare = cap - volume: 40, 120, 20 (180 in all).
    # others' spare: S1 140 >= 60, S2 60 >= 60 (ratio 1: binding), S3 160 >= 30.
    v, r = check({"type": "backup_coverage", "coverage": 1.0})
    assert v.ok
    assert r.binding
    assert (r.value, r.bound) == (pytest.approx(1.0), 1.0)
    # coverage 1.5: S2 needs 90, has 60 -> 30 units short; S1 needs 90 (140), S3 45 (160)
    v, r = check({"type": "backup_coverage", "coverage": 1.5})
    assert r.violation == pytest.approx(30.0)
    assert_fails(v, "supplier S2", "below the minimum 1.5")


def test_rule_selecting_nothing_is_trivially_satisfied() -> None:
    v, r = check({"type": "exclude", "suppliers": {"tags": ["nobody"]}})
    assert v.ok
    assert r.value is None
    assert r.ok
    assert not r.binding
    assert r.violation == 0.0


def test_unnamed_rules_get_default_names() -> None:
    v = run(rules=[{"type": "budget", "max": 1e9}, {"type": "budget", "max": 2000}])
    assert [r.name for r in v.rules] == ["budget-1", "budget-2"]
    assert "rule:budget-2" in v.checked
    assert any("rule 'budget-2'" in p for p in v.problems)


def test_group_share_of_an_empty_group_is_violated() -> None:
    # no supplier has the tag: the group gets 0 of 150 units, short by 0.1 x 150 = 15
    v, r = check({"type": "group_share", "min": 0.1, "suppliers": {"tags": ["nobody"]}})
    assert r.value == 0.0
    assert r.violation == pytest.approx(15.0)
    assert_fails(v, "below the minimum 10%")


def test_max_share_per_item_spend_counts_bundle_spend() -> None:
    # item B spend: S2 800, S3 bundle 200 -> S2 has 0.8 > 0.75, past by 800 - 750 = 50 money;
    # item A: S1 540 / 960 = 0.5625, S2 220, S3 200: all within 0.75
    v, r = check({"type": "max_share", "limit": 0.75, "measure": "spend"})
    assert r.value == pytest.approx(0.8)
    assert r.violation == pytest.approx(50.0)
    assert v.max_violation == pytest.approx(50.0)
    assert_fails(v, "supplier S2, item B", "share of spend 80%")


def test_undefined_attribute_on_an_awarded_line_is_an_error() -> None:
    t = tables()
    t["suppliers"][2]["risk"] = np.nan  # S3's bundle lines have no risk
    with pytest.raises(SourceoptError, match="attribute 'risk' is not defined for supplier S3"):
        run(t=t)


def test_tiers_given_out_of_order_are_sorted() -> None:
    t = tables()
    t["offers"][0]["tiers"] = [(100.0, 8.0), (60.0, 9.0)]
    v = run(t=t)
    assert v.unit_prices[0] == 9.0
    assert v.cost.objective == pytest.approx(OBJECTIVE)


# --- format 1.1: min_award_share and total ------------------------------------------------


def test_min_award_share_per_item_catches_token_awards() -> None:
    # awarded pairs: S1-A 60/100, S2-A 20/100, S3-A 20/100 (bundle), S2-B 40/50, S3-B 10/50.
    # At 30 %: S2-A and S3-A are 30 - 20 = 10 units short each, S3-B 15 - 10 = 5: 25 units
    v, r = check({"type": "min_award_share", "limit": 0.3})
    assert (r.value, r.bound, r.violation, r.ok) == (
        pytest.approx(0.2),
        0.3,
        pytest.approx(25.0),
        False,
    )
    assert_fails(v, "supplier S2, item A", "20%", "below the minimum 30%")
    assert_fails(v, "supplier S3, item B")
    # at 20 %: every award reaches it, three exactly (binding)
    _, r = check({"type": "min_award_share", "limit": 0.2})
    assert (r.ok, r.binding, r.violation) == (True, True, 0.0)


def test_min_award_share_per_category_spend_binds_only_the_awarded() -> None:
    # spend S1 540, S2 1020, S3 400 (bundle) of 1960; at 25 %: S3 is 490 - 400 = 90 money short
    rule = {"type": "min_award_share", "limit": 0.25, "per": "category", "measure": "spend"}
    v, r = check(rule)
    assert r.value == pytest.approx(400 / 1960)
    assert r.violation == pytest.approx(90.0)
    assert_fails(v, "supplier S3 of the selected items together")
    # bundle rejected: S3 receives nothing and is not bound; S1 540 and S2 1020 of 1560 pass
    _, r = check(rule, bundles=(False,))
    assert r.ok
    assert r.value == pytest.approx(540 / 1560)


def test_total_max_per_supplier() -> None:
    # units: S1 60, S2 60, S3 30; at most 50 each: S1 and S2 10 over each, 20 in all
    v, r = check({"type": "total", "max": 50})
    assert (r.value, r.bound, r.violation) == (60.0, 50.0, 20.0)
    assert_fails(v, "supplier S1", "awarded units 60", "above the maximum 50")
    assert_fails(v, "supplier S2")


def test_total_min_is_a_commitment_awarded_or_not() -> None:
    # S3 is committed 25 units of A and gets 20 (bundle): 5 short
    rule = {"type": "total", "min": 25, "suppliers": ["S3"], "items": ["A"]}
    v, r = check(rule)
    assert (r.value, r.violation) == (20.0, 5.0)
    assert_fails(v, "supplier S3", "below the minimum 25")
    # bundle rejected: S3 awarded nothing, still bound: 25 short
    _, r = check(rule, bundles=(False,))
    assert (r.value, r.violation, r.ok) == (0.0, 25.0, False)


def test_total_per_all_spend() -> None:
    # S1 and S2 together: 540 + 1020 = 1560 money, at most 1500: 60 over; 1600: holds
    rule = {"type": "total", "max": 1500, "suppliers": ["S1", "S2"], "per": "all"}
    v, r = check({**rule, "measure": "spend"})
    assert (r.value, r.violation) == (pytest.approx(1560.0), pytest.approx(60.0))
    assert_fails(v, "awarded spend 1560", "above the maximum 1500")
    assert check({**rule, "measure": "spend", "max": 1600})[1].ok
    # by volume: 60 + 60 = 120 units <= 1500
    assert check(rule)[1].ok
