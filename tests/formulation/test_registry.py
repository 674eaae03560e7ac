"""Every registry of rule types covers exactly the schema's rule types; build never skips one."""

from __future__ import annotations

import re
import typing
from pathlib import Path
from typing import Any

import pytest

from sourceopt import build_program, load_scenario
from sourceopt.errors import SourceoptError
from sourceopt.formulation.family import families, family_of
from sourceopt.scenario.schema import Rule
from sourceopt.verify.families import CHECKS

SRC = Path(__file__).resolve().parents[2] / "src" / "sourceopt"


def schema_types() -> set[str]:
    """The rule types of the schema's discriminated union (each class's ``type`` literal)."""
    union = typing.get_args(Rule)[0]
    out = set()
    for cls in typing.get_args(union):
        (literal,) = typing.get_args(cls.model_fields["type"].annotation)
        out.add(literal)
    return out


def test_schema_union_is_read() -> None:
    assert {"max_share", "budget", "backup_coverage"} <= schema_types()


def test_formulation_families_cover_exactly_the_schema() -> None:
    assert set(families()) == schema_types()
    for name, family in families().items():
        assert family.type == name


def test_verify_checks_cover_exactly_the_schema() -> None:
    assert set(CHECKS) == schema_types()
    for name, check in CHECKS.items():
        assert check.type == name


def test_every_family_words_its_conflicts() -> None:
    scenario = load_scenario(SRC.parents[1] / "scenarios" / "resilient-chips.yaml")
    for rule in scenario.rules:
        text = family_of(rule).words(scenario, rule)
        assert text
        assert "cannot hold together" not in text


class _Alien:
    type = "alien_rule"
    name = "alien"


def test_an_unknown_type_raises_instead_of_being_skipped() -> None:
    with pytest.raises(SourceoptError, match="alien_rule"):
        family_of(_Alien())
    scenario = load_scenario(
        {
            "sourceopt": 1,
            "name": "alien",
            "items": [{"id": "A", "demand": 1}],
            "suppliers": [{"id": "S"}],
            "offers": [{"supplier": "S", "item": "A", "price": 1}],
        }
    )
    alien: Any = _Alien()
    with pytest.raises(SourceoptError, match="alien_rule"):
        build_program(scenario.with_changes(rules=[alien], rule_origins=[""]))


# metric and KPI names that happen to equal a rule type (the frontier's metrics, KPI keys)
METRIC_NAMES = {("metric_spec.py", "max_share"), ("metric_spec.py", "supplier_count"),
                ("metric_spec.py", "group_share"), ("compare.py", "supplier_count")}  # fmt: skip
# words that are also rule types but mean something else there: KPI keys and summary columns
# (``kpis.supplier_count``, also in the portfolio report; the batch summary's ``max_share``),
# the report's "award" section
OTHER_MEANINGS = {("store.py", "max_share"), ("store.py", "supplier_count"),
                  ("sections.py", "supplier_count"), ("html.py", "award"),
                  ("reports.py", "award"), ("portfolio.py", "supplier_count")}  # fmt: skip
SHELLS_AND_ANALYSES = ("analysis", "batch", "service", "cli", "jobs", "report")


def test_no_analysis_or_shell_names_a_rule_type() -> None:
    types = schema_types()
    for folder in SHELLS_AND_ANALYSES:
        for path in sorted((SRC / folder).rglob("*.py")):
            text = path.read_text(encoding="utf-8")
            for literal in re.findall(r"""["']([a-z_]+)["']""", text):
                if literal in types:
                    known = METRIC_NAMES | OTHER_MEANINGS
                    assert (path.name, literal) in known, f"{folder}/{path.name} names {literal!r}"
            assert not re.search(r"\.type\s*(==|in)\s", text), f"{folder}/{path.name}"
