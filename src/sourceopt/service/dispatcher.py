"""The dispatcher: threads that claim queued jobs from the store and hand them to the runner.

One thread per worker slot claims a job, runs it through the :class:`JobRunner` (which blocks
in its own thread, never on the event loop) and records the outcome. A housekeeping thread
renews the leases of running jobs, notices cancellations asked through any replica,
re-queues jobs whose server died (their lease ran out), replaces worker processes found dead
and, at start and every :data:`SWEEP_SECONDS`, deletes finished jobs older than the retention
(``--retain-days``; queued and running jobs are never deleted).
"""

from __future__ import annotations

import json
import logging
import os
import socket
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from concurrent.futures import Future
from datetime import timedelta
from typing import Any

from sourceopt.jobs.failures import Failure, FailureKind
from sourceopt.jobs.model import InlineJob
from sourceopt.scenario.model import Scenario
from sourceopt.service.intake import STORED_SCENARIO, StoredRequest
from sourceopt.service.metrics import Metrics
from sourceopt.service.runner import JobRunner, failed
from sourceopt.service.settings import Settings
from sourceopt.service.store import FINISHED, JobRow, Store, now

log = logging.getLogger("sourceopt.service")
GRACE_SECONDS = 30.0
PREPARED_OFFERS = 1_000_000  # offers of validated scenarios kept for the workers, in all
SWEEP_SECONDS = 600.0  # how often finished jobs past the retention are deleted


class Dispatcher:
    """Claims jobs and runs them; wakes at once on a local submit, else polls the store."""

    def __init__(self, store: Store, runner: JobRunner, settings: Settings, metrics: Metrics):
        self.store, self.runner, self.settings, self.metrics = store, runner, settings, metrics
        self.name = f"{socket.gethostname()}:{os.getpid()}"
        self._wake = threading.Condition()
        self._stop = threading.Event()
        self._running: dict[str, threading.Event] = {}
        self._waiters: dict[str, list[Future[None]]] = {}
        self._lock = threading.Lock()
        self._threads: list[threading.Thread] = []
        self._prepared: OrderedDict[str, Scenario] = OrderedDict()
        self._prepared_offers = 0

    def prepared(self, job_id: str, scenario: Scenario) -> None:
        """Keep the scenario validated at submit for the worker (it then skips loading it).

        Only an optimisation: a job claimed without it (another replica, a restart, evicted
        under the memory budget) is loaded from its stored request by the worker.
        """
        if scenario.n_offers > PREPARED_OFFERS:
            return
        with self._lock:
            self._prepared[job_id] = scenario
            self._prepared_offers += scenario.n_offers
            while self._prepared_offers > PREPARED_OFFERS and self._prepared:
                _, dropped = self._prepared.popitem(last=False)
                self._prepared_offers -= dropped.n_offers

    def _take_prepared(self, job_id: str) -> Scenario | None:
        with self._lock:
            scenario = self._prepared.pop(job_id, None)
            if scenario is not None:
                self._prepared_offers -= scenario.n_offers
        return scenario

    def start(self) -> None:
        """Recover jobs a previous server left running, then start the threads."""
        recovered = self.store.recover(
            self.settings.max_attempts, time.time(), everything=self.store.embedded
        )
        if recovered:
            log.warning("re-queued or failed %d job(s) left running by a stopped server", recovered)
        self.sweep()
        slots = max(1, self.settings.workers)
        targets = [self._work] * slots + [self._housekeep]
        for n, target in enumerate(targets):
            thread = threading.Thread(target=target, name=f"sourceopt-dispatch-{n}", daemon=True)
            thread.start()
            self._threads.append(thread)

    def stop(self) -> None:
        """Stop claiming; running jobs are cancelled by the runner's close."""
        self._stop.set()
        with self._lock:
            for flag in self._running.values():
                flag.set()
        self.notify()

    def notify(self) -> None:
        """Wake the claiming threads (a job was submitted here)."""
        with self._wake:
            self._wake.notify_all()

    def cancel(self, job_id: str) -> None:
        """Stop a job running here now (the store's flag reaches the other replicas)."""
        with self._lock:
            flag = self._running.get(job_id)
        if flag is not None:
            flag.set()

    def waiter(self, job_id: str) -> Future[None]:
        """A future done when this server finishes the job."""
        future: Future[None] = Future()
        with self._lock:
            self._waiters.setdefault(job_id, []).append(future)
        return future

    def forget(self, job_id: str, future: Future[None]) -> None:
        """Drop a waiter that stopped waiting."""
        with self._lock:
            found = self._waiters.get(job_id, [])
            if future in found:
                found.remove(future)
            if not found:
                self._waiters.pop(job_id, None)

    def sweep(self) -> int:
        """Delete the finished jobs past the retention (none with ``retain_days`` 0)."""
        days = self.settings.retain_days
        if days <= 0:
            return 0
        gone = self.store.sweep(now() - timedelta(days=days))
        if gone:
            log.info("deleted %d finished job(s) older than %g day(s)", gone, days)
        return gone

    def alive(self) -> bool:
        """Whether every dispatcher thread is running."""
        return bool(self._threads) and all(t.is_alive() for t in self._threads)

    def _work(self) -> None:
        while not self._stop.is_set():
            try:
                job = self.store.claim(self.name, self.settings.lease_seconds, time.time())
            except Exception:
                log.exception("claiming a job failed; retrying")
                job = None
                time.sleep(1)
            if job is None:
                with self._wake:
                    self._wake.wait(0.5)
                continue
            try:
                self._execute(job)
            except Exception:  # recording failed: the lease runs out and the job is re-queued
                log.exception("recording the outcome of job %s failed", job.id)

    def _execute(self, job: JobRow) -> None:
        flag = threading.Event()
        with self._lock:
            self._running[job.id] = flag
        started = time.monotonic()
        try:
            outcome = self.runner.run(
                self._job(job), self._seconds(job), flag.is_set, self._reporter(job.id)
            )
        except Exception:
            log.exception("running job %s failed", job.id)
            bug = Failure(FailureKind.INTERNAL, "internal error while running the job")
            outcome = failed(bug)
        finally:
            with self._lock:
                self._running.pop(job.id, None)
        if self._stop.is_set() and outcome.get("status") == "cancelled":
            return  # the server is stopping: leave the job to be re-queued
        self._record(job, outcome, time.monotonic() - started)

    def _reporter(self, job_id: str) -> Callable[[int, int], None]:
        """What stores a running job's progress (a failed write is logged, the job goes on)."""

        def report(done: int, total: int) -> None:
            try:
                self.store.progress(job_id, done, total)
            except Exception:
                log.exception("recording the progress of job %s failed", job_id)

        return report

    def _record(self, job: JobRow, outcome: dict[str, Any], seconds: float) -> None:
        status = str(outcome.get("status", "failed"))
        result = json.dumps(outcome["result"]) if "result" in outcome else None
        error = json.dumps(outcome["error"]) if status != "succeeded" else None
        self.store.finish(job.id, status, result, error)
        self.metrics.observe(job.kind, status, seconds)
        with self._lock:
            futures = self._waiters.pop(job.id, [])
        for future in futures:
            if not future.done():
                future.set_result(None)

    def _job(self, job: JobRow) -> InlineJob:
        """The inline job that runs `job`: its validated Scenario, or its stored request."""
        request = json.loads(job.request)
        options = request.get("options") or {}
        scenario = self._take_prepared(job.id)
        if scenario is not None:
            return InlineJob(job.id, job.kind, scenario, options)
        files = self.store.files(job.seq)
        raw = files.pop(STORED_SCENARIO, None)
        if raw is None and request.get("file") in files:  # stored before STORED_SCENARIO
            raw = files.pop(request["file"])
        models = self.settings.models_dir
        if job.kind == "portfolio":
            from sourceopt.service.portfolio_intake import StoredPortfolioRequest

            stored = StoredPortfolioRequest(
                request["scenario"],
                files,
                file=request.get("file") or "<scenario>",
                raw=raw,
                models_dir=str(models) if models else None,
            )
            return InlineJob(job.id, job.kind, stored, options)
        source = StoredRequest(
            request["scenario"],
            files,
            file=request.get("file") or "<scenario>",
            raw=raw,
            models_dir=str(models) if models else None,
        )
        return InlineJob(job.id, job.kind, source, options)

    def _seconds(self, job: JobRow) -> float:
        options = json.loads(job.request).get("options") or {}
        limit = options.get("time_limit")
        if isinstance(limit, int | float) and limit > 0:
            return min(float(limit) + GRACE_SECONDS, self.settings.job_seconds)
        return self.settings.job_seconds

    def _housekeep(self) -> None:
        interval = max(0.2, min(2.0, self.settings.lease_seconds / 3))
        while not self._stop.wait(min(interval, 0.25)):
            try:
                self._tick(interval)
            except Exception:
                log.exception("housekeeping failed; retrying")

    _last_renew = 0.0
    _last_sweep = 0.0

    def _tick(self, interval: float) -> None:
        with self._lock:
            running = dict(self._running)
        if running:
            cancelled = self.store.renew(list(running), time.time() + self.settings.lease_seconds)
            for job_id in cancelled:
                running[job_id].set()
        clock = time.monotonic()
        if clock - self._last_renew > interval:
            self._last_renew = clock
            self.store.recover(self.settings.max_attempts, time.time())
            self.metrics.set_counts(self.store.counts())
            self.runner.revive()
        if self._last_sweep == 0.0:
            self._last_sweep = clock
        elif clock - self._last_sweep > SWEEP_SECONDS:
            self._last_sweep = clock
            self.sweep()


__all__ = ["FINISHED", "Dispatcher"]
