"""Parallel analyses: the figures split in chunks, each chunk a job on the supervised pool.

An analysis with ``jobs=N`` splits its figures (rules to price, suppliers to stress) in N
chunks. The calling process prices the first chunk itself (it needs the base solve anyway);
each other chunk is one job of the analysis' own kind (:mod:`sourceopt.jobs.kinds`) naming
only that chunk, run on a worker process of the batch's supervised pool
(:func:`~sourceopt.jobs.supervise.run_supervised`: the same memory cap, wall-clock watchdog and
crash handling) or, with ``executor="dask"``, as a task on a Dask cluster
(:func:`~sourceopt.jobs.dask_task.run_on_dask_worker`). Each worker builds the base program
once and prices its whole chunk warm; a MIP's base is solved once, by the calling process,
and handed to the workers as its raw result (``base`` here, the job's ``base_raw``: the award
vector, objective, bound and status, never the scenario twice), so that no worker solves it
again (an LP's base is re-solved by each worker: the in-place re-solves need the solved
model in the worker's own HiGHS). A chunk whose worker crashes or overruns yields failed
figures (``status_without: "error"``, ``final: false``), never a failed analysis. The figures
are those of the sequential run (each is the optimum of the same edited program).
"""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import Any, TypeVar

import numpy as np

from sourceopt.errors import AnalysisError
from sourceopt.jobs.execute import DEFAULT_TIME_LIMIT
from sourceopt.jobs.failures import Failure, FailureKind
from sourceopt.jobs.model import InlineJob
from sourceopt.jobs.supervise import Limits, Outcome
from sourceopt.result import ResultDocument, SolverDoc, SolveResult
from sourceopt.scenario.model import Scenario
from sourceopt.solvers.base import Limit, RawResult, Status

EXECUTORS = ("local", "dask")

T = TypeVar("T")  # what a chunk names: rule or supplier names, frontier bounds, offers


def chunks(names: Sequence[T], jobs: int) -> list[list[T]]:
    """`names` dealt round-robin into ``min(jobs, len(names))`` chunks (order kept in each)."""
    n = max(1, min(jobs, len(names)))
    return [list(names[k::n]) for k in range(n)]


def dask_client(scheduler: str | None) -> Any:
    """A client of the Dask cluster at `scheduler` (AnalysisError without dask.distributed)."""
    try:
        from distributed import Client
    except ImportError:
        raise AnalysisError(
            "--executor dask needs dask.distributed: pip install 'sourceopt[dask]'"
        ) from None
    return Client(scheduler, set_as_default=False, timeout=30)  # type: ignore[no-untyped-call]


def shipped(raw: RawResult) -> RawResult:
    """A base solve's raw result as the workers get it: no duals, no solver extras."""
    return replace(raw, duals=None, extra={})


def split(
    names: Sequence[T], jobs: int, queue: bool, executor: str
) -> tuple[list[T], list[list[T]], int | None]:
    """How figures are shared: (the caller's own, the parts for the workers, how many workers).

    A MIP (`queue`), on local workers: every figure is a part of its own in one queue that
    the caller (:meth:`Chunks.take`) and ``jobs - 1`` workers draw from as each is free (a
    worker's extra cost per figure is building the program, small beside a MIP re-solve).
    Otherwise: round-robin chunks, the first the caller's, one worker per other chunk (an
    LP's worker solves the base once per chunk).
    """
    if queue and executor == "local":
        return [], [[n] for n in names], jobs - 1
    parts = chunks(names, jobs)
    return parts[0], parts[1:], None


def check_executor(executor: str, scheduler: str | None) -> None:
    """Raise an AnalysisError for an unknown executor or a Dask one without a scheduler."""
    if executor not in EXECUTORS:
        raise AnalysisError(f"unknown executor {executor!r}; use one of: {', '.join(EXECUTORS)}")
    if executor == "dask" and not scheduler:
        raise AnalysisError("executor 'dask' needs a scheduler address (--scheduler HOST:PORT)")


class Chunks:
    """Chunks of one analysis run as jobs of `kind` in a background thread (module text).

    `parts` are the chunks (each a list of names) and `option` the option naming a chunk
    (``rules``, ``suppliers``); `options` are the analysis' other options for the job.
    `single`: each part is one name and `option` takes it alone (``solve``'s ``variant``).
    `width`: at most this many worker processes at once (default: one per part), each
    running parts until none is left. `base`: a MIP base's raw result for the workers.
    `extra_args`: more library arguments for every job (unchecked, as `base`: a frontier's start
    award). `solves`: how many solves one name may take (the wall-clock cap of a part
    without a budget is that many per-solve limits per name). `fair`: a part started on the
    local queue gets its share of the budget left (:meth:`share`), not all of it.
    """

    def __init__(
        self,
        scenario: Scenario,
        kind: str,
        option: str,
        parts: Sequence[list[Any]],
        options: Mapping[str, Any],
        *,
        executor: str = "local",
        scheduler: str | None = None,
        deadline: float | None = None,
        limits: Limits | None = None,
        base: RawResult | None = None,
        single: bool = False,
        width: int | None = None,
        extra_args: Mapping[str, Any] | None = None,
        solves: int = 1,
        fair: bool = False,
    ) -> None:
        check_executor(executor, scheduler)
        self.fair = fair
        self.kind, self.parts, self.deadline = kind, list(parts), deadline
        self.executor, self.scheduler = executor, scheduler
        self.limits, self.solves = limits or Limits(), solves
        given = {k: v for k, v in options.items() if v is not None}
        tag = uuid.uuid4().hex[:8]
        extra = {} if base is None else {"base_raw": shipped(base)}
        extra |= extra_args or {}
        self.jobs = [
            InlineJob(
                f"{kind}-{tag}-{k}",
                kind,
                scenario,
                {**given, option: part[0] if single else part},
                extra,
            )
            for k, part in enumerate(self.parts)
        ]
        self.width = len(self.jobs) if width is None else max(1, min(width, len(self.jobs)))
        self._todo = list(range(len(self.jobs)))  # parts no one has taken yet
        self._lock = threading.Lock()
        self.outcomes: list[Outcome[InlineJob] | None] = [None] * len(self.jobs)
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._error: BaseException | None = None

    def start(self) -> None:
        """Start running the chunks (in the background)."""
        self._thread.start()

    def take(self) -> list[Any] | None:
        """A part no worker has taken yet, for the caller to run itself (None: none left).

        With the local executor the caller and the workers share one queue of parts, so that
        the figures spread over them as each is free (the parts of a MIP are single figures:
        see :func:`shared_parts`); a Dask cluster takes every part at once.
        """
        if self.executor == "dask":
            return None
        with self._lock:
            return self.parts[self._todo.pop(0)] if self._todo else None

    def share(self) -> int:
        """How many parts, one just taken included, each process of the queue has left.

        The processes are the workers and the caller (:meth:`take`); a part started now
        gets ``1 / share`` of the budget left where the chunks are ``fair``.
        """
        with self._lock:
            left = len(self._todo) + 1
        return -(-left // (self.width + 1))

    def results(self) -> list[tuple[list[Any], dict[str, Any] | Failure]]:
        """Wait for every chunk: each chunk's names with its JSON result or its Failure."""
        while self._thread.is_alive():
            self._thread.join(timeout=0.2)  # wakes up often so that Ctrl-C is noticed
        if self._error is not None:
            raise self._error
        out = []
        for part, outcome in zip(self.parts, self.outcomes, strict=True):
            if outcome is not None:  # None: the caller took the part (take())
                out.append((part, outcome.payload))
        return out

    def budgeted(self, job: InlineJob) -> InlineJob | None:
        """`job` given what is left of the analysis' budget as it starts (None: nothing left).

        A part started late (a queue drawn by a few workers) gets the time to the analysis'
        deadline, not its whole budget again (``fair``: its share of it): an analysis kind's
        ``analysis_time_limit``, a ``solve`` job's (``compare``) ``time_limit``.
        """
        if self.deadline is None:
            return job
        left = self.deadline - time.monotonic()
        if left <= 0:
            return None
        if self.fair and self.executor == "local":
            left /= self.share()
        key = "time_limit" if job.kind == "solve" else "analysis_time_limit"
        given = job.options.get(key)
        budget = left if not isinstance(given, int | float) else min(float(given), left)
        return replace(job, options={**job.options, key: budget})

    def _seconds(self, job: InlineJob, n: int) -> float:
        """The wall-clock cap of a chunk: the analysis' budget, else a per-solve limit each."""
        if self.deadline is not None:
            return max(1.0, self.deadline - time.monotonic()) + self.limits.grace
        per = job.time_limit or DEFAULT_TIME_LIMIT
        return (n * self.solves + 1) * per + self.limits.grace

    def _run(self) -> None:
        try:
            if self.executor == "dask":
                self._run_dask()
            else:
                self._run_local()
        except BaseException as exc:  # a bug here must reach the caller, not vanish
            self._error = exc

    def _run_local(self) -> None:
        from sourceopt.jobs.supervise import WorkerHandle, run_supervised

        def one() -> None:  # a worker process running jobs until none is left
            handle = WorkerHandle(self.limits.memory_mb)
            try:
                while True:
                    with self._lock:
                        if not self._todo:
                            return
                        k = self._todo.pop(0)
                    job = self.budgeted(self.jobs[k])
                    if job is None:  # the analysis' budget is spent: the part is not started
                        self.outcomes[k] = Outcome(self.jobs[k], NOT_STARTED, 0.0)
                        continue
                    seconds = self._seconds(job, len(self.parts[k]))
                    self.outcomes[k] = run_supervised(handle, job, self.limits, None, seconds)
            finally:
                handle.shutdown()

        threads = [threading.Thread(target=one) for _ in range(self.width)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()

    def _run_dask(self) -> None:
        from sourceopt.jobs.dask_task import run_on_dask_worker

        client = dask_client(self.scheduler)
        try:
            futures = {}
            for k, (job, part) in enumerate(zip(self.jobs, self.parts, strict=True)):
                given = self.budgeted(job)
                if given is None:
                    self.outcomes[k] = Outcome(job, NOT_STARTED, 0.0)
                    continue
                seconds = self._seconds(given, len(part))
                futures[k] = client.submit(
                    run_on_dask_worker, given, self.limits, seconds, pure=False
                )
            for k, future in futures.items():
                self.outcomes[k] = future.result()
        finally:
            client.close()


NOT_STARTED = Failure(FailureKind.TIMEOUT, "not started: the analysis time limit ran out")
"""A part the analysis' budget left unstarted (:meth:`Chunks.budgeted`)."""


def failure_text(failure: Failure) -> str:
    """A failed chunk's reason, for the note of each of its figures."""
    if failure == NOT_STARTED:
        return failure.reason
    return f"the re-solve failed ({failure.kind.value}: {failure.reason})"


def raw_to_dict(raw: RawResult) -> dict[str, Any]:
    """A raw result as a worker sends it back: JSON-ready, the award vector as a list.

    Without duals or solver extras (as :func:`shipped`); :func:`raw_from_dict` reads it back
    exactly (every float survives the round trip).
    """
    return {
        "status": raw.status.value,
        "backend": raw.backend,
        "version": raw.version,
        "time_s": raw.time_s,
        "x": None if raw.x is None else [float(v) for v in raw.x],
        "objective": raw.objective,
        "bound": raw.bound,
        "gap": raw.gap,
        "message": raw.message,
        "limit": None if raw.limit is None else raw.limit.value,
    }


def raw_from_dict(data: Mapping[str, Any]) -> RawResult:
    """The raw result a worker sent as :func:`raw_to_dict`."""
    x = data["x"]
    return RawResult(
        status=Status(data["status"]),
        backend=str(data["backend"]),
        version=str(data["version"]),
        time_s=float(data["time_s"]),
        x=None if x is None else np.asarray(x, dtype=np.float64),
        objective=data["objective"],
        bound=data["bound"],
        gap=data["gap"],
        message=str(data["message"]),
        limit=None if data["limit"] is None else Limit(data["limit"]),
    )


def failed_result(scenario: Scenario, failure: Failure, variant: str | None = None) -> SolveResult:
    """The result of a figure whose worker failed: status ``error``, the reason as message.

    :data:`NOT_STARTED` (the analysis' budget was spent first) is status ``no_solution`` with
    the limit ``time_limit`` instead. `variant`: the variant the figure was for (default: the
    scenario's own).
    """
    late = failure == NOT_STARTED
    solver = SolverDoc(
        backend=scenario.solver.backend,
        version="",
        time_s=0.0,
        gap=None,
        bound=None,
        seed=0,
        limit=Limit.TIME_LIMIT.value if late else None,
        message=failure_text(failure),
    )
    name = scenario.variant if variant is None else variant
    status = Status.NO_SOLUTION if late else Status.ERROR
    document = ResultDocument.without_award(scenario.name, name, status, solver)
    return SolveResult(document)
