"""What the parallel explain tests share: a slowed probe here, and the answers a pool reports."""

from __future__ import annotations

import time
from collections.abc import Callable

from sourceopt.analysis.conflict_parallel import Answer, Trial, answer_of
from sourceopt.analysis.diagnose_common import Setup, feasible
from sourceopt.analysis.groups import GroupedProgram
from sourceopt.analysis.probe_pool import ProbePool


def slowed(setup: Setup, grouped: GroupedProgram, seconds: float) -> Callable[[Trial], Answer]:
    """This process's probe, `seconds` slower: the pool's workers then answer some trials."""

    def answer(trial: Trial) -> Answer:
        time.sleep(seconds)
        return answer_of(feasible(setup, grouped.with_only(list(trial))))

    return answer


def answers_seen(pool: ProbePool) -> list[Answer]:
    """The list every answer `pool` reports from now on is added to (its ``finished`` watched)."""
    seen: list[Answer] = []
    finished = pool.finished

    def watched(wait: bool) -> list[tuple[Trial, Answer]]:
        done = finished(wait)
        seen.extend(a for _, a in done)
        return done

    pool.finished = watched  # type: ignore[method-assign]
    return seen
