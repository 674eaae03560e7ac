"""The deletion filter run speculatively: several trials at once, the sequential answer.

:func:`~sourceopt.analysis.conflict.deletion_filter` is a deterministic state machine over
(keep, i, size) that asks a feasibility oracle one trial set at a time. :func:`speculative_filter`
runs that very machine, but feeds it only from a table of answers keyed by the trial set:
while the trial the machine needs now is being answered, the other probes (this process
and the workers of a :class:`Prober`) answer the trials of the states the machine would
reach next under the outcomes still open (its outcome tree, best first: the branch judged
the more likely from the answers seen so far, :class:`Guess`). The machine advances only
on the answer to exactly the set it asks for, and stops at the first one not yet known; so
its members, and the solves it consumed, are those of the sequential run. A guess only
changes the speed.

An undecided answer (a time limit stopped the probe, the analysis budget was spent, a
worker crashed or overran) is consumed once, as the sequential run would: the group stays
and the conflict is not proven minimal; it is never kept as a proof.
"""

from __future__ import annotations

import heapq
import queue
import threading
from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum
from typing import Protocol

from sourceopt.solvers.base import Status
from sourceopt.solvers.stop import Stop

Trial = tuple[int, ...]
"""The groups a probe enforces (a subsequence of the filter's start, in its order)."""


class Answer(Enum):
    """A probe's answer to "is this trial set infeasible?"."""

    INFEASIBLE = "infeasible"  # proven: the machine drops the chunk
    FEASIBLE = "feasible"  # proven: the chunk holds a member
    UNDECIDED = "undecided"  # a limit stopped the solve, or its worker failed
    SKIPPED = "skipped"  # the analysis budget was spent before it started (no solve)


def answer_of(status: Status) -> Answer:
    """A feasibility solve's status as an answer (a limit's or an error's: undecided)."""
    if status is Status.INFEASIBLE:
        return Answer.INFEASIBLE
    if status in (Status.OPTIMAL, Status.FEASIBLE):
        return Answer.FEASIBLE
    return Answer.UNDECIDED


@dataclass(frozen=True)
class State:
    """The deletion filter's state: the groups kept, the position tried, the chunk size."""

    keep: Trial
    i: int
    size: int

    @classmethod
    def start(cls, start: list[int]) -> State:
        """The state :func:`~.conflict.deletion_filter` starts from."""
        return cls(tuple(start), 0, max(1, len(start) // 2))

    def trial(self) -> Trial | None:
        """The set the machine asks about in this state (None: the filter is done)."""
        if self.i >= len(self.keep):
            return None
        size = min(self.size, len(self.keep) - self.i)
        return self.keep[: self.i] + self.keep[self.i + size :]

    @property
    def open(self) -> int:
        """Groups not settled yet: neither dropped nor kept for good (the filter's work left)."""
        return len(self.keep) - self.i

    def may_ask(self, trial: Trial) -> bool:
        """Whether the machine may still ask about `trial` from here (else: a lost guess).

        Every later trial lies within the kept set and holds its proven prefix.
        """
        held = set(trial)
        return held <= set(self.keep) and held >= set(self.keep[: self.i])

    def after(self, infeasible: bool) -> State:
        """The next state, given the answer to :meth:`trial` (as the sequential loop moves)."""
        keep, i = self.keep, self.i
        size = min(self.size, len(keep) - i)
        if infeasible:
            return State(keep[:i] + keep[i + size :], i, size)
        if size > 1:
            return State(keep, i, size // 2)
        return State(keep, i + 1, max(1, (len(keep) - i - 1) // 2))


class Prober(Protocol):
    """Where the speculative probes run besides this process (worker processes, a cluster)."""

    def idle(self) -> int:
        """How many more trials it can start now."""
        ...

    def submit(self, trial: Trial) -> None:
        """Start answering `trial` (only when :meth:`idle` is positive)."""
        ...

    def finished(self, wait: bool) -> list[tuple[Trial, Answer]]:
        """The trials answered since the last call; with `wait`, block until there is one."""
        ...

    def cancel(self, trial: Trial) -> bool:
        """Stop answering `trial` if it can (it is then reported undecided, at once)."""
        ...


@dataclass(frozen=True)
class Filtered:
    """What the speculative filter found, and what it cost."""

    members: list[int]
    solves: int  # the solves the sequential run makes (the answers the machine consumed)
    undecided: bool  # some consumed answer was undecided: the set may not be irreducible
    probes: int  # the probes started, here and on the prober (speculation included)
    ahead: int = 0  # the answers consumed that a guess had started before they were asked for


def speculative_filter(
    start: list[int],
    local: Callable[[Trial], Answer],
    remote: Prober,
    may_start: Callable[[], bool],
    decided: Callable[[int], None] | None = None,
) -> Filtered:
    """:func:`~.conflict.deletion_filter` of `start`, its trials answered ahead of need.

    `local` answers a trial in this process (in a thread of its own, one at a time, so that
    the next trials go out as soon as any probe, here or remote, is answered); `remote`
    answers others meanwhile. `may_start()` is False once the analysis budget is spent: no
    probe starts after that, and each trial the machine still needs is skipped (undecided),
    as in the sequential run. `decided(n)`: as for the sequential filter, as the machine
    moves. Returns once the machine is done and this process's probe
    (maybe a guess no longer needed) has ended.
    """
    here = _Here(local)
    try:
        out = _Run(start, here, remote, may_start, decided).run()
    except BaseException:
        here.close(wait=False)  # Ctrl-C or a failed probe: do not wait for the one under way
        raise
    here.close(wait=True)  # a guess no longer needed may still be running: stop it
    return out


class _Run:
    """One speculative filter: the machine, the table of answers, the probes under way."""

    def __init__(
        self,
        start: list[int],
        here: _Here,
        remote: Prober,
        may_start: Callable[[], bool],
        decided: Callable[[int], None] | None = None,
    ) -> None:
        self.here, self.remote, self.may_start = here, remote, may_start
        self.decided = decided
        self.state = State.start(start)
        self.known: dict[Trial, Answer] = {}
        self.busy: set[Trial] = set()
        self.guessed: set[Trial] = set()  # trials started before the machine asked for them
        self.consumed: set[Trial] = set()  # the proven answers the machine has moved on
        self.guess = Guess()
        self.last: bool | None = None  # the last answer consumed (infeasible?)
        self.solves, self.undecided, self.probes, self.ahead = 0, False, 0, 0

    def run(self) -> Filtered:
        """Advance on known answers, start the likeliest trials, wait; until done."""
        while (need := self.consume()) is not None:
            self.collect(wait=False)
            if need in self.known:
                continue
            if not self.may_start():  # none starts after the deadline: skipped, unless
                if need in self.busy:  # it runs already
                    self.collect(wait=True)
                else:
                    self.known[need] = Answer.SKIPPED
                continue
            self.start(need)
            self.collect(wait=True)
        keep = list(self.state.keep)
        return Filtered(keep, self.solves, self.undecided, self.probes, self.ahead)

    def consume(self) -> Trial | None:
        """Move the machine on the known answers; the trial it waits for (None: done)."""
        while (need := self.state.trial()) is not None and need in self.known:
            answer = self.known[need]
            if answer not in (Answer.INFEASIBLE, Answer.FEASIBLE):
                del self.known[need]  # never kept as a proof: asked again, it is probed again
                self.undecided = True
            first = need not in self.consumed  # a proven answer asked again costs no solve
            if answer in (Answer.INFEASIBLE, Answer.FEASIBLE):
                self.consumed.add(need)
            self.solves += first and answer is not Answer.SKIPPED
            self.ahead += first and need in self.guessed
            infeasible = answer is Answer.INFEASIBLE
            before, self.state = self.state, self.state.after(infeasible)
            if self.decided is not None and (settled := before.open - self.state.open):
                self.decided(settled)
            self.last = self.guess.saw(self.last, infeasible)
            self.drop_lost()
        return need

    def drop_lost(self) -> None:
        """Stop the remote guesses the machine can no longer ask about (their slots free).

        Their (undecided) answers still come back: they wake the driver to use the slot,
        and are never consumed (the machine never asks about those trials).
        """
        for trial in [t for t in self.busy if not self.state.may_ask(t)]:
            if trial in self.here.trials:
                self.here.cancel(trial)
            else:
                self.remote.cancel(trial)

    def start(self, need: Trial) -> None:
        """Start the likeliest trials on every free probe (this process's first)."""
        here = self.here
        width = self.remote.idle() + (not here.busy)
        plan = speculate(self.state, self.known, self.busy, width, self.guess, self.last)
        if plan and not here.busy:  # the likeliest here: no hand-over
            here.submit(plan.pop(0))
            self.probes += 1
        for trial in plan:
            self.remote.submit(trial)
        self.probes += len(plan)
        self.busy.update(here.trials, plan)
        self.guessed.update(t for t in self.busy if t != need)

    def collect(self, wait: bool) -> None:
        """Record what was answered; with `wait`, wait for one answer first (if any runs)."""
        while True:
            got = self.here.finished(0.01 if wait and self.here.busy else 0.0)
            got += self.remote.finished(wait and not self.here.busy and not got)
            for trial, answer in got:
                self.busy.discard(trial)
                self.known[trial] = answer
            if got or not wait or not self.busy:
                return


class _Here:
    """The calling process's probe: `answer` run in a thread, one trial at a time.

    Each trial runs under a :class:`~sourceopt.solvers.stop.Stop`, so that a guess the
    machine can no longer ask about is stopped (HiGHS; another backend's runs to its end).
    """

    def __init__(self, answer: Callable[[Trial], Answer]) -> None:
        self.answer = answer
        self.trials: list[Trial] = []  # the one being answered, if any
        self._stop = Stop()
        self._inbox: queue.SimpleQueue[tuple[Trial, Stop] | None] = queue.SimpleQueue()
        self._done: queue.SimpleQueue[tuple[Trial, Answer | BaseException]] = queue.SimpleQueue()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    @property
    def busy(self) -> bool:
        """Whether a trial is being answered."""
        return bool(self.trials)

    def submit(self, trial: Trial) -> None:
        """Start answering `trial` (only when not busy)."""
        self.trials = [trial]
        self._stop = Stop()
        self._inbox.put((trial, self._stop))

    def cancel(self, trial: Trial) -> None:
        """Stop answering `trial` if it is the one under way (its answer is then undecided)."""
        if self.trials == [trial]:
            self._stop.set()

    def finished(self, timeout: float) -> list[tuple[Trial, Answer]]:
        """The answer, if it came within `timeout` seconds (a probe's error is raised)."""
        try:
            trial, answer = self._done.get(timeout=timeout) if timeout else self._done.get_nowait()
        except queue.Empty:
            return []
        self.trials = []
        if isinstance(answer, BaseException):
            raise answer
        return [(trial, answer)]

    def close(self, wait: bool) -> None:
        """Stop the thread and the probe under way; with `wait`, once that probe has ended."""
        self._stop.set()
        self._inbox.put(None)
        if wait:
            self._thread.join()

    def _serve(self) -> None:
        while (job := self._inbox.get()) is not None:
            trial, signal = job
            try:
                answer: Answer | BaseException = signal.run(lambda: self.answer(trial))  # noqa: B023
            except BaseException as exc:  # the caller raises it
                answer = exc
            self._done.put((trial, answer))


class Guess:
    """How likely a trial is infeasible, given the answer before it (a Markov chain).

    Counts of each answer after an infeasible one, after a feasible one and first, with a
    Laplace prior. In the filter answers tend to alternate (once a chunk is dropped, the
    next one of the same size often holds a member), which a plain share would miss.
    """

    def __init__(self) -> None:
        self.counts: dict[bool | None, list[int]] = {k: [1, 1] for k in (True, False, None)}

    def saw(self, before: bool | None, infeasible: bool) -> bool:
        """Count an answer given the one before it; the answer, for the next call."""
        self.counts[before][0 if infeasible else 1] += 1
        return infeasible

    def p_infeasible(self, before: bool | None) -> float:
        """The chance that the next trial is infeasible, after `before`."""
        yes, no = self.counts[before]
        return yes / (yes + no)


def speculate(
    state: State,
    known: dict[Trial, Answer],
    busy: set[Trial],
    n: int,
    guess: Guess | None = None,
    last: bool | None = None,
) -> list[Trial]:
    """Up to `n` trials to start now, the likeliest to be needed first.

    A best-first walk of the outcome tree from `state` (reached after answer `last`): a
    known answer is followed, an open trial branches on both answers, each weighed by
    `guess` given the answer on the path before it (default: even odds); trials known or
    being answered are not started again. The first is the trial `state` needs unless that
    one is being answered already.
    """
    guess = guess or Guess()
    out: list[Trial] = []
    heap: list[tuple[float, int, State, bool | None]] = [(-1.0, 0, state, last)]
    tie = 1
    budget = 64 * n  # states looked at: the tree is walked only a few levels deep
    while heap and len(out) < n and budget > 0:
        budget -= 1
        weight, _, node, before = heapq.heappop(heap)
        trial = node.trial()
        if trial is None:
            continue
        answer = known.get(trial)
        if answer is not None:  # consumed as the sequential run would: follow it
            infeasible = answer is Answer.INFEASIBLE
            heapq.heappush(heap, (weight, tie, node.after(infeasible), infeasible))
            tie += 1
            continue
        if trial not in busy and trial not in out:
            out.append(trial)
        p = guess.p_infeasible(before)
        for infeasible, chance in ((True, p), (False, 1.0 - p)):
            heapq.heappush(heap, (weight * chance, tie, node.after(infeasible), infeasible))
            tie += 1
    return out
