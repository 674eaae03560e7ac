"""Property tests on generated scenarios.

(a) every installed backend agrees on the optimal objective; (b) the independent verifier
passes on every award; (c) adding a rule never lowers the optimal objective; (d) scaling
every price (offers, tiers, bundles, fixed costs, and the money thresholds of rebates and
budgets) by k > 0 scales the optimal total cost by k.

Generated scenarios are small (2-5 items, 2-4 suppliers) and always have a backup supplier
``SB`` with ample capacity at a high price, so the base scenario is feasible; rules may still
make it infeasible, which every backend must then agree on.
"""

from __future__ import annotations

import copy
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sourceopt import load_scenario, solve
from sourceopt.solvers.registry import available_backends, get_backend

SETTINGS = settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
HAS_AWARD = {"optimal", "feasible"}
REL = 1e-6


def _close(a: float, b: float, rel: float = REL) -> bool:
    return abs(a - b) <= rel * max(abs(a), abs(b)) + 1e-6


# --- the scenario strategy -----------------------------------------------------------------


@st.composite
def offers_of(draw: st.DrawFn, supplier: str, item: str) -> dict[str, Any]:
    price = draw(st.integers(5, 40))
    rec: dict[str, Any] = {"supplier": supplier, "item": item, "price": price}
    if draw(st.booleans()):
        rec["capacity"] = draw(st.integers(5, 60))
    if draw(st.integers(0, 3)) == 0:
        rec["min_units"] = draw(st.integers(2, 10))
    n_tiers = draw(st.sampled_from([0, 0, 1, 2]))
    tiers, start, tier_price = [], 0, price
    for _ in range(n_tiers):
        start += draw(st.integers(5, 25))
        tier_price -= draw(st.integers(1, 3))
        if tier_price < 1:
            break
        tiers.append({"from": start, "price": tier_price})
    if tiers:
        rec["tiers"] = tiers
    return rec


def _rule_strategy(
    suppliers: list[str], items: list[str], soft: bool
) -> st.SearchStrategy[dict[str, Any]]:
    regular = st.sampled_from(suppliers)
    an_item = st.sampled_from(items)
    per = st.sampled_from(["item", "category"])
    measure = st.sampled_from(["volume", "spend"])
    rules = st.one_of(
        st.fixed_dictionaries(
            {
                "type": st.just("max_share"),
                "limit": st.sampled_from([0.5, 0.6, 0.7, 0.8]),
                "per": per,
                "measure": measure,
            }
        ),
        st.fixed_dictionaries(
            {"type": st.just("supplier_count"), "min": st.integers(1, 2), "per": per}
        ),
        st.fixed_dictionaries(
            {
                "type": st.just("supplier_count"),
                "max": st.integers(2, 4),
                "per": st.just("category"),
            }
        ),
        st.fixed_dictionaries(
            {
                "type": st.just("group_share"),
                "min": st.sampled_from([0.1, 0.2, 0.3]),
                "suppliers": st.just({"tags": ["small"]}),
                "measure": measure,
            }
        ),
        st.fixed_dictionaries(
            {
                "type": st.just("group_share"),
                "max": st.sampled_from([0.5, 0.6, 0.8]),
                "suppliers": st.just({"country": ["CN"]}),
                "per": per,
            }
        ),
        st.fixed_dictionaries(
            {
                "type": st.just("group_share"),
                "each": st.sampled_from(["country", "tag"]),
                "max": st.sampled_from([0.6, 0.8]),
                "per": per,
                "measure": measure,
            }
        ),
        st.fixed_dictionaries(
            {"type": st.just("exclude"), "suppliers": regular.map(lambda s: [s])}
        ),
        st.fixed_dictionaries(
            {
                "type": st.just("award"),
                "supplier": regular,
                "item": an_item,
                "max_units": st.integers(0, 10),
            }
        ),
        st.fixed_dictionaries(
            {
                "type": st.just("average_attribute"),
                "attribute": st.just("risk"),
                "max": st.sampled_from([0.4, 0.5, 0.6]),
                "measure": measure,
            }
        ),
        st.fixed_dictionaries({"type": st.just("budget"), "max": st.integers(500, 20000)}),
        st.fixed_dictionaries(
            {"type": st.just("max_items_per_supplier"), "max": st.integers(1, 3)}
        ),
        st.fixed_dictionaries(
            {
                "type": st.just("backup_coverage"),
                "coverage": st.sampled_from([0.25, 0.5]),
                "suppliers": st.just(suppliers),
            }
        ),
        st.fixed_dictionaries(
            {
                "type": st.just("min_award_share"),
                "limit": st.sampled_from([0.1, 0.2, 0.3]),
                "per": per,
                "measure": measure,
            }
        ),
        st.fixed_dictionaries(
            {
                "type": st.just("total"),
                "max": st.integers(5, 60),
                "suppliers": regular.map(lambda s: [s]),
                "measure": st.just("volume"),
            }
        ),
        st.fixed_dictionaries(
            {
                "type": st.just("total"),
                "min": st.integers(0, 200),
                "per": st.just("all"),
                "measure": st.just("spend"),
                "suppliers": st.just(suppliers),
            }
        ),
    )
    if not soft:
        return rules

    @st.composite
    def maybe_soft(draw: st.DrawFn) -> dict[str, Any]:
        rule = dict(draw(rules))
        if draw(st.integers(0, 3)) == 0:
            rule["soft"] = {"penalty": draw(st.integers(1, 20))}
        return rule

    return maybe_soft()


@st.composite
def scenarios(draw: st.DrawFn, *, soft: bool = True, extra_rule: bool = False) -> Any:
    """A small random scenario dict (plus, with extra_rule, one more rule to add to it)."""
    n_items = draw(st.integers(2, 5))
    n_sup = draw(st.integers(2, 4))
    items = [
        {
            "id": f"I{k}",
            "demand": draw(st.integers(5, 40)),
            "group": draw(st.sampled_from(["g1", "g2"])),
        }
        for k in range(n_items)
    ]
    total = sum(i["demand"] for i in items)
    sup_ids = [f"S{k}" for k in range(n_sup)]
    suppliers = []
    for sid in sup_ids:
        cap = draw(st.integers(20, 150))
        rec: dict[str, Any] = {
            "id": sid,
            "country": draw(st.sampled_from(["US", "CN", "DE"])),
            "tags": draw(st.lists(st.sampled_from(["small", "incumbent"]), unique=True)),
            "capacity": cap,
            "attributes": {"risk": draw(st.integers(0, 9)) / 10},
        }
        if draw(st.booleans()):
            rec["fixed_cost"] = draw(st.integers(10, 200))
        if draw(st.integers(0, 3)) == 0:
            rec["min_units"] = draw(st.integers(1, min(20, cap)))
        suppliers.append(rec)
    # the backup: ample capacity at a high price, so the rule-free scenario is feasible
    suppliers.append(
        {
            "id": "SB",
            "country": "US",
            "capacity": 2 * total,
            "attributes": {"risk": 0.5},
        }
    )
    offers = [draw(offers_of(s, i["id"])) for s in sup_ids for i in items if draw(st.booleans())]
    offers += [
        {"supplier": "SB", "item": i["id"], "price": draw(st.integers(60, 80))} for i in items
    ]
    sc: dict[str, Any] = {
        "sourceopt": 1,
        "name": "generated",
        "solver": {"time_limit": 20},  # CP-SAT can stall on a fine grid; nothing may hang
        "items": items,
        "suppliers": suppliers,
        "offers": offers,
    }
    if draw(st.integers(0, 2)) == 0:
        owner = draw(st.sampled_from(sup_ids))
        chosen = draw(st.lists(st.sampled_from(items), min_size=1, max_size=2, unique_by=id))
        units = {i["id"]: draw(st.integers(1, max(1, i["demand"] // 2))) for i in chosen}
        price = sum(units.values()) * draw(st.integers(5, 40))
        sc["bundles"] = [{"id": "B1", "supplier": owner, "units": units, "price": price}]
    if draw(st.integers(0, 2)) == 0:
        first = draw(st.integers(50, 400))
        tiers = [{"from_spend": first, "percent": draw(st.integers(1, 5))}]
        if draw(st.booleans()):
            tiers.append({"from_spend": first + draw(st.integers(50, 400)), "percent": 8})
        sc["rebates"] = [{"supplier": draw(st.sampled_from(sup_ids)), "tiers": tiers}]
    if draw(st.integers(0, 3)) == 0:
        sc["objective"] = {"penalties": [{"attribute": "risk", "per": "spend", "weight": 0.2}]}
    item_ids = [i["id"] for i in items]
    rule = _rule_strategy([*sup_ids, "SB"], item_ids, soft)
    regular_rule = _rule_strategy(sup_ids, item_ids, soft)
    pairs = {(o["supplier"], o["item"]) for o in offers}
    sc["rules"] = [
        r for r in draw(st.lists(st.one_of(rule, regular_rule), max_size=3)) if _fits(r, pairs)
    ]
    if extra_rule:
        return sc, draw(rule.filter(lambda r: _fits(r, pairs)))
    return sc


def _fits(rule: dict[str, Any], pairs: set[tuple[str, str]]) -> bool:
    """Award locks only on pairs that have an offer."""
    return rule["type"] != "award" or (rule["supplier"], rule["item"]) in pairs


# --- helpers ---------------------------------------------------------------------------------


def _run(sc: dict[str, Any], backend: str = "highs") -> Any:
    return solve(load_scenario(copy.deepcopy(sc)), backend=backend)


def _status(res: Any) -> str:
    return str(res.status)


def _integral_award(res: Any) -> bool:
    units = res.allocations["units"].to_numpy(float)
    return bool(all(abs(u - round(u)) <= 1e-6 for u in units))


def _solver(res: Any) -> dict[str, Any]:
    """The solver part of the result, for assertion messages."""
    return dict(res.to_dict()["solver"])


def _check_verified(res: Any, backend: str) -> None:
    if _status(res) in HAS_AWARD:
        assert res.verification.ok, f"{backend}: {res.to_dict()['verification']}"


# --- (a) + (b) ---------------------------------------------------------------------------------


@SETTINGS
@given(sc=scenarios())
def test_backends_agree_and_awards_verify(sc: dict[str, Any]) -> None:
    backends = available_backends()
    assert "highs" in backends
    results = {b: _run(sc, b) for b in backends}
    for b, res in results.items():
        _check_verified(res, b)
    ref = results["highs"]
    ref_status = _status(ref)
    assert ref_status in {"optimal", "infeasible"}, f"highs: {ref_status} {_solver(ref)}"
    has_soft = any("soft" in r for r in sc.get("rules", []))
    for b, res in results.items():
        status = _status(res)
        continuous = get_backend(b).capabilities.continuous
        if continuous:
            assert status == ref_status, f"{b}: {status} {_solver(res)}, highs: {ref_status}"
            if status == "optimal":
                assert _close(res.objective, ref.objective), (b, res.objective, ref.objective)
            continue
        # integer-only backend (an integer grid restricts the continuous awards): it may only
        # say "no award found on the grid" where highs proved infeasibility; it is never
        # better than the continuous optimum, and equal to it when an integral award is
        # optimal (and no soft slack needs a fractional value) unless a limit stopped it
        if ref_status == "infeasible":
            assert status in {"infeasible", "no_solution"}, f"{b}: {status}, highs: infeasible"
            continue
        assert status != "infeasible", f"{b} claims infeasible, highs found an optimum"
        if status not in HAS_AWARD:
            continue
        assert res.objective >= ref.objective - REL * abs(ref.objective) - 1e-6
        stopped = res.to_dict()["solver"].get("limit") == "time_limit"
        if _integral_award(ref) and not has_soft and not stopped:
            assert _close(res.objective, ref.objective), (b, res.objective, ref.objective)


# --- (c) ---------------------------------------------------------------------------------------


@SETTINGS
@given(data=scenarios(extra_rule=True))
def test_adding_a_rule_never_lowers_the_objective(data: Any) -> None:
    sc, rule = data
    more = copy.deepcopy(sc)
    more["rules"] = [*sc.get("rules", []), rule]
    base, tighter = _run(sc), _run(more)
    _check_verified(base, "highs")
    _check_verified(tighter, "highs")
    if _status(base) == "infeasible":
        assert _status(tighter) == "infeasible"
        return
    assert _status(base) == "optimal", _solver(base)
    if _status(tighter) == "optimal":
        assert tighter.objective >= base.objective - REL * abs(base.objective) - 1e-6, (
            rule,
            base.objective,
            tighter.objective,
        )
    else:
        assert _status(tighter) == "infeasible"


# --- (d) ---------------------------------------------------------------------------------------


def _scale_prices(sc: dict[str, Any], k: float) -> dict[str, Any]:
    out = copy.deepcopy(sc)
    for o in out["offers"]:
        o["price"] *= k
        for t in o.get("tiers", []):
            t["price"] *= k
    for s in out["suppliers"]:
        if "fixed_cost" in s:
            s["fixed_cost"] *= k
    for b in out.get("bundles", []):
        b["price"] *= k
    for r in out.get("rebates", []):
        for t in r["tiers"]:
            t["from_spend"] *= k
    for rule in out.get("rules", []):
        money = rule["type"] == "budget" or (
            rule["type"] == "total" and rule.get("measure") == "spend"
        )
        for key in ("min", "max") if money else ():  # money bounds scale with the prices
            if key in rule:
                rule[key] *= k
    return out


@SETTINGS
@given(sc=scenarios(soft=False), k=st.sampled_from([0.25, 0.5, 2.0, 3.0, 10.0]))
def test_scaling_prices_scales_the_cost(sc: dict[str, Any], k: float) -> None:
    base, scaled = _run(sc), _run(_scale_prices(sc, k))
    _check_verified(base, "highs")
    _check_verified(scaled, "highs")
    assert _status(scaled) == _status(base), (_solver(base), _solver(scaled))
    if _status(base) != "optimal":
        return
    assert _close(scaled.objective, k * base.objective), (k, base.objective, scaled.objective)
    if "objective" not in sc:  # no penalties: the objective is the total cost
        assert scaled.total_cost == pytest.approx(k * base.total_cost, rel=REL, abs=1e-6)


# --- (e) format 1.1: price_scale over landed cost --------------------------------------------


def _landed(sc: dict[str, Any], draw: st.DrawFn) -> dict[str, Any]:
    """The scenario with suppliers in USD, EUR or CNY and some incremental offers.

    Nothing else is money (no fixed costs, rebates, money bounds, penalties; adders stay
    unscaled by price_scale, so there are none), so a uniform price scale keeps the optimal
    awards.
    """
    out = copy.deepcopy(sc)
    out["exchange_rates"] = {"EUR": 1.25, "CNY": 0.125}
    out.pop("rebates", None)
    out.pop("objective", None)
    for s in out["suppliers"]:
        s.pop("fixed_cost", None)
        s["currency"] = draw(st.sampled_from(["USD", "EUR", "CNY"]))
    for o in out["offers"]:
        if o.get("tiers") and draw(st.booleans()):
            o["tier_type"] = "incremental"
    out["rules"] = [
        r
        for r in out["rules"]
        if r["type"] != "budget" and not (r["type"] == "total" and r.get("measure") == "spend")
    ]
    return out


@SETTINGS
@given(data=st.data(), f=st.sampled_from([0.5, 2.0, 3.0]))
def test_a_price_scale_variant_scales_purchase(data: Any, f: float) -> None:
    """A variant scaling every supplier's prices by f (offers, tiers, bundles; in whatever
    currency) scales the optimal purchase + bundles, and the total cost, by f."""
    sc = _landed(data.draw(scenarios(soft=False)), data.draw)
    ids = [s["id"] for s in sc["suppliers"]]
    sc["variants"] = [{"name": "scaled", "price_scale": dict.fromkeys(ids, f)}]
    scenario = load_scenario(sc)
    base, scaled = solve(scenario), solve(scenario, variant="scaled")
    _check_verified(base, "highs")
    _check_verified(scaled, "highs")
    assert _status(scaled) == _status(base)
    if _status(base) != "optimal":
        return
    b, s = base.to_dict()["cost"], scaled.to_dict()["cost"]
    assert _close(s["purchase"] + s["bundles"], f * (b["purchase"] + b["bundles"])), (b, s)
    assert _close(scaled.total_cost, f * base.total_cost), (base.total_cost, scaled.total_cost)


# --- (f) whole units, (g) alternates (format 1.1) ---------------------------------------------


def _whole(sc: dict[str, Any], data: st.DataObject) -> dict[str, Any]:
    """`sc` with whole units: lot_size 1 on some items, pack sizes on some non-backup offers."""
    out = copy.deepcopy(sc)
    for i in out["items"]:
        if data.draw(st.booleans()):
            i["lot_size"] = 1  # demands and bundle units are whole numbers
    for o in out["offers"]:
        if o["supplier"] != "SB" and data.draw(st.integers(0, 2)) == 0:
            o["pack_size"] = data.draw(st.integers(2, 7))
    return out


@SETTINGS
@given(sc=scenarios(), data=st.data())
def test_whole_units_never_cost_less_than_continuous(sc: dict[str, Any], data: Any) -> None:
    whole = _whole(sc, data)
    base, lots = _run(sc), _run(whole)
    _check_verified(base, "highs")
    _check_verified(lots, "highs")
    if _status(base) == "infeasible":
        assert _status(lots) == "infeasible"  # a restriction of an infeasible program
        return
    assert _status(base) == "optimal", _solver(base)
    if _status(lots) == "optimal":
        assert lots.objective >= base.objective - REL * abs(base.objective) - 1e-6
        assert _integral_award(lots) or not all("lot_size" in i for i in whole["items"])
    else:
        assert _status(lots) == "infeasible", _solver(lots)


@SETTINGS
@given(sc=scenarios(), data=st.data())
def test_adding_an_alternate_never_raises_the_cost(sc: dict[str, Any], data: Any) -> None:
    more = copy.deepcopy(sc)
    k = data.draw(st.integers(0, len(more["offers"]) - 1))
    first = more["offers"][k]
    first["id"] = "first"
    alternate: dict[str, Any] = {
        "supplier": first["supplier"],
        "item": first["item"],
        "price": data.draw(st.integers(1, 80)),
        "capacity": data.draw(st.integers(1, 60)),
        "id": "alternate",
    }
    if data.draw(st.booleans()):
        alternate["min_units"] = data.draw(st.integers(1, 10))
    more["offers"].append(alternate)
    base, wider = _run(sc), _run(more)
    _check_verified(base, "highs")
    _check_verified(wider, "highs")
    if _status(base) != "optimal":
        return
    assert _status(wider) == "optimal", _solver(wider)  # the base award is still there
    assert wider.objective <= base.objective + REL * abs(base.objective) + 1e-6
    used = wider.allocations
    used = used[(used["supplier"] == first["supplier"]) & (used["item"] == first["item"])]
    assert used["offer"].nunique() <= 1  # at most one alternate receives units
