"""The job store: SQLAlchemy 2 over SQLite (WAL, the embedded default) or PostgreSQL.

Jobs and their results survive restarts. Workers claim queued jobs one at a time
(``SELECT ... FOR UPDATE SKIP LOCKED`` on PostgreSQL, so several replicas share one queue; an
immediate write transaction on SQLite) and hold a lease they renew while the job runs. A job
whose lease ran out (its server died) is re-queued, up to ``max_attempts`` runs, then failed.

The queue's bounds are exact: a submit counts the queued jobs and inserts in one transaction
that holds the write lock (SQLite's ``BEGIN IMMEDIATE``; a transaction-scoped advisory lock
on PostgreSQL), so concurrent submits can never overshoot ``max_queue`` or a key's share.
Claims go round-robin across keys (the key with the fewest running jobs, then the one served
longest ago), so one key's backlog never starves another's.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import (
    Connection,
    RowMapping,
    case,
    delete,
    func,
    insert,
    select,
    update,
)
from sqlalchemy.exc import IntegrityError

from sourceopt.service.engine import WRITE, engine_for, migrate
from sourceopt.service.tables import job_files, jobs

STATUSES = ("queued", "running", "succeeded", "failed", "cancelled")
FINISHED = ("succeeded", "failed", "cancelled")
_QUEUE_LOCK = 7_270_002  # PostgreSQL advisory lock held while a submit counts and inserts


def now() -> datetime:
    """The current time, timezone-aware (UTC)."""
    return datetime.now(UTC)


def _aware(value: datetime | None) -> datetime | None:
    if value is None or value.tzinfo is not None:
        return value
    return value.replace(tzinfo=UTC)


class QueueFullError(Exception):
    """A submit over the queue's bound (`scope` ``queue``) or over the key's share (``key``)."""

    def __init__(self, scope: str, queued: int, limit: int) -> None:
        self.scope, self.queued, self.limit = scope, queued, limit
        whose = "the queue" if scope == "queue" else "this key's share of the queue"
        super().__init__(f"{whose} is full ({queued:,} of {limit:,} jobs waiting)")


@dataclass(frozen=True)
class JobRow:
    """One job as stored (request, result and error as JSON text)."""

    seq: int
    id: str
    key_id: str
    kind: str
    status: str
    request: str
    request_sha256: str
    attempts: int
    cancel_requested: bool
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
    result: str | None
    error: str | None
    progress_done: int | None = None  # an analysis' figures done, reported while it runs
    progress_total: int | None = None

    @classmethod
    def of(cls, row: RowMapping) -> JobRow:
        """From a result row of the jobs table."""
        return cls(
            seq=row["seq"],
            id=row["id"],
            key_id=row["key_id"],
            kind=row["kind"],
            status=row["status"],
            request=row["request"],
            request_sha256=row["request_sha256"],
            attempts=row["attempts"],
            cancel_requested=bool(row["cancel_requested"]),
            created_at=_aware(row["created_at"]) or now(),
            started_at=_aware(row["started_at"]),
            finished_at=_aware(row["finished_at"]),
            result=row["result"],
            error=row["error"],
            progress_done=row.get("progress_done"),
            progress_total=row.get("progress_total"),
        )


class Store:
    """Jobs in a SQL database; every method is one short transaction.

    `max_queue` bounds the queued jobs in all and `max_per_key` those of one key (None: no
    bound); :meth:`submit` raises :class:`QueueFullError` beyond either.
    """

    def __init__(
        self,
        url: str,
        *,
        run_migrations: bool = True,
        max_queue: int | None = None,
        max_per_key: int | None = None,
    ) -> None:
        self.url = url
        self.max_queue, self.max_per_key = max_queue, max_per_key
        self.engine = engine_for(url)
        self._writer = self.engine.execution_options(**{WRITE: True})
        if run_migrations:
            migrate(self._writer)

    @property
    def embedded(self) -> bool:
        """Whether this is the single-server SQLite store."""
        return self.engine.dialect.name == "sqlite"

    @contextmanager
    def begin(self) -> Iterator[Connection]:
        """A write transaction (on SQLite it holds the write lock from its start)."""
        with self._writer.begin() as connection:
            yield connection

    def ping(self) -> None:
        """Raise if the database cannot be reached."""
        with self.engine.connect() as connection:
            connection.exec_driver_sql("SELECT 1")

    def submit(
        self,
        key_id: str,
        kind: str,
        request: str,
        sha: str,
        idempotency_key: str | None = None,
        files: Mapping[str, bytes] | None = None,
    ) -> tuple[JobRow, bool]:
        """Queue a job; with an idempotency key already used, the earlier job and False."""
        if idempotency_key is not None:
            found = self._by_idempotency(key_id, idempotency_key)
            if found is not None:
                return found, False
        values = {
            "id": uuid.uuid4().hex,
            "key_id": key_id,
            "kind": kind,
            "status": "queued",
            "request": request,
            "request_sha256": sha,
            "idempotency_key": idempotency_key,
            "attempts": 0,
            "cancel_requested": False,
            "created_at": now(),
        }
        try:
            with self.begin() as connection:
                self._check_room(connection, key_id)
                inserted = connection.execute(insert(jobs).values(**values)).inserted_primary_key
                seq = inserted[0] if inserted else None
                for name, content in (files or {}).items():
                    row = {"job_seq": seq, "name": name, "content": content}
                    connection.execute(insert(job_files).values(**row))
        except IntegrityError:
            found = self._by_idempotency(key_id, idempotency_key or "")
            if found is None:
                raise
            return found, False
        if seq is None:  # pragma: no cover - every supported database returns the key
            job = self.get(str(values["id"]))
            if job is None:
                raise RuntimeError("a job vanished right after it was stored")
            return job, True
        stored = {**values, "seq": seq, "started_at": None, "finished_at": None}
        return JobRow.of({**stored, "result": None, "error": None}), True  # type: ignore[arg-type]

    def _check_room(self, connection: Connection, key_id: str) -> None:
        """Raise QueueFullError unless the queue and the key's share have room (in the lock)."""
        if self.max_queue is None and self.max_per_key is None:
            return
        if self.engine.dialect.name == "postgresql":
            connection.exec_driver_sql(f"SELECT pg_advisory_xact_lock({_QUEUE_LOCK})")
        # SQLite: the transaction began IMMEDIATE, so no other writer runs until it ends
        queued = jobs.c.status == "queued"
        mine = func.sum(case((jobs.c.key_id == key_id, 1), else_=0))
        row = connection.execute(select(func.count(), mine).where(queued)).one()
        total, own = int(row[0] or 0), int(row[1] or 0)
        if self.max_queue is not None and total >= self.max_queue:
            raise QueueFullError("queue", total, self.max_queue)
        if self.max_per_key is not None and own >= self.max_per_key:
            raise QueueFullError("key", own, self.max_per_key)

    def _by_idempotency(self, key_id: str, idempotency_key: str) -> JobRow | None:
        query = select(jobs).where(
            jobs.c.key_id == key_id, jobs.c.idempotency_key == idempotency_key
        )
        with self.engine.connect() as connection:
            row = connection.execute(query).mappings().first()
        return JobRow.of(row) if row else None

    def get(self, job_id: str, key_id: str | None = None) -> JobRow | None:
        """A job by id; with `key_id`, only if that key owns it."""
        query = select(jobs).where(jobs.c.id == job_id)
        if key_id is not None:
            query = query.where(jobs.c.key_id == key_id)
        with self.engine.connect() as connection:
            row = connection.execute(query).mappings().first()
        return JobRow.of(row) if row else None

    def page(self, key_id: str, status: str | None, limit: int, before: int | None) -> list[JobRow]:
        """A key's jobs, newest first, older than the `before` cursor."""
        query = select(jobs).where(jobs.c.key_id == key_id)
        if status is not None:
            query = query.where(jobs.c.status == status)
        if before is not None:
            query = query.where(jobs.c.seq < before)
        query = query.order_by(jobs.c.seq.desc()).limit(limit)
        with self.engine.connect() as connection:
            return [JobRow.of(r) for r in connection.execute(query).mappings()]

    def files(self, seq: int) -> dict[str, bytes]:
        """The files uploaded with a job."""
        query = select(job_files.c.name, job_files.c.content).where(job_files.c.job_seq == seq)
        with self.engine.connect() as connection:
            return {name: bytes(content) for name, content in connection.execute(query)}

    def cancel(self, job_id: str, key_id: str) -> JobRow | None:
        """Cancel a queued job now, or ask the worker of a running one to stop it."""
        with self.begin() as connection:
            queued = (jobs.c.id == job_id) & (jobs.c.key_id == key_id)
            connection.execute(
                update(jobs)
                .where(queued, jobs.c.status == "queued")
                .values(status="cancelled", finished_at=now(), cancel_requested=True)
            )
            connection.execute(
                update(jobs).where(queued, jobs.c.status == "running").values(cancel_requested=True)
            )
        return self.get(job_id, key_id)

    def claim(self, worker: str, lease: float, clock: float) -> JobRow | None:
        """Take the next queued job, round-robin across keys, or None.

        The oldest job of the key with the fewest running jobs, then of the key served
        longest ago (a key never served comes first); rows other replicas hold are skipped.
        """
        waiting = select(jobs.c.key_id).where(jobs.c.status == "queued")
        running = func.sum(case((jobs.c.status == "running", 1), else_=0))
        served = (
            select(
                jobs.c.key_id,
                running.label("running"),
                func.max(jobs.c.started_at).label("last_started"),
            )
            .where(jobs.c.key_id.in_(waiting))
            .group_by(jobs.c.key_id)
            .subquery()
        )
        query = (
            select(jobs.c.seq)
            .join(served, served.c.key_id == jobs.c.key_id)
            .where(jobs.c.status == "queued")
            .order_by(served.c.running, served.c.last_started.nulls_first(), jobs.c.seq)
            .limit(1)
            .with_for_update(skip_locked=True, of=jobs)
        )
        with self.begin() as connection:
            seq = connection.execute(query).scalar()
            if seq is None:
                return None
            connection.execute(
                update(jobs)
                .where(jobs.c.seq == seq)
                .values(
                    status="running",
                    started_at=now(),
                    worker=worker,
                    lease_until=clock + lease,
                    attempts=jobs.c.attempts + 1,
                    progress_done=None,  # a re-queued job counts afresh
                    progress_total=None,
                )
            )
            row = connection.execute(select(jobs).where(jobs.c.seq == seq)).mappings().one()
        return JobRow.of(row)

    def progress(self, job_id: str, done: int, total: int) -> None:
        """Record a running job's progress: `done` of `total` figures (ignored once finished)."""
        with self.begin() as connection:
            connection.execute(
                update(jobs)
                .where((jobs.c.id == job_id) & (jobs.c.status == "running"))
                .values(progress_done=done, progress_total=total)
            )

    def renew(self, job_ids: list[str], lease_until: float) -> set[str]:
        """Extend the leases of running jobs; the ids among them asked to cancel."""
        if not job_ids:
            return set()
        with self.begin() as connection:
            connection.execute(
                update(jobs)
                .where(jobs.c.id.in_(job_ids), jobs.c.status == "running")
                .values(lease_until=lease_until)
            )
            query = select(jobs.c.id).where(jobs.c.id.in_(job_ids), jobs.c.cancel_requested)
            return set(connection.execute(query).scalars())

    def finish(
        self, job_id: str, status: str, result: str | None = None, error: str | None = None
    ) -> None:
        """Record how a running job ended."""
        with self.begin() as connection:
            connection.execute(
                update(jobs)
                .where(jobs.c.id == job_id, jobs.c.status == "running")
                .values(status=status, result=result, error=error, finished_at=now())
            )

    def recover(self, max_attempts: int, clock: float, *, everything: bool = False) -> int:
        """Re-queue running jobs whose lease ran out (or all: a single server restarting).

        Jobs that already ran `max_attempts` times are failed instead, with the reason.
        """
        stale = jobs.c.status == "running"
        if not everything:
            stale = stale & (jobs.c.lease_until < clock)
        reason = (
            '{"reason": "interrupted", "message": "the server stopped while running this job '
            f'{max_attempts} times; not retrying (max attempts {max_attempts})"}}'
        )
        with self.begin() as connection:
            failed = connection.execute(
                update(jobs)
                .where(stale, jobs.c.attempts >= max_attempts)
                .values(status="failed", error=reason, finished_at=now())
            ).rowcount
            requeued = connection.execute(
                update(jobs).where(stale).values(status="queued", worker=None, lease_until=None)
            ).rowcount
        return int(failed or 0) + int(requeued or 0)

    def sweep(self, finished_before: datetime) -> int:
        """Delete finished jobs (and their files) that finished before the given time.

        Queued and running jobs are never deleted, however old. Returns how many went.
        """
        old = jobs.c.status.in_(FINISHED) & (jobs.c.finished_at < finished_before)
        with self.begin() as connection:
            seqs = select(jobs.c.seq).where(old).scalar_subquery()
            connection.execute(delete(job_files).where(job_files.c.job_seq.in_(seqs)))
            gone = connection.execute(delete(jobs).where(old)).rowcount
        return int(gone or 0)

    def counts(self) -> dict[str, int]:
        """Number of jobs by status."""
        query = select(jobs.c.status, func.count()).group_by(jobs.c.status)
        with self.engine.connect() as connection:
            found = {status: int(n) for status, n in connection.execute(query)}
        return {status: found.get(status, 0) for status in STATUSES}

    def queue_depth(self) -> int:
        """Number of queued jobs."""
        query = select(func.count()).select_from(jobs).where(jobs.c.status == "queued")
        with self.engine.connect() as connection:
            return int(connection.execute(query).scalar() or 0)

    def close(self) -> None:
        """Release the connections."""
        self.engine.dispose()
