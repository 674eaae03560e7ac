"""The speculative deletion filter against the sequential one, on pure-Python oracles.

Random monotone infeasibility oracles (a set is infeasible iff it holds one of a few random
"cores"), answered by probers that finish their trials in a random order: for any number of
probes at once the members, the solves and whether anything was undecided are those of
:func:`~sourceopt.analysis.conflict.deletion_filter`.
"""

from __future__ import annotations

import random
import time
import zlib
from collections.abc import Iterator

import pytest

from sourceopt.analysis import conflict as conflict_module
from sourceopt.analysis.conflict import deletion_filter
from sourceopt.analysis.conflict_parallel import (
    Answer,
    Guess,
    State,
    Trial,
    _Here,
    speculate,
    speculative_filter,
)
from sourceopt.solvers import stop
from sourceopt.solvers.base import Status


class Oracle:
    """Infeasible iff a trial holds one of `cores`; some sets (by hash) undecided."""

    def __init__(self, rng: random.Random, n: int, undecided: float = 0.0) -> None:
        self.cores = [
            frozenset(rng.sample(range(n), rng.randint(1, min(n, 4))))
            for _ in range(rng.randint(1, 3))
        ]
        self.undecided = undecided

    def answer(self, trial: Trial) -> Answer:
        if self.undecided and zlib.crc32(repr(trial).encode()) % 1000 < self.undecided * 1000:
            return Answer.UNDECIDED
        held = set(trial)
        return Answer.INFEASIBLE if any(c <= held for c in self.cores) else Answer.FEASIBLE


class RandomProber:
    """`width` slots; each call to finished() completes a random subset of the busy trials."""

    def __init__(self, oracle: Oracle, width: int, rng: random.Random) -> None:
        self.oracle, self.width, self.rng = oracle, width, rng
        self.busy: list[Trial] = []
        self.cancelled: list[Trial] = []

    def idle(self) -> int:
        return self.width - len(self.busy)

    def submit(self, trial: Trial) -> None:
        assert len(self.busy) < self.width
        self.busy.append(trial)

    def cancel(self, trial: Trial) -> bool:
        if self.rng.random() < 0.5:  # a prober may refuse (a borrowed worker)
            return False
        self.cancelled.append(trial)
        return True

    def finished(self, wait: bool) -> list[tuple[Trial, Answer]]:
        done = [t for t in self.busy if t in self.cancelled or self.rng.random() < 0.5]
        if wait and not done and self.busy:
            done = [self.rng.choice(self.busy)]
        for t in done:
            self.busy.remove(t)
        return [(t, self.answer(t)) for t in done]

    def answer(self, trial: Trial) -> Answer:
        return Answer.UNDECIDED if trial in self.cancelled else self.oracle.answer(trial)


def infeasible_cases(
    rng: random.Random,
    rounds: int,
    sizes: tuple[int, int],
    *,
    undecided: float = 0.0,
    shuffle: bool = False,
) -> Iterator[tuple[Oracle, list[int]]]:
    """Of `rounds` random oracles over `sizes` groups, those infeasible with every group."""
    for _ in range(rounds):
        n = rng.randint(*sizes)
        oracle = Oracle(rng, n, undecided)
        start = list(range(n))
        if shuffle:
            rng.shuffle(start)
        if oracle.answer(tuple(start)) is Answer.INFEASIBLE:
            yield oracle, start


def sequential(
    start: list[int], oracle: Oracle, asked: set[Trial] | None = None
) -> tuple[list[int], int, bool]:
    solves, undecided = 0, False
    proven: dict[Trial, bool] = {}  # as conflict._Oracle: a proven answer asked again is kept

    def infeasible(trial: list[int]) -> bool:
        nonlocal solves, undecided
        if tuple(trial) in proven:
            return proven[tuple(trial)]
        solves += 1
        if asked is not None:
            asked.add(tuple(trial))
        answer = oracle.answer(tuple(trial))
        undecided |= answer is Answer.UNDECIDED
        if answer is not Answer.UNDECIDED:
            proven[tuple(trial)] = answer is Answer.INFEASIBLE
        return answer is Answer.INFEASIBLE

    return deletion_filter(start, infeasible), solves, undecided


@pytest.mark.parametrize("undecided", [0.0, 0.2])
@pytest.mark.parametrize("jobs", [1, 2, 3, 5])
def test_the_speculative_filter_is_the_sequential_one(jobs: int, undecided: float) -> None:
    rng = random.Random(jobs * 1000 + int(undecided * 10))
    for oracle, start in infeasible_cases(rng, 60, (1, 40), undecided=undecided, shuffle=True):
        asked: set[Trial] = set()
        members, solves, was_undecided = sequential(start, oracle, asked)
        prober = RandomProber(oracle, jobs - 1, rng)
        got = speculative_filter(start, oracle.answer, prober, lambda: True)
        assert (got.members, got.solves, got.undecided) == (members, solves, was_undecided)
        assert got.probes >= got.solves  # every solve consumed was a probe started
        if not undecided:  # (an undecided answer is not kept: its trial may be guessed again)
            assert not set(prober.cancelled) & asked  # only guesses the filter never asks


def test_the_filter_never_solves_a_set_twice(monkeypatch: pytest.MonkeyPatch) -> None:
    # after a chunk's first half is dropped, the filter asks again the set the whole chunk's
    # trial asked: the proven answer is kept, and the conflict is the unmemoized filter's
    rng = random.Random(11)
    repeated = 0
    for oracle, start in infeasible_cases(rng, 80, (2, 40), shuffle=True):
        repeated += memoized_like_plain(oracle, start, monkeypatch)
    assert repeated  # the cases did ask some set twice


def memoized_like_plain(oracle: Oracle, start: list[int], monkeypatch: pytest.MonkeyPatch) -> bool:
    """The filter on conflict._Oracle (a fake probe) against it on the plain oracle."""
    asked: list[Trial] = []

    def plain(trial: list[int]) -> bool:
        asked.append(tuple(trial))
        return oracle.answer(tuple(trial)) is Answer.INFEASIBLE

    expected = deletion_filter(start, plain)
    probed: list[Trial] = []

    def fake_probe(setup: object, grouped: object, enforced: list[int], deadline: object) -> Status:
        probed.append(tuple(enforced))
        infeasible = oracle.answer(tuple(enforced)) is Answer.INFEASIBLE
        return Status.INFEASIBLE if infeasible else Status.OPTIMAL

    monkeypatch.setattr(conflict_module, "probe", fake_probe)
    memo = conflict_module._Oracle(None, None, None)  # type: ignore[arg-type]
    assert deletion_filter(start, memo) == expected
    assert len(probed) == len(set(probed)) == memo.solves == len(set(asked))
    return len(asked) > len(set(asked))


@pytest.mark.parametrize("jobs", [1, 3])
def test_both_filters_report_the_groups_they_settle_alike(jobs: int) -> None:
    """`decided` hears the same steps from either filter, adding up to every group."""
    rng = random.Random(40 + jobs)
    for oracle, start in infeasible_cases(rng, 40, (1, 30)):
        told: list[int] = []
        infeasible = lambda t, o=oracle: o.answer(tuple(t)) is Answer.INFEASIBLE  # noqa: E731
        deletion_filter(start, infeasible, told.append)
        heard: list[int] = []
        prober = RandomProber(oracle, jobs - 1, rng)
        speculative_filter(start, oracle.answer, prober, lambda: True, heard.append)
        assert heard == told
        assert sum(told) == len(start)
        assert all(k > 0 for k in told)


def test_a_lost_guess_is_one_the_machine_can_no_longer_ask() -> None:
    rng = random.Random(11)
    for oracle, start in infeasible_cases(rng, 50, (2, 30)):
        state, seen = State.start(start), []
        while (trial := state.trial()) is not None:
            seen.append(state)
            state = state.after(oracle.answer(trial) is Answer.INFEASIBLE)
        for k, earlier in enumerate(seen):  # every later trial may still be asked
            assert all(earlier.may_ask(later.trial() or ()) for later in seen[k:])


def test_a_spent_budget_keeps_every_group_not_yet_dropped() -> None:
    # after 3 probes nothing may start: the rest is skipped (no solve), as sequentially (a
    # trial asked twice is answered from the first probe's proof)
    rng = random.Random(7)
    oracle = Oracle(rng, 20)
    start = list(range(20))
    calls = 0

    def local(trial: Trial) -> Answer:
        nonlocal calls
        calls += 1
        return oracle.answer(trial)

    got = speculative_filter(start, local, RandomProber(oracle, 0, rng), lambda: calls < 3)
    assert got.undecided
    assert got.probes == 3
    assert oracle.answer(tuple(got.members)) is Answer.INFEASIBLE


def test_an_undecided_answer_is_consumed_once_and_never_kept() -> None:
    # the prober fails every trial it is given (a crashed worker): the trials it was handed
    # and the machine needed are undecided (the group stays), the set still conflicts
    rng = random.Random(3)
    oracle = Oracle(rng, 30)
    start = list(range(30))

    class Crashing(RandomProber):
        def answer(self, trial: Trial) -> Answer:
            return Answer.UNDECIDED

    got = speculative_filter(start, oracle.answer, Crashing(oracle, 2, rng), lambda: True)
    assert oracle.answer(tuple(got.members)) is Answer.INFEASIBLE
    members, solves, _ = sequential(start, oracle)
    assert set(members) <= set(got.members) or got.undecided
    assert got.undecided or (got.members, got.solves) == (members, solves)


def test_speculation_starts_with_the_trial_needed_now_then_the_likelier_branch() -> None:
    state = State.start([0, 1, 2, 3])
    need = state.trial()
    rarely, mostly = Guess(), Guess()
    for _ in range(8):
        rarely.saw(None, False)
        mostly.saw(None, True)
    plan = speculate(state, {}, set(), 2, rarely)
    assert plan[0] == need
    assert plan[1] == state.after(False).trial()
    plan = speculate(state, {}, set(), 2, mostly)
    assert plan[1] == state.after(True).trial()
    busy = {need} if need else set()
    assert speculate(state, {}, busy, 1, rarely) == [state.after(False).trial()]


def test_the_guess_learns_that_answers_alternate() -> None:
    guess, last = Guess(), None
    for infeasible in [True, False] * 5:
        last = guess.saw(last, infeasible)
    assert guess.p_infeasible(True) < 0.2
    assert guess.p_infeasible(False) > 0.8


def test_the_calling_process_stops_a_guess_it_no_longer_needs() -> None:
    # the command's own probe runs under a Stop (a HiGHS solve is interrupted by it; here a
    # probe that runs until stopped): cancelling the trial under way ends it, undecided
    def until_stopped(trial: Trial) -> Answer:
        signal = stop.current()
        assert signal is not None
        began = time.monotonic()
        while not signal.is_set and time.monotonic() - began < 30:
            time.sleep(0.01)
        return Answer.UNDECIDED if signal.is_set else Answer.FEASIBLE

    here = _Here(until_stopped)
    here.submit((1, 2))
    here.cancel((1, 3))  # not the trial under way: nothing happens
    assert here.finished(0.3) == []
    here.cancel((1, 2))
    assert here.finished(10) == [((1, 2), Answer.UNDECIDED)]
    here.submit((4,))
    began = time.monotonic()
    here.close(wait=True)  # the filter is done: the probe under way is stopped, not awaited
    assert time.monotonic() - began < 10
