"""Parallel analyses give the sequential figures: ``--jobs 2`` against ``--jobs 1`` for rules,
stress, compare, frontier and price-to-win, on catalogue cases (MIPs and LPs, several rules)
and generated scenarios.

Each parallel run starts a supervised worker process, so the catalogue is sampled (every case
with two rules or more, taken at an even stride) rather than run whole.
"""

from __future__ import annotations

import copy
from typing import Any

import pytest
from hypothesis import HealthCheck, assume, given, settings

from sourceopt import load_scenario
from sourceopt.analysis import compare_variants, frontier, price_to_win, rule_costs, stress
from sourceopt.scenario.variants import apply_variant

from .cases import CASES, Case
from .test_warm_analyses import _GENERATED, assert_rules_equal, assert_stress_equal, same

SEVERAL = [c for c in CASES if c.status == "optimal" and len(c.scenario.get("rules", [])) >= 2]
SAMPLE = SEVERAL[:: max(1, len(SEVERAL) // 6)][:6]


def _both(sc: Any, variant: str) -> None:
    assert_rules_equal(rule_costs(sc, variant=variant, jobs=2), rule_costs(sc, variant=variant))
    if not apply_variant(sc, variant).objective.is_score:  # stress refuses a score
        hot = stress(sc, variant=variant, jobs=2)
        assert_stress_equal(hot, stress(sc, variant=variant))


@pytest.mark.parametrize("case", SAMPLE, ids=lambda c: c.name)
def test_parallel_rules_and_stress_equal_sequential_on_the_catalogue(case: Case) -> None:
    _both(load_scenario(copy.deepcopy(case.scenario)), case.variant)


def test_the_sample_has_mips_and_several_cases() -> None:
    from sourceopt.formulation.build import build_program

    assert len(SAMPLE) >= 3
    kinds = {build_program(load_scenario(copy.deepcopy(c.scenario))).is_mip for c in SAMPLE}
    assert True in kinds


def test_parallel_compare_equals_sequential_on_a_case_with_variants() -> None:
    with_variants = [c for c in CASES if c.status == "optimal" and c.scenario.get("variants")]
    assert with_variants
    sc = load_scenario(copy.deepcopy(with_variants[0].scenario))
    assert compare_variants(sc, jobs=2).to_dict() == compare_variants(sc).to_dict()


@settings(max_examples=4, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_GENERATED)
def test_parallel_equals_sequential_on_generated_scenarios(data: dict[str, Any]) -> None:
    sc = load_scenario(copy.deepcopy(data))
    assume(len(sc.rules) >= 2)  # one figure: nothing is split
    assume(rule_costs(sc).base.has_award)
    _both(sc, "base")


def _frontiers_equal(sc: Any, variant: str, against: str, points: int) -> None:
    """Every figure of the frontier: bounds, values, objectives, statuses, knee, final."""
    one = frontier(sc, against, points=points, variant=variant)
    two = frontier(sc, against, points=points, variant=variant, jobs=2)
    assert [p.bound for p in two.points] == [p.bound for p in one.points]
    for p, q in zip(two.points, one.points, strict=True):
        assert p.status == q.status, p.bound
        assert same(p.objective, q.objective), p.bound
        assert same(p.value, q.value), p.bound
        assert (p.knee, p.final, p.verified) == (q.knee, q.final, q.verified), p.bound


@pytest.mark.parametrize("case", SAMPLE, ids=lambda c: c.name)
def test_parallel_frontier_and_price_to_win_equal_sequential_on_the_catalogue(case: Case) -> None:
    sc = load_scenario(copy.deepcopy(case.scenario))
    if not apply_variant(sc, case.variant).objective.is_score:  # frontier refuses a score
        _frontiers_equal(sc, case.variant, "max_share", 4)
    one = price_to_win(sc, variant=case.variant, tolerance=1e-3)
    two = price_to_win(sc, variant=case.variant, tolerance=1e-3, jobs=2)
    assert two.offers == one.offers
    assert two.verified == one.verified


def test_parallel_frontier_and_price_to_win_equal_sequential_on_a_generated_award_mip() -> None:
    from benchmarks.generators import scenario_dict

    sc = load_scenario(scenario_dict("award-mip", 300, seed=5))
    _frontiers_equal(sc, "base", "max_share", 4)
    sc = load_scenario(scenario_dict("award-mip", 60, seed=5))  # ~20 re-solves an offer
    supplier = str(sc.suppliers["id"].iat[0])
    one = price_to_win(sc, supplier=supplier, tolerance=1e-2)
    two = price_to_win(sc, supplier=supplier, tolerance=1e-2, jobs=2)
    assert len(one.offers) >= 2
    assert two.offers == one.offers
