"""Trade-off frontier: cost against a metric by the epsilon-constraint method.

1. Solve without a bound: the cheapest award and its metric value m0 (one end).
2. Bisect between m0 and the metric's best conceivable value for the best *feasible* bound
   (the other end), a few probes: each asks only whether an award exists (a MIP stops at its
   first award, kept as a start for the points).
3. Solve at N bounds evenly spaced between the two ends; each point is a verified award.
The knee is the point farthest from the chord between the two end points, both axes scaled
to [0, 1]. See models/README.md, "Trade-off frontier".
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from sourceopt.analysis import frontier_floor as floors
from sourceopt.analysis.metrics import AT_LEAST, Target, measure, parse, prepare, resolve
from sourceopt.analysis.resolve import PROVEN, Progress, Resolver, is_final
from sourceopt.analysis.sense import refuse_score
from sourceopt.errors import AnalysisError
from sourceopt.formulation.build import build_program
from sourceopt.result import SolveResult
from sourceopt.scenario.model import Scenario
from sourceopt.scenario.variants import apply_variant
from sourceopt.solve import solve_options
from sourceopt.solvers.base import Status
from sourceopt.solvers.registry import get_backend

BISECTION_STEPS = 8


@dataclass(frozen=True)
class FrontierPoint:
    """One epsilon-constrained solve: the bound, the award's metric value and its objective."""

    bound: float
    value: float | None
    objective: float | None
    status: Status
    knee: bool
    verified: bool
    result: SolveResult
    final: bool = True  # False: a limit stopped this point's solve

    @property
    def gap(self) -> float | None:
        """What a limit left: the award's relative gap to its proven bound, if not final.

        None: final (within the gap asked, by its status), or no award or no bound. A final
        point's own gap is left out: it depends on the start its solve had, which
        ``--jobs`` changes, while every figure of the frontier does not.
        """
        return None if self.final else self.result.document.solver.gap

    def to_dict(self) -> dict[str, Any]:
        """The point's entry of the ``frontier`` JSON (docs/results.md)."""
        return {
            "bound": self.bound,
            "value": self.value,
            "objective": self.objective,
            "status": self.status.value,
            "knee": self.knee,
            "gap": self.gap,
            "final": self.final,
        }


@dataclass(frozen=True)
class Frontier:
    """Cost against a metric: points from the cheapest award to the best feasible bound."""

    scenario: str
    variant: str
    metric: str
    direction: str
    currency: str
    base: SolveResult
    points: tuple[FrontierPoint, ...]

    @property
    def status(self) -> Status:
        """Status of the solve without a bound (the cheapest award)."""
        return self.base.status

    @property
    def frame(self) -> pd.DataFrame:
        """One row per point: bound, value, objective, status, knee, verified."""
        cols = ["bound", "value", "objective", "status", "knee", "verified"]
        rows = [[getattr(p, c) for c in cols] for p in self.points]
        out = pd.DataFrame(rows, columns=cols)
        out["status"] = [p.status.value for p in self.points]
        return out

    @property
    def knee(self) -> FrontierPoint | None:
        """The knee point, if the frontier has one."""
        return next((p for p in self.points if p.knee), None)

    def to_dict(self) -> dict[str, Any]:
        """Exactly the ``frontier`` JSON of docs/results.md."""
        return {
            "scenario": self.scenario,
            "metric": self.metric,
            "points": [p.to_dict() for p in self.points],
        }


def frontier(
    scenario: Scenario,
    against: str,
    *,
    points: int = 8,
    direction: str | None = None,
    variant: str = "base",
    backend: str | None = None,
    time_limit: float | None = None,
    mip_gap: float | None = None,
    analysis_time_limit: float | None = None,
    jobs: int = 1,
    executor: str = "local",
    scheduler: str | None = None,
    warm: bool = True,
    progress: Progress | None = None,
) -> Frontier:
    """The cost-versus-`against` frontier (metrics: :data:`~sourceopt.analysis.metrics.METRICS`).

    `direction` is ``at_most`` (a cap: max_share, hhi, average by default) or ``at_least`` (a
    floor: supplier_count, group_share by default). The program is built once; each point
    adds the metric's rows to it and is verified against the scenario. The points are solved
    from the tightest bound to the loosest, a MIP point starting from the best award found at
    a bound at least as tight (feasible at its own: ``warm=False`` solves each cold).
    `analysis_time_limit` caps the whole frontier: each grid point's solve gets an equal share
    of what is left when it starts (a point that finishes early leaves its rest to the
    others), so one hard point does not spend the others' time; points it did not reach are
    left out, and a point it stopped is ``final: false`` (its award and gap as found). `jobs`
    > 1 shares the grid points among this process and ``jobs - 1`` supervised workers (or a
    Dask cluster: `executor`, `scheduler`; :mod:`sourceopt.analysis.frontier_parallel`), with
    the same figures.
    """
    started = time.monotonic()
    if points < 2:
        raise AnalysisError(f"a frontier needs at least 2 points, got {points}")
    chosen = apply_variant(scenario, variant)
    refuse_score(chosen, "frontier", "it traces the total cost against a metric")
    target = resolve(chosen, parse(against), direction)
    options = solve_options(scenario, time_limit=time_limit, mip_gap=mip_gap)
    engine = get_backend(backend or scenario.solver.backend)
    program = build_program(chosen).for_gap(options.mip_gap)  # as `solve` does
    deadline = None if analysis_time_limit is None else started + analysis_time_limit
    resolver = Resolver(chosen, program, options, engine, deadline=deadline, warm=warm)
    first = resolver.solve_base()
    head = (
        chosen.name,
        chosen.variant,
        str(target.metric),
        target.direction.value,
        chosen.currency,
    )
    m0 = measure(target.metric, chosen, first)
    if m0 is None:
        return Frontier(*head, first, ())
    if progress is not None:
        progress.total = points
    at = _Solver(target, prepare(target, program, chosen), resolver, chosen, warm)
    at.solved[m0] = first
    at.floor = floors.floor_of(first)
    best = _best_bound(target, m0, at.probe, points)
    bounds = _grid(target, m0, best, points)
    tight = bounds[::-1]  # tightest first: each point starts from a tighter award
    solved: dict[float, SolveResult | None] = {}
    todo = [b for b in tight if b not in at.solved]
    if jobs > 1 and len(todo) > 1:
        from sourceopt.analysis.frontier_parallel import solve_grid

        job: dict[str, Any] = {
            "against": against,
            "direction": target.direction.value,
            "variant": variant,
        }
        job |= {"backend": backend, "time_limit": time_limit, "mip_gap": mip_gap}
        solved = solve_grid(
            scenario, at, todo, job, jobs=jobs, executor=executor, scheduler=scheduler,
            deadline=deadline, start=at._start(tight[0]), progress=progress,
        )  # fmt: skip
    shares = {b: len(todo) - k for k, b in enumerate(todo)}  # the points still to solve here
    found = []
    for b in tight:
        result = solved[b] if b in solved else at(b, shares.get(b, 1))
        if progress is not None and b not in solved:
            progress.done()
        if result is not None:
            found.append((b, result))
    out = _points(target, chosen, found[::-1])
    return Frontier(*head, first, out)


class _Solver:
    """Solves the frontier's program at a bound, once per bound, from the best tighter award."""

    def __init__(
        self, target: Target, eps: Any, resolver: Resolver, chosen: Scenario, warm: bool
    ) -> None:
        self.target, self.eps, self.resolver, self.chosen = target, eps, resolver, chosen
        self.warm = warm
        self.solved: dict[float, SolveResult | None] = {}
        self.awards: list[tuple[float, float, np.ndarray]] = []  # bound, objective, x
        self.floor = -np.inf  # a proven lower bound on every point's solver objective

    def __call__(self, bound: float, share: int = 1) -> SolveResult | None:
        """The point at `bound`; `share`: the points still to solve under the budget."""
        if bound not in self.solved:
            result = self._solved(bound, share)
            self.solved[bound] = result
            raw = None if result is None else result.raw
            if raw is not None and raw.x is not None and result is not None and result.has_award:
                self.awards.append((bound, float(raw.objective or np.inf), raw.x))
        return self.solved[bound]

    def _solved(self, bound: float, share: int) -> SolveResult | None:
        """The point at `bound` (:func:`.frontier_floor.point`)."""
        best = self._best(bound)
        program = self.eps.at(bound)
        return floors.point(
            self.resolver, self.chosen, program, best, self.floor, warm=self.warm, share=share
        )

    def probe(self, bound: float) -> bool:
        """Whether an award has the metric within `bound`.

        Only that is asked (:meth:`Resolver.probe`: a MIP stops at its first award); the award
        is kept as a start for the points at looser bounds, at its own value where that is
        tighter than `bound`, and a proven optimum as the point itself.
        """
        if bound in self.solved:
            return _awarded(self.solved[bound])
        result = self.resolver.probe(self.chosen, self.eps.at(bound))
        if result is not None and result.status in PROVEN:
            self.solved[bound] = result
        if result is None or not result.has_award or result.raw is None or result.raw.x is None:
            return False
        value = measure(self.target.metric, self.chosen, result)
        up = self.target.direction is AT_LEAST
        tighter = value is not None and (value > bound if up else value < bound)
        at = value if tighter and value is not None else bound
        self.awards.append((at, float(result.raw.objective or np.inf), result.raw.x))
        return True

    def _start(self, bound: float) -> np.ndarray | None:
        """The cheapest award found at a bound at least as tight as `bound` (None: none)."""
        best = self._best(bound)
        return None if best is None else best[1]

    def _best(self, bound: float) -> tuple[float, np.ndarray] | None:
        """The cheapest award found at a bound at least as tight: (objective, award)."""
        if not self.warm:
            return None
        up = self.target.direction is AT_LEAST
        tighter = [a for a in self.awards if (a[0] >= bound if up else a[0] <= bound)]
        return min(((a[1], a[2]) for a in tighter), key=lambda a: a[0]) if tighter else None


def _points(
    target: Target, scenario: Scenario, found: list[tuple[float, SolveResult]]
) -> tuple[FrontierPoint, ...]:
    """The solved bounds as points, the knee marked."""
    values = [measure(target.metric, scenario, r) for _, r in found]
    knee = _knee([(v, r.document.objective) for v, (_, r) in zip(values, found, strict=True)])
    return tuple(
        FrontierPoint(
            bound=b,
            value=v,
            objective=r.document.objective,
            status=r.status,
            knee=k == knee,
            verified=r.document.verification is None or r.document.verification.ok,
            result=r,
            final=is_final(r),
        )
        for k, (v, (b, r)) in enumerate(zip(values, found, strict=True))
    )


def _best_bound(target: Target, m0: float, probe: Callable[[float], bool], points: int) -> float:
    """The best feasible bound between m0 and the metric's far end, by bisection.

    `probe(bound)`: whether an award has the metric within `bound`. Only whether an award
    exists moves the ends (never which award was found), so the bounds are
    the same whichever way the probes are solved (warm, cold, in parallel).
    """
    far = target.far
    if (far >= m0) != (target.direction is AT_LEAST) or far == m0:
        return m0
    if probe(far):
        return far
    ok, bad = 0.0, 1.0  # fractions of the way from m0 to far
    for _ in range(BISECTION_STEPS):
        if bad - ok <= 0.25 / points:
            break
        mid = _round(target, m0 + (ok + bad) / 2 * (far - m0))
        t = (mid - m0) / (far - m0)
        if t <= ok or t >= bad:
            break
        if probe(mid):
            ok = t
        else:
            bad = t
    return _round(target, m0 + ok * (far - m0))


def _awarded(result: SolveResult | None) -> bool:
    """Whether a solve found an award (a solve the time limit never ran has none)."""
    return result is not None and result.has_award


def _round(target: Target, value: float) -> float:
    return float(round(value)) if target.integer else float(value)


def _grid(target: Target, m0: float, best: float, points: int) -> list[float]:
    """`points` bounds from m0 to best (distinct integers for counts)."""
    raw = np.linspace(m0, best, points)
    if target.integer:
        raw = np.round(raw)
    out: list[float] = []
    for value in raw:
        if float(value) not in out:
            out.append(float(value))
    return out


def _knee(points: list[tuple[float | None, float | None]]) -> int | None:
    """Index of the point farthest from the chord between the end points (axes scaled)."""
    good = [(k, v, o) for k, (v, o) in enumerate(points) if v is not None and o is not None]
    if len(good) < 3:
        return None
    v = np.array([g[1] for g in good], dtype=float)
    o = np.array([g[2] for g in good], dtype=float)
    span_v, span_o = np.ptp(v), np.ptp(o)
    if span_v <= 0 or span_o <= 0:
        return None
    v, o = (v - v.min()) / span_v, (o - o.min()) / span_o
    dv, do = v[-1] - v[0], o[-1] - o[0]
    norm = float(np.hypot(dv, do))
    if norm == 0:
        return None
    dist = np.abs(dv * (o - o[0]) - do * (v - v[0])) / norm
    k = int(np.argmax(dist))
    return good[k][0] if dist[k] > 1e-9 else None
