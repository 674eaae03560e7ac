"""The ``sourceopt`` command line: thin commands that parse, call the library, render.

Every command is registered here, explicitly (:data:`COMMANDS`); exit codes are
:mod:`sourceopt.cli.exits` (the table is README.md's): 0 solved (optimal or feasible) /
valid; 1 internal error; 2 usage error; 3 invalid input; 4 infeasible; 5 no award (a limit
hit first, or unbounded); 6 solver backend unavailable or failed; 7 an award failed
verification; 8 a batch finished with failures; 9 a batch's awards drifted from the expected
ones; 130 interrupted.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from pathlib import Path

import click

from sourceopt.cli import (
    analysis_commands,
    batch_commands,
    commands,
    diagnose_commands,
    portfolio_commands,
    report_commands,
    schema_commands,
    service_commands,
    template_commands,
)
from sourceopt.cli.exits import (
    EXIT_BACKEND,
    EXIT_BATCH_FAILURES,
    EXIT_GOLDEN_DRIFT,
    EXIT_INFEASIBLE,
    EXIT_INTERNAL,
    EXIT_INTERRUPTED,
    EXIT_INVALID,
    EXIT_NO_AWARD,
    EXIT_OK,
    EXIT_UNVERIFIED,
    EXIT_USAGE,
)
from sourceopt.cli.shared import fail


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="sourceopt")
def cli() -> None:
    """sourceopt: proven-optimal, verified supplier awards from scenario files."""


COMMANDS: tuple[click.Command, ...] = (
    commands.validate,
    commands.solve_command,
    commands.backends,
    commands.models,
    schema_commands.schema_command,
    analysis_commands.rules_command,
    analysis_commands.compare_command,
    analysis_commands.frontier_command,
    diagnose_commands.explain_command,
    diagnose_commands.price_to_win_command,
    diagnose_commands.stress_command,
    report_commands.report_command,
    portfolio_commands.portfolio_command,
    template_commands.template_command,
    batch_commands.batch_command,
    service_commands.serve,
    service_commands.keys,
)
"""Every command of ``sourceopt``, in the order of ``sourceopt --help`` (sorted by name)."""

for _command in COMMANDS:
    cli.add_command(_command)


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


__all__ = [
    "COMMANDS",
    "EXIT_BACKEND",
    "EXIT_BATCH_FAILURES",
    "EXIT_GOLDEN_DRIFT",
    "EXIT_INFEASIBLE",
    "EXIT_INTERNAL",
    "EXIT_INTERRUPTED",
    "EXIT_INVALID",
    "EXIT_NO_AWARD",
    "EXIT_OK",
    "EXIT_UNVERIFIED",
    "EXIT_USAGE",
    "Path",
    "cli",
    "fail",
    "main",
]
