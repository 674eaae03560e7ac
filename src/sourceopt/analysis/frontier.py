"""Trade-off frontier: cost against a metric by the epsilon-constraint method.

1. Solve without a bound: the cheapest award and its metric value m0 (one end).
2. Bisect between m0 and the metric's best conceivable value for the best *feasible* bound
   (the other end), a few solves.
3. Solve at N bounds evenly spaced between the two ends; each point is a verified award.
The knee is the point farthest from the chord between the two end points, both axes scaled
to [0, 1]. See models/README.md, "Trade-off frontier".
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from sourceopt.analysis.metrics import AT_LEAST, Target, measure, parse, prepare, resolve
from sourceopt.analysis.sense import refuse_score
from sourceopt.errors import AnalysisError
from sourceopt.formulation.build import build_program
from sourceopt.result import SolveResult
from sourceopt.scenario.model import Scenario
from sourceopt.scenario.variants import apply_variant
from sourceopt.solve import solve_options, solve_program
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

    def to_dict(self) -> dict[str, Any]:
        """The point's entry of the ``frontier`` JSON (docs/results.md)."""
        return {
            "bound": self.bound,
            "value": self.value,
            "objective": self.objective,
            "status": self.status.value,
            "knee": self.knee,
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
) -> Frontier:
    """The cost-versus-`against` frontier (metrics: :data:`~sourceopt.analysis.metrics.METRICS`).

    `direction` is ``at_most`` (a cap: max_share, hhi, average by default) or ``at_least`` (a
    floor: supplier_count, group_share by default). The program is built once; each point
    adds the metric's rows to it and is verified against the scenario.
    """
    if points < 2:
        raise AnalysisError(f"a frontier needs at least 2 points, got {points}")
    chosen = apply_variant(scenario, variant)
    refuse_score(chosen, "frontier", "it traces the total cost against a metric")
    target = resolve(chosen, parse(against), direction)
    options = solve_options(scenario, time_limit=time_limit, mip_gap=mip_gap)
    get_backend(backend or scenario.solver.backend)
    program = build_program(chosen)
    first = solve_program(chosen, program, options, backend)
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
    eps = prepare(target, program, chosen)
    solved: dict[float, SolveResult] = {m0: first}

    def solve_at(bound: float) -> SolveResult:
        if bound not in solved:
            solved[bound] = solve_program(chosen, eps.at(bound), options, backend)
        return solved[bound]

    best = _best_bound(target, m0, solve_at, points)
    bounds = _grid(target, m0, best, points)
    found = [(b, solve_at(b)) for b in bounds]
    out = _points(target, chosen, found)
    return Frontier(*head, first, out)


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
        )
        for k, (v, (b, r)) in enumerate(zip(values, found, strict=True))
    )


def _best_bound(
    target: Target, m0: float, solve_at: Callable[[float], SolveResult], points: int
) -> float:
    """The best feasible bound between m0 and the metric's far end, by bisection."""
    far = target.far
    if (far >= m0) != (target.direction is AT_LEAST) or far == m0:
        return m0
    if solve_at(far).has_award:
        return far
    ok, bad = 0.0, 1.0  # fractions of the way from m0 to far
    for _ in range(BISECTION_STEPS):
        if bad - ok <= 0.25 / points:
            break
        mid = _round(target, m0 + (ok + bad) / 2 * (far - m0))
        t = (mid - m0) / (far - m0)
        if t <= ok or t >= bad:
            break
        if solve_at(mid).has_award:
            ok = t
        else:
            bad = t
    return _round(target, m0 + ok * (far - m0))


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
