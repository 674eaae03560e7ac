"""Pieces shared by the commands: the solver options, and user errors turned into exits."""

from __future__ import annotations

import functools
import json
import sys
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

import click

from sourceopt.cli.exits import EXIT_BACKEND, EXIT_INVALID, EXIT_USAGE, status_exit
from sourceopt.errors import BackendError, NoAwardError, ScenarioError, SourceoptError
from sourceopt.solvers.base import Status
from sourceopt.solvers.registry import backend_names

if TYPE_CHECKING:
    from sourceopt.scenario.model import Scenario


@dataclass(frozen=True)
class SolverArgs:
    """The shared options of an analysis command, as one argument (``run``)."""

    backend: str | None
    time_limit: float | None
    mip_gap: float | None
    as_json: bool
    models_dir: str | None

    def load(self, file: str) -> Scenario:
        """The scenario `file`, its models resolved from ``--models``."""
        from sourceopt.scenario.load import load_scenario

        return load_scenario(file, models_dir=self.models_dir)

    def load_with(self, file: str, variants: Iterable[str]) -> Scenario:
        """The scenario `file`; an unknown name among `variants` is a usage error (exit 2)."""
        scenario = self.load(file)
        check_variants(scenario, variants)
        return scenario

    def emit(self, doc: dict[str, Any], text: Callable[[], str]) -> None:
        """Print the analysis JSON (``--json``) or its readable text."""
        click.echo(json.dumps(doc, indent=2) if self.as_json else text())

    def solve_kwargs(self) -> dict[str, Any]:
        """``backend``, ``time_limit`` and ``mip_gap``, as the analysis functions take them."""
        return {"backend": self.backend, "time_limit": self.time_limit, "mip_gap": self.mip_gap}


def solver_options(func: Callable[..., Any]) -> Callable[..., Any]:
    """Add --backend, --time-limit, --gap, --json and --models; pass them as ``run``."""

    @functools.wraps(func)
    def command(*args: Any, **kwargs: Any) -> Any:
        run = SolverArgs(
            backend=kwargs.pop("backend"),
            time_limit=kwargs.pop("time_limit"),
            mip_gap=kwargs.pop("gap"),
            as_json=kwargs.pop("as_json"),
            models_dir=kwargs.pop("models_dir"),
        )
        return func(*args, run=run, **kwargs)

    wrapped: Callable[..., Any] = command
    for option in reversed(
        [
            click.option("--backend", type=click.Choice(list(backend_names())), default=None),
            click.option(
                "--time-limit",
                type=click.FloatRange(min=0, min_open=True),
                default=None,
                help="seconds per solve",
            ),
            click.option(
                "--gap", type=click.FloatRange(0, 1), default=None, help="relative MIP gap"
            ),
            click.option("--json", "as_json", is_flag=True, help="print the analysis JSON"),
            click.option("--models", "models_dir", type=click.Path(file_okay=False), default=None),
        ]
    ):
        wrapped = option(wrapped)
    return wrapped


def fail(exc: SourceoptError) -> NoReturn:
    """Print a user error (one line per problem) and exit with its code."""
    if isinstance(exc, ScenarioError):
        for problem in exc.problems:
            click.echo(f"error: {problem}", err=True)
        sys.exit(EXIT_INVALID)
    click.echo(f"error: {exc}", err=True)
    if isinstance(exc, NoAwardError):  # the base solve's answer, not a usage error
        sys.exit(status_exit(Status(exc.status)))
    sys.exit(EXIT_BACKEND if isinstance(exc, BackendError) else EXIT_USAGE)


@contextmanager
def user_errors() -> Iterator[None]:
    """Run a command's work; a SourceoptError is printed (no traceback) and exits with its code."""
    try:
        yield
    except SourceoptError as exc:
        fail(exc)


def wrote(path: str | Path) -> None:
    """Say that a file was written: ``wrote PATH`` on stderr (stdout keeps text or JSON)."""
    click.echo(f"wrote {path}", err=True)


def check_variants(scenario: Scenario, names: Iterable[str]) -> None:
    """Exit 2 (usage error) naming the scenario's variants if any of `names` is not one.

    Every command checks its ``--variant``/``--variants`` this way, with this one wording.
    """
    from sourceopt.scenario.variants import variant_names

    known = variant_names(scenario)
    unknown = [n for n in dict.fromkeys(names) if n not in known]
    if unknown:
        which = "variant" if len(unknown) == 1 else "variants"
        click.echo(
            f"error: unknown {which} {', '.join(map(repr, unknown))} in {scenario.source}; "
            f"its variants are: {', '.join(known)}",
            err=True,
        )
        sys.exit(EXIT_USAGE)
