"""Why a scenario has no feasible award, and the cheapest way to get one.

:func:`explain` solves the chosen variant; when it is infeasible it names a minimal set of
conflicting rules and data in business words (:mod:`sourceopt.analysis.conflict`, messages in
:mod:`sourceopt.analysis.conflict_messages`) and proposes the cheapest relaxation, honouring
rule priorities (:mod:`sourceopt.analysis.relaxation`). See models/README.md, "Analyses".
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pandas as pd

from sourceopt.analysis.conflict import Conflict, find_conflict
from sourceopt.analysis.conflict_messages import describe
from sourceopt.analysis.diagnose_common import Setup, prepare, run
from sourceopt.analysis.groups import GroupedProgram, conflict_groups
from sourceopt.analysis.relaxation import Relaxation, cheapest_relaxation
from sourceopt.scenario.model import Scenario
from sourceopt.solvers.base import Status

_ORDER = {"rule": 0, "capacity": 1, "demand": 2}  # rules first: they are what can be changed


@dataclass(frozen=True)
class ConflictMember:
    """One member of a minimal conflict: a rule name, ``capacity:<id>`` or ``demand:<id>``."""

    rule: str
    message: str


@dataclass(frozen=True)
class Explanation:
    """The status of a scenario and, if infeasible, its conflict and cheapest relaxation.

    ``method`` says how the conflict was found (``iis``: seeded by the solver's IIS, then
    confirmed by the deletion filter; ``deletion filter``); ``minimal`` is False only if some
    feasibility solve stopped undecided (then the set conflicts but may not be irreducible).
    """

    scenario: str
    variant: str
    status: Status
    conflict: tuple[ConflictMember, ...] = ()
    relaxation: Relaxation | None = None
    method: str = ""
    minimal: bool = True
    solves: int = 0

    @property
    def conflict_frame(self) -> pd.DataFrame:
        """One row per conflict member: rule, message."""
        return pd.DataFrame([m.__dict__ for m in self.conflict], columns=["rule", "message"])

    @property
    def violations(self) -> pd.DataFrame:
        """One row per violation of the cheapest relaxation: rule, amount, penalty."""
        if self.relaxation is None:
            return pd.DataFrame(columns=["rule", "amount", "penalty"])
        return self.relaxation.frame

    @property
    def verified(self) -> bool:
        """Whether the relaxed award (if any) passed the independent verifier."""
        rel = self.relaxation
        if rel is None or rel.result.document.verification is None:
            return True
        return rel.result.document.verification.ok

    def to_dict(self) -> dict[str, Any]:
        """``{scenario, status, conflict: [{rule, message}], relaxation}`` (SCENARIO-FORMAT)."""
        return {
            "scenario": self.scenario,
            "status": self.status.value,
            "conflict": [m.__dict__ for m in self.conflict],
            "relaxation": None if self.relaxation is None else self.relaxation.to_dict(),
        }


def explain(
    scenario: Scenario,
    *,
    variant: str = "base",
    backend: str | None = None,
    time_limit: float | None = None,
    mip_gap: float | None = None,
    relax: bool = True,
) -> Explanation:
    """Solve a variant; if it is infeasible, name a minimal conflict and the cheapest way out.

    With ``relax=False`` only the conflict is computed (what ``sourceopt solve`` shows under
    an infeasible summary).
    """
    setup = prepare(
        scenario, variant=variant, backend=backend, time_limit=time_limit, mip_gap=mip_gap
    )
    chosen = setup.scenario
    status = run(setup, chosen, setup.program).raw.status
    head = Explanation(chosen.name, chosen.variant, status)
    if status is not Status.INFEASIBLE:
        return head
    grouped = conflict_groups(chosen, setup.program)
    members, conflict = minimal_conflict(setup, grouped)
    relaxation = cheapest_relaxation(setup, grouped) if relax else None
    return Explanation(
        chosen.name,
        chosen.variant,
        status,
        members,
        relaxation,
        conflict.method,
        conflict.minimal,
        conflict.solves,
    )


def minimal_conflict(
    setup: Setup, grouped: GroupedProgram | None = None
) -> tuple[tuple[ConflictMember, ...], Conflict]:
    """A minimal conflict of an infeasible set-up, in business words (rules first).

    What :func:`explain` names and what :func:`sourceopt.solve.solve` puts in an infeasible
    result's ``conflict``.
    """
    chosen = setup.scenario
    grouped = grouped or conflict_groups(chosen, setup.program)
    conflict = find_conflict(setup, grouped)
    members = tuple(
        ConflictMember(grouped.groups[k].name, describe(grouped.groups[k], chosen))
        for k in sorted(conflict.members, key=lambda k: _ORDER[grouped.groups[k].kind])
    )
    return members, conflict
