"""Warm analyses give the cold figures: rules, stress and frontier on the catalogue and on
generated scenarios, and the engine's own promises (in place, proven by duals, time limits).
"""

from __future__ import annotations

import copy
import importlib.util
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings

from sourceopt import load_scenario
from sourceopt.analysis import frontier, rule_costs, stress
from sourceopt.analysis.resolve import Edit, Resolver, origins, tagged
from sourceopt.formulation.build import build_program
from sourceopt.formulation.edits import drop_rule, without_rule
from sourceopt.scenario.variants import apply_variant
from sourceopt.solve import solve_options
from sourceopt.solvers.base import START, StartUse, Status
from sourceopt.solvers.registry import available_backends, get_backend

from .cases import CASES, Case

TOL = 1e-6


def same(a: float | None, b: float | None) -> bool:
    """Two objectives equal within the requested gap's tolerance (None only with None)."""
    if a is None or b is None:
        return a is None and b is None
    return abs(a - b) <= TOL * max(1.0, abs(a), abs(b))


def assert_rules_equal(warm: Any, cold: Any) -> None:
    for w, c in zip(warm.rules, cold.rules, strict=True):
        assert w.name == c.name
        assert w.status_without == c.status_without, w.name
        assert same(w.objective_without, c.objective_without), (w.name, w.method)
        assert w.verified == c.verified
        assert w.final
        assert c.final


def assert_stress_equal(warm: Any, cold: Any) -> None:
    assert [s.supplier for s in warm.suppliers] == [s.supplier for s in cold.suppliers]
    for w, c in zip(warm.suppliers, cold.suppliers, strict=True):
        assert w.status_without == c.status_without, w.supplier
        assert same(w.objective_without, c.objective_without), w.supplier
        assert w.uncovered_units == c.uncovered_units
        assert w.reason == c.reason


OPTIMAL = [c for c in CASES if c.status == "optimal"]


@pytest.mark.parametrize("case", OPTIMAL, ids=lambda c: c.name)
def test_warm_rules_and_stress_equal_cold_on_the_catalogue(case: Case) -> None:
    sc = load_scenario(copy.deepcopy(case.scenario))
    warm = rule_costs(sc, variant=case.variant)
    assert_rules_equal(warm, rule_costs(sc, variant=case.variant, warm=False))
    if sc.rules and not apply_variant(sc, case.variant).objective.is_score:  # stress refuses it
        hot = stress(sc, variant=case.variant)
        assert_stress_equal(hot, stress(sc, variant=case.variant, warm=False))


# MIP cases with rules, re-solved from the base award off HiGHS (CBC's -mips, SCIP's and
# CP-SAT's solution hint): a start may change the speed only, never a figure
STARTED = {
    "supplier_count_min_item_max_category",
    "max_items_per_supplier",
    "backup_coverage",
    "supplier_min_units_with_item_counts",
    "count_per_item_no_bid_offer_soft",
    "min_award_share_70_30_split",
    "min_award_share_soft",
    "alternate_backup_coverage_largest",
}
START_BACKENDS = [b for b in ("cbc", "scip") if b in available_backends()]
HINTED = [b for b in ("cbc", "scip", "cpsat") if b in available_backends()]


@pytest.mark.parametrize("backend", START_BACKENDS)
@pytest.mark.parametrize("case", [c for c in OPTIMAL if c.name in STARTED], ids=lambda c: c.name)
def test_rules_and_stress_from_starts_equal_cold_off_highs(case: Case, backend: str) -> None:
    sc = load_scenario(copy.deepcopy(case.scenario))
    warm = rule_costs(sc, variant=case.variant, backend=backend)
    assert_rules_equal(warm, rule_costs(sc, variant=case.variant, backend=backend, warm=False))
    hot = stress(sc, variant=case.variant, backend=backend)
    assert_stress_equal(hot, stress(sc, variant=case.variant, backend=backend, warm=False))


def _properties() -> ModuleType:
    path = Path(__file__).parent.parent / "test_properties.py"
    spec = importlib.util.spec_from_file_location("sourceopt_test_properties", path)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


_GENERATED = _properties().scenarios()


def _lp(sc: dict[str, Any]) -> dict[str, Any]:
    """The generated scenario made LP-class where it can be: no fixed costs, minimums, bundles."""
    out = copy.deepcopy(sc)
    for s in out["suppliers"]:
        s.pop("fixed_cost", None)
        s.pop("min_units", None)
    out.pop("bundles", None)
    return out


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_GENERATED)
def test_warm_equals_cold_on_generated_scenarios(data: dict[str, Any]) -> None:
    for raw in (data, _lp(data)):
        sc = load_scenario(copy.deepcopy(raw))
        warm = rule_costs(sc)
        assert_rules_equal(warm, rule_costs(sc, warm=False))
        if warm.base.has_award:
            assert_stress_equal(stress(sc), stress(sc, warm=False))


def lp(rules: list[dict[str, Any]]) -> dict[str, Any]:
    """Item A (100 units): S1 at 10, S2 at 11; item B (50 units): only S2 at 5. An LP."""
    return {
        "sourceopt": 1,
        "name": "warm-lp",
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


def test_an_lp_rule_is_dropped_in_place_on_the_solved_model() -> None:
    # With cap-60, S1 carries at most 60 of A: 60 x 10 + 40 x 11 + 50 x 5 = 1290. Without it
    # all of A goes to S1: 1000 + 250 = 1250.
    sc = load_scenario(lp([CAP]))
    program = build_program(sc)
    engine = get_backend("highs")
    resolver = Resolver(sc, program, solve_options(sc), engine)
    assert resolver.solve_base().objective == pytest.approx(1290.0)
    edited, columns = origins(drop_rule(tagged(program), "cap-60", sc))
    edit = Edit(without_rule(sc, "cap-60"), edited, columns, program.rule_rows("cap-60"), None)
    edit = Edit(edit.scenario, edited, columns, edit.relax_rows, columns[:0])
    without = resolver.resolve(edit)
    assert without is not None
    assert without.objective == pytest.approx(1250.0)
    assert without.document.verification is not None
    assert without.document.verification.ok
    assert resolver.in_place == 1
    # the instance is back as it was: the base again, from the same model
    again = resolver.resolve(
        Edit(sc, program, columns=_all(program), relax_rows=_no(), fix_cols=_no())
    )
    assert again is not None
    assert again.objective == pytest.approx(1290.0)


def _all(program: Any) -> Any:
    import numpy as np

    return np.arange(program.n_cols)


def _no() -> Any:
    import numpy as np

    return np.zeros(0, dtype=np.int64)


def test_a_slack_lp_rule_is_priced_by_its_duals_without_a_re_solve() -> None:
    # S2 is paid 40 x 11 + 50 x 5 = 690 of 1290 (53 % of spend): far above 10 %, so
    # small-10pct is slack, its dual 0, and dropping it leaves 1290: cost 0 ("dual").
    # cap-60 binds (dual -1): re-solved, 1290 - 1250 = 40.
    costs = rule_costs(load_scenario(lp([CAP, LOOSE])))
    cap, loose = costs.rules
    assert (cap.method, cap.rule_cost) == ("resolve", pytest.approx(40.0))
    assert (loose.method, loose.rule_cost) == ("dual", 0.0)
    assert loose.objective_without == pytest.approx(1290.0)
    assert loose.status_without is Status.OPTIMAL
    assert loose.final
    assert loose.verified
    doc = costs.to_dict()["rules"]
    assert [r["method"] for r in doc] == ["resolve", "dual"]
    cold = rule_costs(load_scenario(lp([CAP, LOOSE])), warm=False)
    assert [r.method for r in cold.rules] == ["resolve", "resolve"]
    assert_rules_equal(costs, cold)


def test_a_spent_analysis_time_limit_leaves_figures_not_final() -> None:
    sc = load_scenario("scenarios/laptops.yaml")
    costs = rule_costs(sc, analysis_time_limit=1e-9)
    assert costs.rules
    assert all(not r.final for r in costs.rules)
    assert all(r.objective_without is None for r in costs.rules)
    assert all("time limit" in r.note for r in costs.rules)
    assert all(d["final"] is False for d in costs.to_dict()["rules"])


def test_frontier_warm_equals_cold_and_marks_points_final() -> None:
    sc = load_scenario("scenarios/laptops.yaml")
    warm = frontier(sc, "max_share", points=4)
    cold = frontier(sc, "max_share", points=4, warm=False)
    assert [p.bound for p in warm.points] == pytest.approx([p.bound for p in cold.points])
    for w, c in zip(warm.points, cold.points, strict=True):
        assert same(w.objective, c.objective)
        assert w.final
        assert w.to_dict()["final"] is True


TIERED = {
    "sourceopt": 1,
    "name": "start-point-regression",
    "items": [{"id": "I0", "demand": 20}, {"id": "I1", "demand": 22}],
    "suppliers": [
        {"id": "S1", "capacity": 20, "attributes": {"risk": 0.0}},
        {"id": "S2", "capacity": 100, "attributes": {"risk": 0.0}},
        {"id": "SB", "capacity": 84, "attributes": {"risk": 0.5}},
    ],
    "offers": [
        {"supplier": "S1", "item": "I1", "price": 5, "capacity": 5},
        {"supplier": "S2", "item": "I0", "price": 5, "tiers": [{"from": 5, "price": 4}]},
        {"supplier": "S2", "item": "I1", "price": 5},
        {"supplier": "SB", "item": "I0", "price": 60},
        {"supplier": "SB", "item": "I1", "price": 60},
    ],
    "objective": {"penalties": [{"attribute": "risk", "per": "spend", "weight": 0.2}]},
    "rules": [{"type": "max_share", "limit": 0.8, "measure": "volume", "per": "category"}],
}


def test_a_mip_re_solve_from_the_base_award_reports_its_own_point() -> None:
    # A generated case (hypothesis found it) where HiGHS, given the base award as its start,
    # reported the optimum's objective with the start's point. With the rule, S2 carries at
    # most 80 % of the 42 units (33.6): I0 20 x 4 (tier) = 80, I1 13.6 x 5 = 68 at S2, 5 x 5
    # = 25 at S1, 3.4 x 60 = 204 at SB plus its risk penalty 0.2 x 0.5 x 204 = 20.4: 397.4.
    # Without it S2 takes all: 80 + 22 x 5 = 190, so the rule costs 207.4.
    costs = rule_costs(load_scenario(copy.deepcopy(TIERED)))
    assert costs.objective == pytest.approx(397.4, abs=1e-4)
    (rule,) = costs.rules
    assert rule.status_without is Status.OPTIMAL
    assert rule.objective_without == pytest.approx(190.0, abs=1e-4)
    assert rule.rule_cost == pytest.approx(207.4, abs=1e-4)


FIXED = {
    "sourceopt": 1,
    "name": "start-off-highs",
    "items": [{"id": "A", "demand": 100}],
    "suppliers": [{"id": "S1", "fixed_cost": 50}, {"id": "S2", "fixed_cost": 50}],
    "offers": [
        {"supplier": "S1", "item": "A", "price": 10},
        {"supplier": "S2", "item": "A", "price": 11},
    ],
    "rules": [{"type": "max_share", "name": "cap-60", "limit": 0.6}],
}


@pytest.mark.parametrize("backend", HINTED)
def test_a_dropped_rule_is_re_solved_from_the_base_award_off_highs(backend: str) -> None:
    # With cap-60 nobody carries more than 60 of A's 100: S1 60 + S2 40 = 600 + 440 and both
    # fixed costs 100: 1140. Without it S1 takes all: 1000 + 50 = 1050 (S2 alone: 1150).
    # The base award (both suppliers) stays feasible without the rule: it is the start.
    sc = load_scenario(copy.deepcopy(FIXED))
    program = build_program(sc)
    edited, columns = origins(drop_rule(tagged(program), "cap-60", sc))
    edit = Edit(without_rule(sc, "cap-60"), edited, columns, program.rule_rows("cap-60"), _no())
    edit = Edit(edit.scenario, edited, columns, edit.relax_rows, edit.fix_cols, start=True)
    for warm in (True, False):
        resolver = Resolver(sc, program, solve_options(sc), get_backend(backend), warm=warm)
        assert resolver.starts is warm
        assert resolver.solve_base().objective == pytest.approx(1140.0)
        without = resolver.resolve(edit)
        assert without is not None
        assert without.raw is not None
        assert without.objective == pytest.approx(1050.0)
        assert without.document.verification is not None
        assert without.document.verification.ok
        if warm:  # the start reached the solver; SCIP and CP-SAT say they took it (CBC's
            # preprocessing solves this one outright, before it reads a start: "not used")
            assert START in without.raw.extra
            if backend != "cbc":
                assert without.raw.extra[START] == StartUse.USED
        else:
            assert START not in without.raw.extra


def test_a_frontier_off_highs_starts_each_point_from_a_tighter_award() -> None:
    if "cbc" not in START_BACKENDS:
        pytest.skip("CBC (PuLP) is not installed")
    sc = load_scenario("scenarios/laptops.yaml")
    warm = frontier(sc, "max_share", points=3, backend="cbc")
    cold = frontier(sc, "max_share", points=3, backend="cbc", warm=False)
    assert [p.bound for p in warm.points] == pytest.approx([p.bound for p in cold.points])
    for w, c in zip(warm.points, cold.points, strict=True):
        assert same(w.objective, c.objective)
        assert w.final
    used = [p.result.raw.extra.get(START) for p in warm.points if p.result.raw is not None]
    assert StartUse.USED in used
