"""Progress of a batch on a text stream: a redrawn bar on a terminal, plain lines otherwise."""

from __future__ import annotations

import time
from typing import Any, TextIO

from sourceopt.batch.store import is_failure

_WIDTH = 24


def clock(seconds: float) -> str:
    """Seconds as ``m:ss`` (or ``h:mm:ss``)."""
    s = round(seconds)
    h, rest = divmod(s, 3600)
    return f"{h}:{rest // 60:02d}:{rest % 60:02d}" if h else f"{rest // 60}:{rest % 60:02d}"


class Progress:
    """Counts finished jobs and shows them: call :meth:`update` per job, :meth:`close` at end."""

    def __init__(self, stream: TextIO, total: int, interactive: bool | None = None) -> None:
        self.stream = stream
        self.total = total
        self.interactive = stream.isatty() if interactive is None else interactive
        self.done = self.failed = self.infeasible = self.skipped = 0
        self.start = time.monotonic()
        self._drawn = 0.0

    def plan(self, total: int) -> None:
        """Set the number of jobs (known once the batch is planned) and restart the clock."""
        self.total = total
        self.start = time.monotonic()

    def update(self, row: dict[str, Any], skipped: bool = False) -> None:
        """One more job finished (or was found done by an earlier run)."""
        self.done += 1
        self.skipped += skipped
        infeasible = row.get("status") == "infeasible"
        self.infeasible += infeasible
        self.failed += is_failure(row) and not infeasible
        if self.interactive:
            now = time.monotonic()
            if now - self._drawn > 0.1 or self.done == self.total:
                self._drawn = now
                self.stream.write("\r" + self.bar() + "\x1b[K")
                self.stream.flush()
        elif not skipped:
            self.stream.write(self.line(row) + "\n")
            self.stream.flush()

    def bar(self) -> str:
        """The one-line bar: done / total, failures, elapsed and estimated time left."""
        fill = int(_WIDTH * self.done / self.total) if self.total else _WIDTH
        elapsed = time.monotonic() - self.start
        solved_now = self.done - self.skipped
        left = ""
        if solved_now > 0 and self.done < self.total:
            left = f", ~{clock(elapsed / solved_now * (self.total - self.done))} left"
        return (
            f"[{'#' * fill}{'.' * (_WIDTH - fill)}] {self.done}/{self.total} done, "
            f"{self.failed} failed, {self.infeasible} infeasible, {clock(elapsed)} elapsed{left}"
        )

    def line(self, row: dict[str, Any]) -> str:
        """A log line for one finished job."""
        head = f"[{self.done}/{self.total}] {row['file']} {row['variant']}: {row['status']}"
        if row.get("error") and row.get("status") != "infeasible":  # infeasible says it all
            return f"{head}: {row['error']}"
        if row.get("status") == "infeasible":
            return f"{head} ({row.get('wall_s') or 0:.2f} s)"
        cost = row.get("total_cost")
        cost_text = f" {cost:,.2f}" if isinstance(cost, int | float) else ""
        score = row.get("objective")
        if row.get("objective_kind") == "score" and isinstance(score, int | float):
            cost_text = f" score {score:,.4f} points, total cost{cost_text}"
        return f"{head}{cost_text} ({row.get('wall_s') or 0:.2f} s)"

    def close(self) -> None:
        """End the bar's line (a terminal) so that what follows starts on a fresh line."""
        if self.interactive and self.done:
            self.stream.write("\n")
            self.stream.flush()
