"""A frontier under ``--analysis-time-limit``: each grid point gets its share of the budget left,
so a hard point (the tightest, as on award-mip at event scale) does not spend the others' time.
"""

from __future__ import annotations

import time
from dataclasses import replace
from typing import Any

import pytest

from sourceopt import load_scenario
from sourceopt.analysis import frontier
from sourceopt.analysis.parallel import Chunks
from sourceopt.analysis.resolve import Resolver
from sourceopt.cli.analysis_commands import _unfinished
from sourceopt.solvers.base import SolveOptions

LAPTOPS = "scenarios/laptops.yaml"


def test_each_grid_point_gets_an_equal_share_of_the_budget_left(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    seen: list[tuple[int, float, float | None]] = []  # share, seconds left, the solve's limit
    real = Resolver._options

    def options(self: Resolver, share: int = 1) -> SolveOptions:
        left = self.left()
        out = real(self, share)
        assert left is not None
        seen.append((share, left, out.time_limit))
        return out

    monkeypatch.setattr(Resolver, "_options", options)
    f = frontier(load_scenario(LAPTOPS), "max_share", points=5, analysis_time_limit=600)
    assert len(f.points) == 5
    assert all(p.final for p in f.points)
    shared = [s for s in seen if s[0] > 1]
    # the 4 grid points after the base, tightest first: 4, 3, 2 points still to solve
    assert [s[0] for s in shared] == [4, 3, 2]
    for share, left, limit in shared:
        assert limit is not None
        assert limit <= left / share + 1e-9
        assert limit >= (left - 1.0) / share  # taken a moment after `left`
    assert all(s[2] is not None and s[2] <= s[1] + 1e-9 for s in seen)  # never beyond the budget


def test_a_hard_point_leaves_the_points_after_it_their_time(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The tightest grid point is made hard: its run takes 60 s unless its time limit stops it
    # first. With the whole budget left to it (before the shares), it spent all 6 s and the
    # three looser points were left out; with its share it stops after about a quarter of
    # what is left, and every point comes back.
    real = Resolver._raw
    solves: list[float | None] = []

    def raw(self: Resolver, program: Any, options: SolveOptions, start: Any, **kw: Any) -> Any:
        if not kw.get("first"):
            solves.append(options.time_limit)
            if len(solves) == 2:  # the base, then the tightest grid point
                time.sleep(min(60.0, options.time_limit or 60.0))
        return real(self, program, options, start, **kw)

    monkeypatch.setattr(Resolver, "_raw", raw)
    began = time.monotonic()
    f = frontier(load_scenario(LAPTOPS), "max_share", points=5, analysis_time_limit=6.0)
    assert time.monotonic() - began < 6.0 + 5.0  # the budget, and the verifications after it
    assert len(f.points) == 5  # none left out
    hard = solves[1]
    assert hard is not None
    assert hard < 6.0 / 3  # a quarter of what the base and probes left


def test_a_fair_queue_shares_the_budget_among_the_parts_each_process_has_left() -> None:
    sc = load_scenario(LAPTOPS)
    parts = [[0.1 * k] for k in range(1, 6)]
    fair = Chunks(sc, "frontier-points", "bounds", parts, {}, width=1, fair=True)
    # 5 parts, the caller and 1 worker: each has 3 (rounded up) when the first is taken
    assert fair.take() == [0.1]
    assert fair.share() == 3
    fair.deadline = time.monotonic() + 100.0
    assert fair.take() == [0.2]  # as a worker takes the second: 4 left including it
    job = fair.budgeted(fair.jobs[1])
    assert job is not None
    assert job.options["analysis_time_limit"] == pytest.approx(100.0 / 2, abs=0.5)
    plain = Chunks(sc, "frontier-points", "bounds", parts, {}, width=1, deadline=fair.deadline)
    got = plain.budgeted(plain.jobs[1])
    assert got is not None
    assert got.options["analysis_time_limit"] == pytest.approx(100.0, abs=0.5)


def test_a_budgeted_frontier_with_two_jobs_equals_the_sequential_run() -> None:
    sc = load_scenario(LAPTOPS)
    one = frontier(sc, "max_share", points=5, analysis_time_limit=600)
    two = frontier(sc, "max_share", points=5, jobs=2, analysis_time_limit=600)
    assert two.to_dict() == one.to_dict()
    assert all(p.final and p.gap is None for p in two.points)


def test_a_point_a_limit_stopped_shows_the_gap_it_left() -> None:
    f = frontier(load_scenario(LAPTOPS), "max_share", points=3)
    proven = f.points[-1]
    assert proven.final
    assert proven.gap is None
    assert proven.to_dict()["gap"] is None
    stopped = replace(proven, final=False)  # as a limit leaves it: its award and its bound
    solver = proven.result.document.solver
    assert solver.gap is not None
    assert stopped.to_dict()["gap"] == solver.gap
    assert _unfinished(stopped) == f" [not final, gap {solver.gap:.1e}]"
    assert _unfinished(proven) == ""
