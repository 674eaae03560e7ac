"""A score program solved lexicographically: best score first, then the lowest total cost.

Stage 1 minimises the program's ``c`` (minus the score, plus soft-rule penalties in points;
no tie-break). Stage 2 adds the row ``score - penalties >= best`` (less
:data:`~sourceopt.scenario.score.SCORE_TIE_TOLERANCE` x max(1, |best|), 0: a vertex of the
cost stage never trades score for money) and minimises the total cost with the usual supplier
tie-break. The result carries stage 2's award and stage 1's
bound, so the score's gap is proven by stage 1 (see models/README.md, "Score objective").
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from sourceopt.formulation.edits import with_row
from sourceopt.formulation.program import Program, RowFamily
from sourceopt.scenario.score import SCORE_TIE_TOLERANCE
from sourceopt.solvers.base import Backend, RawResult, SolveOptions, Status


def cost_stage(program: Program, best: float) -> Program:
    """Stage 2 of a score program: keep the score within the tie tolerance, minimise cost."""
    assert program.total_cost is not None  # only called on score programs
    tolerance = SCORE_TIE_TOLERANCE * max(1.0, abs(best))
    costed = replace(program, c=program.total_cost, total_cost=None)
    return with_row(costed, -program.c, lo=best - tolerance, family=RowFamily.SCORE_FLOOR)


def solve_lexicographic(engine: Backend, program: Program, options: SolveOptions) -> RawResult:
    """Solve a score program in two stages (see the module); never raises for a failed stage.

    If stage 2 finds nothing (a limit, or a grid backend's rounding), stage 1's award stands
    and the message says that ties in score were not broken by cost.
    """
    first = engine.solve(replace(program, tie_break=np.zeros(program.n_cols)), options)
    if first.x is None:
        return first
    best = -program.objective_value(first.x)
    left = options
    if options.time_limit is not None:
        left = replace(options, time_limit=max(options.time_limit - first.time_s, 1e-3))
    second = engine.solve(cost_stage(program, best), left)
    time_s = first.time_s + second.time_s
    if second.x is None:
        note = "the tie in score was not broken by cost (the cost stage found no award)"
        message = "; ".join(m for m in (first.message, note) if m)
        return replace(first, time_s=time_s, message=message, duals=None)
    x = second.x[: program.n_cols]
    status = first.status if second.status is not Status.INFEASIBLE else Status.FEASIBLE
    return replace(
        second,
        status=status,
        time_s=time_s,
        x=x,
        objective=program.objective_value(x),
        bound=first.bound,
        gap=first.gap,
        duals=None,
        limit=first.limit or second.limit,
        message="; ".join(dict.fromkeys(m for m in (first.message, second.message) if m)),
    )
