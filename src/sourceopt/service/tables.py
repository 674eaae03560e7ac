"""The job store's tables (SQLAlchemy Core); the Alembic migrations create the same schema."""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    Column,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)

metadata = MetaData()

api_keys = Table(
    "api_keys",
    metadata,
    Column("id", String(32), primary_key=True),
    Column("name", String(200), nullable=False),
    Column("key_hash", String(64), nullable=False, unique=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("revoked_at", DateTime(timezone=True), nullable=True),
)

jobs = Table(
    "jobs",
    metadata,
    Column("seq", Integer, primary_key=True, autoincrement=True),
    Column("id", String(32), nullable=False, unique=True),
    Column("key_id", String(32), ForeignKey("api_keys.id"), nullable=False),
    Column("kind", String(40), nullable=False),
    Column("status", String(16), nullable=False),
    Column("request", Text, nullable=False),
    Column("request_sha256", String(64), nullable=False),
    Column("idempotency_key", String(200), nullable=True),
    Column("attempts", Integer, nullable=False, default=0),
    Column("cancel_requested", Boolean, nullable=False, default=False),
    Column("lease_until", Float, nullable=True),
    Column("worker", String(100), nullable=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("started_at", DateTime(timezone=True), nullable=True),
    Column("finished_at", DateTime(timezone=True), nullable=True),
    Column("result", Text, nullable=True),
    Column("error", Text, nullable=True),
    Column("progress_done", Integer, nullable=True),  # migration 0002
    Column("progress_total", Integer, nullable=True),
    UniqueConstraint("key_id", "idempotency_key", name="uq_jobs_key_idempotency"),
    Index("ix_jobs_status_seq", "status", "seq"),
    Index("ix_jobs_key_seq", "key_id", "seq"),
)

job_files = Table(
    "job_files",
    metadata,
    Column("job_seq", Integer, ForeignKey("jobs.seq", ondelete="CASCADE"), primary_key=True),
    Column("name", String(255), primary_key=True),
    Column("content", LargeBinary, nullable=False),
)
