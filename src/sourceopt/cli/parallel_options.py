"""The options of the analyses that re-solve: --jobs, --executor, --scheduler, a time budget.

``--analysis-time-limit`` caps the whole analysis (``--time-limit`` stays the limit of each
solve); figures it stopped are marked ``final: false``. A progress bar goes to stderr while
figures are priced, only when stderr is a terminal and the output is not ``--json``.
"""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import click

from sourceopt.analysis.resolve import Progress


class TerminalProgress(Progress):
    """A one-line progress bar on stderr: ``[#####.....] 5/10 figures``."""

    WIDTH = 30

    def on_done(self) -> None:
        """Redraw the bar (and end the line when every figure is done)."""
        total = max(self.total, self.finished, 1)
        filled = int(self.WIDTH * self.finished / total)
        bar = "#" * filled + "." * (self.WIDTH - filled)
        end = "\n" if self.finished >= total else ""
        click.echo(f"\r[{bar}] {self.finished}/{total} figures", err=True, nl=False)
        if end:
            click.echo("", err=True)


@dataclass(frozen=True)
class ParallelArgs:
    """``--jobs``, ``--executor``, ``--scheduler`` and ``--analysis-time-limit`` as one argument."""

    jobs: int
    executor: str
    scheduler: str | None
    analysis_time_limit: float | None

    def kwargs(self, as_json: bool) -> dict[str, Any]:
        """The analysis function's keyword arguments, with a progress bar where it shows."""
        progress = progress_bar(as_json)
        return {
            "jobs": self.jobs,
            "executor": self.executor,
            "scheduler": self.scheduler,
            "analysis_time_limit": self.analysis_time_limit,
            "progress": progress,
        }


def budget_option(func: Callable[..., Any]) -> Callable[..., Any]:
    """Add --analysis-time-limit alone (an analysis that does not run in chunks)."""
    return click.option(
        "--analysis-time-limit",
        type=click.FloatRange(min=0, min_open=True),
        default=None,
        help="seconds for the whole analysis; figures it stops are not final",
    )(func)


def progress_bar(as_json: bool) -> Progress | None:
    """A progress bar on stderr when it is a terminal and the output is not JSON (else None)."""
    return TerminalProgress() if not as_json and sys.stderr.isatty() else None


def parallel_options(func: Callable[..., Any]) -> Callable[..., Any]:
    """Add --jobs, --executor, --scheduler, --analysis-time-limit; pass them as ``par``."""

    @functools.wraps(func)
    def command(*args: Any, **kwargs: Any) -> Any:
        executor, scheduler = kwargs.pop("executor"), kwargs.pop("scheduler")
        if executor == "dask" and not scheduler:
            raise click.UsageError("--executor dask needs --scheduler HOST:PORT")
        par = ParallelArgs(
            jobs=kwargs.pop("jobs"),
            executor=executor,
            scheduler=scheduler,
            analysis_time_limit=kwargs.pop("analysis_time_limit"),
        )
        return func(*args, par=par, **kwargs)

    wrapped: Callable[..., Any] = command
    decorators: list[Decorator] = [*_JOBS_OPTIONS, budget_option]
    for option in reversed(decorators):
        wrapped = option(wrapped)
    return wrapped


Decorator = Callable[[Callable[..., Any]], Callable[..., Any]]
_JOBS_OPTIONS: list[Decorator] = [
    click.option(
        "--jobs",
        type=click.IntRange(1, 64),
        default=1,
        help="re-solve this many chunks at once, each on a supervised worker",
    ),
    click.option(
        "--executor",
        type=click.Choice(["local", "dask"]),
        default="local",
        help="where the chunks run: local worker processes, or a Dask cluster",
    ),
    click.option("--scheduler", default=None, help="the Dask scheduler (HOST:PORT)"),
]
