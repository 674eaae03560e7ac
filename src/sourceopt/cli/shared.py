"""Pieces shared by the commands: the solver options, and user errors turned into exits."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

import click

from sourceopt.errors import SourceoptError
from sourceopt.solvers.registry import backend_names

F = TypeVar("F", bound=Callable[..., Any])


def solver_options(func: F) -> F:
    """Add --backend, --time-limit, --gap, --json and --models to a command."""
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
        func = option(func)
    return func


@contextmanager
def user_errors() -> Iterator[None]:
    """Run a command's work; a SourceoptError is printed (no traceback) and exits with its code."""
    from sourceopt.cli import fail

    try:
        yield
    except SourceoptError as exc:
        fail(exc)
