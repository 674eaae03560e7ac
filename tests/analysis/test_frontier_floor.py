"""What one frontier point tells another (analysis/frontier_floor.py), on hand-derived cases."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from sourceopt import build_program, load_scenario
from sourceopt.analysis import frontier, frontier_floor
from sourceopt.analysis.metrics import parse, prepare, resolve
from sourceopt.analysis.resolve import Resolver
from sourceopt.solve import solve_options
from sourceopt.solvers.base import RawResult, Status
from sourceopt.solvers.registry import get_backend


def event(*suppliers: tuple[str, float, float]) -> dict[str, Any]:
    """One item A (100 units); suppliers as (id, price, capacity), each a fixed cost of 50."""
    return {
        "sourceopt": 1,
        "name": "floor",
        "items": [{"id": "A", "demand": 100}],
        "suppliers": [{"id": s, "fixed_cost": 50, "capacity": c} for s, _, c in suppliers],
        "offers": [{"supplier": s, "item": "A", "price": p} for s, p, _ in suppliers],
    }


# Two equal suppliers, 60 units each at most: every award opens both and costs 100 x 10 + 2 x 50
# = 1100, its max share anywhere in [0.5, 0.6]; below 0.5 there is none. A flat frontier.
FLAT = event(("S1", 10, 60), ("S2", 10, 60))
# S1 is cheapest but holds 60: the base buys 60 from S1 and 40 from S2 (600 + 480 + 100 =
# 1180), S1's share 600 / 1080 = 0.556.
TWO_OPEN = event(("S1", 10, 60), ("S2", 12, 1000), ("S3", 15, 1000))


def test_target_and_promoted_are_within_the_gap_of_the_floor() -> None:
    # floor 1000, gap 1e-6: an award at or below 1000 + 0.999 x 1e-6 x 1000 = 1000.000999
    # is within the gap: (v - 1000) / v < 1e-6.
    assert frontier_floor.target(1000.0, 1e-6) == pytest.approx(1000.000999, abs=1e-9)
    assert frontier_floor.target(-np.inf, 1e-6) is None
    assert frontier_floor.target(0.5, 1e-6) is None  # a floor <= 1: no relative gap to use
    near = RawResult(Status.FEASIBLE, "highs", "", 1.0, x=np.zeros(1), objective=1000.0005)
    up = frontier_floor.promoted(near, 1000.0, 1e-6)
    assert up.status is Status.OPTIMAL
    assert up.bound == 1000.0
    assert up.gap == pytest.approx(0.0005 / 1000.0005)
    far = RawResult(Status.FEASIBLE, "highs", "", 1.0, x=np.zeros(1), objective=1000.002)
    assert frontier_floor.promoted(far, 1000.0, 1e-6) is far  # 2e-6 above: not proven


def test_the_base_award_repaired_is_the_point_optimum_where_its_suppliers_suffice() -> None:
    # At b = 0.5 with S1 and S2 open (the base's indicators held): shares 0.5 each, units
    # T (0.5/10 + 0.5/12) = 100, T = 12000/11, plus two fixed costs: 12000/11 + 100 (S1 buys
    # 54.5 <= 60). At b = 0.4 three suppliers must spend: the base opened two, no LP award.
    sc = load_scenario(TWO_OPEN)
    program = build_program(sc)
    eps = prepare(resolve(sc, parse("max_share")), program, sc)
    resolver = Resolver(sc, program, solve_options(sc), get_backend("highs"))
    base = resolver.solve_base()
    assert base.document.objective == pytest.approx(1180.0, rel=1e-6)
    engine, options = resolver.engine, resolver.options
    fix = frontier_floor.repaired(engine, eps.at(0.5), resolver.base_x, options)
    assert fix is not None
    assert fix[0] == pytest.approx(12000 / 11 + 100, rel=1e-6)
    assert frontier_floor.repaired(engine, eps.at(0.4), resolver.base_x, options) is None
    # the point from that start is the same optimum, proven
    point = frontier_floor.point(resolver, sc, eps.at(0.5), None, frontier_floor.floor_of(base))
    assert point is not None
    assert point.status is Status.OPTIMAL
    assert point.document.objective == pytest.approx(12000 / 11 + 100, rel=1e-6)


def test_a_flat_frontier_takes_its_points_from_a_tighter_award_without_solving() -> None:
    sc = load_scenario(FLAT)
    warm = frontier(sc, "max_share", points=4)
    cold = frontier(sc, "max_share", points=4, warm=False)
    assert [p.bound for p in warm.points] == [p.bound for p in cold.points]
    for points in (warm.points, cold.points):
        assert [p.objective for p in points] == pytest.approx([1100.0] * 4, rel=1e-6)
        assert all(p.status is Status.OPTIMAL and p.final and p.verified for p in points)
        assert all(0.5 - 1e-9 <= p.bound <= 0.6 + 1e-9 for p in points)
    # the base's proven bound (1100) is a floor for every point, and the tightest point's
    # award (the bisection's, costing 1100) is within the gap of it: the points between the
    # ends are not solved warm
    said = [p.result.raw.message for p in warm.points[1:-1] if p.result.raw is not None]
    assert len(said) == 2
    assert all(m.startswith("Optimal (a tighter point's award") for m in said)
    assert not any(
        p.result.raw is not None and p.result.raw.message.startswith("Optimal (a tighter")
        for p in cold.points
    )


def test_the_parallel_queue_hands_out_the_grid_from_both_ends() -> None:
    # tightest first (the caller takes it at once), then the loosest, and inwards
    from sourceopt.analysis.frontier_parallel import ends_first

    assert ends_first([1.0, 2.0, 3.0, 4.0, 5.0]) == [1.0, 5.0, 2.0, 4.0, 3.0]
    assert ends_first([1.0, 2.0, 3.0, 4.0]) == [1.0, 4.0, 2.0, 3.0]
    assert ends_first([]) == []
