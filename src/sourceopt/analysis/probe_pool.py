"""Where a parallel explanation's speculative probes run: supervised workers, or a cluster.

:class:`ProbePool` is the :class:`~sourceopt.analysis.conflict_parallel.Prober` of
``explain --jobs N``: ``N - 1`` slots, each a thread that hands one trial at a time to its
own long-lived worker process as an ``explain-probes`` job
(:mod:`sourceopt.analysis.explain_probes`) through
:func:`~sourceopt.jobs.supervise.run_supervised` (the batch's memory cap and wall-clock
watchdog), kept for the whole explanation; with ``executor="dask"`` each probe is a task on
the cluster (:func:`~sourceopt.jobs.dask_task.run_on_dask_worker`). A slot takes work only
once its worker has started, so a short explanation runs on in the calling process while
the workers warm up. A probe whose worker crashed or overran is undecided, never an error.
"""

from __future__ import annotations

import queue
import threading
import time
import uuid
from collections.abc import Mapping, Sequence
from typing import Any

from sourceopt.analysis.conflict_parallel import Answer, Trial, answer_of
from sourceopt.analysis.explain_probes import ProbeScenario
from sourceopt.analysis.parallel import check_executor, dask_client
from sourceopt.jobs.execute import DEFAULT_TIME_LIMIT
from sourceopt.jobs.failures import Failure, FailureKind
from sourceopt.jobs.model import InlineJob
from sourceopt.jobs.supervise import (
    Limits,
    Outcome,
    WorkerDiedError,
    WorkerHandle,
    run_supervised,
)
from sourceopt.scenario.model import Scenario
from sourceopt.solvers.base import Status


class ProbePool:
    """`slots` probes at once besides the calling process, for one explanation.

    `options` are the explanation's own (variant and solver settings: each worker builds
    the same set-up); `deadline` its budget (``time.monotonic()``, None: none); `per_probe`
    the solver's time limit of one probe, for the watchdog. `handles`: workers to borrow
    (warm ones, kept by the caller: one slot each) instead of starting `slots` new ones.
    `setup_seconds`: how long the caller took to build the set-up; a job that carries the
    scenario (a worker's first) is allowed twice that more, for the worker to build it too.
    """

    def __init__(
        self,
        scenario: Scenario,
        options: Mapping[str, Any],
        slots: int,
        *,
        executor: str = "local",
        scheduler: str | None = None,
        deadline: float | None = None,
        per_probe: float | None = None,
        limits: Limits | None = None,
        handles: Sequence[WorkerHandle] | None = None,
        setup_seconds: float = 0.0,
    ) -> None:
        check_executor(executor, scheduler)
        self.scenario, self.executor, self.deadline = scenario, executor, deadline
        self.options = {k: v for k, v in options.items() if v is not None}
        self.limits, self.per_probe = limits or Limits(), per_probe or DEFAULT_TIME_LIMIT
        self.setup_seconds = setup_seconds
        self.tag = uuid.uuid4().hex[:12]
        self._client: Any = None
        if executor == "dask":
            self._client = dask_client(scheduler)
        self._own = handles is None  # borrowed workers are left running, not killed
        self._handles = list(handles or [WorkerHandle(self.limits.memory_mb) for _ in range(slots)])
        self._inboxes: list[queue.SimpleQueue[Trial | None]] = [
            queue.SimpleQueue() for _ in self._handles
        ]
        self._cond = threading.Condition()
        self._idle: list[int] = []  # slots ready for a trial
        self._busy = 0
        self._done: list[tuple[Trial, Answer]] = []
        self._running: list[Trial | None] = [None] * len(self._handles)
        self._count = 0
        self._threads = [
            threading.Thread(target=self._serve, args=(k,), daemon=True)
            for k in range(len(self._handles))
        ]
        for thread in self._threads:
            thread.start()

    def idle(self) -> int:
        """How many slots wait for a trial."""
        with self._cond:
            return len(self._idle)

    def submit(self, trial: Trial) -> None:
        """Hand `trial` to an idle slot."""
        with self._cond:
            slot = self._idle.pop(0)
            self._busy += 1
        self._inboxes[slot].put(trial)

    def finished(self, wait: bool) -> list[tuple[Trial, Answer]]:
        """The trials answered since the last call (with `wait`: at least one, if any runs)."""
        with self._cond:
            while wait and not self._done and self._busy:
                self._cond.wait(timeout=0.2)  # wakes up often so that Ctrl-C is noticed
            done, self._done = self._done, []
            return done

    def cancel(self, trial: Trial) -> bool:
        """Kill the worker answering `trial` (own workers only; a new one starts on demand).

        The trial is then reported undecided. A worker costs a start (imports, the
        scenario, the build) to replace: worth it for a guess the filter can no longer ask
        about, which may run as long as any probe.
        """
        if not self._own or self._client is not None:
            return False
        with self._cond:
            if trial not in self._running:
                return False
            self._handles[self._running.index(trial)].kill()
            return True

    def close(self) -> None:
        """Stop every slot; probes still running are abandoned (their own workers killed).

        A borrowed worker is not killed: its probe is waited for.
        """
        for inbox in self._inboxes:
            inbox.put(None)
        if self._own:
            for handle in self._handles:
                handle.shutdown()
        if self._client is not None:
            self._client.close()
        for thread in self._threads:
            thread.join(timeout=5 if self._own else None)

    def _serve(self, k: int) -> None:
        """Slot `k`: start its worker, then answer trials until told to stop."""
        if self.executor == "local":
            try:
                self._handles[k].wait_ready(self.limits.startup)
            except WorkerDiedError:  # no worker: the caller probes without this slot
                return
        carry = True  # the worker may not hold the scenario yet
        with self._cond:
            self._idle.append(k)
        while (trial := self._inboxes[k].get()) is not None:
            with self._cond:
                self._running[k] = trial
            try:
                payload = self._run(k, trial, carry)
            except Exception as exc:  # a lost cluster, a stopped pool: the probe is undecided
                payload = Failure(FailureKind.CRASH, f"the probe was lost ({exc})")
            carry = self.executor == "dask" or not isinstance(payload, dict)
            with self._cond:
                self._running[k] = None
                self._done.append((trial, _answer(payload)))
                self._busy -= 1
                self._idle.append(k)
                self._cond.notify_all()

    def _run(self, k: int, trial: Trial, carry: bool) -> dict[str, Any] | Failure | None:
        """One probe as an ``explain-probes`` job: its JSON answer or its Failure."""
        options: dict[str, Any] = {**self.options, "sets": [list(trial)], "tag": self.tag}
        left = self.per_probe
        if self.deadline is not None:
            budget = self.deadline - time.monotonic()
            if budget <= 0:
                return None
            options["analysis_time_limit"] = budget
            left = min(left, budget)
        with self._cond:
            self._count += 1
            key = f"explain-probes-{self.tag}-{self._count}"
        source = ProbeScenario(self.tag, self.scenario if carry else None)
        job = InlineJob(key, "explain-probes", source, options)
        seconds = left + self.limits.grace + (2 * self.setup_seconds if carry else 0.0)
        outcome: Outcome[InlineJob]
        if self._client is None:
            outcome = run_supervised(self._handles[k], job, self.limits, None, seconds)
        else:
            from sourceopt.jobs.dask_task import run_on_dask_worker

            future = self._client.submit(run_on_dask_worker, job, self.limits, seconds, pure=False)
            outcome = future.result()
        return outcome.payload


def _answer(payload: dict[str, Any] | Failure | None) -> Answer:
    """A probe job's answer: its status; skipped (None: not started); undecided (failed)."""
    if payload is None:
        return Answer.SKIPPED
    if isinstance(payload, Failure):
        return Answer.UNDECIDED
    status = payload["statuses"][0]
    return Answer.SKIPPED if status is None else answer_of(Status(status))
