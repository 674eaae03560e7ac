"""The count row a max-share bound implies (analysis/share_count.py), on hand-derived cases."""

from __future__ import annotations

from typing import Any

import pytest

from sourceopt import build_program, load_scenario
from sourceopt.analysis import frontier
from sourceopt.analysis import metrics as metrics_module
from sourceopt.analysis.metrics import EpsilonProgram, parse, prepare, resolve
from sourceopt.analysis.resolve import Resolver
from sourceopt.solve import solve_options
from sourceopt.solvers.base import Status
from sourceopt.solvers.registry import get_backend


def fixed(*offers: tuple[str, float, float]) -> dict[str, Any]:
    """One item A (100 units); offers as (supplier, price, supplier fixed cost)."""
    return {
        "sourceopt": 1,
        "name": "share-count",
        "items": [{"id": "A", "demand": 100}],
        "suppliers": [{"id": s, **({"fixed_cost": f} if f else {})} for s, _, f in offers],
        "offers": [{"supplier": s, "item": "A", "price": p} for s, p, _ in offers],
    }


THREE = fixed(("S1", 10, 50), ("S2", 12, 50), ("S3", 15, 50))


def prepared(doc: dict[str, Any]) -> tuple[Any, EpsilonProgram, Resolver]:
    sc = load_scenario(doc)
    program = build_program(sc)
    eps = prepare(resolve(sc, parse("max_share")), program, sc)
    return sc, eps, Resolver(sc, program, solve_options(sc), get_backend("highs"))


def test_the_count_row_counts_each_supplier_by_its_fixed_cost_indicator() -> None:
    # spend_s <= b T for all s and T > 0 (100 units at a positive price): at least
    # ceil(1/b) suppliers spend; a bound of exactly 1/3 asks for 3, not 4; at 0 none can.
    _, eps, _ = prepared(THREE)
    # every award buys 100 units at 10 or more: L = 1000
    cuts = eps.cuts
    assert cuts is not None
    assert (cuts.size, cuts.free, cuts.least) == (3, 0, 1000.0)
    assert [cuts.needed(b) for b in (0.4, 0.5, 1 / 3, 1.0, 0.0)] == [3, 2, 3, 1, 4]
    program = eps.at(0.4)
    assert program.n_rows == eps.program.n_rows + 3 + 1  # 3 share rows and the count row
    assert program.row_lo[-1] == 3.0
    # the linked share rows: spend_s - 0.4 T - 0.4 x 1000 y_s <= -400
    assert list(program.row_hi[-4:-1]) == [-400.0, -400.0, -400.0]


def test_a_supplier_without_an_indicator_lowers_the_count() -> None:
    # S3 has no fixed cost (no awarded column): it may spend without one, so at 0.4 the
    # indicators of S1 and S2 need only sum to 3 - 1 = 2.
    _, eps, _ = prepared(fixed(("S1", 10, 50), ("S2", 12, 50), ("S3", 15, 0)))
    cuts = eps.cuts
    assert cuts is not None
    assert (cuts.size, cuts.free) == (2, 1)
    assert cuts.needed(0.4) == 2
    # S3's share row stays spend_3 - 0.4 T <= 0
    assert list(eps.at(0.4).row_hi[-4:-1]) == [-400.0, -400.0, 0.0]


def test_no_count_row_where_an_award_may_spend_nothing_or_nothing_has_an_indicator() -> None:
    # A free offer (price 0): an award may spend nothing, when every share bound holds with
    # any number of suppliers, so no count follows. Without fixed costs: no indicator.
    _, free, _ = prepared(fixed(("S1", 0, 50), ("S2", 12, 50), ("S3", 15, 50)))
    assert free.cuts is None
    _, plain, _ = prepared(fixed(("S1", 10, 0), ("S2", 12, 0), ("S3", 15, 0)))
    assert plain.cuts is None


@pytest.mark.parametrize("cuts", [("count", "link"), ("count",), ()])
def test_points_with_and_without_the_count_row_are_the_hand_derived_optima(
    cuts: tuple[str, ...], monkeypatch: pytest.MonkeyPatch
) -> None:
    # Spend shares s_i (sum 1) at most b each, units = T sum s_i / p_i = 100: T is least
    # when the cheapest suppliers take the most share. b = 0.4: s = (0.4, 0.4, 0.2),
    # T = 100 / (0.04 + 0.4/12 + 0.2/15) = 15000/13, three fixed costs: + 150.
    # b = 0.5: s = (0.5, 0.5, 0), T = 100 / (0.05 + 0.5/12) = 12000/11, two: + 100.
    monkeypatch.setattr(metrics_module, "SHARE_CUTS", cuts)
    sc, eps, resolver = prepared(THREE)
    extra = 1 if "count" in cuts else 0
    assert eps.at(0.4).n_rows == eps.program.n_rows + 3 + extra
    for bound, optimum in ((0.4, 15000 / 13 + 150), (0.5, 12000 / 11 + 100)):
        result = resolver.solve(sc, eps.at(bound))
        assert result is not None
        assert result.status is Status.OPTIMAL
        assert result.document.objective == pytest.approx(optimum, rel=1e-6)
    # and at 0.3 < 1/3 no award exists (three suppliers cannot all stay under a third)
    none = resolver.probe(sc, eps.at(0.3))
    assert none is not None
    assert none.status is Status.INFEASIBLE


def test_the_frontier_is_the_same_with_and_without_the_implied_rows(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    sc = load_scenario(THREE)
    with_count = frontier(sc, "max_share", points=4)
    monkeypatch.setattr(metrics_module, "SHARE_CUTS", ())
    without = frontier(sc, "max_share", points=4)
    assert [p.bound for p in with_count.points] == [p.bound for p in without.points]
    got = [p.objective for p in with_count.points]
    assert got == pytest.approx([p.objective for p in without.points], rel=1e-6)
