"""`sourceopt schema`: the printed JSON Schemas validate real scenario files and real results."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml
from click.testing import CliRunner

from sourceopt import ScenarioError, load_scenario, solve
from sourceopt.cli import cli

ROOT = Path(__file__).resolve().parents[2]
SCENARIO_FILES = sorted(
    p
    for p in (ROOT / "scenarios").rglob("*")
    if p.suffix in (".yaml", ".yml", ".json") and "sourceopt_portfolio:" not in p.read_text()
)  # portfolio files have their own schema (`schema --portfolio`, tests/portfolio/)


def printed(*args: str) -> dict[str, Any]:
    run = CliRunner().invoke(cli, ["schema", *args])
    assert run.exit_code == 0, run.output
    schema: dict[str, Any] = json.loads(run.output)
    jsonschema.Draft202012Validator.check_schema(schema)
    return schema


@pytest.fixture(scope="module")
def scenario_schema() -> jsonschema.Draft202012Validator:
    schema = printed()
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    return jsonschema.Draft202012Validator(schema)


@pytest.fixture(scope="module")
def result_schema() -> jsonschema.Draft202012Validator:
    return jsonschema.Draft202012Validator(printed("--result"))


def errors(validator: jsonschema.Draft202012Validator, doc: Any) -> list[str]:
    return [e.message for e in validator.iter_errors(doc)]


def test_the_bundled_scenarios_are_all_found() -> None:
    names = {p.name for p in SCENARIO_FILES}
    assert {"laptops.yaml", "infeasible-setaside.yaml", "freight-lanes.yaml"} <= names
    assert len(SCENARIO_FILES) >= 7


@pytest.mark.parametrize("path", SCENARIO_FILES, ids=lambda p: p.name)
def test_every_bundled_scenario_validates(
    scenario_schema: jsonschema.Draft202012Validator, path: Path
) -> None:
    doc = yaml.safe_load(path.read_text())
    assert errors(scenario_schema, doc) == []


def laptops() -> dict[str, Any]:
    doc: dict[str, Any] = yaml.safe_load((ROOT / "scenarios" / "laptops.yaml").read_text())
    return doc


def typo(doc: dict[str, Any], where: str) -> dict[str, Any]:
    """`doc` with one key misspelt: at the top, in an offer, in a rule, in a variant."""
    doc = copy.deepcopy(doc)
    if where == "top":
        doc["rule"] = doc.pop("rules")
    elif where == "offer":
        doc["offers"][0]["prize"] = doc["offers"][0].pop("price")
    elif where == "rule":
        rule = next(r for r in doc["rules"] if r["type"] == "max_share")
        rule["limt"] = rule.pop("limit")
    elif where == "variant":
        doc["variants"][0]["drop_rule"] = ["x"]
    return doc


@pytest.mark.parametrize("where", ["top", "offer", "rule", "variant"])
def test_a_typo_key_fails_the_schema_as_it_fails_the_loader(
    scenario_schema: jsonschema.Draft202012Validator, where: str
) -> None:
    good = laptops()
    assert errors(scenario_schema, good) == []
    bad = typo(good, where)
    assert errors(scenario_schema, bad), f"a typo in {where} passed the schema"
    with pytest.raises(ScenarioError):
        load_scenario(bad, base_dir=ROOT / "scenarios")


def test_wrong_values_fail_the_schema(scenario_schema: jsonschema.Draft202012Validator) -> None:
    doc = laptops()
    doc["items"][0]["demand"] = -5
    assert errors(scenario_schema, doc)
    doc = laptops()
    doc["sourceopt"] = 2
    assert errors(scenario_schema, doc)
    doc = laptops()
    doc["rules"][0]["type"] = "max_shares"
    assert errors(scenario_schema, doc)


def test_real_results_validate_against_the_result_schema(
    result_schema: jsonschema.Draft202012Validator,
) -> None:
    solved = solve(load_scenario(ROOT / "scenarios" / "laptops.yaml")).to_dict()
    assert solved["status"] == "optimal"
    assert errors(result_schema, solved) == []
    infeasible = solve(load_scenario(ROOT / "scenarios" / "infeasible-setaside.yaml")).to_dict()
    assert infeasible["conflict"]
    assert errors(result_schema, infeasible) == []
    broken = copy.deepcopy(solved)
    broken["kpis"]["savings_pct"] = "7.8 %"
    assert errors(result_schema, broken)
    broken = copy.deepcopy(infeasible)
    broken["conflict"][0]["reason"] = broken["conflict"][0].pop("message")
    assert errors(result_schema, broken)
