"""``sourceopt schema``: the JSON Schema of the scenario format, or of the result document.

Both are generated from the library's own pydantic types (:class:`ScenarioDocument`, which
the loader validates with, and :class:`ResultDocument`, which every shell prints), so they
cannot drift from what sourceopt accepts and returns. Editors use the scenario schema to
validate YAML as it is typed (README.md, "Editors").
"""

from __future__ import annotations

import json
from typing import Any

import click

DIALECT = "https://json-schema.org/draft/2020-12/schema"


def scenario_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of a scenario file, YAML or JSON."""
    from sourceopt.scenario.schema import ScenarioDocument

    schema = ScenarioDocument.model_json_schema()
    schema["title"] = "sourceopt scenario"
    return {"$schema": DIALECT, **schema}


def result_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of the result document (`solve --json`)."""
    from sourceopt.result import ResultDocument

    schema = ResultDocument.model_json_schema(mode="serialization")
    schema["title"] = "sourceopt result"
    return {"$schema": DIALECT, **schema}


def portfolio_schema(of_result: bool = False) -> dict[str, Any]:
    """The JSON Schema of a portfolio file (`of_result`: of `sourceopt portfolio --json`)."""
    from sourceopt.portfolio.result import PortfolioDocument
    from sourceopt.portfolio.schema import PortfolioFile

    if of_result:
        schema = PortfolioDocument.model_json_schema(mode="serialization")
        schema["title"] = "sourceopt portfolio result"
    else:
        schema = PortfolioFile.model_json_schema()
        schema["title"] = "sourceopt portfolio"
    return {"$schema": DIALECT, **schema}


@click.command("schema")
@click.option(
    "--result",
    "of_result",
    is_flag=True,
    help="the schema of the result document (`solve --json`) instead of the scenario's",
)
@click.option(
    "--portfolio",
    "of_portfolio",
    is_flag=True,
    help="the schema of a portfolio file (with --result: of `portfolio --json`)",
)
def schema_command(of_result: bool, of_portfolio: bool) -> None:
    """Print the JSON Schema of the scenario format (--result: of the result document).

    Save it (`sourceopt schema > sourceopt.schema.json`) and point an editor at it, e.g. with
    the first line `# yaml-language-server: $schema=sourceopt.schema.json` in a scenario file.
    """
    if of_portfolio:
        schema = portfolio_schema(of_result)
    else:
        schema = result_schema() if of_result else scenario_schema()
    click.echo(json.dumps(schema, indent=2))
