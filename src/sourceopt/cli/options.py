"""Command-line options shared by the analysis and diagnosis commands."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import click

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
