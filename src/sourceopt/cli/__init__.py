"""The ``sourceopt`` command line: thin commands that parse, call the library, render.

Exit codes (also in README.md): 0 solved (optimal or feasible) / valid; 1 internal error;
2 usage error; 3 invalid input; 4 infeasible; 5 no award (a limit hit first, or unbounded);
6 solver backend unavailable or failed; 7 an award failed verification; 8 a batch finished
with failures; 9 a batch's awards drifted from the expected ones; 130 interrupted.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import NoReturn

import click

from sourceopt.errors import BackendError, ScenarioError, SourceoptError

EXIT_OK, EXIT_INTERNAL, EXIT_USAGE, EXIT_INVALID = 0, 1, 2, 3
EXIT_INFEASIBLE, EXIT_NO_AWARD, EXIT_BACKEND, EXIT_UNVERIFIED = 4, 5, 6, 7
EXIT_BATCH_FAILURES, EXIT_GOLDEN_DRIFT, EXIT_INTERRUPTED = 8, 9, 130


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="sourceopt")
def cli() -> None:
    """sourceopt: proven-optimal, verified supplier awards from scenario files."""


def main(argv: Sequence[str] | None = None) -> None:
    """Entry point: run the CLI; user errors never print a traceback."""
    try:
        cli.main(args=list(argv) if argv is not None else None, standalone_mode=True)
    except SystemExit:
        raise
    except Exception as exc:
        if os.environ.get("SOURCEOPT_DEBUG"):
            raise
        click.echo(
            f"internal error: {type(exc).__name__}: {exc} "
            "(set SOURCEOPT_DEBUG=1 for details; please report it)",
            err=True,
        )
        sys.exit(EXIT_INTERNAL)


def fail(exc: SourceoptError) -> NoReturn:
    """Print a user error (one line per problem) and exit with its code."""
    if isinstance(exc, ScenarioError):
        for problem in exc.problems:
            click.echo(f"error: {problem}", err=True)
        sys.exit(EXIT_INVALID)
    click.echo(f"error: {exc}", err=True)
    sys.exit(EXIT_BACKEND if isinstance(exc, BackendError) else EXIT_USAGE)


# importing the command modules registers their commands on `cli`
from sourceopt.cli import analysis_commands as _analysis  # noqa: E402,F401
from sourceopt.cli import batch_commands as _batch  # noqa: E402,F401
from sourceopt.cli import commands as _commands  # noqa: E402,F401
from sourceopt.cli import diagnose_commands as _diagnose  # noqa: E402,F401
from sourceopt.cli import report_commands as _report  # noqa: E402,F401
from sourceopt.cli import schema_commands as _schema  # noqa: E402,F401
from sourceopt.cli import service_commands as _service  # noqa: E402,F401
from sourceopt.cli import template_commands as _template  # noqa: E402,F401

__all__ = ["Path", "cli", "fail", "main"]
