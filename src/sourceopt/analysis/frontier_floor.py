"""What one frontier point tells another: a proven lower bound, and starts (models/README.md).

Every point of a frontier is the same program (the same columns and objective) with more
rows, so:

- **the floor**: the base's proven bound (the solve without a metric bound) is a lower bound
  on every point's optimum (a point's feasible awards are a subset of the base's), and so is
  a looser point's proven bound for every tighter point;
- **an award of a tighter point** is feasible at every looser point; where its objective is
  within the gap of the floor it is optimal there without a solve (:func:`known`);
- a point's solve stops at its first award within the gap of the floor (HiGHS
  ``objective_target``, :func:`target`), which is then optimal (:func:`promoted`);
- **the base award repaired**: its integer columns held, the continuous ones re-solved by an
  LP under the point's rows (:func:`repaired`); where that LP is feasible its award is a
  start for the point (near the cheapest award the base's open suppliers usually stay open).

A figure found this way is the same as the solver's within the requested gap: its status is
``optimal`` only where the award's objective is within the solver's gap of a proven bound.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from sourceopt.analysis.resolve import Resolver
from sourceopt.formulation.program import Program
from sourceopt.result import SolveResult
from sourceopt.scenario.model import Scenario
from sourceopt.solve import verified
from sourceopt.solvers.base import Backend, RawResult, SolveOptions, Status, relative_gap

LEVERS = ("floor", "repair")  # what the frontier uses (fewer: for side-by-side comparisons)
SHORT = 0.999  # of the solver's gap: a margin against rounding in the objective's sum
REPAIR_MAX_COLS = 250_000  # the repair LP: 0.01 s at 5,000 columns; larger not measured


def floor_of(result: SolveResult | None) -> float:
    """A proven lower bound on the solver objective of `result`'s program (-inf: none)."""
    raw = None if result is None else result.raw
    if raw is None or raw.bound is None or raw.x is None:
        return -np.inf
    if raw.status not in (Status.OPTIMAL, Status.FEASIBLE) or not np.isfinite(raw.bound):
        return -np.inf
    return float(raw.bound)


def target(floor: float, gap: float) -> float | None:
    """An objective at or below which an award is within `gap` of `floor` (None: none).

    With ``floor > 1``, an objective ``v <= floor (1 + 0.999 gap)`` has
    ``(v - floor) / max(1, v) <= 0.999 gap floor / v < gap`` (:func:`.base.relative_gap`).
    """
    if "floor" not in LEVERS or not np.isfinite(floor) or floor <= 1.0 or gap <= 0:
        return None
    return floor + SHORT * gap * floor


def promoted(raw: RawResult, floor: float, gap: float) -> RawResult:
    """`raw` as optimal where its award is within `gap` of `floor` (else unchanged)."""
    goal = target(floor, gap)
    if goal is None or raw.x is None or raw.objective is None or raw.status is not Status.FEASIBLE:
        return raw
    if raw.objective > goal:
        return raw
    bound = max(floor, raw.bound if raw.bound is not None else -np.inf)
    return replace(
        raw,
        status=Status.OPTIMAL,
        bound=bound,
        gap=relative_gap(raw.objective, bound),
        limit=None,
        message="Optimal (within the gap of a looser point's proven bound)",
    )


def known(
    engine: Backend,
    program: Program,
    award: tuple[float, np.ndarray] | None,
    floor: float,
    gap: float,
) -> RawResult | None:
    """An award of a tighter point as this point's optimum, where it is within `gap` of `floor`.

    None where it is not (the point is solved). `award`: (solver objective, award) of a
    tighter point (feasible at this one), or None.
    """
    goal = target(floor, gap)
    if award is None or goal is None or not program.is_mip or award[0] > goal:
        return None
    objective, x = award
    return RawResult(
        Status.OPTIMAL,
        engine.name,
        getattr(engine, "version", ""),
        0.0,
        x=x,
        objective=objective,
        bound=floor,
        gap=relative_gap(objective, floor),
        message="Optimal (a tighter point's award, within the gap of a looser point's bound)",
    )


def repaired(
    engine: Backend, program: Program, base: np.ndarray | None, options: SolveOptions
) -> tuple[float, np.ndarray] | None:
    """The base award's integer columns held, the others an LP's optimum under `program`'s rows.

    Returns (solver objective, award), or None where that LP has no solution (the base's
    integer choices cannot meet the point's bound) or there is nothing to repair.
    """
    if "repair" not in LEVERS or base is None or not program.is_mip:
        return None
    if program.n_cols > REPAIR_MAX_COLS:  # an LP per point at event scale: not measured
        return None
    integer = program.integrality > 0
    held = np.zeros(program.n_cols)
    held[: len(base)] = base
    lo, hi = program.col_lo.copy(), program.col_hi.copy()
    lo[integer] = hi[integer] = np.round(held[integer])
    lp = replace(program, col_lo=lo, col_hi=hi, integrality=np.zeros_like(program.integrality))
    limit = options.time_limit
    quick = replace(options, time_limit=60.0 if limit is None else min(limit, 60.0))
    raw = engine.solve(lp, quick)
    if raw.status is not Status.OPTIMAL or raw.x is None or raw.objective is None:
        return None
    x = raw.x.copy()
    x[integer] = np.round(x[integer])
    return float(program.solver_objective() @ x + program.offset), x


def point(
    resolver: Resolver,
    scenario: Scenario,
    program: Program,
    best: tuple[float, np.ndarray] | None,
    floor: float,
    *,
    warm: bool = True,
    share: int = 1,
) -> SolveResult | None:
    """One frontier point, verified, from what the other points tell (module text).

    `best` (a tighter award) where it is known optimal, else the point solved from the cheaper
    of `best` and the base award repaired, stopping at an award within the gap of `floor`.
    None: the analysis' budget is spent. ``warm=False`` (each point cold) uses none of it.
    `share`: the points still to solve under the budget, this one included
    (:meth:`.Resolver.solve`).
    """
    r = resolver
    gap = program.solver_gap(r.options.mip_gap)
    if warm and (raw := known(r.engine, program, best, floor, gap)) is not None:
        return verified(r.engine, scenario, program, raw, r.options)
    fix = repaired(r.engine, program, r.base_x, r.options) if warm else None
    if fix is not None and (best is None or fix[0] < best[0]):
        best = fix
    goal = target(floor, gap) if warm else None
    result = r.solve(scenario, program, None if best is None else best[1], goal, share=share)
    if result is None or result.raw is None:
        return result
    raw = promoted(result.raw, floor, gap)
    if raw is result.raw:
        return result
    return verified(r.engine, scenario, program, raw, r.options)
