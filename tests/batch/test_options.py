"""Each job kind's option model lists exactly its library function's keyword arguments."""

from __future__ import annotations

import inspect

import pytest

import sourceopt.analysis as analysis
from sourceopt.batch.kinds import ANALYSES, run_kind
from sourceopt.batch.options import OPTION_MODELS, check_options
from sourceopt.errors import AnalysisError
from sourceopt.scenario.load import load_scenario
from sourceopt.solve import solve

SERVER_CHOSEN = {"seed", "threads"}  # solve() takes them; a job runs with the server's


def _parameters(kind: str) -> set[str]:
    function = solve if kind == "solve" else getattr(analysis, ANALYSES[kind][1])
    return {n for n in inspect.signature(function).parameters if n != "scenario"} - SERVER_CHOSEN


@pytest.mark.parametrize("kind", sorted(OPTION_MODELS))
def test_option_model_matches_the_function(kind: str) -> None:
    assert set(OPTION_MODELS[kind].model_fields) == _parameters(kind)


def test_every_kind_has_an_option_model() -> None:
    assert set(OPTION_MODELS) == {"solve", *ANALYSES}


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
