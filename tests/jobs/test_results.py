"""Every job kind's result is its result document (an unknown key fails the kind's model)."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from sourceopt.jobs.kinds import KINDS, run_kind
from sourceopt.scenario.load import load_scenario
from sourceopt.scenario.model import Scenario

EXAMPLE = Path(__file__).parents[2] / "docs" / "examples" / "office-chairs.yaml"
OPTIONS = {  # each kind on the worked example, where it has something to say
    "solve": {},
    "rules": {},
    "compare": {"variants": ["base", "no-cap"]},
    "frontier": {"against": "max_share", "points": 3},
    "explain": {"variant": "small-business-80pct"},
    "price-to-win": {"supplier": "brightco", "tolerance": 1e-3},
    "stress": {"supplier": "cheapseat"},
}


@pytest.fixture(scope="module")
def example() -> Scenario:
    return load_scenario(EXAMPLE)


def test_the_table_covers_every_kind() -> None:
    assert set(OPTIONS) | {"portfolio"} == set(KINDS)  # portfolio: below, on a portfolio


def test_the_portfolio_kinds_json_is_its_document(tmp_path: Path) -> None:
    import sys

    sys.path.insert(0, str(Path(__file__).parents[2]))
    from benchmarks.portfolio_gen import write_portfolio

    from sourceopt.portfolio import load_portfolio

    portfolio = load_portfolio(write_portfolio(2, 200, tmp_path))
    result = run_kind("portfolio", portfolio, {"method": "decomposed", "mip_gap": 1e-7})
    document = KINDS["portfolio"].result.model_validate(result)
    assert document.model_dump(mode="json", exclude_unset=True).keys() == result.keys()
    assert result["status"] == "optimal"
    assert [c["scenario"] for c in result["categories"]] == ["cat-000", "cat-001"]


@pytest.mark.parametrize("kind", sorted(OPTIONS))
def test_each_kinds_json_is_its_document(example: Scenario, kind: str) -> None:
    result = run_kind(kind, example, OPTIONS[kind])  # validated by the kind's model in run()
    document = KINDS[kind].result.model_validate(result)
    assert document.model_dump(mode="json", exclude_unset=True).keys() == result.keys()
    with pytest.raises(ValidationError, match="extra"):
        KINDS[kind].result.model_validate({**result, "surprise": 1})


def test_a_key_an_analysis_adds_without_its_model_fails_the_job(
    example: Scenario, monkeypatch: pytest.MonkeyPatch
) -> None:
    from dataclasses import replace

    kind = KINDS["stress"]
    real = kind.function()

    def more(*args: object, **kwargs: object) -> object:
        out = real(*args, **kwargs)

        class Extra:
            def to_dict(self) -> dict[str, object]:
                return {**out.to_dict(), "surprise": 1}

        return Extra()

    monkeypatch.setitem(KINDS, "stress", replace(kind, function=lambda: more))
    with pytest.raises(ValidationError, match="surprise"):
        run_kind("stress", example, OPTIONS["stress"])


def test_a_scored_comparison_is_its_document() -> None:
    # format 1.1: a scored scenario's rows say objective_kind "score"; the row model once
    # lacked the key, so that a compare job on one failed its document's validation
    scored = load_scenario(Path(__file__).parents[2] / "scenarios" / "eu-it-lots.yaml")
    result = run_kind("compare", scored, {"variants": ["base"]})
    row = result["variants"][0]
    assert row["objective_kind"] == "score"
    assert row["objective"] == pytest.approx(454 + 10 / 11)  # the file's hand-derived optimum
    assert row["final"] is True
