"""Each job kind's option model lists exactly its library function's keyword arguments."""

from __future__ import annotations

import inspect

import pytest

import sourceopt.analysis as analysis
from sourceopt.errors import AnalysisError
from sourceopt.jobs.kinds import INTERNAL, KINDS, check_options, run_kind
from sourceopt.scenario.load import load_scenario
from sourceopt.solve import solve

SERVER_CHOSEN = {"seed", "threads"}  # solve() takes them; a job runs with the server's
# the analyses' executor (a job's chunks run on the server's pool), warm switch and progress
SERVER_CHOSEN |= {"executor", "scheduler", "warm", "progress", "base_raw", "detached"}


def _parameters(kind: str) -> set[str]:
    function = KINDS[kind].function()
    return {n for n in inspect.signature(function).parameters if n != "scenario"} - SERVER_CHOSEN


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_option_model_matches_the_function(kind: str) -> None:
    assert set(KINDS[kind].options.model_fields) == _parameters(kind)


@pytest.mark.parametrize("kind", sorted(INTERNAL))
def test_an_internal_kinds_model_matches_its_function(kind: str) -> None:
    # what the calling analysis hands over unchecked: a frontier's start award, its floor and
    # the base award (analysis/frontier_floor.py)
    unchecked = {"start", "floor", "base"}
    function = INTERNAL[kind].function()
    given = {n for n in inspect.signature(function).parameters if n != "scenario"}
    assert set(INTERNAL[kind].options.model_fields) == given - SERVER_CHOSEN - unchecked


def test_the_table_names_the_library_functions() -> None:
    assert KINDS["solve"].function() is solve
    assert KINDS["rules"].function() is analysis.rule_costs
    assert KINDS["price-to-win"].function() is analysis.price_to_win
    assert list(KINDS) == [
        "solve",
        "rules",
        "compare",
        "frontier",
        "explain",
        "price-to-win",
        "stress",
        "portfolio",
    ]


def test_nothing_is_coerced_and_names_may_use_dashes() -> None:
    _, problems = check_options("frontier", {"against": "max_share", "points": "3"})
    assert [(p.place, p.message) for p in problems] == [
        ("options.points", "expected a whole number, got '3' (str)")
    ]
    checked, problems = check_options("price-to-win", {"mip-gap": 0.5, "supplier": "acme"})
    assert (checked, problems) == ({"mip_gap": 0.5, "supplier": "acme"}, [])


def test_run_kind_refuses_bad_options_as_invalid_options_not_a_type_error() -> None:
    scenario = load_scenario(
        {
            "sourceopt": 1,
            "name": "tiny",
            "items": [{"id": "A", "demand": 1}],
            "suppliers": [{"id": "S"}],
            "offers": [{"supplier": "S", "item": "A", "price": 1.0}],
        }
    )
    with pytest.raises(AnalysisError, match=r"options\.points: expected a whole number"):
        run_kind("frontier", scenario, {"against": "max_share", "points": "abc"})
