"""The report command: the committee award workbook (.xlsx) or the HTML report (.html)."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import click

from sourceopt.cli.exits import exit_code, worst
from sourceopt.cli.shared import user_errors
from sourceopt.solvers.registry import backend_names

RENDERINGS = (".xlsx", ".html", ".htm")


@contextmanager
def _progress(total: int) -> Iterator[Callable[[str], None]]:
    """A progress bar on stderr (shown on a terminal) when there is more than one solve."""
    if total <= 1:
        yield lambda _step: None
        return
    with click.progressbar(
        length=total, label="solving", file=sys.stderr, show_pos=True, item_show_func=str
    ) as bar:

        def tick(step: str) -> None:
            bar.update(1, step)

        yield tick


def _check_out(out: str) -> Path:
    path = Path(out)
    if path.suffix.lower() not in RENDERINGS:
        raise click.UsageError(
            f"--out {out}: unknown report type {path.suffix or '(no extension)'!r}; "
            "write .xlsx (the award workbook) or .html (the report page)",
        )
    parent = path.parent if str(path.parent) else Path()
    if not parent.is_dir():
        raise click.UsageError(f"--out {out}: folder {str(parent)!r} does not exist")
    return path


@click.command("report")
@click.argument("file")
@click.option("--out", "out", required=True, help="award.xlsx (workbook) or report.html (page)")
@click.option(
    "--variants",
    default="all",
    show_default=True,
    help="variants side by side: all, or comma-separated names; the first is the award shown",
)
@click.option("--rule-costs", is_flag=True, help="price every rule (re-solve without each)")
@click.option("--diff", nargs=2, default=None, metavar="A B", help="what moved from A to B")
@click.option(
    "--frontier", "against", default=None, metavar="METRIC", help="add cost against METRIC"
)
@click.option("--backend", type=click.Choice(list(backend_names())), default=None)
@click.option(
    "--time-limit",
    type=click.FloatRange(min=0, min_open=True),
    default=None,
    help="seconds per solve",
)
@click.option("--gap", type=click.FloatRange(0, 1), default=None, help="relative MIP gap")
@click.option("--models", "models_dir", type=click.Path(file_okay=False), default=None)
def report_command(
    file: str,
    out: str,
    variants: str,
    rule_costs: bool,
    diff: tuple[str, str] | None,
    against: str | None,
    backend: str | None,
    time_limit: float | None,
    gap: float | None,
    models_dir: str | None,
) -> None:
    """Write the award report of a scenario: a workbook (.xlsx) or one HTML page (.html)."""
    from sourceopt.report.collect import collect, steps
    from sourceopt.scenario.load import load_scenario

    path = _check_out(out)
    names = (
        None if variants.strip() == "all" else [v.strip() for v in variants.split(",") if v.strip()]
    )
    if names == []:
        raise click.UsageError("--variants: give 'all' or comma-separated variant names")
    with user_errors():
        scenario = load_scenario(file, models_dir=models_dir)
        total = steps(scenario, names, diff, rule_costs, against)
        with _progress(total) as tick:
            done = collect(
                scenario,
                variants=names,
                rule_costs=rule_costs,
                diff=diff,
                frontier=against,
                backend=backend,
                time_limit=time_limit,
                mip_gap=gap,
                progress=tick,
            )
        if path.suffix.lower() == ".xlsx":
            from sourceopt.report.workbook import write_workbook

            write_workbook(done.report, path)
        else:
            from sourceopt.report.html import write_html

            write_html(done.report, path)
    s = done.report.summary
    click.echo(
        f"wrote {path}: {s.scenario} / {s.variant} ({s.status}), "
        f"{len(done.report.scenarios)} variant(s)"
    )
    sys.exit(worst([exit_code(r) for r in done.results], done.verified))
