"""The service's settings: where the store is, how many workers, and every limit."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

DEFAULT_STORE = "sqlite:///sourceopt-service.db"


@dataclass(frozen=True)
class Settings:
    """Everything `create_app` needs; the CLI's `serve` options map onto these fields.

    Limits (README, "Service"): request body bytes (413), offers and rules per scenario (422),
    queued jobs (503 with Retry-After) and queued jobs per key (429 with Retry-After; by
    default half the queue, rounded up), requests per key per minute (429), wall-clock seconds
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
