"""The portfolio report: `sourceopt portfolio FILE --out report.html|.xlsx`.

A generated portfolio (benchmarks/portfolio_gen.py: 4 categories x 200 offers, 5 goals) is
solved once; the workbook's cells and the page's tables must show the result JSON's own
figures; the page renders offline in chromium (the award report's Visit), screenshot taken.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks.portfolio_gen import write_portfolio  # noqa: E402
from tests.report.test_html import Visit, browser  # noqa: E402,F401

from sourceopt.cli import cli  # noqa: E402
from sourceopt.errors import SourceoptError  # noqa: E402
from sourceopt.report.portfolio import build_portfolio_report, write_portfolio_report  # noqa: E402

GOALS = [
    "small-business-share",
    "wosb-share",
    "national-shared-capacity",
    "no-national-firm-over-cap",
]


@pytest.fixture(scope="module")
def solved(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Any]]:
    folder = tmp_path_factory.mktemp("portfolio")
    path = write_portfolio(4, 200, folder / "in")
    result = CliRunner().invoke(cli, ["portfolio", str(path), "--json"])
    assert result.exit_code == 0, result.output
    return path, json.loads(result.stdout)


def test_cli_writes_the_workbook_with_the_json_figures(
    solved: tuple[Path, dict[str, Any]], tmp_path: Path
) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    path, doc = solved
    out = tmp_path / "portfolio.xlsx"
    result = CliRunner().invoke(cli, ["portfolio", str(path), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert f"wrote {out}" in result.output
    book = openpyxl.load_workbook(out)
    assert book.sheetnames == ["Summary", "Goals", "Coordination", "Categories", "Firms"]
    goals = [[c.value for c in row] for row in book["Goals"].iter_rows(min_row=2)]
    assert [g[0] for g in goals] == [*GOALS, "budget"]
    for row, goal in zip(goals, doc["goals"], strict=True):
        assert row[2] == pytest.approx(goal["value"], rel=1e-12)
        assert row[3] == pytest.approx(goal["bound"], rel=1e-12)
        assert row[4] == ("yes" if goal["met"] else "no")
    coordination = {r[0].value: r[1].value for r in book["Coordination"].iter_rows(min_row=2)}
    cost = coordination["Cost of the goals (joint - independent)"]
    assert cost == pytest.approx(doc["coordination"]["cost_of_goals"], rel=1e-12)
    # the generated goals bind: the categories alone do not meet them, together they cost
    assert coordination["Do those independent awards meet every goal?"] == "no"
    assert cost > 0
    cats = [r[0].value for r in book["Categories"].iter_rows(min_row=2)]
    assert cats == [c["scenario"] for c in doc["categories"]]
    firms = [r[1].value for r in book["Firms"].iter_rows(min_row=2)]
    assert firms == sorted(firms, reverse=True)
    assert sum(firms) == pytest.approx(sum(s["spend"] for s in doc["suppliers"]), rel=1e-9)


def test_report_refuses_other_documents_and_suffixes(
    solved: tuple[Path, dict[str, Any]], tmp_path: Path
) -> None:
    _, doc = solved
    with pytest.raises(SourceoptError, match="not a portfolio result"):
        build_portfolio_report({"scenario": "x"})
    with pytest.raises(SourceoptError, match=r"\.xlsx \(workbook\) or \.html"):
        write_portfolio_report(doc, tmp_path / "r.pdf")
    result = CliRunner().invoke(cli, ["portfolio", "x.yaml", "--goals", "--out", "r.html"])
    assert result.exit_code == 2
    assert "without an analysis" in result.output


def test_page_renders_offline_with_goals_and_coordination(
    browser: Any,  # noqa: F811
    solved: tuple[Path, dict[str, Any]],
    tmp_path: Path,
) -> None:
    _, doc = solved
    page = write_portfolio_report(doc, tmp_path / "portfolio.html", "USD")
    visit = Visit(browser, page, viewport={"width": 1280, "height": 900})
    try:
        assert visit.foreign == []
        assert visit.errors == []
        p = visit.page
        rows = p.locator("#goals-table tbody tr")
        assert rows.count() == 5
        assert rows.nth(0).locator("td").nth(0).inner_text() == GOALS[0]
        met = [rows.nth(k).locator("td").nth(4).inner_text() for k in range(5)]
        assert met == ["yes" if g["met"] else "no" for g in doc["goals"]]
        coordination = p.locator("#coordination-table tbody tr").nth(3).locator("td")
        assert coordination.nth(1).inner_text() == f"{doc['coordination']['cost_of_goals']:,.2f}"
        assert p.locator("#categories-table tbody tr").count() == 4
        assert p.locator("figure svg").count() == 2
        assert "all money in USD" in p.locator("header").inner_text()
        shot = tmp_path / "portfolio-report.png"
        p.screenshot(path=str(shot), full_page=True)
        assert shot.stat().st_size > 10_000
    finally:
        visit.close()
