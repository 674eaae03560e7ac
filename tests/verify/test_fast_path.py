"""The verifier's fast path (verify/scope.py) against the straightforward computation.

Each rule family is measured here again the plain way the verifier did before its fourth
pass: masks over every line and pair (``s_sel[view.supplier] & i_sel[view.item]``), selector
masks from :mod:`sourceopt.scenario.selectors`, the attribute of every line, sums over
line-long arrays with zeros where a rule does not look. On generated scenarios and awards
(feasible or not: negative, non-finite and over-capacity units, alternates both used) every
row of every rule (value, bound, sense, excess, scale, label, group) must be the same to the
last bit, and so must the per-item figures and the alternates check.
"""

from __future__ import annotations

import gc
import weakref
from typing import Any

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sourceopt import load_scenario
from sourceopt.award import Award
from sourceopt.scenario.model import Scenario
from sourceopt.scenario.selectors import item_mask, supplier_mask
from sourceopt.verify import rowkit as kit
from sourceopt.verify import verify
from sourceopt.verify.checks import pct
from sourceopt.verify.each import supplier_groups
from sourceopt.verify.rowkit import Rows
from sourceopt.verify.rules import check_rule, rule_rows
from sourceopt.verify.units import check_alternates, check_whole_units
from sourceopt.verify.view import AwardView, build_view

SETTINGS = settings(
    max_examples=120,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
TOL = 1e-6


# --- the straightforward computation ---------------------------------------------------------


def _masks(view: AwardView, rule: Any) -> tuple[np.ndarray, np.ndarray]:
    sc = view.scenario
    return supplier_mask(sc, rule.suppliers), item_mask(sc, rule.items)


def _attribute(view: AwardView, name: str, used: np.ndarray) -> np.ndarray:
    sc = view.scenario
    bundle_sup = view.supplier[view.n_offer_lines :]
    values = np.concatenate([sc.offer_attribute(name), sc.supplier_attribute(name)[bundle_sup]])
    assert not np.any(used & np.isnan(values))
    return np.where(used, values, 0.0)


def _wins(view: AwardView, s_sel: np.ndarray, i_sel: np.ndarray) -> np.ndarray:
    chosen = s_sel[view.pair_supplier] & i_sel[view.pair_item]
    return np.asarray(chosen & (view.pair_units > view.tolerance), dtype=bool)


def _by(codes: np.ndarray, weights: np.ndarray, mask: np.ndarray, n: int) -> np.ndarray:
    return np.bincount(codes[mask], weights=weights[mask], minlength=n)


def _plain_average(rule: Any, view: AwardView) -> Rows | None:
    s_sel, i_sel = _masks(view, rule)
    on = s_sel[view.supplier] & i_sel[view.item]
    w = np.where(on, view.measure(rule.measure), 0.0)
    weighted = _attribute(view, rule.attribute, w != 0) * w
    what = f"{rule.measure}-weighted average {rule.attribute}"
    if rule.per == "item":
        n_i = view.scenario.n_items
        total_w = np.bincount(view.item, weights=w, minlength=n_i)
        total_aw = np.bincount(view.item, weights=weighted, minlength=n_i)
        rows = np.flatnonzero(i_sel & (total_w > view.tolerance))
        label = kit.at(view.item_label, rows)
    else:
        total_w, total_aw = np.array([np.sum(w)]), np.array([np.sum(weighted)])
        rows = np.flatnonzero(total_w > view.tolerance)
        label = kit.always(kit.TOGETHER)
    if len(rows) == 0:
        return None
    return kit.bounded(total_aw[rows], total_w[rows], rule.min, rule.max, label=label, what=what)


def _plain_group_share(rule: Any, view: AwardView) -> Rows | None:
    s_sel, i_sel = _masks(view, rule)
    if rule.each is not None:
        return _plain_each(rule, view, s_sel, i_sel)
    m, total = view.measure(rule.measure), view.item_total(rule.measure)
    on = s_sel[view.supplier] & i_sel[view.item]
    what = f"share of {rule.measure} of the selected suppliers"
    if rule.per == "item":
        items = np.flatnonzero(i_sel)
        if len(items) == 0:
            return None
        lhs = _by(view.item, m, on, view.scenario.n_items)[items]
        label = kit.at(view.item_label, items)
        return kit.bounded(lhs, total[items], rule.min, rule.max, label=label, what=what, show=pct)
    if not i_sel.any():
        return None
    lhs, base = np.array([np.sum(m[on])]), np.array([np.sum(total[i_sel])])
    label = kit.always(kit.TOGETHER)
    return kit.bounded(lhs, base, rule.min, rule.max, label=label, what=what, show=pct)


def _plain_each(rule: Any, view: AwardView, s_sel: np.ndarray, i_sel: np.ndarray) -> Rows | None:
    """Each group's measure over every pair and line (the grouping is each.py's own)."""
    groups = supplier_groups(view.scenario, str(rule.each), s_sel)
    n_s, total = view.scenario.n_suppliers, view.item_total(rule.measure)
    lhs, base = [], []
    if rule.per == "item":
        items = np.flatnonzero(i_sel)
        pair_m = np.where(i_sel[view.pair_item], view.pair_measure(rule.measure), 0.0)
        for members in groups.values():
            mine = np.zeros(n_s, dtype=bool)
            mine[members] = True
            weights = np.where(mine[view.pair_supplier], pair_m, 0.0)
            lhs.append(np.bincount(view.pair_item, weights=weights, minlength=len(i_sel))[items])
            base.append(total[items])
    else:
        on = i_sel[view.item]
        m = view.measure(rule.measure)
        by_supplier = np.bincount(view.supplier[on], weights=m[on], minlength=n_s)
        for members in groups.values():
            lhs.append(np.array([np.sum(by_supplier[members])]))
            base.append(np.array([np.sum(total[i_sel])]))
    lhs_all = np.concatenate(lhs) if lhs else np.zeros(0)
    base_all = np.concatenate(base) if base else np.zeros(0)
    if len(lhs_all) == 0:
        return None
    return kit.bounded(lhs_all, base_all, rule.min, rule.max, label=str, what="-")


def _of_together(view: AwardView, suppliers: np.ndarray, word: str) -> Any:
    return lambda k: f"{view.supplier_label(int(suppliers[k]))} {word} {kit.TOGETHER}"


def _plain_max_share(rule: Any, view: AwardView) -> Rows | None:
    s_sel, i_sel = _masks(view, rule)
    total = view.item_total(rule.measure)
    what = f"share of {rule.measure}"
    if rule.per == "item":
        pairs = np.flatnonzero(s_sel[view.pair_supplier] & i_sel[view.pair_item])
        if len(pairs) == 0:
            return None
        lhs = view.pair_measure(rule.measure)[pairs]
        base = total[view.pair_item[pairs]]
        label = kit.at(view.pair_label, pairs)
        return kit.bounded(lhs, base, None, rule.limit, label=label, what=what, show=pct)
    suppliers = np.flatnonzero(s_sel)
    if len(suppliers) == 0 or not i_sel.any():
        return None
    on = i_sel[view.item]
    lhs = _by(view.supplier, view.measure(rule.measure), on, view.scenario.n_suppliers)
    base = np.full(len(suppliers), np.sum(total[i_sel]))
    label = _of_together(view, suppliers, "of")
    return kit.bounded(lhs[suppliers], base, None, rule.limit, label=label, what=what, show=pct)


def _plain_min_award_share(rule: Any, view: AwardView) -> Rows | None:
    s_sel, i_sel = _masks(view, rule)
    total = view.item_total(rule.measure)
    what = f"share of {rule.measure} of an awarded supplier"
    if rule.per == "item":
        pairs = np.flatnonzero(_wins(view, s_sel, i_sel))
        if len(pairs) == 0:
            return None
        lhs = view.pair_measure(rule.measure)[pairs]
        base = total[view.pair_item[pairs]]
        label = kit.at(view.pair_label, pairs)
        return kit.bounded(lhs, base, rule.limit, None, label=label, what=what, show=pct)
    on, n_s = i_sel[view.item], view.scenario.n_suppliers
    units = _by(view.supplier, view.units, on, n_s)
    suppliers = np.flatnonzero(s_sel & (units > view.tolerance))
    if len(suppliers) == 0:
        return None
    lhs = _by(view.supplier, view.measure(rule.measure), on, n_s)[suppliers]
    base = np.full(len(suppliers), np.sum(total[i_sel]))
    label = _of_together(view, suppliers, "of")
    return kit.bounded(lhs, base, rule.limit, None, label=label, what=what, show=pct)


def _plain_counts(rule: Any, view: AwardView) -> Rows | None:
    """supplier_count and max_items_per_supplier: counts of won pairs."""
    s_sel, i_sel = _masks(view, rule)
    wins = _wins(view, s_sel, i_sel)
    if rule.type == "max_items_per_supplier":
        suppliers = np.flatnonzero(s_sel)
        if len(suppliers) == 0 or not i_sel.any():
            return None
        count = np.bincount(view.pair_supplier[wins], minlength=view.scenario.n_suppliers)
        label = kit.at(view.supplier_label, suppliers)
        ones = np.ones(len(suppliers))
        return kit.bounded(count[suppliers], ones, None, float(rule.max), label=label, what="-")
    lo = None if rule.min is None else float(rule.min)
    hi = None if rule.max is None else float(rule.max)
    if rule.per == "item":
        items = np.flatnonzero(i_sel)
        if len(items) == 0:
            return None
        count = np.bincount(view.pair_item[wins], minlength=view.scenario.n_items)[items]
        label = kit.at(view.item_label, items)
        return kit.bounded(count, np.ones(len(items)), lo, hi, label=label, what="-")
    if not i_sel.any():
        return None
    count = np.array([len(np.unique(view.pair_supplier[wins]))])
    return kit.bounded(count, np.ones(1), lo, hi, label=kit.always(kit.TOGETHER), what="-")


def _plain_exclude_award_total(rule: Any, view: AwardView) -> Rows | None:
    if rule.type == "award":
        sc = view.scenario
        s, i = sc.supplier_code(rule.supplier), sc.item_code(rule.item)
        units = np.sum(view.units[(view.supplier == s) & (view.item == i)])
        lo, hi = rule.min_units, rule.max_units
        where = kit.always(f"{view.supplier_label(s)}, {view.item_label(i)}")
        return kit.bounded(np.array([units]), np.ones(1), lo, hi, label=where, what="-")
    s_sel, i_sel = _masks(view, rule)
    if rule.type == "exclude":
        pairs = np.flatnonzero(s_sel[view.pair_supplier] & i_sel[view.pair_item])
        if len(pairs) == 0:
            return None
        ones = np.ones(len(pairs))
        label = kit.at(view.pair_label, pairs)
        return kit.bounded(view.pair_units[pairs], ones, None, 0.0, label=label, what="-")
    suppliers = np.flatnonzero(s_sel)
    if len(suppliers) == 0:
        return None
    on = s_sel[view.supplier] & i_sel[view.item]
    m = view.measure(rule.measure)
    lo, hi = rule.min, rule.max
    if rule.per == "all":
        label = kit.always(f"the selected suppliers on {kit.TOGETHER}")
        return kit.bounded(np.array([np.sum(m[on])]), np.ones(1), lo, hi, label=label, what="-")
    lhs = _by(view.supplier, m, on, view.scenario.n_suppliers)[suppliers]
    label = _of_together(view, suppliers, "on")
    return kit.bounded(lhs, np.ones(len(suppliers)), lo, hi, label=label, what="-")


def _plain_backup(rule: Any, view: AwardView) -> Rows | None:
    s_sel, i_sel = _masks(view, rule)
    if not s_sel.any() or not i_sel.any():
        return None
    on = i_sel[view.item]
    volume = _by(view.supplier, view.units, on, view.scenario.n_suppliers)
    offers = view.scenario.offers
    o_on = i_sel[offers["item"].to_numpy(np.int64)]
    largest = np.full(len(view.pair_supplier), -np.inf)
    pair = view.pair[: view.n_offer_lines]
    np.maximum.at(largest, pair[o_on], offers["capacity"].to_numpy(float)[o_on])
    counted = largest > -np.inf
    offered = _by(view.pair_supplier, np.where(counted, largest, 0.0), counted, len(s_sel))
    cap = np.minimum(view.scenario.suppliers["capacity"].to_numpy(float), offered)
    spare = np.where(s_sel, np.where(view.awarded, cap, 0.0) - volume, 0.0)
    infinite = np.isinf(spare)
    rows = np.flatnonzero(s_sel & (volume > view.tolerance))
    if len(rows) == 0:
        return None
    others = np.sum(spare[~infinite]) - np.where(infinite[rows], 0.0, spare[rows])
    others = np.where(np.sum(infinite) - infinite[rows] > 0, np.inf, others)
    label = kit.at(view.supplier_label, rows)
    return kit.bounded(others, volume[rows], rule.coverage, None, label=label, what="-")


PLAIN = {
    "average_attribute": _plain_average,
    "group_share": _plain_group_share,
    "max_share": _plain_max_share,
    "min_award_share": _plain_min_award_share,
    "supplier_count": _plain_counts,
    "max_items_per_supplier": _plain_counts,
    "exclude": _plain_exclude_award_total,
    "award": _plain_exclude_award_total,
    "total": _plain_exclude_award_total,
    "backup_coverage": _plain_backup,
}


def _same_bits(a: np.ndarray, b: np.ndarray) -> bool:
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    return a.shape == b.shape and a.tobytes() == b.tobytes()


def _assert_same_rows(fast: Rows | None, plain: Rows | None, rule: Any) -> None:
    assert (fast is None) == (plain is None), rule
    if fast is None or plain is None:
        return
    for key in ("value", "bound", "sense", "excess", "scale", "row"):
        assert _same_bits(getattr(fast, key), getattr(plain, key)), (rule, key)


# --- generated scenarios and awards ------------------------------------------------------------

COUNTRIES, TAGS, GROUPS = ["US", "CN", "DE"], ["small", "incumbent", "iso"], ["g1", "g2", "g3"]


def _selector(draw: st.DrawFn, ids: list[str], field: str, values: list[str], kind: str) -> Any:
    some = st.lists(st.sampled_from(values), min_size=1, max_size=2, unique=True)
    some_ids = st.lists(st.sampled_from(ids), min_size=1, max_size=3, unique=True)
    choice = draw(st.integers(0, 7))
    if choice == 0:
        return "all"
    if choice == 1:
        return draw(some_ids)
    if choice == 2:
        return {"id": draw(some_ids)}
    if choice == 3:
        return {"not": {field: draw(some)}}
    if choice == 4:
        return {"tags": draw(st.lists(st.sampled_from(TAGS), min_size=1, unique=True))}
    if choice == 5 and kind == "suppliers":
        return {"attribute": {"risk": {draw(st.sampled_from(["gt", "le"])): 0.4}}}
    if choice == 6 and kind == "suppliers":
        return {"region": ["EU"], "country": draw(some)}
    return {field: draw(some)}


@st.composite
def _rule(draw: st.DrawFn, sup_ids: list[str], item_ids: list[str], pairs: list[Any]) -> Any:
    rule: dict[str, Any] = {
        "suppliers": _selector(draw, sup_ids, "country", COUNTRIES, "suppliers"),
        "items": _selector(draw, item_ids, "group", GROUPS, "items"),
    }
    measure = draw(st.sampled_from(["volume", "spend"]))
    per = draw(st.sampled_from(["item", "category"]))
    kind = draw(st.integers(0, 10))
    if kind == 0:
        rule.update(type="max_share", limit=draw(st.sampled_from([0.3, 0.6])), per=per)
        rule["measure"] = measure
    elif kind == 1:
        rule.update(type="supplier_count", per=per, min=draw(st.integers(1, 2)))
    elif kind == 2:
        rule.update(type="group_share", min=0.2, max=0.7, per=per, measure=measure)
        if draw(st.booleans()):
            rule["each"] = draw(st.sampled_from(["country", "region", "tag"]))
    elif kind == 3:
        rule.update(type="exclude")
    elif kind == 4:
        attr = draw(st.sampled_from(["risk", "quality"]))
        rule.update(type="average_attribute", attribute=attr, max=0.5, per=per, measure=measure)
    elif kind == 5:
        rule.update(type="max_items_per_supplier", max=draw(st.integers(1, 2)))
    elif kind == 6:
        rule.update(type="backup_coverage", coverage=0.5)
    elif kind == 7:
        rule.update(type="min_award_share", limit=0.3, per=per, measure=measure)
    elif kind == 8:
        rule.update(type="total", min=5, max=60, measure=measure)
        rule["per"] = draw(st.sampled_from(["supplier", "all"]))
    elif kind == 9 and pairs:
        s, i = draw(st.sampled_from(pairs))
        return {"type": "award", "supplier": s, "item": i, "min_units": 1, "max_units": 8}
    else:
        rule.update(type="supplier_count", per="category", max=draw(st.integers(1, 3)))
    return rule


@st.composite
def cases(draw: st.DrawFn) -> tuple[Scenario, Award]:
    """A scenario with rules of every family and an award that may break anything."""
    n_items, n_sup = draw(st.integers(1, 7)), draw(st.integers(1, 5))
    items = []
    for k in range(n_items):
        lot = draw(st.sampled_from([None, None, 2, 5]))
        item = {"id": f"I{k}", "demand": draw(st.integers(1, 20)) * (lot or 2)}
        item.update(baseline_price=draw(st.integers(5, 30)), group=draw(st.sampled_from(GROUPS)))
        item["tags"] = draw(st.lists(st.sampled_from(TAGS), unique=True))
        if lot:
            item["lot_size"] = lot
        items.append(item)
    suppliers = []
    for k in range(n_sup):
        rec: dict[str, Any] = {"id": f"S{k}", "capacity": draw(st.integers(20, 200))}
        rec["attributes"] = {"risk": draw(st.integers(0, 9)) / 10, "quality": 0.5}
        rec["tags"] = draw(st.lists(st.sampled_from(TAGS), unique=True))
        if draw(st.integers(0, 3)):
            rec["country"] = draw(st.sampled_from(COUNTRIES))
        if draw(st.booleans()):
            rec["region"] = draw(st.sampled_from(["EU", "AM"]))
        suppliers.append(rec)
    offers: list[dict[str, Any]] = []
    for s in suppliers:
        for i in items:
            for _ in range(draw(st.sampled_from([0, 1, 1, 2]))):  # 2: alternates
                offer = {"id": f"O{len(offers)}", "supplier": s["id"], "item": i["id"]}
                offer.update(price=draw(st.integers(1, 40)), capacity=draw(st.integers(5, 60)))
                if draw(st.integers(0, 3)) == 0:
                    offer["attributes"] = {"risk": draw(st.integers(0, 9)) / 10}
                if draw(st.integers(0, 3)) == 0:
                    offer["pack_size"] = draw(st.sampled_from([3, 4]))
                offers.append(offer)
    if not offers:
        offers.append({"id": "O0", "supplier": "S0", "item": "I0", "price": 9, "capacity": 30})
    offers = draw(st.permutations(offers))  # lines out of item order
    pairs = sorted({(o["supplier"], o["item"]) for o in offers})
    sc: dict[str, Any] = {"sourceopt": 1, "name": "fast-path", "items": items}
    sc.update(suppliers=suppliers, offers=offers)
    if offers and draw(st.booleans()):
        owner = draw(st.sampled_from(suppliers))["id"]
        units = {items[0]["id"]: draw(st.integers(1, 5)) * items[0].get("lot_size", 1)}
        sc["bundles"] = [{"id": "K1", "supplier": owner, "units": units, "price": 100}]
    sup_ids, item_ids = [s["id"] for s in suppliers], [i["id"] for i in items]
    sc["rules"] = draw(st.lists(_rule(sup_ids, item_ids, pairs), min_size=1, max_size=6))
    scenario = load_scenario(sc)
    units = draw(
        st.lists(
            st.one_of(
                st.just(0.0),
                st.floats(0.0, 80.0),
                st.sampled_from([-3.0, np.nan, np.inf, 1e-9, 7.0, 10.0, 12.0]),
            ),
            min_size=scenario.n_offers,
            max_size=scenario.n_offers,
        )
    )
    bundles = draw(st.lists(st.booleans(), min_size=1, max_size=1))[: len(scenario.bundles)]
    return scenario, Award(np.array(units, dtype=float), np.array(bundles, dtype=bool))


def _labels(rows: Rows | None) -> list[str]:
    return [] if rows is None else [rows.label(int(r)) for r in rows.row]


@SETTINGS
@given(case=cases())
def test_every_rule_measures_the_same_as_the_plain_computation(
    case: tuple[Scenario, Award],
) -> None:
    scenario, award = case
    view = build_view(scenario, award, TOL)
    total_cost = verify(scenario, award).cost.total_cost
    for rule, name in zip(scenario.rules, scenario.rule_names, strict=True):
        named = rule.model_copy(update={"name": name})
        if hasattr(rule, "suppliers"):  # the masks from codes are the selectors' masks
            s_sel, i_sel = view.scope.masks(rule)
            assert np.array_equal(s_sel, supplier_mask(scenario, rule.suppliers))
            assert np.array_equal(i_sel, item_mask(scenario, rule.items))
        fast, plain = rule_rows(named, view, total_cost), PLAIN[rule.type](named, view)
        _assert_same_rows(fast, plain, rule)
        if getattr(rule, "each", None) is None:
            assert _labels(fast) == _labels(plain), rule
        check, found = check_rule(named, view, total_cost)
        if plain is not None:  # the verdict the plain rows give, and its messages' rows
            past = plain.excess > TOL * np.maximum(1.0, plain.scale)
            assert check.ok == (not past.any())
            assert check.violation == float(np.sum(plain.excess[past]))
            assert len(found.problems) == min(int(past.sum()), 20) + (past.sum() > 20)
            shown = [plain.label(int(r)) for r in plain.row[past]][:20]
            if getattr(rule, "each", None) is None:
                assert all(lab in p for lab, p in zip(shown, found.problems, strict=False))


# --- larger cases: sums long enough for their order to matter ------------------------------------


def _large(seed: int) -> tuple[Scenario, Award]:
    """40 items x 12 suppliers, alternates, offers shuffled, units and prices with decimals."""
    rng = np.random.default_rng(seed)
    items = [
        {"id": f"I{k}", "demand": 50, "group": GROUPS[k % 3], "tags": [TAGS[k % 3]]}
        for k in range(40)
    ]
    suppliers = [
        {
            "id": f"S{k}",
            "capacity": 1e4,
            "country": COUNTRIES[k % 3],
            "tags": [TAGS[k % 2]],
            "attributes": {"risk": float(rng.uniform(0, 1))},
        }
        for k in range(12)
    ]
    offers = []
    for s in range(12):
        for i in range(40):
            for _ in range(int(rng.choice([0, 1, 1, 2]))):
                offers.append(
                    {
                        "id": f"O{len(offers)}",
                        "supplier": f"S{s}",
                        "item": f"I{i}",
                        "price": float(rng.uniform(1, 30)),
                        "capacity": 100,
                    }
                )
    order = rng.permutation(len(offers))
    rules: list[dict[str, Any]] = []
    for group in GROUPS:
        scope = {"items": {"group": [group]}}
        rules += [
            {"type": "average_attribute", "attribute": "risk", "max": 0.4, **scope},
            {"type": "average_attribute", "attribute": "risk", "max": 0.4, "measure": "spend"}
            | scope,
            {"type": "group_share", "suppliers": {"country": ["US"]}, "max": 0.5, **scope},
            {"type": "group_share", "suppliers": {"tags": ["small"]}, "min": 0.2, "per": "item"}
            | scope,
            {"type": "group_share", "each": "country", "max": 0.6, "measure": "spend", **scope},
            {"type": "max_share", "limit": 0.2, "per": "category", **scope},
            {"type": "supplier_count", "min": 3, **scope},
            {"type": "max_items_per_supplier", "suppliers": ["S1", "S2"], "max": 4, **scope},
            {"type": "min_award_share", "limit": 0.1, "measure": "spend", **scope},
            {"type": "total", "suppliers": {"country": ["CN"]}, "max": 300, **scope},
            {"type": "exclude", "suppliers": ["S3"], **scope},
            {"type": "backup_coverage", "coverage": 0.5, **scope},
        ]
    sc = {"sourceopt": 1, "name": "large", "items": items, "suppliers": suppliers}
    sc.update(offers=[offers[k] for k in order], rules=rules)
    scenario = load_scenario(sc)
    units = np.where(rng.uniform(size=len(offers)) < 0.4, rng.uniform(0, 40, len(offers)), 0.0)
    return scenario, Award(units, np.zeros(0, dtype=bool))


def test_a_larger_event_measures_the_same_to_the_last_bit() -> None:
    for seed in range(4):
        scenario, award = _large(seed)
        view = build_view(scenario, award, TOL)
        for rule, name in zip(scenario.rules, scenario.rule_names, strict=True):
            named = rule.model_copy(update={"name": name})
            fast, plain = rule_rows(named, view, 0.0), PLAIN[rule.type](named, view)
            _assert_same_rows(fast, plain, rule)


def test_a_spread_sum_is_the_sum_over_every_line_to_the_last_bit() -> None:
    """Where the zeros are changes a pairwise sum; spread_sum keeps them where they were."""
    scenario, award = _large(0)
    view = build_view(scenario, award, TOL)
    rng = np.random.default_rng(1)
    differs = 0
    for _ in range(50):
        lines = np.flatnonzero(rng.uniform(size=len(view.item)) < 0.3)
        values = rng.uniform(0, 1e3, len(lines))
        spread = np.zeros(len(view.item))
        spread[lines] = values
        assert view.scope.spread_sum(lines, values) == float(np.sum(spread))
        differs += float(np.sum(values)) != float(np.sum(spread))
    assert not view.scope._zeros.any()  # left clean for the next rule
    assert differs  # a compacted sum would not do


def test_lines_and_pairs_are_the_masks_positions() -> None:
    scenario, award = _large(2)
    view = build_view(scenario, award, TOL)
    rng = np.random.default_rng(3)
    n_s, n_i = scenario.n_suppliers, scenario.n_items
    for p_s, p_i in [(1.0, 1.0), (1.0, 0.1), (0.2, 1.0), (0.5, 0.5), (0.0, 0.5), (0.9, 0.9)]:
        s_sel, i_sel = rng.uniform(size=n_s) < p_s, rng.uniform(size=n_i) < p_i
        on = np.flatnonzero(s_sel[view.supplier] & i_sel[view.item])
        assert np.array_equal(view.scope.lines(s_sel, i_sel), on)
        pairs = np.flatnonzero(s_sel[view.pair_supplier] & i_sel[view.pair_item])
        assert np.array_equal(view.scope.pairs(s_sel, i_sel), pairs)


def _plain_whole_units(view: AwardView, award: Award) -> tuple[np.ndarray, np.ndarray]:
    sc = view.scenario
    pack = sc.offers["pack_size"].to_numpy(float) if "pack_size" in sc.offers else None
    lot = (
        sc.items["lot_size"].to_numpy(float)[sc.offers["item"].to_numpy(np.int64)]
        if "lot_size" in sc.items
        else np.full(sc.n_offers, np.nan)
    )
    size = lot if pack is None else np.where(np.isnan(pack), lot, pack)
    x = np.where(np.isfinite(award.offer_units), award.offer_units, 0.0)
    with np.errstate(invalid="ignore"):
        lots = x / size
        off = np.abs(lots - np.round(lots)) * size
    sized = ~np.isnan(size)
    off = np.where(sized, off, 0.0)
    return sized & (off > view.tolerance * np.maximum(1.0, size)), off


def _plain_alternates(view: AwardView, award: Award) -> tuple[np.ndarray, np.ndarray]:
    x = np.where(np.isfinite(award.offer_units), award.offer_units, 0.0)
    used = x > view.tolerance
    pair = view.pair[: view.n_offer_lines]
    count = np.bincount(pair[used], minlength=len(view.pair_supplier))
    first = np.zeros(len(pair), dtype=bool)
    rows = np.flatnonzero((count[pair] > 1) & used)
    _, pos = np.unique(pair[rows], return_index=True)
    first[rows[pos]] = True
    return first, np.where(first, count[pair] - 1.0, 0.0)


@SETTINGS
@given(case=cases())
def test_award_checks_and_item_figures_are_the_plain_ones(case: tuple[Scenario, Award]) -> None:
    scenario, award = case
    view = build_view(scenario, award, TOL)
    result = verify(scenario, award)
    for check, plain in (
        (check_whole_units(view, award), _plain_whole_units(view, award)),
        (check_alternates(view, award), _plain_alternates(view, award)),
    ):
        failed, amount = plain
        rows = np.flatnonzero(failed)
        assert len(check.problems) == min(len(rows), 20) + (len(rows) > 20)
        assert check.worst == (float(np.max(amount[rows])) if len(rows) else 0.0)
        assert check.name in result.checked
    awarded = np.zeros((scenario.n_items, scenario.n_suppliers))
    np.add.at(awarded, (view.item, view.supplier), view.units)
    assert _same_bits(result.items.awarded, awarded)
    ids = scenario.suppliers["id"].astype(str).to_numpy()
    assert result.items.suppliers == tuple(tuple(ids[row > TOL]) for row in awarded)
    retained = np.minimum(scenario.current_units(), awarded).sum(axis=1)
    assert _same_bits(result.items.retained_units, retained)


def test_a_view_is_freed_when_dropped() -> None:
    """No cycle between a view and its scope: a re-solve's view (arrays of every line) goes
    when its verification does, not at the next full garbage collection."""
    scenario, award = _large(1)
    view = build_view(scenario, award, TOL)
    for rule in scenario.rules:
        rule_rows(rule.model_copy(update={"name": "r"}), view, 0.0)  # every cache filled
    gone = weakref.ref(view)
    gc.disable()
    try:
        del view
        assert gone() is None
    finally:
        gc.enable()
