"""The service's settings: where the store is, how many workers, and every limit."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal, Self

from pydantic import BaseModel, ConfigDict, Field, model_validator

from sourceopt.scenario.sizes import MB, TableLimits

DEFAULT_STORE = "sqlite:///sourceopt-service.db"

Count = Annotated[int, Field(ge=1)]
Seconds = Annotated[float, Field(gt=0, allow_inf_nan=False)]


class Settings(BaseModel):
    """Everything `create_app` needs; the CLI's `serve` options map onto these fields.

    Limits (README, "Service"): request body bytes (413), offers and rules per scenario (422),
    uploaded table files' rows, columns, unpacked bytes and zip ratio, checked before they are
    read (422), the memory (413) and seconds of the process that reads them, and at most
    `upload_workers` such processes at once, queued jobs (503 with Retry-After) and queued
    jobs per key (429 with Retry-After; by default half the queue, rounded up), requests per
    key per minute (429), wall-clock seconds
    and memory per job (the worker is killed), and the synchronous route's size and time.
    Finished jobs are deleted `retain_days` after they finished (0: kept forever).

    Every field is validated when the settings are made (a pydantic model: a count is at
    least 1, a time positive, an unknown field an error), with the same bounds as the
    ``serve`` options, so a server is never started with settings it cannot honour.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    store_url: Annotated[str, Field(min_length=1)] = DEFAULT_STORE
    models_dir: Path | None = None
    workers: Annotated[int, Field(ge=1, le=256)] = 2
    executor: Literal["process", "dask"] = "process"
    scheduler: str | None = None  # Dask scheduler address, with executor="dask"
    max_body_bytes: Count = 20 * 1024 * 1024
    max_offers: Count = 1_000_000
    max_rules: Count = 1_000
    max_queue: Count = 1_000
    max_queue_per_key: Count | None = None  # None: half of max_queue, rounded up
    retain_days: Annotated[float, Field(ge=0, allow_inf_nan=False)] = 30.0
    max_table_rows: Count = 2_000_000
    max_table_columns: Count = 1_000
    max_unpacked_mb: Count = 512
    max_zip_ratio: Annotated[float, Field(ge=1, allow_inf_nan=False)] = 100.0
    upload_memory_mb: Annotated[int, Field(ge=64)] = 2_048
    upload_workers: Annotated[int, Field(ge=1, le=64)] = 2
    upload_seconds: Seconds = 120.0
    rate_per_minute: Count = 6_000
    job_seconds: Seconds = 3_600.0
    memory_mb: Annotated[int, Field(ge=256)] = 4_096
    max_attempts: Count = 3
    lease_seconds: Seconds = 30.0
    sync_max_offers: Count = 5_000
    sync_seconds: Seconds = 30.0
    retry_after_seconds: Count = 5
    cors_origins: tuple[str, ...] = ()

    @model_validator(mode="after")
    def _scheduler_for_dask(self) -> Self:
        if self.executor == "dask" and not self.scheduler:
            raise ValueError("executor 'dask' needs a scheduler address (--scheduler)")
        return self

    @property
    def queue_per_key(self) -> int:
        """How many jobs one key may have queued (never more than the whole queue)."""
        if self.max_queue_per_key is None:
            return max(1, -(-self.max_queue // 2))
        return max(1, min(self.max_queue_per_key, self.max_queue))

    def table_limits(self) -> TableLimits:
        """The size checks an uploaded table file passes before it is read."""
        return TableLimits(
            rows=self.max_table_rows,
            columns=self.max_table_columns,
            unpacked_bytes=self.max_unpacked_mb * MB,
            ratio=self.max_zip_ratio,
            ratio_floor_bytes=min(16 * MB, self.max_unpacked_mb * MB // 4),
        )
