"""What every solver backend is: a Protocol, its declared capabilities, options and result.

Backends know only the :class:`~sourceopt.formulation.program.Program` type, never business
terms. Each maps every native status to one :class:`Status`; ``optimal`` is reported only
when the solver proved optimality within the requested gap.
"""

from __future__ import annotations

import enum
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Protocol, runtime_checkable

import numpy as np

from sourceopt.errors import BackendError

if TYPE_CHECKING:
    from sourceopt.formulation.program import Program


class Status(enum.StrEnum):
    """Why a solve stopped, honestly."""

    OPTIMAL = "optimal"  # proven optimal within the requested relative gap
    FEASIBLE = "feasible"  # an award exists, a limit stopped the proof (see gap and bound)
    INFEASIBLE = "infeasible"  # proven that no award satisfies the hard rules
    UNBOUNDED = "unbounded"  # the objective can decrease without limit
    NO_SOLUTION = "no_solution"  # a limit was hit before any feasible award was found
    ERROR = "error"  # the solver failed; see the message


class Limit(enum.StrEnum):
    """What stopped a run short of a proof (the result's ``solver.limit``; values are its JSON)."""

    TIME_LIMIT = "time_limit"
    ITERATION_LIMIT = "iteration_limit"
    NODE_LIMIT = "node_limit"
    SOLUTION_LIMIT = "solution_limit"
    MEMORY_LIMIT = "memory_limit"
    OBJECTIVE_BOUND = "objective_bound"  # HiGHS: the objective bound was reached
    OBJECTIVE_TARGET = "objective_target"  # HiGHS: the objective target was reached
    OBJECTIVE_LIMIT = "objective_limit"  # MathOpt's OBJECTIVE limit
    CUTOFF_LIMIT = "cutoff_limit"
    NORM_LIMIT = "norm_limit"
    INTERRUPTED = "interrupted"
    SLOW_PROGRESS = "slow_progress"
    OTHER_LIMIT = "other_limit"
    UNDETERMINED_LIMIT = "undetermined_limit"  # a limit the solver did not name
    LIMIT = "limit"  # CBC stopped on a limit its log does not name
    GAP_NOT_PROVEN = "gap_not_proven"  # said optimal, but its own bound is not within the gap
    GAP = "gap"  # said optimal, but the verified objective is not within the gap of the bound
    INTEGER_GRID = "integer_grid"  # CP-SAT: continuous columns solved on an integer grid
    ARTIFICIAL_BOUNDS = "artificial_bounds"  # CP-SAT: infinite bounds were made finite
    DEFAULT_TIME_LIMIT = "default_time_limit"  # CP-SAT: its default budget (no time limit given)


@dataclass(frozen=True)
class Capabilities:
    """What a backend can do, declared as data."""

    mip: bool = True
    duals: bool = False
    iis: bool = False
    continuous: bool = True  # False: solves continuous columns on an integer grid only
    time_limit: bool = True
    deterministic: bool = True
    stoppable: bool = False  # another thread can interrupt its solves (.stop.Stop)


@dataclass(frozen=True)
class SolveOptions:
    """Options every backend honours (where its capabilities allow)."""

    time_limit: float | None = None
    mip_gap: float = 1e-6
    seed: int = 0
    threads: int = 1
    verbose: bool = False

    def within(self, deadline: float | None) -> SolveOptions | None:
        """These options with the time limit cut to what is left until `deadline`.

        `deadline` is a ``time.monotonic()`` (None: no budget, the options as they are);
        None when nothing is left.
        """
        if deadline is None:
            return self
        left = deadline - time.monotonic()
        if left <= 0:
            return None
        return replace(
            self, time_limit=left if self.time_limit is None else min(self.time_limit, left)
        )


@dataclass(frozen=True)
class RawResult:
    """What a backend returns: status, values and the solver's own figures."""

    status: Status
    backend: str
    version: str
    time_s: float
    x: np.ndarray | None = None  # column values (None when there is no feasible point)
    objective: float | None = None  # solver's objective incl. tie-break and offset
    bound: float | None = None  # best proven lower bound of that objective
    gap: float | None = None  # relative gap between objective and bound
    duals: np.ndarray | None = None  # row duals (LP only, when the backend has them)
    message: str = ""
    limit: Limit | None = None  # what stopped the run short of a proof, if anything
    extra: dict[str, object] = field(default_factory=dict)


@runtime_checkable
class Backend(Protocol):
    """A solver adapter: solve one Program and report honestly."""

    name: str
    capabilities: Capabilities

    def solve(self, program: Program, options: SolveOptions) -> RawResult:
        """Solve the program; never raise for infeasible or limited runs (report a Status)."""
        ...


START = "start"
"""The :attr:`RawResult.extra` key: what the solver did with a MIP start (a :class:`StartUse`)."""


class StartUse(enum.StrEnum):
    """What a solver did with the MIP start it was handed (``RawResult.extra["start"]``)."""

    USED = "used"  # its log says it took the start as an incumbent
    NOT_USED = "not_used"  # its log does not say (SCIP drops an infeasible hint silently)
    REJECTED = "rejected"  # its log says it could not use the start


@runtime_checkable
class StartCapable(Protocol):
    """A backend that takes a MIP start: one value per column, handed to its solver.

    The analyses' re-solves (:class:`sourceopt.analysis.resolve.Resolver`) hand it the base
    award, or the best award of a tighter frontier point, where that stays feasible.
    """

    def solve_from(self, program: Program, options: SolveOptions, start: np.ndarray) -> RawResult:
        """Solve the program from `start`, to the answer :meth:`Backend.solve` gives.

        The start may change the speed only: one the solver rejects, or one infeasible for
        the program, still gives the program's own answer (the adapter solves again without
        it where its solver could be misled, see :func:`solve_again`). A program without
        integer columns ignores the start. ``extra["start"]`` says what became of it.
        """
        ...


def start_values(program: Program, start: np.ndarray) -> np.ndarray:
    """`start` as a solver takes it: integer columns rounded, every value within its bounds.

    A non-finite value becomes 0 (then moved within the bounds). A start of the wrong length
    is a :class:`~sourceopt.errors.BackendError`.
    """
    values = np.asarray(start, dtype=np.float64)
    if values.shape != (program.n_cols,):
        raise BackendError(
            f"a MIP start needs one value per column of the program ({program.n_cols}), "
            f"got shape {values.shape}; pass the award vector of a program with the same columns"
        )
    values = np.where(np.isfinite(values), values, 0.0)
    values = np.where(program.integrality, np.round(values), values)
    return np.asarray(np.clip(values, program.col_lo, program.col_hi), dtype=np.float64)


def contradicted(raw: RawResult) -> bool:
    """Whether a run that took its start as an incumbent still ended without an award.

    A used start is a feasible point, so "infeasible", "no solution" or an error after it is
    the solver's fault (CBC: coin-or/Cbc#282); the program is then solved again without it.
    """
    used = raw.extra.get(START) == StartUse.USED
    return used and raw.status in (Status.INFEASIBLE, Status.NO_SOLUTION, Status.ERROR)


def solve_again(
    raw: RawResult, options: SolveOptions, cold: Callable[[SolveOptions], RawResult]
) -> RawResult:
    """The program solved by `cold`, within what `raw`'s run left of the time limit.

    ``time_s`` counts both runs; ``extra["start"]`` keeps what became of the start, with
    ``extra["start_fallback"] = True`` saying the answer is the cold run's.
    """
    limit = options.time_limit
    if limit is not None:
        options = replace(options, time_limit=max(limit - raw.time_s, 1e-3))
    again = cold(options)
    extra = {**again.extra, START: raw.extra.get(START), "start_fallback": True}
    return replace(again, time_s=raw.time_s + again.time_s, extra=extra)


def solved_from(
    program: Program,
    options: SolveOptions,
    start: np.ndarray,
    run: Callable[[Program, SolveOptions, np.ndarray | None], RawResult],
    *,
    again_if_rejected: bool = False,
) -> RawResult:
    """The shape every :meth:`StartCapable.solve_from` shares, around one solver run `run`.

    ``run(program, options, start)`` runs the solver from a cleaned start (None: cold). An LP
    or an empty program is solved cold; a MIP from :func:`start_values`, and again cold where
    the run :func:`contradicted` the start or (`again_if_rejected`: CBC, which has answered
    wrongly after a rejected start) the solver rejected it.
    """
    if not program.is_mip or program.n_cols == 0:
        return run(program, options, None)
    raw = run(program, options, start_values(program, start))
    rejected = again_if_rejected and raw.extra.get(START) == StartUse.REJECTED
    if rejected or contradicted(raw):
        return solve_again(raw, options, lambda again: run(program, again, None))
    return raw


SOLVER_ABS_GAP = 1e-9  # the absolute gap every backend is given besides the relative mip_gap
FLOAT_NOISE = 1e-10  # relative: the verifier's recomputation of an objective vs the solver's


def relative_gap(objective: float, bound: float) -> float:
    """The relative gap |objective - bound| / max(1, |objective|), as the result reports it."""
    return abs(objective - bound) / max(1.0, abs(objective))


def within_gap(objective: float, bound: float, mip_gap: float) -> bool:
    """Whether `bound` proves `objective` optimal: the relative gap within `mip_gap`.

    Or within ``FLOAT_NOISE`` (a `mip_gap` below it is taken as it), or the two within
    ``SOLVER_ABS_GAP`` of each other, the absolute gap every backend is given besides
    `mip_gap`: at ``mip_gap: 0`` a bound one rounding (or CBC's 1e-9) below the award, or
    below the verifier's recomputation of it, proves it as much as an equal one.
    """
    tol = 1 + 1e-9
    relative = relative_gap(objective, bound) <= max(mip_gap, FLOAT_NOISE) * tol
    return relative or abs(objective - bound) <= SOLVER_ABS_GAP * tol


def proven_status(status: Status, objective: float, bound: float, mip_gap: float) -> Status:
    """An award's status judged by its gap to a valid bound, not by the solver's word.

    OPTIMAL exactly when the bound proves the objective within `mip_gap` (:func:`within_gap`):
    a run the solver called optimal outside it is FEASIBLE, and one a limit stopped within it
    is OPTIMAL. Other statuses stand.
    """
    if status not in (Status.OPTIMAL, Status.FEASIBLE):
        return status
    return Status.OPTIMAL if within_gap(objective, bound, mip_gap) else Status.FEASIBLE
