"""Portfolio files in `sourceopt batch`: one job each, its result beside the scenarios'.

The batch's folder holds a generated portfolio (benchmarks/portfolio_gen.py, 4 categories x
200 offers, 5 goals): the portfolio file (recognised by its `sourceopt_portfolio` key) is one
job whose result is `PortfolioResult.to_dict()`, its category files are solved alone as the
scenarios they are, and the summary row carries status, objective, goals met and the cost of
the goals. Resume skips it; an edit to a category file runs it again.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks.portfolio_gen import write_portfolio  # noqa: E402

from sourceopt.cli import cli  # noqa: E402


def _batch(*args: str) -> str:
    result = CliRunner().invoke(cli, ["batch", *args], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.output


def test_portfolio_file_is_one_job_with_its_result_and_summary_row(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    write_portfolio(4, 200, folder)
    out = tmp_path / "out"
    _batch(str(folder), "--out", str(out))
    doc = json.loads((out / "results" / "portfolio.yaml" / "portfolio.json").read_text())
    assert doc["portfolio"] == "portfolio-4x200-s0"
    assert doc["status"] == "optimal"
    assert [c["scenario"] for c in doc["categories"]] == [f"cat-{k:03d}" for k in range(4)]
    for k in range(4):  # the category files are also scenarios of the batch, solved alone
        alone = json.loads((out / "results" / f"cat-{k:03d}.yaml" / "base.json").read_text())
        assert alone["status"] == "optimal"
    independent = sum(
        json.loads((out / "results" / f"cat-{k:03d}.yaml" / "base.json").read_text())["total_cost"]
        for k in range(4)
    )
    assert doc["coordination"]["independent_cost"] == pytest.approx(independent, rel=1e-9)
    summary = pd.read_csv(out / "summary.csv")
    row = summary[summary["variant"] == "portfolio"].iloc[0]
    assert row["file"] == "portfolio.yaml"
    assert row["scenario"] == "portfolio-4x200-s0"
    assert row["status"] == "optimal"
    assert row["verification"] == "ok"
    assert row["objective"] == pytest.approx(doc["objective"], rel=1e-12)
    assert row["total_cost"] == pytest.approx(doc["total_cost"], rel=1e-12)
    met = sum(g["met"] for g in doc["goals"])
    assert row["goals_met"] == f"{met}/5"
    assert row["cost_of_goals"] == pytest.approx(doc["coordination"]["cost_of_goals"], rel=1e-12)
    assert row["cost_of_goals"] > 0
    scenario_rows = summary[summary["variant"] == "base"]
    assert len(scenario_rows) == 4
    assert scenario_rows["goals_met"].isna().all()

    again = _batch(str(folder), "--out", str(out))  # resume: all 5 done before
    assert "(0 now, 5 from an earlier run)" in again
    cat = folder / "cat-003.yaml"
    cat.write_text(cat.read_text().replace("limit: 0.6", "limit: 0.7"))
    third = _batch(str(folder), "--out", str(out))  # the edit re-runs the portfolio and cat-003
    index = [json.loads(line) for line in (out / "index.jsonl").read_text().splitlines()]
    assert [e["variant"] for e in index].count("portfolio") == 2, third
    assert len(index) == 7
