"""A minimal conflicting set of groups: the solver's IIS as a seed, a deletion filter to finish.

The deletion filter needs only a feasibility oracle, so it works with every backend: it keeps
a set of groups known to be infeasible together and tries to switch groups off, a chunk at a
time (halving the chunk when that breaks the conflict); a group survives only if switching it
off alone, from a superset of the final set, made the program feasible. Infeasibility is
monotone (fewer constraints never make a program infeasible), so the survivors are an
irreducible set: switching any one of them off makes the rest feasible.

When the backend declares an IIS (HiGHS), the IIS of the program's LP relaxation is mapped to
groups through the row labels (rule rows to their rule, demand rows to ``demand:<item>``,
capacity rows, offer column bounds, and the segment and award links of a supplier to
``capacity:<supplier>``); if those groups are infeasible on their own they seed the filter,
which then only confirms minimality.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

import numpy as np

from sourceopt.analysis.diagnose_common import Setup, budgeted, feasible
from sourceopt.analysis.groups import GroupedProgram
from sourceopt.formulation.lift import capacity_rows
from sourceopt.formulation.program import ColumnKind, Program
from sourceopt.solvers import highs_threads
from sourceopt.solvers.base import Status

if TYPE_CHECKING:
    from sourceopt.analysis.conflict_parallel import Prober, Trial
    from sourceopt.analysis.resolve import Progress


@dataclass(frozen=True)
class Conflict:
    """Groups that cannot hold together, and how that was established."""

    members: tuple[int, ...]  # group positions
    method: str  # "iis" (seeded by the solver's IIS) or "deletion filter"
    minimal: bool  # every survivor was proven necessary (no solve stopped undecided)
    solves: int  # feasibility solves used (those of the sequential run)
    probes: int = 0  # feasibility solves started (with a prober: speculation included)
    ahead: int = 0  # with a prober: the solves consumed that a guess had started ahead


@dataclass(frozen=True)
class Opening:
    """Where the deletion filter starts: a set of groups proven infeasible together.

    ``start`` is None when the oracle did not find the groups infeasible (it disagrees with
    the status solve, or could not tell in time). ``solves``: the feasibility solves taken.
    """

    start: list[int] | None
    method: str  # "iis" (the IIS's groups conflict on their own) or "deletion filter"
    solves: int
    undecided: bool


class _Oracle:
    """The filter's feasibility question, counting its solves and undecided answers.

    A proven answer is kept: the filter asks some sets twice (after a chunk's first half is
    dropped, the set without its second half is the one the whole chunk's trial asked), and
    the second time costs no solve. An undecided answer is never kept.
    """

    def __init__(self, setup: Setup, grouped: GroupedProgram, deadline: float | None) -> None:
        self.setup, self.grouped, self.deadline = setup, grouped, deadline
        self.solves = 0
        self.undecided = False
        self.proven: dict[tuple[int, ...], bool] = {}

    def __call__(self, enforced: list[int]) -> bool:
        """Whether the `enforced` groups are proven infeasible together."""
        key = tuple(enforced)
        if key in self.proven:
            return self.proven[key]
        status = probe(self.setup, self.grouped, enforced, self.deadline)
        if status is None:  # undecided: the group stays
            self.undecided = True
            return False
        self.solves += 1
        if status not in (Status.INFEASIBLE, Status.OPTIMAL, Status.FEASIBLE):
            self.undecided = True
            return False
        self.proven[key] = status is Status.INFEASIBLE
        return self.proven[key]


def opening(setup: Setup, grouped: GroupedProgram, deadline: float | None = None) -> Opening:
    """The filter's start: the IIS's groups if they conflict on their own, else all, checked.

    Its answer is the scenario's status too: every group holding is the program itself (the
    lifted copies are free), so a start proves the program infeasible.
    """
    infeasible = _Oracle(setup, grouped, deadline)
    everything = list(range(len(grouped.groups)))
    given = budgeted(setup, deadline)
    seed = None if given is None else iis_seed(given, grouped)
    if seed is not None and len(seed) < len(everything) and infeasible(seed):
        return Opening(seed, "iis", infeasible.solves, infeasible.undecided)
    start = everything if infeasible(everything) else None
    return Opening(start, "deletion filter", infeasible.solves, infeasible.undecided)


def find_conflict(
    setup: Setup,
    grouped: GroupedProgram,
    deadline: float | None = None,
    prober: Prober | None = None,
    progress: Progress | None = None,
    opened: Opening | None = None,
) -> Conflict:
    """A minimal set of groups that is infeasible with the structure alone.

    `deadline` (``time.monotonic()``) caps the search: each solve gets what is left, and once
    nothing is, every group not yet dropped is kept (the set still conflicts; ``minimal`` is
    False); with nothing proven at all the conflict is empty (and not minimal). With a
    `prober` the deletion filter answers its trials ahead of need on it as well
    (:mod:`sourceopt.analysis.conflict_parallel`): the same conflict, sooner. `progress`
    counts the groups the filter starts from in its total, and each group as it is settled.
    `opened`: the :func:`opening` when the caller has it already (else it is asked here).
    """
    if opened is None:
        opened = opening(setup, grouped, deadline)
    start, method = opened.start, opened.method
    if start is None:  # the solver said infeasible: the oracle disagrees or could not tell
        return Conflict((), method, False, opened.solves, opened.solves)
    infeasible = _Oracle(setup, grouped, deadline)
    decided = None
    if progress is not None:
        progress.total += len(start)
        decided = progress.done
    if prober is None:
        members = deletion_filter(start, infeasible, decided)
        minimal = not (opened.undecided or infeasible.undecided)
        solves = opened.solves + infeasible.solves
        return Conflict(tuple(members), method, minimal, solves, solves)
    from sourceopt.analysis.conflict_parallel import Answer, answer_of, speculative_filter

    def answer(trial: Trial) -> Answer:
        status = probe(setup, grouped, list(trial), deadline)
        return Answer.SKIPPED if status is None else answer_of(status)

    def may_start() -> bool:
        return budgeted(setup, deadline) is not None

    out = speculative_filter(start, answer, prober, may_start, decided)
    minimal = not (opened.undecided or out.undecided)
    total = opened.solves + out.solves
    return Conflict(
        tuple(out.members), method, minimal, total, opened.solves + out.probes, out.ahead
    )


def probe(
    setup: Setup, grouped: GroupedProgram, enforced: list[int], deadline: float | None
) -> Status | None:
    """The feasibility status with only the `enforced` groups holding (None: budget spent).

    The one question of the conflict search, in this process or on a worker
    (:mod:`sourceopt.analysis.explain_probes`); the solve gets what is left of the budget.
    """
    given = budgeted(setup, deadline)
    return None if given is None else feasible(given, grouped.with_only(enforced))


def deletion_filter(
    start: list[int],
    infeasible: Callable[[list[int]], bool],
    decided: Callable[[int], None] | None = None,
) -> list[int]:
    """Shrink an infeasible set to an irreducible one (chunks first, then one at a time).

    `decided(n)` is told each time n more groups are settled (dropped, or kept for good).
    """
    keep = list(start)
    i = 0
    size = max(1, len(keep) // 2)
    while i < len(keep):
        size = min(size, len(keep) - i)
        trial = keep[:i] + keep[i + size :]
        if infeasible(trial):
            keep = trial
            settled = size
        elif size > 1:
            size //= 2
            settled = 0
        else:
            i += 1
            size = max(1, (len(keep) - i) // 2)
            settled = 1
        if decided is not None and settled:
            decided(settled)
    return keep


def iis_seed(setup: Setup, grouped: GroupedProgram) -> list[int] | None:
    """Groups named by the backend's IIS of the LP relaxation (None if there is none)."""
    engine = setup.engine
    if not engine.capabilities.iis or not hasattr(engine, "pass_program"):
        return None
    relaxed = _lp_relaxation(grouped.with_off([]))
    try:
        rows, cols = _highs_iis(engine, relaxed, setup)
    except Exception:  # an IIS is an accelerator only: the filter works without it
        return None
    if rows is None:
        return None
    return _to_groups(grouped, rows, cols)


def _lp_relaxation(program: Program) -> Program:
    n = program.n_cols
    return replace(
        program,
        c=np.zeros(n),
        tie_break=np.zeros(n),
        offset=0.0,
        integrality=np.zeros(n, dtype=bool),
    )


def _highs_iis(engine: Any, program: Program, setup: Setup) -> tuple[Any, Any]:
    """Rows and upper-bounded columns of HiGHS's irreducible infeasible subsystem."""
    import highspy

    h = highspy.Highs()  # type: ignore[no-untyped-call]
    h.setOptionValue("output_flag", False)
    h.setOptionValue("threads", int(setup.options.threads))
    if setup.options.time_limit is not None:
        h.setOptionValue("time_limit", float(setup.options.time_limit))
    engine.pass_program(h, program)
    highs_threads.run(h)
    if h.getModelStatus().name != "kInfeasible":
        return None, None
    h.setOptionValue("iis_strategy", int(highspy.IisStrategy.kIisStrategyIrreducible))
    highs_threads.size_for(h)
    status, iis = h.getIis()
    if status.name == "kError" or not iis.valid_:
        return None, None
    upper = (
        int(highspy.IisBoundStatus.kIisBoundStatusUpper),
        int(highspy.IisBoundStatus.kIisBoundStatusBoxed),
    )
    cols = [c for c, b in zip(iis.col_index_, iis.col_bound_, strict=True) if int(b) in upper]
    return np.asarray(iis.row_index_, dtype=np.int64), np.asarray(cols, dtype=np.int64)


def _to_groups(grouped: GroupedProgram, rows: np.ndarray, cols: np.ndarray) -> list[int]:
    """Map IIS rows and column bounds to groups through the labels."""
    program = grouped.program
    owner = np.full(program.n_rows, -1)
    by_supplier: dict[int, int] = {}
    for k, g in enumerate(grouped.groups):
        owner[g.rows] = k
        if g.kind == "capacity":
            by_supplier[g.code] = k
    held_capacity = capacity_rows(program)
    row_sup = program.rows["supplier"].to_numpy()
    found = {int(owner[r]) for r in rows if owner[r] >= 0}
    found |= {
        by_supplier[int(row_sup[r])]
        for r in rows
        if held_capacity[r] and int(row_sup[r]) in by_supplier
    }
    kind = program.columns["kind"].to_numpy()
    col_sup = program.columns["supplier"].to_numpy()
    # an offer's bound, or an award indicator fixed at 0 because it can see no units
    held = (kind == ColumnKind.OFFER_UNITS) | (
        (kind == ColumnKind.AWARDED) & (program.col_hi < 1.0)
    )
    found |= {
        by_supplier[int(col_sup[c])] for c in cols if held[c] and int(col_sup[c]) in by_supplier
    }
    return sorted(found)
