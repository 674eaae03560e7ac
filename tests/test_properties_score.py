"""Properties of the score objective and the scale_prices edit (format 1.1), on random data.

- A score objective's winner never has a lower score than an offer of the same item it beat:
  without rules and supplier capacities the items are independent, so every offer that is
  awarded units scores at least as much as any offer of its item left with spare capacity.
  The scores are recomputed here from the scenario dict, sharing no code with sourceopt.
- A variant that only scales prices by f (``scale_prices`` on every offer) scales the
  purchase by f: without fixed costs, bundles, rebates or money-measured rules, the whole
  objective scales by f, so the same award stays optimal.
"""

from __future__ import annotations

import copy
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sourceopt import load_scenario, solve

SETTINGS = settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
UNITS = 1e-6


@st.composite
def tenders(draw: st.DrawFn) -> dict[str, Any]:
    """Items, bidders with a quality mark, offers with prices and some offer capacities."""
    items = [
        {"id": f"I{k}", "demand": draw(st.integers(1, 30))} for k in range(draw(st.integers(1, 4)))
    ]
    n_sup = draw(st.integers(2, 4))
    suppliers = [
        {"id": f"S{k}", "attributes": {"quality": draw(st.integers(0, 100))}} for k in range(n_sup)
    ]
    offers = []
    for it in items:
        bidders = draw(st.lists(st.integers(0, n_sup - 1), min_size=1, max_size=n_sup, unique=True))
        for s in bidders:
            rec: dict[str, Any] = {
                "supplier": f"S{s}",
                "item": it["id"],
                "price": draw(st.integers(5, 50)),
            }
            if draw(st.booleans()):
                rec["capacity"] = draw(st.integers(1, 30))
            offers.append(rec)
        # an uncapacitated bidder keeps every item feasible
        if all("capacity" in o for o in offers if o["item"] == it["id"]):
            offers[-1].pop("capacity")
    weight = draw(st.integers(0, 100))
    return {
        "sourceopt": 1,
        "name": "tender",
        "items": items,
        "suppliers": suppliers,
        "offers": offers,
        "objective": {
            "maximize": "score",
            "price_weight": weight,
            "criteria": [{"attribute": "quality", "weight": 100 - weight, "max": 100}],
        },
    }


def _scores(sc: dict[str, Any]) -> dict[tuple[str, str], float]:
    quality = {s["id"]: s["attributes"]["quality"] for s in sc["suppliers"]}
    lowest: dict[str, float] = {}
    for o in sc["offers"]:
        lowest[o["item"]] = min(lowest.get(o["item"], float("inf")), o["price"])
    obj = sc["objective"]
    crit = obj["criteria"][0]
    return {
        (o["supplier"], o["item"]): obj["price_weight"] * lowest[o["item"]] / o["price"]
        + crit["weight"] * quality[o["supplier"]] / crit["max"]
        for o in sc["offers"]
    }


@SETTINGS
@given(sc=tenders())
def test_a_score_winner_never_scores_below_an_offer_it_beat(sc: dict[str, Any]) -> None:
    result = solve(load_scenario(copy.deepcopy(sc)))
    assert result.status.value == "optimal"
    assert result.verification.ok, result.verification.problems
    scores = _scores(sc)
    alloc = result.allocations
    units = {(r.supplier, r.item): float(r.units) for r in alloc.itertuples()}
    for item in {o["item"] for o in sc["offers"]}:
        mine = [o for o in sc["offers"] if o["item"] == item]
        won = [
            scores[o["supplier"], item] for o in mine if units.get((o["supplier"], item), 0) > UNITS
        ]
        spare = [
            scores[o["supplier"], item]
            for o in mine
            if units.get((o["supplier"], item), 0) < o.get("capacity", float("inf")) - UNITS
        ]
        assert won
        if spare:
            assert min(won) >= max(spare) - 1e-9, (item, won, spare)
    expected = sum(
        units.get(key, 0.0) * s / next(i["demand"] for i in sc["items"] if i["id"] == key[1])
        for key, s in scores.items()
    )
    assert result.objective == pytest.approx(expected, rel=1e-9, abs=1e-9)


@st.composite
def cost_scenarios(draw: st.DrawFn) -> dict[str, Any]:
    """A cost scenario with tiers, capacities and volume rules (no money-measured bounds)."""
    items = [
        {"id": f"I{k}", "demand": draw(st.integers(5, 40))} for k in range(draw(st.integers(1, 4)))
    ]
    suppliers = [{"id": f"S{k}", "capacity": draw(st.integers(20, 120))} for k in range(3)]
    suppliers.append({"id": "SB"})
    offers = []
    for it in items:
        for s in suppliers[:3]:
            if draw(st.booleans()):
                rec: dict[str, Any] = {
                    "supplier": s["id"],
                    "item": it["id"],
                    "price": draw(st.integers(5, 40)),
                }
                if draw(st.booleans()):
                    rec["tiers"] = [{"from": draw(st.integers(2, 20)), "price": rec["price"] - 2}]
                offers.append(rec)
        offers.append({"supplier": "SB", "item": it["id"], "price": draw(st.integers(45, 60))})
    rules = []
    if draw(st.booleans()):
        rules.append({"type": "max_share", "limit": draw(st.sampled_from([0.5, 0.7, 0.9]))})
    if draw(st.booleans()):
        rules.append({"type": "supplier_count", "min": 2})
    return {
        "sourceopt": 1,
        "name": "scaled",
        "items": items,
        "suppliers": suppliers,
        "offers": offers,
        "rules": rules,
    }


@SETTINGS
@given(sc=cost_scenarios(), f=st.sampled_from([0.25, 0.5, 2.0, 3.0, 10.0]))
def test_scale_prices_scales_the_purchase(sc: dict[str, Any], f: float) -> None:
    sc = {**sc, "variants": [{"name": "scaled", "scale_prices": [{"factor": f}]}]}
    scenario = load_scenario(copy.deepcopy(sc))
    base, scaled = solve(scenario), solve(scenario, variant="scaled")
    assert base.status.value == scaled.status.value
    if base.status.value != "optimal":
        return
    assert base.verification.ok
    assert scaled.verification.ok
    before, after = base.document.cost, scaled.document.cost
    assert before is not None
    assert after is not None
    assert after.purchase == pytest.approx(f * before.purchase, rel=1e-6, abs=1e-6)
