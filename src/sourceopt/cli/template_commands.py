"""The template command: the bid workbook (.xlsx) to send to suppliers."""

from __future__ import annotations

from pathlib import Path

import click

from sourceopt.cli.shared import user_errors


def _check_out(out: str) -> Path:
    path = Path(out)
    if path.suffix.lower() != ".xlsx":
        raise click.UsageError(
            f"--out {out}: the bid workbook is an Excel workbook; name it with .xlsx "
            "(e.g. --out bids.xlsx)"
        )
    parent = path.parent if str(path.parent) else Path()
    if not parent.is_dir():
        raise click.UsageError(f"--out {out}: folder {str(parent)!r} does not exist")
    return path


@click.command("template")
@click.option(
    "--from",
    "source",
    required=True,
    metavar="FILE",
    help="the scenario (YAML, JSON or a bid workbook) whose items and suppliers to pre-fill",
)
@click.option("--out", "out", required=True, metavar="bids.xlsx", help="the workbook to write")
@click.option("--with-offers", is_flag=True, help="pre-fill the offers and tiers too")
@click.option("--models", "models_dir", type=click.Path(file_okay=False), default=None)
def template_command(source: str, out: str, with_offers: bool, models_dir: str | None) -> None:
    """Write a bid workbook for suppliers to fill: Items, Suppliers, Offers, Tiers sheets.

    The filled workbook is a scenario of its own (sourceopt solve bids.xlsx) or the tables
    of a scenario file (offers: {file: bids.xlsx, sheet: Offers}).
    """
    from sourceopt.report.template import write_template
    from sourceopt.scenario.load import load_scenario
    from sourceopt.scenario.read import read_document
    from sourceopt.scenario.workbook import is_workbook, read_workbook_document

    path = _check_out(out)
    if source == "-":
        raise click.UsageError("--from: give the scenario file (its tables are read beside it)")
    with user_errors():
        scenario = load_scenario(source, models_dir=models_dir)
        file = Path(source)
        document = (read_workbook_document if is_workbook(file) else read_document)(file)[0]
        write_template(scenario, document, path, offers=with_offers)
    click.echo(
        f"wrote {path}: {len(scenario.items)} item(s), {len(scenario.suppliers)} supplier(s)"
        + (f", {scenario.n_offers} offer(s)" if with_offers else "; offers to fill")
    )
