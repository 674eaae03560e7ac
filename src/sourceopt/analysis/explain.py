"""Why a scenario has no feasible award, and the cheapest way to get one.

:func:`explain` solves the chosen variant; when it is infeasible it names a minimal set of
conflicting rules and data in business words (:mod:`sourceopt.analysis.conflict`, messages in
:mod:`sourceopt.analysis.conflict_messages`) and proposes the cheapest relaxation, honouring
rule priorities (:mod:`sourceopt.analysis.relaxation`). See models/README.md, "Analyses".
"""

from __future__ import annotations

import time
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import pandas as pd

from sourceopt.analysis.conflict import Conflict, Opening, find_conflict, opening
from sourceopt.analysis.conflict_messages import describe
from sourceopt.analysis.diagnose_common import Setup, budgeted, prepare, run
from sourceopt.analysis.groups import GroupedProgram, conflict_groups
from sourceopt.analysis.relaxation import Relaxation, RelaxationStoppedError, cheapest_relaxation
from sourceopt.analysis.resolve import PROVEN, Progress
from sourceopt.analysis.sense import is_score
from sourceopt.formulation.build import build_program
from sourceopt.formulation.family import Bound, RuleFamily, families, family_of
from sourceopt.scenario.model import Scenario
from sourceopt.scenario.schema import Objective
from sourceopt.solvers.base import Status
from sourceopt.solvers.stop import Stop

if TYPE_CHECKING:
    from sourceopt.analysis.conflict_parallel import Prober

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
    ``final`` is False when a limit stopped anything short of its proof: the status solve, the
    conflict (not minimal) or the relaxation (not found, or not proven the cheapest).
    """

    scenario: str
    variant: str
    status: Status
    conflict: tuple[ConflictMember, ...] = ()
    relaxation: Relaxation | None = None
    method: str = ""
    minimal: bool = True
    solves: int = 0
    final: bool = True
    relaxation_stopped: bool = False  # a limit stopped the relaxation's search (none found)
    probes: int = 0  # feasibility solves started by the conflict search (``--jobs``: guesses too)
    ahead: int = 0  # ``--jobs``: the conflict search's solves that a guess had started ahead

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
        """``{scenario, status, conflict: [{rule, message}], relaxation}`` (docs/results.md).

        The relaxation adds (to ``objective`` and ``violations``) its split: ``cost``, the
        relaxed award's total cost, and ``penalty``, the rest of the objective.
        """
        rel = self.relaxation
        relaxation = None
        if rel is not None:
            cost = rel.result.document.total_cost
            cost = rel.objective if cost is None else cost
            relaxation = rel.to_dict() | {"cost": cost, "penalty": rel.objective - cost}
        return {
            "scenario": self.scenario,
            "status": self.status.value,
            "conflict": [m.__dict__ for m in self.conflict],
            "relaxation": relaxation,
            "final": self.final,
        }


def explain(
    scenario: Scenario,
    *,
    variant: str = "base",
    backend: str | None = None,
    time_limit: float | None = None,
    mip_gap: float | None = None,
    relax: bool = True,
    analysis_time_limit: float | None = None,
    jobs: int = 1,
    executor: str = "local",
    scheduler: str | None = None,
    progress: Progress | None = None,
) -> Explanation:
    """Solve a variant; if it is infeasible, name a minimal conflict and the cheapest way out.

    With ``relax=False`` only the conflict is computed (what ``sourceopt solve`` shows under
    an infeasible summary). `analysis_time_limit` caps the whole explanation: each solve gets
    what is left of it (and at most `time_limit`); once nothing is left, the conflict keeps
    every group not yet dropped (it still conflicts) and the relaxation is not sought: the
    explanation is then ``final: false``. `jobs` > 1 runs up to that many feasibility
    probes of the conflict search at once, speculatively, this process and ``jobs - 1``
    supervised workers (or a Dask cluster: `executor`, `scheduler`;
    :mod:`sourceopt.analysis.conflict_parallel`): the conflict, its method, ``minimal`` and
    ``solves`` are those of ``jobs=1``; with a backend that can be stopped (HiGHS) the status
    solve and the search's opening run at once, the first to settle the status stopping the
    other (:func:`_raced`). `progress` counts the groups the conflict search
    settles, and the relaxation as one more.
    """
    started = time.monotonic()
    deadline = None if analysis_time_limit is None else started + analysis_time_limit
    setup = explain_setup(
        scenario, variant=variant, backend=backend, time_limit=time_limit, mip_gap=mip_gap
    )
    chosen = setup.scenario
    built = time.monotonic() - started  # what a worker's first probe adds (with the groups)
    first = budgeted(setup, deadline)
    grouped, opened = None, None
    if first is None:
        status = Status.NO_SOLUTION
    elif jobs > 1 and setup.engine.capabilities.stoppable:
        grouped, built = _grouped(setup, built)
        status, opened = _raced(setup, first, grouped, deadline)
    else:
        status = run(first, chosen, setup.program).raw.status
    head = Explanation(chosen.name, chosen.variant, status, final=status in PROVEN)
    if status is not Status.INFEASIBLE:
        return head
    if grouped is None:
        grouped, built = _grouped(setup, built)
    pool = None
    if jobs > 1:
        from sourceopt.analysis.probe_pool import ProbePool

        options = {
            "variant": variant, "backend": backend, "time_limit": time_limit, "mip_gap": mip_gap,
        }  # fmt: skip
        pool = ProbePool(
            scenario, options, jobs - 1, executor=executor, scheduler=scheduler,
            deadline=deadline, per_probe=setup.options.time_limit, setup_seconds=built,
        )  # fmt: skip
    if progress is not None:
        progress.total = int(relax)  # the conflict's groups are added once they are known
    try:
        members, conflict = minimal_conflict(setup, grouped, deadline, pool, progress, opened)
    finally:
        if pool is not None:
            pool.close()
    relaxation, given = None, budgeted(setup, deadline) if relax else None
    stopped = relax and given is None  # the budget is spent: the relaxation is not sought
    if given is not None:
        try:
            relaxation = cheapest_relaxation(given, grouped)
        except RelaxationStoppedError:
            stopped = True
    if progress is not None and relax:
        progress.done()
    relaxed = not stopped and (relaxation is None or relaxation.proven)
    return Explanation(
        chosen.name,
        chosen.variant,
        status,
        members,
        relaxation,
        conflict.method,
        conflict.minimal,
        conflict.solves,
        final=conflict.minimal and relaxed,
        relaxation_stopped=stopped,
        probes=conflict.probes,
        ahead=conflict.ahead,
    )


def _grouped(setup: Setup, built: float) -> tuple[GroupedProgram, float]:
    """The conflict search's groups, and `built` plus the time they took."""
    began = time.monotonic()
    grouped = conflict_groups(setup.scenario, setup.program)
    return grouped, built + time.monotonic() - began


def _raced(
    setup: Setup, first: Setup, grouped: GroupedProgram, deadline: float | None
) -> tuple[Status, Opening | None]:
    """The status solve and the conflict search's opening at once, in two threads.

    The opening's feasibility question with every group holding is the program's own
    (:func:`.conflict.opening`), without the objective, so it often proves an infeasible
    program sooner than the status solve; that proof is the status, and the status
    solve is stopped. Once the status solve finds an award, the opening is stopped.
    Otherwise each waits for the other: the status and the opening are those of the
    sequential run, one after the other (but an opening that proves infeasibility before a
    time limit stops the status solve is reported instead of that limit).
    """
    status_stop, opening_stop = Stop(), Stop()
    with ThreadPoolExecutor(2, thread_name_prefix="explain") as threads:
        solving = threads.submit(
            status_stop.run, lambda: run(first, first.scenario, first.program).raw.status
        )
        opens = threads.submit(opening_stop.run, lambda: opening(setup, grouped, deadline))
        both: list[Future[Any]] = [solving, opens]
        try:
            wait(both, return_when=FIRST_COMPLETED)
            if opens.done() and opens.result().start is not None:
                status_stop.set()
                return Status.INFEASIBLE, opens.result()
            status = solving.result()
            if status is not Status.INFEASIBLE:
                opening_stop.set()
                return status, None
            return status, opens.result()
        except BaseException:
            status_stop.set()
            opening_stop.set()
            raise


def explain_setup(
    scenario: Scenario,
    *,
    variant: str = "base",
    backend: str | None = None,
    time_limit: float | None = None,
    mip_gap: float | None = None,
) -> Setup:
    """The variant an explanation analyses, built once (a score objective read as cost).

    A relaxation is priced in money, so a score objective is replaced by the plain cost one.
    The workers of a parallel explanation build the very same set-up
    (:mod:`sourceopt.analysis.explain_probes`).
    """
    setup = prepare(
        scenario, variant=variant, backend=backend, time_limit=time_limit, mip_gap=mip_gap
    )
    if not is_score(setup.scenario):
        return setup
    plain = setup.scenario.with_changes(objective=Objective())
    program = build_program(plain).for_gap(setup.options.mip_gap)
    return Setup(plain, program, setup.options, setup.engine)


def minimal_conflict(
    setup: Setup,
    grouped: GroupedProgram | None = None,
    deadline: float | None = None,
    prober: Prober | None = None,
    progress: Progress | None = None,
    opened: Opening | None = None,
) -> tuple[tuple[ConflictMember, ...], Conflict]:
    """A minimal conflict of an infeasible set-up, in business words (rules first).

    What :func:`explain` names and what :func:`sourceopt.solve.solve` puts in an infeasible
    result's ``conflict``. `deadline`, `prober`, `progress` and `opened`: as for
    :func:`.conflict.find_conflict`.
    """
    chosen = setup.scenario
    grouped = grouped or conflict_groups(chosen, setup.program)
    conflict = find_conflict(setup, grouped, deadline, prober, progress, opened)
    members = tuple(
        ConflictMember(grouped.groups[k].name, describe(grouped.groups[k], chosen))
        for k in sorted(conflict.members, key=lambda k: _ORDER[grouped.groups[k].kind])
    )
    return members, conflict


def relaxation_steps(explanation: Explanation, scenario: Scenario) -> list[str]:
    """The cheapest relaxation in the rules' own units, one sentence per violation.

    `scenario` is the analysed variant (its rules and currency). A rule's bound moves to the
    value the relaxed award reaches ("lower the minimum of small-business from 30 % to
    23.5 %"); a datum moves by the amount (capacity or demand, in units); money is in the
    scenario's currency. Empty when there is no relaxation.
    """
    rel = explanation.relaxation
    if rel is None:
        return []
    reports = {
        r.name if r.group is None else f"{r.name}[{r.group}]": r for r in rel.result.document.rules
    }
    rules = {str(r.name): r for r in scenario.rules}
    steps = []
    for v in rel.violations:
        price = f"penalty {_money(v.penalty, scenario.currency)}"
        report = reports.get(v.rule)
        rule = rules.get(v.rule.split("[", 1)[0])
        if v.rule.startswith(("capacity:", "demand:")):
            kind, who = v.rule.split(":", 1)
            if kind == "capacity":
                change = f"raise supplier {who}'s capacity by {v.amount:,.6g} units"
            else:
                change = f"lower item {who}'s demand by {v.amount:,.6g} {_unit(scenario, who)}"
        elif report is not None and report.value is not None and report.bound is not None:
            change = _bound_change(v.rule, report.type, report.value, report.bound, scenario)
            change += f" (short by {_amount(v.amount, rule, scenario.currency)})"
        else:
            change = f"relax {v.rule} by {_amount(v.amount, rule, scenario.currency)}"
        steps.append(f"{change}; {price}")
    return steps


def _bound_change(name: str, kind: str, value: float, bound: float, scenario: Scenario) -> str:
    which = _family(kind).bound_word or ("minimum" if value < bound else "maximum")
    verb = "lower" if value < bound else "raise"
    return (
        f"{verb} the {which} of rule {name} from {_in_units(bound, kind, scenario.currency)} "
        f"to {_in_units(value, kind, scenario.currency)}"
    )


def _in_units(value: float, kind: str, currency: str) -> str:
    """A rule's bound or value: a percent for a share, money for a budget, else the number."""
    bound = _family(kind).bound
    if bound is Bound.SHARE:
        return _pct(value)
    return _money(value, currency) if bound is Bound.MONEY else _number(value)


def _amount(amount: float, rule: Any, currency: str) -> str:
    """A violation's amount with its unit: money, units, suppliers or items."""
    bound = family_of(rule).bound if rule is not None else Bound.NUMBER
    if bound is Bound.MONEY:
        return _money(amount, currency)
    if getattr(rule, "measure", "volume") == "spend":
        return f"{_money(amount, currency)} of spend"
    if bound is Bound.COUNT:
        return f"{amount:,.6g}"
    return f"{amount:,.6g} units"


def _family(kind: str) -> RuleFamily:
    """The family of a rule type named in a result document."""
    return families()[kind]


def _unit(scenario: Scenario, item: str) -> str:
    items = scenario.items
    units = items.loc[items["id"] == item, "unit"]
    return str(units.iloc[0]) if len(units) and isinstance(units.iloc[0], str) else "units"


def _pct(share: float) -> str:
    """``0.235`` -> ``23.5 %`` (at most two decimals, no trailing zeros)."""
    return f"{share * 100:.2f}".rstrip("0").rstrip(".") + " %"


def _number(value: float) -> str:
    return f"{value:,.6g}"


def _money(value: float, currency: str) -> str:
    return f"{value:,.2f} {currency}"
