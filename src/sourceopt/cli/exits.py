"""The exit codes of every command, and the one map from a result's status to its code.

The table is README.md's ("Exit codes"); ``tests/test_cli.py`` checks that it stays true.
"""

from __future__ import annotations

from enum import IntEnum

from sourceopt.result import SolveResult
from sourceopt.solvers.base import Status


class Exit(IntEnum):
    """Every exit code a command ends with."""

    OK = 0  # solved (optimal or feasible), or every file valid
    INTERNAL = 1  # a bug
    USAGE = 2  # a bad option, or a name (variant, rule, supplier...) that does not exist
    INVALID = 3  # the scenario, a table or a model file
    INFEASIBLE = 4  # no award satisfies the hard rules
    NO_AWARD = 5  # a limit was hit before any feasible award, or unbounded
    BACKEND = 6  # the solver backend is unavailable or failed
    UNVERIFIED = 7  # an award failed independent verification
    BATCH_FAILURES = 8  # a batch finished with failed jobs
    GOLDEN_DRIFT = 9  # a batch's awards drifted from the stored ones
    INTERRUPTED = 130  # Ctrl-C


# the codes as plain ints, for sys.exit
EXIT_OK, EXIT_INTERNAL, EXIT_USAGE, EXIT_INVALID = 0, 1, 2, 3
EXIT_INFEASIBLE, EXIT_NO_AWARD, EXIT_BACKEND, EXIT_UNVERIFIED = 4, 5, 6, 7
EXIT_BATCH_FAILURES, EXIT_GOLDEN_DRIFT, EXIT_INTERRUPTED = 8, 9, 130

STATUS_EXIT: dict[Status, Exit] = {
    Status.OPTIMAL: Exit.OK,
    Status.FEASIBLE: Exit.OK,
    Status.INFEASIBLE: Exit.INFEASIBLE,
    Status.UNBOUNDED: Exit.NO_AWARD,
    Status.NO_SOLUTION: Exit.NO_AWARD,
    Status.ERROR: Exit.BACKEND,
}
"""The one status -> exit code map (every command that reports a status uses it)."""


def status_exit(status: Status, verified: bool = True) -> int:
    """The exit code of a status; an award that failed verification is 7, not 0."""
    code = STATUS_EXIT[status]
    return int(Exit.UNVERIFIED if code is Exit.OK and not verified else code)


def exit_code(result: SolveResult) -> int:
    """The documented exit code of one result (only an award has a verification to fail)."""
    code = STATUS_EXIT[result.status]
    return status_exit(result.status, code is not Exit.OK or result.verification.ok)


def worst(codes: list[int], verified: bool = True) -> int:
    """The highest of `codes` (several results); 7 instead of 0 when not all `verified`."""
    code = max(codes, default=int(Exit.OK))
    return int(Exit.UNVERIFIED) if code == Exit.OK and not verified else code
