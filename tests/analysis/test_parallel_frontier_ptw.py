"""frontier and price-to-win with --jobs: the grid points / offers shared with supervised
workers give the sequential figures; a crashed worker gives figures that are not final."""

from __future__ import annotations

import json

import numpy as np
import pytest
from click.testing import CliRunner

from sourceopt import AnalysisError, load_scenario
from sourceopt.analysis import frontier, price_to_win
from sourceopt.analysis.frontier import Frontier
from sourceopt.analysis.frontier_parallel import frontier_points
from sourceopt.analysis.parallel import raw_from_dict, raw_to_dict
from sourceopt.analysis.price_to_win import PriceToWin, price_offers
from sourceopt.analysis.resolve import Progress
from sourceopt.cli import cli
from sourceopt.jobs.kinds import INTERNAL, KINDS, check_options, run_kind
from sourceopt.solvers.base import Status

LAPTOPS = "scenarios/laptops.yaml"
CHAIRS = "docs/examples/office-chairs.yaml"  # 5 offers to price: quick at tolerance 1e-3


def assert_frontiers_equal(two: Frontier, one: Frontier) -> None:
    """Every figure of the frontier: bounds, values, objectives, statuses, knee, final."""
    assert two.to_dict() == one.to_dict()
    assert [p.verified for p in two.points] == [p.verified for p in one.points]
    for p, q in zip(two.points, one.points, strict=True):
        assert p.result.document.allocations == q.result.document.allocations


def assert_prices_equal(two: PriceToWin, one: PriceToWin) -> None:
    """Every figure of every offer, in the same order (units now, method, solves too)."""
    assert two.to_dict() == one.to_dict()
    assert two.offers == one.offers
    assert two.verified == one.verified


def test_frontier_with_two_jobs_equals_the_sequential_run() -> None:
    sc = load_scenario(LAPTOPS)
    one = frontier(sc, "max_share", points=5)
    seen = Progress()
    two = frontier(sc, "max_share", points=5, jobs=2, progress=seen)
    assert_frontiers_equal(two, one)
    assert all(p.final and p.status is Status.OPTIMAL for p in two.points)
    assert (seen.finished, seen.total) == (5, 5)


def test_a_count_frontier_with_three_jobs_equals_the_sequential_run() -> None:
    sc = load_scenario(LAPTOPS)
    one = frontier(sc, "supplier_count", points=4)
    assert_frontiers_equal(frontier(sc, "supplier_count", points=4, jobs=3), one)


def test_a_crashed_frontier_worker_gives_points_not_final_not_a_failed_frontier(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # a scenario named test-hook-crash kills the worker process that runs it (the test hook);
    # the caller solves the base and the bisection itself, then draws grid points from the
    # queue the worker draws from: the worker takes one at once and every point it takes fails
    monkeypatch.setenv("SOURCEOPT_TEST_HOOKS", "1")
    sc = load_scenario(LAPTOPS).with_changes(name="test-hook-crash")
    one = frontier(sc, "max_share", points=5)
    two = frontier(sc, "max_share", points=5, jobs=2)
    failed = [p for p in two.points if p.status is Status.ERROR]
    assert failed
    assert len(failed) < len(two.points)
    for p in failed:
        assert not p.final
        assert p.to_dict()["final"] is False
        assert p.objective is None
        assert p.value is None
        assert p.result.document.solver.message.startswith("the re-solve failed (crash")
    assert [p.bound for p in two.points] == [p.bound for p in one.points]
    for p, q in zip(two.points, one.points, strict=True):
        if p.status is not Status.ERROR:
            assert (p.value, p.objective, p.final) == (q.value, q.objective, q.final)


def test_a_worker_returns_raw_points_that_the_caller_verifies() -> None:
    # the frontier-points job: each bound's raw result (award vector, objective, status),
    # tightest first; the JSON round trip keeps every float exactly
    sc = load_scenario(LAPTOPS)
    one = frontier(sc, "max_share", points=4)
    bounds = [p.bound for p in one.points[1:]]
    raw = frontier_points(sc, against="max_share", bounds=bounds)
    assert [b for b, _ in raw.points] == sorted(bounds)  # at most: the smallest is tightest
    by_bound = {p.bound: p for p in one.points}
    for b, r in raw.points:
        back = raw_from_dict(raw_to_dict(r))
        assert r.x is not None
        assert back.x is not None
        assert np.array_equal(back.x, r.x)
        assert (back.status, back.objective, back.bound, back.gap) == (
            r.status,
            r.objective,
            r.bound,
            r.gap,
        )
        assert r.objective == pytest.approx(by_bound[b].result.raw.objective, rel=1e-9)  # type: ignore[union-attr]
    document = run_kind("frontier-points", sc, {"against": "max_share", "bounds": bounds})
    assert [p["at"] for p in document["points"]] == sorted(bounds)


def test_price_to_win_with_two_jobs_equals_the_sequential_run() -> None:
    sc = load_scenario(CHAIRS)
    one = price_to_win(sc, tolerance=1e-3)
    seen = Progress()
    two = price_to_win(sc, tolerance=1e-3, jobs=2, progress=seen)
    assert len(one.offers) >= 3
    assert_prices_equal(two, one)
    assert all(o.final for o in two.offers)
    assert (seen.finished, seen.total) == (len(one.offers), len(one.offers))


def test_a_crashed_price_to_win_worker_gives_offers_not_final(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("SOURCEOPT_TEST_HOOKS", "1")
    sc = load_scenario(CHAIRS).with_changes(name="test-hook-crash")
    one = price_to_win(sc, tolerance=1e-3)
    two = price_to_win(sc, tolerance=1e-3, jobs=2)
    assert [(o.supplier, o.item) for o in two.offers] == [(o.supplier, o.item) for o in one.offers]
    failed = [o for o in two.offers if not o.final]
    assert failed
    assert len(failed) < len(two.offers)
    for o in failed:
        assert (o.price_to_win, o.method, o.units_at_price) == (None, "error", o.units_now)
    for o, p in zip(two.offers, one.offers, strict=True):
        if o.final:
            assert o == p
    assert [d["final"] for d in two.to_dict()["offers"]] == [o.final for o in two.offers]


def test_a_price_offers_job_prices_against_the_base_award_it_is_given() -> None:
    sc = load_scenario(CHAIRS)
    # a worker's share names offers by position in the variant's offer table (office-chairs
    # has one offer per supplier and item) and gets the caller's base solve, not solving it
    one = price_to_win(sc, tolerance=1e-3)
    from sourceopt.analysis.diagnose_common import prepare, run

    setup = prepare(sc)
    raw = run(setup, setup.scenario, setup.program).raw
    supplier = list(sc.suppliers["id"])
    items = list(sc.items["id"])
    positions = [
        k
        for k in range(sc.n_offers)
        for o in one.offers
        if supplier[int(sc.offers["supplier"].iat[k])] == o.supplier
        and items[int(sc.offers["item"].iat[k])] == o.item
    ]
    priced = price_offers(sc, offers=positions, tolerance=1e-3, base_raw=raw)
    assert priced.offers == one.offers
    with pytest.raises(AnalysisError, match="offer 99 is not in scenario"):
        price_offers(sc, offers=[99], tolerance=1e-3, base_raw=raw)


def test_the_internal_kinds_are_checked_but_not_offered_by_the_service() -> None:
    assert set(INTERNAL) == {"frontier-points", "price-to-win-offers", "explain-probes"}
    assert not set(INTERNAL) & set(KINDS)
    _, problems = check_options("frontier-points", {"against": "max_share", "bounds": [0.5]})
    assert [p.message for p in problems] == ["unknown job kind 'frontier-points'"]
    _, problems = check_options("explain-probes", {"sets": [[0]], "tag": "t"})
    assert [p.message for p in problems] == ["unknown job kind 'explain-probes'"]
    sc = load_scenario(CHAIRS)
    with pytest.raises(AnalysisError, match=r"options\.bounds"):
        run_kind("frontier-points", sc, {"against": "max_share"})
    with pytest.raises(AnalysisError, match=r"options\.offers"):
        run_kind("price-to-win-offers", sc, {"offers": [-1]})


def test_cli_frontier_and_price_to_win_jobs() -> None:
    runner = CliRunner()
    args = ["frontier", LAPTOPS, "--against", "max_share", "--points", "4", "--json"]
    one, two = runner.invoke(cli, args), runner.invoke(cli, [*args, "--jobs", "2"])
    assert two.exit_code == one.exit_code == 0, two.output
    assert json.loads(two.output) == json.loads(one.output)
    args = ["price-to-win", CHAIRS, "--tolerance", "1e-3", "--json"]
    one, two = runner.invoke(cli, args), runner.invoke(cli, [*args, "--jobs", "2"])
    assert two.exit_code == one.exit_code == 0, two.output
    assert json.loads(two.output) == json.loads(one.output)
    for command in (["frontier", LAPTOPS, "--against", "max_share"], ["price-to-win", CHAIRS]):
        bad = runner.invoke(cli, [*command, "--jobs", "2", "--executor", "dask"])
        assert bad.exit_code == 2
        assert "--executor dask needs --scheduler" in bad.output


def test_dask_without_a_scheduler_is_refused_by_the_library() -> None:
    with pytest.raises(AnalysisError, match="needs a scheduler"):
        frontier(load_scenario(LAPTOPS), "max_share", points=4, jobs=2, executor="dask")
    with pytest.raises(AnalysisError, match="needs a scheduler"):
        price_to_win(load_scenario(CHAIRS), tolerance=1e-3, jobs=2, executor="dask")


@pytest.mark.parametrize("jobs", [1, 2])
def test_a_spent_price_to_win_budget_leaves_offers_not_final(jobs: int) -> None:
    # the base is solved whatever the budget (every offer is priced against it); the budget
    # is spent by then: no offer is priced, each is marked not final
    sc = load_scenario(CHAIRS)
    out = price_to_win(sc, tolerance=1e-3, analysis_time_limit=1e-9, jobs=jobs)
    assert len(out.offers) == len(price_to_win(sc, tolerance=1e-1).offers)
    for o in out.offers:
        assert (o.price_to_win, o.final, o.method) == (None, False, "time_limit")
    res = CliRunner().invoke(cli, ["price-to-win", CHAIRS, "--analysis-time-limit", "1e-9"])
    assert res.exit_code == 0, res.output
    assert "[not final] not priced: the analysis' time limit ran out first" in res.output
