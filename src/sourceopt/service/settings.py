"""The service's settings: where the store is, how many workers, and every limit."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from sourceopt.scenario.sizes import MB, TableLimits

DEFAULT_STORE = "sqlite:///sourceopt-service.db"


@dataclass(frozen=True)
class Settings:
    """Everything `create_app` needs; the CLI's `serve` options map onto these fields.

    Limits (README, "Service"): request body bytes (413), offers and rules per scenario (422),
    uploaded table files' rows, columns, unpacked bytes and zip ratio, checked before they are
    read (422), the memory (413) and seconds of the process that reads them, and at most
    `upload_workers` such processes at once, queued jobs (503 with Retry-After) and queued
    jobs per key (429 with Retry-After; by default half the queue, rounded up), requests per
    key per minute (429), wall-clock seconds
    and memory per job (the worker is killed), and the synchronous route's size and time.
    Finished jobs are deleted `retain_days` after they finished (0: kept forever).
    """

    store_url: str = DEFAULT_STORE
    models_dir: Path | None = None
    workers: int = 2
    executor: str = "process"  # "process" or "dask"
    scheduler: str | None = None  # Dask scheduler address, with executor="dask"
    max_body_bytes: int = 20 * 1024 * 1024
    max_offers: int = 1_000_000
    max_rules: int = 1_000
    max_queue: int = 1_000
    max_queue_per_key: int | None = None  # None: half of max_queue, rounded up
    retain_days: float = 30.0
    max_table_rows: int = 2_000_000
    max_table_columns: int = 1_000
    max_unpacked_mb: int = 512
    max_zip_ratio: float = 100.0
    upload_memory_mb: int = 2_048
    upload_workers: int = 2
    upload_seconds: float = 120.0
    rate_per_minute: int = 6_000
    job_seconds: float = 3_600.0
    memory_mb: int = 4_096
    max_attempts: int = 3
    lease_seconds: float = 30.0
    sync_max_offers: int = 5_000
    sync_seconds: float = 30.0
    retry_after_seconds: int = 5
    cors_origins: tuple[str, ...] = field(default_factory=tuple)

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
