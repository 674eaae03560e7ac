"""``explain-probes``: a parallel explanation's feasibility probes, answered on a worker.

An internal job kind (:data:`sourceopt.jobs.kinds.INTERNAL`): the options name the variant,
the solver settings and the sets of conflict groups to enforce (positions in
:func:`~sourceopt.analysis.groups.conflict_groups`); the answer is each set's status, as
:func:`~sourceopt.analysis.conflict.probe` gives it in the calling process.

A worker process answers many probes of one explanation, so it builds the explanation's
set-up (:func:`~sourceopt.analysis.explain.explain_setup`, then the groups) once and keeps
it, keyed by the explanation's `tag` (a random name the caller gives each explanation)
and the options; the scenario itself travels once per worker process too: a job's
:class:`ProbeScenario` carries it only when the worker may not hold it yet (its first job,
after a failure, and always on a Dask cluster, whose tasks may land on any worker).
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

from sourceopt.analysis.conflict import probe
from sourceopt.analysis.diagnose_common import Setup
from sourceopt.analysis.groups import GroupedProgram, conflict_groups
from sourceopt.errors import AnalysisError
from sourceopt.scenario.model import Scenario
from sourceopt.solvers.base import Status


@dataclass
class _Held:
    """The set-up of the last explanation this process probed for."""

    tag: str
    scenario: Scenario
    spec: tuple[Any, ...] = ()  # the options the set-up was built with
    setup: Setup | None = None
    grouped: GroupedProgram | None = None


_HELD: list[_Held] = []  # at most one: a worker serves one explanation at a time


@dataclass(frozen=True)
class ProbeScenario:
    """An explanation's scenario as a probe job carries it: in full, or only its tag.

    The job's scenario source (:class:`~sourceopt.jobs.model.ScenarioSource`): a job
    without the scenario is answered from what the worker process keeps of the same
    explanation's earlier jobs.
    """

    tag: str
    scenario: Scenario | None = None

    def load(self) -> Scenario:
        """The scenario: kept by this process, else carried (AnalysisError: neither)."""
        if _HELD and _HELD[0].tag == self.tag:
            return _HELD[0].scenario  # the very object its set-up was built from
        if self.scenario is not None:
            _HELD[:] = [_Held(self.tag, self.scenario)]
            return self.scenario
        raise AnalysisError(
            f"this worker does not hold explanation {self.tag!r}: the job must carry it"
        )


@dataclass(frozen=True)
class ProbeAnswers:
    """An ``explain-probes`` job's answer: each set's status (None: the budget was spent)."""

    scenario: str
    statuses: tuple[Status | None, ...]

    def to_dict(self) -> dict[str, Any]:
        """``{scenario, statuses: [status or null]}``."""
        return {
            "scenario": self.scenario,
            "statuses": [None if s is None else s.value for s in self.statuses],
        }


def explain_probes(
    scenario: Scenario,
    *,
    sets: list[list[int]],
    tag: str,
    variant: str = "base",
    backend: str | None = None,
    time_limit: float | None = None,
    mip_gap: float | None = None,
    analysis_time_limit: float | None = None,
) -> ProbeAnswers:
    """The status of the explanation's program with only each of `sets` enforced.

    `tag` names the explanation (its set-up is built once per worker process and kept);
    `analysis_time_limit` is what is left of its budget: each probe gets what is left of
    it, and none starts once nothing is (its status is then None).
    """
    started = time.monotonic()
    setup, grouped = _prepared(scenario, tag, variant, backend, time_limit, mip_gap)
    deadline = None if analysis_time_limit is None else started + analysis_time_limit
    n = len(grouped.groups)
    statuses: list[Status | None] = []
    for enforced in sets:
        if any(not 0 <= k < n for k in enforced):
            raise AnalysisError(f"explain-probes: a group position is not in 0..{n - 1}")
        statuses.append(probe(setup, grouped, enforced, deadline))
    return ProbeAnswers(setup.scenario.name, tuple(statuses))


def _prepared(
    scenario: Scenario,
    tag: str,
    variant: str,
    backend: str | None,
    time_limit: float | None,
    mip_gap: float | None,
) -> tuple[Setup, GroupedProgram]:
    """The explanation's set-up and groups: built on the first probe of `tag`, then kept."""
    from sourceopt.analysis.explain import explain_setup

    spec = (variant, backend, time_limit, mip_gap)
    if not _HELD or _HELD[0].tag != tag or _HELD[0].scenario is not scenario:
        _HELD[:] = [_Held(tag, scenario)]
    held = _HELD[0]
    if held.setup is None or held.grouped is None or held.spec != spec:
        setup = explain_setup(
            scenario, variant=variant, backend=backend, time_limit=time_limit, mip_gap=mip_gap
        )
        held.spec, held.setup = spec, setup
        held.grouped = conflict_groups(setup.scenario, setup.program)
    return held.setup, held.grouped
