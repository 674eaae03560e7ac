"""Prometheus text metrics: jobs by status, queue depth, a histogram of job seconds."""

from __future__ import annotations

import bisect
import threading

BUCKETS = (0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 300.0, 900.0, 3600.0)


class Metrics:
    """Counters kept by this server; job counts come from the shared store."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._counts: dict[str, int] = {}
        self._finished: dict[tuple[str, str], int] = {}
        self._buckets = [0] * (len(BUCKETS) + 1)
        self._sum = 0.0
        self._requests: dict[int, int] = {}

    def observe(self, kind: str, status: str, seconds: float) -> None:
        """Record one finished job."""
        with self._lock:
            self._finished[(kind, status)] = self._finished.get((kind, status), 0) + 1
            self._buckets[bisect.bisect_left(BUCKETS, seconds)] += 1
            self._sum += seconds

    def request(self, status_code: int) -> None:
        """Count one HTTP response."""
        with self._lock:
            self._requests[status_code] = self._requests.get(status_code, 0) + 1

    def set_counts(self, counts: dict[str, int]) -> None:
        """The latest job counts by status (from the store)."""
        with self._lock:
            self._counts = dict(counts)

    def render(self) -> str:
        """The Prometheus text exposition."""
        with self._lock:
            lines = [
                "# HELP sourceopt_jobs Jobs in the store by status.",
                "# TYPE sourceopt_jobs gauge",
                *(f'sourceopt_jobs{{status="{s}"}} {n}' for s, n in sorted(self._counts.items())),
                "# HELP sourceopt_queue_depth Jobs waiting for a worker.",
                "# TYPE sourceopt_queue_depth gauge",
                f"sourceopt_queue_depth {self._counts.get('queued', 0)}",
                "# HELP sourceopt_jobs_finished_total Jobs this server finished.",
                "# TYPE sourceopt_jobs_finished_total counter",
                *(
                    f'sourceopt_jobs_finished_total{{kind="{k}",status="{s}"}} {n}'
                    for (k, s), n in sorted(self._finished.items())
                ),
                "# HELP sourceopt_solve_seconds Wall-clock seconds of finished jobs.",
                "# TYPE sourceopt_solve_seconds histogram",
            ]
            total = 0
            for bound, n in zip((*BUCKETS, float("inf")), self._buckets, strict=True):
                total += n
                le = "+Inf" if bound == float("inf") else f"{bound:g}"
                lines.append(f'sourceopt_solve_seconds_bucket{{le="{le}"}} {total}')
            lines += [
                f"sourceopt_solve_seconds_sum {self._sum:.6f}",
                f"sourceopt_solve_seconds_count {total}",
                "# HELP sourceopt_http_responses_total HTTP responses by status code.",
                "# TYPE sourceopt_http_responses_total counter",
                *(
                    f'sourceopt_http_responses_total{{code="{c}"}} {n}'
                    for c, n in sorted(self._requests.items())
                ),
            ]
        return "\n".join(lines) + "\n"
