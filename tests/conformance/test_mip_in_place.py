"""Large-MIP analyses re-solved in place on the base's kept relaxation (analysis.resolve).

The warm start's thresholds are lowered so that these small MIPs take the path coupa-scale
takes: the base's relaxation sifted and kept, each edit applied as bounds to it and to the
base's HiGHS instance, re-solved from the base's basis and undone. Every figure is derived by
hand and equals the cold figure.
"""

from __future__ import annotations

import copy
from dataclasses import replace
from typing import Any

import numpy as np
import pytest

from sourceopt import load_scenario
from sourceopt.analysis import rule_costs, stress
from sourceopt.analysis.resolve import Edit, Resolver
from sourceopt.formulation.build import build_program
from sourceopt.formulation.edits import fix_suppliers_out, without_rule
from sourceopt.solve import solve_options
from sourceopt.solvers import highs_warm
from sourceopt.solvers.registry import get_backend

from .test_warm_analyses import CAP, LOOSE, assert_rules_equal, assert_stress_equal, lp


@pytest.fixture
def sifted(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every MIP gets the warm start, its relaxation by sifting (as from 500,000 columns)."""
    monkeypatch.setattr(highs_warm, "WARM_START_MIN_COLS", 1)
    monkeypatch.setattr(highs_warm, "SIFT_MIN_COLS", 1)


# Item A (100 units): S1 at 10, S2 at 11, S3 at 12; item B (50): S2 at 5, S3 at 6. Fixed
# costs S1 50, S2 50, S3 30. cap-60: nobody carries more than 60 of A.
#   with cap-60: S1 60 + S2 40 on A, S2 all of B: 600 + 440 + 250 + 50 + 50 = 1390
#     (S3 instead of S2: 600 + 480 + 300 + 50 + 30 = 1460)
#   without cap-60: S1 all of A, S2 all of B: 1000 + 250 + 100 = 1350 (S3 for B: 1380)
#   without S1: S2 60 + S3 40 on A, S2 B: 660 + 480 + 250 + 80 = 1470 (S3 B: 1520)
#   without S2: S1 60 + S3 40 on A, S3 B: 600 + 480 + 300 + 80 = 1460
FIXED: dict[str, Any] = {
    "sourceopt": 1,
    "name": "kept-mip",
    "items": [{"id": "A", "demand": 100}, {"id": "B", "demand": 50}],
    "suppliers": [
        {"id": "S1", "fixed_cost": 50},
        {"id": "S2", "fixed_cost": 50},
        {"id": "S3", "fixed_cost": 30},
    ],
    "offers": [
        {"supplier": "S1", "item": "A", "price": 10},
        {"supplier": "S2", "item": "A", "price": 11},
        {"supplier": "S3", "item": "A", "price": 12},
        {"supplier": "S2", "item": "B", "price": 5},
        {"supplier": "S3", "item": "B", "price": 6},
    ],
    "rules": [{"type": "max_share", "name": "cap-60", "limit": 0.6, "items": ["A"]}],
}


def _resolver(data: dict[str, Any]) -> tuple[Any, Any, Resolver]:
    sc = load_scenario(copy.deepcopy(data))
    program = build_program(sc)
    return sc, program, Resolver(sc, program, solve_options(sc), get_backend("highs"))


def test_a_large_mip_keeps_its_relaxation_and_re_solves_edits_in_place(sifted: None) -> None:
    sc, program, resolver = _resolver(FIXED)
    assert resolver.solve_base().objective == pytest.approx(1390.0)
    assert resolver.keeps_base
    assert resolver.relaxation is not None
    columns = np.arange(program.n_cols)
    rows = program.rule_rows("cap-60")
    without = resolver.resolve(Edit(without_rule(sc, "cap-60"), program, columns, rows, _no()))
    assert without is not None
    assert without.objective == pytest.approx(1350.0)
    assert without.document.verification is not None
    assert without.document.verification.ok
    assert without.raw is not None
    assert without.raw.extra["sifting"] == "re-solved from the base's"
    # S1 failed: its columns at 0 (the scenario with its capacity 0, as stress writes it)
    out = fix_suppliers_out(program, [0], bundles=True)
    fixed = np.flatnonzero(out.col_hi != program.col_hi)
    failed = sc.with_changes(suppliers=sc.suppliers.assign(capacity=[0.0, np.inf, np.inf]))
    no_s1 = resolver.resolve(Edit(failed, out, columns, _no(), fixed))
    assert no_s1 is not None
    assert no_s1.objective == pytest.approx(1470.0)
    assert no_s1.document.verification is not None
    assert no_s1.document.verification.ok
    assert resolver.in_place == 2
    # both instances are back as the base left them
    again = resolver.resolve(Edit(sc, program, columns, _no(), _no()))
    assert again is not None
    assert again.objective == pytest.approx(1390.0)


def test_rules_and_stress_on_a_kept_relaxation_equal_cold(sifted: None) -> None:
    sc = load_scenario(copy.deepcopy(FIXED))
    warm = rule_costs(sc)
    (cap,) = warm.rules
    assert (cap.method, cap.objective_without) == ("resolve", pytest.approx(1350.0))
    assert cap.rule_cost == pytest.approx(40.0)
    assert_rules_equal(warm, rule_costs(sc, warm=False))
    hot = stress(sc)
    assert [(f.supplier, f.objective_without) for f in hot.suppliers] == [
        ("S1", pytest.approx(1470.0)),
        ("S2", pytest.approx(1460.0)),
    ]
    assert_stress_equal(hot, stress(sc, warm=False))


# Item A (100): S1 at 10, S2 at 11; item B (50): only S2 at 5. at-most-5 makes it a MIP
# (a binary per supplier) but cannot bind with two suppliers, and small-10pct (S2 at least
# 10 % of spend) is slack: S2 is paid 40 x 11 + 50 x 5 = 690 of 1290. The relaxation's
# optimum is the award itself (1290: cap-60 binds, S1 60, S2 40), so the relaxation's bound
# proves both slack rules cost 0 ("dual") with a zero gap; cap-60 is re-solved: S1 all of A,
# 1000 + 250 = 1250.
SLACK: dict[str, Any] = lp([CAP, {"type": "supplier_count", "name": "at-most-5", "max": 5}, LOOSE])


def test_slack_rules_of_a_kept_relaxation_are_proven_by_its_duals(sifted: None) -> None:
    sc = load_scenario(copy.deepcopy(SLACK))
    costs = rule_costs(sc)
    cap, count, small = costs.rules
    assert (cap.method, cap.objective_without) == ("resolve", pytest.approx(1250.0))
    assert cap.rule_cost == pytest.approx(40.0)
    for rule in (count, small):
        assert (rule.method, rule.rule_cost) == ("dual", 0.0), rule.name
        assert rule.objective_without == pytest.approx(1290.0)
        assert rule.final
    cold = rule_costs(sc, warm=False)
    assert [r.method for r in cold.rules] == ["resolve"] * 3
    assert_rules_equal(costs, cold)


def _no() -> np.ndarray:
    return np.zeros(0, dtype=np.int64)


def test_parallel_rules_and_stress_of_a_kept_relaxation_equal_sequential(sifted: None) -> None:
    # the workers solve their own base (in this process the relaxation is kept: they are not
    # handed its award to re-solve cold); the figures are those of the sequential run
    sc = load_scenario(copy.deepcopy(SLACK))
    assert_rules_equal(rule_costs(sc, jobs=2), rule_costs(sc))
    sc = load_scenario(copy.deepcopy(FIXED))
    assert_stress_equal(stress(sc, jobs=2), stress(sc))


def test_an_edit_whose_completed_start_meets_the_bound_runs_no_mip(sifted: None) -> None:
    # SLACK without cap-60: the base's binaries (S1 and S2 awarded) kept, the LP over the
    # units moves all of A to S1: 1000 + 250 = 1250, which is the edited relaxation's bound
    # (its optimum is integral): optimal without the restricted MIP.
    sc, program, resolver = _resolver(SLACK)
    assert resolver.solve_base().objective == pytest.approx(1290.0)
    rows = program.rule_rows("cap-60")
    edit = Edit(without_rule(sc, "cap-60"), program, np.arange(program.n_cols), rows, _no())
    without = resolver.resolve(replace(edit, start=True))
    assert without is not None
    assert without.objective == pytest.approx(1250.0)
    assert without.raw is not None
    assert without.raw.extra["completed"] is True
    assert "restricted_columns" not in without.raw.extra


def test_the_kept_implied_bounds_of_an_edit_are_computed_ones(sifted: None) -> None:
    # the base's bounds tightened by its rows, reused for edits that free rows and fix
    # columns at 0, equal those computed from scratch for each edit (generated award-mip:
    # capacities, minimums, counts and tiers tighten bounds)
    from benchmarks.generators import scenario_dict

    from sourceopt.solvers.relaxation import implied_upper

    _, program, resolver = _resolver(scenario_dict("award-mip", 300, seed=2))
    resolver.solve_base()
    kept = resolver._kept
    assert kept is not None
    assert kept.working is not None
    rng = np.random.default_rng(0)
    for _ in range(6):
        rows = rng.choice(program.n_rows, size=5, replace=False)
        lo, hi = program.row_lo.copy(), program.row_hi.copy()
        lo[rows], hi[rows] = -np.inf, np.inf
        out = fix_suppliers_out(program, [int(rng.integers(0, 3))], bundles=True)
        edited = replace(out, row_lo=lo, row_hi=hi)
        for edit in (edited, out, replace(program, row_lo=lo, row_hi=hi)):
            assert np.array_equal(kept.implied_upper(edit), implied_upper(edit))


def test_a_base_whose_relaxation_rounds_to_an_award_within_the_gap_runs_no_mip(
    sifted: None,
) -> None:
    # SLACK's relaxation optimum is the award itself (1290, above): its binaries rounded up
    # and the units completed by the LP give 1290, the relaxation's bound, so the base is
    # proven without a MIP. FIXED's relaxation pays the fixed costs in part (z = units / M
    # < 1), so its bound is below 1390 and the restricted MIP still runs (from the rounded
    # award) to the optimum.
    _, _, resolver = _resolver(SLACK)
    base = resolver.solve_base()
    assert base.objective == pytest.approx(1290.0)
    assert base.raw is not None
    assert base.raw.extra["completed"] is True
    assert "restricted_columns" not in base.raw.extra
    _, _, resolver = _resolver(FIXED)
    base = resolver.solve_base()
    assert base.objective == pytest.approx(1390.0)
    assert base.raw is not None
    assert "completed" not in base.raw.extra
    assert "restricted_columns" in base.raw.extra


def test_completions_from_a_swapped_basis_give_the_figures_of_plain_ones(
    sifted: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    # the swap of fixed basic integer columns for their rows (highs_kept._swap_out) changes
    # only where the simplex starts: stress on a generated award-mip (fixed costs, floors,
    # counts, tiers) gives the same figures without it
    from benchmarks.generators import scenario_dict

    from sourceopt.solvers import highs_kept

    sc = load_scenario(scenario_dict("award-mip", 300, seed=2))
    swapped = stress(sc)
    assert len(swapped.suppliers) >= 3
    monkeypatch.setattr(highs_kept, "_swap_out", lambda *args: None)
    assert_stress_equal(swapped, stress(sc))
