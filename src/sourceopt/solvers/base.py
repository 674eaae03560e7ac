"""What every solver backend is: a Protocol, its declared capabilities, options and result.

Backends know only the :class:`~sourceopt.formulation.program.Program` type, never business
terms. Each maps every native status to one :class:`Status`; ``optimal`` is reported only
when the solver proved optimality within the requested gap.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol, runtime_checkable

import numpy as np

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


@dataclass(frozen=True)
class SolveOptions:
    """Options every backend honours (where its capabilities allow)."""

    time_limit: float | None = None
    mip_gap: float = 1e-6
    seed: int = 0
    threads: int = 1
    verbose: bool = False


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


def relative_gap(objective: float, bound: float) -> float:
    """The relative gap |objective - bound| / max(1, |objective|), as the result reports it."""
    return abs(objective - bound) / max(1.0, abs(objective))
