"""The commands: validate, solve, backends, models."""

from __future__ import annotations

import csv
import json
import sys
from pathlib import Path
from typing import Any

import click

from sourceopt.cli.exits import EXIT_INVALID, EXIT_OK, EXIT_USAGE, exit_code
from sourceopt.cli.render import SUMMARY_ROWS, summary, table, terminal_width
from sourceopt.cli.shared import check_variants, user_errors, wrote
from sourceopt.errors import ScenarioError
from sourceopt.result import SolveResult
from sourceopt.scenario.load import load_scenario
from sourceopt.scenario.variants import variant_names
from sourceopt.solvers.registry import backend_names


@click.command()
@click.argument("files", nargs=-1, required=True)
@click.option(
    "--models",
    "models_dir",
    type=click.Path(file_okay=False),
    help="folder of named sourcing models",
)
def validate(files: tuple[str, ...], models_dir: str | None) -> None:
    """Check scenario files; print OK or every problem with its place."""
    worst = EXIT_OK
    for file in files:
        try:
            sc = load_scenario(file, models_dir=models_dir)
        except ScenarioError as exc:
            for problem in exc.problems:
                click.echo(f"error: {problem}")
            worst = EXIT_INVALID
            continue
        click.echo(
            f"OK {file}: {sc.n_items} items, {sc.n_suppliers} suppliers, {sc.n_offers} offers, "
            f"{len(sc.rules)} rules, {len(sc.variants)} variants"
        )
    sys.exit(worst)


@click.command("solve")
@click.argument("file")
@click.option("--variant", default=None, help="solve this variant (default: base)")
@click.option("--all-variants", is_flag=True, help="solve the base and every variant")
@click.option("--backend", type=click.Choice(list(backend_names())), default=None)
@click.option(
    "--time-limit", type=click.FloatRange(min=0, min_open=True), default=None, help="seconds"
)
@click.option("--gap", type=click.FloatRange(0, 1), default=None, help="relative MIP gap")
@click.option("--json", "as_json", is_flag=True, help="print the JSON result contract")
@click.option(
    "--csv", "csv_dir", type=click.Path(file_okay=False), default=None, help="write CSV tables here"
)
@click.option("--models", "models_dir", type=click.Path(file_okay=False), default=None)
@click.option(
    "--rows",
    type=click.IntRange(min=0),
    default=SUMMARY_ROWS,
    show_default=True,
    help="rows per table in the summary, largest first (0: all, in the award's order)",
)
def solve_command(
    file: str,
    variant: str | None,
    all_variants: bool,
    backend: str | None,
    time_limit: float | None,
    gap: float | None,
    as_json: bool,
    csv_dir: str | None,
    models_dir: str | None,
    rows: int,
) -> None:
    """Solve a scenario (`-` reads it from stdin) and show the verified award."""
    from sourceopt.solve import solve

    if variant and all_variants:
        raise click.UsageError("give either --variant or --all-variants, not both")
    with user_errors():
        scenario = load_scenario(file, models_dir=models_dir)
        names = variant_names(scenario) if all_variants else (variant or "base",)
        check_variants(scenario, names)
        results = [
            solve(scenario, variant=v, backend=backend, time_limit=time_limit, mip_gap=gap)
            for v in names
        ]
    if as_json:
        docs = [r.to_dict() for r in results]
        click.echo(json.dumps(docs if all_variants else docs[0], indent=2))
    else:
        from sourceopt.cli.diagnose_commands import why_block  # infeasible: name the conflict

        click.echo(
            "\n\n".join(
                summary(r.document, scenario.currency, rows) + why_block(r) for r in results
            )
        )
    if csv_dir:
        _write_csv(Path(csv_dir), results, scenario.currency)
    sys.exit(max(exit_code(r) for r in results))


def _write_csv(folder: Path, results: list[SolveResult], currency: str) -> None:
    """Write each result's tables and JSON; name every file written (stderr)."""
    for result in results:
        out = folder / result.document.variant if len(results) > 1 else folder
        out.mkdir(parents=True, exist_ok=True)
        result.allocations.to_csv(out / "allocations.csv", index=False)
        items = result.items
        items["suppliers"] = [";".join(v) for v in items["suppliers"]]
        items.to_csv(out / "items.csv", index=False)
        sups = result.suppliers
        sups["items"] = [";".join(v) for v in sups["items"]]
        sups.to_csv(out / "suppliers.csv", index=False)
        result.rules.to_csv(out / "rules.csv", index=False)
        _write_cost_csv(out / "cost.csv", result.to_dict(), currency)
        (out / "result.json").write_text(result.to_json())
        for name in CSV_FILES:
            wrote(out / name)


CSV_FILES = (
    *("allocations.csv", "items.csv", "suppliers.csv", "rules.csv", "cost.csv", "result.json"),
)


def _write_cost_csv(path: Path, doc: dict[str, Any], currency: str) -> None:
    """cost.csv: the result's cost breakdown as `component`, `value`, `unit` rows.

    Total cost, each ``cost`` key (``adders`` then each ``adders.<name>``), the objective; a
    score's objective and penalties are in ``points``, every other figure in `currency`.
    """
    score = doc.get("objective_kind") == "score"
    cost = doc.get("cost") or {}
    rows: list[tuple[str, float | None, str]] = [("total_cost", doc.get("total_cost"), currency)]
    for key, value in cost.items():
        if key == "adders_by_name":
            rows += [(f"adders.{n}", v, currency) for n, v in value.items()]
        else:
            rows.append((key, value, "points" if score and key == "penalties" else currency))
    rows.append(("objective", doc.get("objective"), "points" if score else currency))
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["component", "value", "unit"])
        writer.writerows((c, "" if v is None else v, u) for c, v, u in rows)


@click.command()
def backends() -> None:
    """List the solver backends, whether each is installed, and what it can do."""
    from sourceopt.solvers.registry import BACKENDS, get_backend, is_available

    rows = []
    for name, entry in BACKENDS.items():
        if is_available(name):
            caps = get_backend(name).capabilities
            rows.append(
                [
                    name,
                    "yes",
                    "yes" if caps.mip else "no",
                    "yes" if caps.duals else "no",
                    "yes" if caps.continuous else "integer grid",
                ]
            )
        else:
            rows.append([name, f"no ({entry.install})", "-", "-", "-"])
    click.echo(table(["backend", "installed", "MIP", "duals", "continuous"], rows))


@click.command()
@click.argument("name", required=False)
@click.option("--models", "models_dir", type=click.Path(file_okay=False), default=None)
def models(name: str | None, models_dir: str | None) -> None:
    """List the named sourcing models a scenario can adopt with `model:`; NAME shows one whole."""
    from sourceopt.scenario.sourcing_models import available_models, read_model

    found = available_models(models_dir)
    if name is not None:
        if name not in found:
            click.echo(
                f"error: unknown model {name!r}; available models: {', '.join(sorted(found))}",
                err=True,
            )
            sys.exit(EXIT_USAGE)
        with user_errors():
            read_model(found[name])  # a model that would not load is reported, not shown
        click.echo(f"# model {name}: {found[name]}")
        click.echo(found[name].read_text(encoding="utf-8").rstrip("\n"))
        return
    rows = []
    room = max(30, terminal_width() - max([5, *map(len, found)]) - 9)  # the description's
    for model, path in found.items():
        with user_errors():
            doc = read_model(path)
        first = doc.description.split(". ")[0].strip()
        rows.append(
            [model, len(doc.rules), first if len(first) <= room else first[: room - 3] + "..."]
        )
    click.echo(table(["model", "rules", "description"], rows))
    click.echo("\n`sourceopt models NAME` shows one model whole (description, rules, objective).")
