"""``frontier --jobs N``: the grid points shared among the calling process and N-1 workers.

The calling process solves the frontier's base and bisects for its far end as the sequential
run does (:mod:`sourceopt.analysis.frontier`); the grid points left are then shared: on local
workers every point is a part of its own in one queue that the caller and ``jobs - 1``
supervised worker processes draw from as each is free (on a Dask cluster, round-robin
chunks, the first the caller's). Each worker runs one ``frontier-points`` job
(:func:`frontier_points`, an internal job kind: :data:`sourceopt.jobs.kinds.INTERNAL`) that
builds the program, solves its points from the tightest to the loosest, each from the
cheapest award it knows at a bound at least as tight (the caller hands it the tightest
award found so far: its ``start``), and sends back each point's RAW result (award vector,
objective, bound, gap, status). The caller maps each back through the labels of the same
epsilon-constrained program and verifies it against the scenario
(:func:`sourceopt.solve.verified`), so that each point has its full verified result exactly
as in the sequential run. A worker that crashed or overran gives its points as results of
status ``error`` (``final: false``), never a failed frontier.
"""

from __future__ import annotations

import time
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from sourceopt.analysis import frontier_floor as floors
from sourceopt.analysis.metrics import AT_LEAST, parse, prepare, resolve
from sourceopt.analysis.parallel import (
    NOT_STARTED,
    Chunks,
    chunks,
    failed_result,
    raw_from_dict,
    raw_to_dict,
)
from sourceopt.analysis.resolve import Progress, Resolver
from sourceopt.formulation.build import build_program
from sourceopt.result import SolveResult
from sourceopt.scenario.model import Scenario
from sourceopt.scenario.variants import apply_variant
from sourceopt.solve import solve_options, verified
from sourceopt.solvers.base import RawResult
from sourceopt.solvers.registry import get_backend

if TYPE_CHECKING:
    from sourceopt.analysis.frontier import _Solver


@dataclass(frozen=True)
class RawPoints:
    """A ``frontier-points`` job's answer: each solved bound with its raw result."""

    scenario: str
    points: tuple[tuple[float, RawResult], ...]

    def to_dict(self) -> dict[str, Any]:
        """``{scenario, points: [{at, raw}]}`` (``raw``: :func:`~.parallel.raw_to_dict`)."""
        return {
            "scenario": self.scenario,
            "points": [{"at": b, "raw": raw_to_dict(raw)} for b, raw in self.points],
        }


def frontier_points(
    scenario: Scenario,
    *,
    against: str,
    bounds: Sequence[float],
    direction: str | None = None,
    variant: str = "base",
    backend: str | None = None,
    time_limit: float | None = None,
    mip_gap: float | None = None,
    analysis_time_limit: float | None = None,
    start: np.ndarray | None = None,
    warm: bool = True,
    floor: float = -np.inf,
    base: np.ndarray | None = None,
) -> RawPoints:
    """The raw results of the frontier's program at `bounds` (a worker's share of the grid).

    The points are solved from the tightest bound to the loosest, a MIP's each from the
    cheapest award known at a bound at least as tight: `start` (an award of the same
    program at a bound tighter than every one of `bounds`) or one this job found. Bounds
    the budget (`analysis_time_limit`) did not reach are left out, as in the sequential run.
    `floor` (the base's proven bound) and `base` (its award) are the caller's, for
    :func:`.frontier_floor.point`.
    """
    started = time.monotonic()
    chosen = apply_variant(scenario, variant)
    target = resolve(chosen, parse(against), direction)
    options = solve_options(scenario, time_limit=time_limit, mip_gap=mip_gap)
    engine = get_backend(backend or scenario.solver.backend)
    program = build_program(chosen).for_gap(options.mip_gap)  # as `solve` does
    deadline = None if analysis_time_limit is None else started + analysis_time_limit
    resolver = Resolver(chosen, program, options, engine, deadline=deadline, warm=warm)
    resolver.base_x = base
    eps = prepare(target, program, chosen)
    tight = sorted(bounds, reverse=target.direction is AT_LEAST)  # tightest first
    awards: list[tuple[float, np.ndarray]] = []  # objective, award: the cheapest first wins
    if warm and start is not None and tight:
        first = eps.at(tight[0])
        value = float(first.solver_objective() @ start + first.offset)
        awards.append((value, np.ascontiguousarray(start, dtype=np.float64)))
    out = []
    for k, b in enumerate(tight):
        begin = min(awards, key=lambda a: a[0]) if awards and warm else None
        share = len(tight) - k  # the budget shared among the points left, as in `frontier`
        result = floors.point(resolver, chosen, eps.at(b), begin, floor, warm=warm, share=share)
        if result is None or result.raw is None:  # the budget is spent
            break
        raw = result.raw
        out.append((b, raw))
        if warm and result.has_award and raw.x is not None:
            awards.append((float(raw.objective or np.inf), raw.x))
    return RawPoints(chosen.name, tuple(out))


def solve_grid(
    scenario: Scenario,
    at: _Solver,
    todo: Sequence[float],
    job: Mapping[str, Any],
    *,
    jobs: int,
    executor: str = "local",
    scheduler: str | None = None,
    deadline: float | None = None,
    start: np.ndarray | None = None,
    progress: Progress | None = None,
) -> dict[float, SolveResult | None]:
    """The grid points `todo` (tightest first) solved by this process and the workers.

    `at` is the frontier's solver of this process (its points start from its own awards);
    `job` the options of each worker's ``frontier-points`` job other than its bounds
    (``against``, ``direction``, the variant and solver settings). None: the budget ran out.
    """
    if executor == "local":
        own: list[float] = []
        parts, width = [[b] for b in ends_first(todo)], jobs - 1
    else:
        own, *parts = chunks(list(todo), jobs)
        width = None
    given = dict(job)
    if deadline is not None:
        given["analysis_time_limit"] = max(deadline - time.monotonic(), 1e-3)
    remote = Chunks(
        scenario, "frontier-points", "bounds", parts, given, executor=executor,
        scheduler=scheduler, deadline=deadline, width=width, fair=True,
        extra_args={
            "start": start, "warm": at.warm, "floor": at.floor, "base": at.resolver.base_x,
        },
    )  # fmt: skip
    remote.start()
    out: dict[float, SolveResult | None] = {}
    for b, share in _drawn(own, remote):
        out[b] = at(b, share)
        if progress is not None:
            progress.done()
    for part, payload in remote.results():
        if isinstance(payload, dict):
            got = {p["at"]: raw_from_dict(p["raw"]) for p in payload["points"]}
            for b in part:
                out[b] = _verified(at, b, got[b]) if b in got else None
        else:  # not started (the budget was spent): left out, as in this process
            for b in part:
                out[b] = None if payload == NOT_STARTED else failed_result(at.chosen, payload)
        if progress is not None:
            progress.done(len(part))
    return out


def ends_first(todo: Sequence[float]) -> list[float]:
    """The grid points in the order the queue hands them out: from both ends inwards.

    The tightest point (many suppliers forced) and the points next to the cheapest award
    (each proven to the gap like the base) are the long ones, the middle ones the short
    ones (benchmarks/README.md, "Frontier and price-to-win (fifth pass)"); drawing from both
    ends starts the long poles first and leaves short points to fill in. The tightest comes
    first: the caller takes it at once, while a worker process is still starting.
    """
    out, low, high = [], 0, len(todo) - 1
    while low <= high:
        out.append(todo[low])
        if high != low:
            out.append(todo[high])
        low, high = low + 1, high - 1
    return out


def _drawn(own: list[float], remote: Chunks) -> Iterator[tuple[float, int]]:
    """The bounds solved here, each with its share of the budget (:meth:`.Resolver.solve`).

    Its own chunk first, then parts drawn from the queue the workers share.
    """
    for k, b in enumerate(own):
        yield b, len(own) - k
    while (part := remote.take()) is not None:
        share = remote.share()
        for b in part:
            yield b, share


def _verified(at: _Solver, bound: float, raw: RawResult) -> SolveResult:
    """A worker's raw result at `bound` mapped back and verified here, as `at` would."""
    resolver: Resolver = at.resolver
    program = at.eps.at(bound)
    return verified(resolver.engine, at.chosen, program, raw, resolver.options)
