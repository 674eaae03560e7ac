"""`sourceopt report`, end to end: the files it writes and its exit codes (README)."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner, Result

from sourceopt.cli import cli

ROOT = Path(__file__).resolve().parents[2]
LAPTOPS = str(ROOT / "scenarios" / "laptops.yaml")
SERVICES = str(ROOT / "scenarios" / "public-services.yaml")
INFEASIBLE = str(ROOT / "scenarios" / "infeasible-setaside.yaml")


def run(*args: str) -> Result:
    return CliRunner().invoke(cli, ["report", *args])


def test_workbook_of_chosen_variants(tmp_path: Path) -> None:
    out = tmp_path / "award.xlsx"
    result = run(LAPTOPS, "--variants", "northbridge-bafo,base", "--out", str(out))
    assert result.exit_code == 0, result.output
    assert f"wrote {out}" in result.output
    wb = openpyxl.load_workbook(out)
    assert wb["Summary"]["B6"].value == "northbridge-bafo"  # the first variant is detailed
    variants = [c.value for c in wb["Scenarios"]["A"][1:]]
    assert variants == ["northbridge-bafo", "base"]
    assert "Changes" not in wb.sheetnames
    assert "Frontier" not in wb.sheetnames


def test_html_with_rule_costs(tmp_path: Path) -> None:
    out = tmp_path / "report.html"
    result = run(SERVICES, "--rule-costs", "--out", str(out))
    assert result.exit_code == 0, result.output
    page = out.read_text(encoding="utf-8")
    assert "with the cost of each rule" in page
    assert "<script" not in page
    assert "http://" not in page.replace('xmlns="http://www.w3.org/2000/svg"', "")
    assert "https://" not in page


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--out", "award.pdf"], "unknown report type '.pdf'"),
        (["--out", "award"], "unknown report type '(no extension)'"),
        (["--out", "no/such/folder/award.xlsx"], "does not exist"),
        (["--out", "a.xlsx", "--variants", "nope"], "unknown variant 'nope'"),
        (["--out", "a.xlsx", "--diff", "base", "nope"], "unknown variant 'nope'"),
        (["--out", "a.xlsx", "--frontier", "nope"], "unknown metric 'nope'"),
        (["--out", "a.xlsx", "--variants", ","], "--variants"),
    ],
)
def test_usage_errors_exit_2(tmp_path: Path, args: list[str], message: str) -> None:
    args = [str(tmp_path / a) if a.startswith(("award", "a.", "no/")) else a for a in args]
    result = run(LAPTOPS, *args)
    assert result.exit_code == 2, result.output
    assert message in result.output
    assert "Traceback" not in result.output
    assert list(tmp_path.iterdir()) == []


def test_unwritable_out_is_an_error_not_a_traceback(tmp_path: Path) -> None:
    folder = tmp_path / "taken.html"
    folder.mkdir()  # --out names a folder: the file cannot be written
    result = run(LAPTOPS, "--variants", "base", "--out", str(folder))
    assert result.exit_code == 2, result.output
    assert "cannot write the report" in result.output
    assert "Traceback" not in result.output


def test_invalid_scenario_exits_3(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("sourceopt: 1\nname: x\nitems: [{id: X, demand: -1}]\n")
    result = run(str(bad), "--out", str(tmp_path / "a.html"))
    assert result.exit_code == 3, result.output
    assert result.output.startswith("error: ")


def test_infeasible_writes_the_report_and_exits_4(tmp_path: Path) -> None:
    out = tmp_path / "a.xlsx"
    result = run(INFEASIBLE, "--variants", "base", "--out", str(out))
    assert result.exit_code == 4, result.output
    ws = openpyxl.load_workbook(out)["Summary"]
    assert ws["B7"].value == "infeasible"


def test_progress_after_each_solve() -> None:
    from sourceopt import load_scenario
    from sourceopt.report.collect import collect, steps

    scenario = load_scenario(LAPTOPS)
    done: list[str] = []
    args = {"variants": ["base", "fast-delivery"], "diff": ["base", "northbridge-bafo"]}
    collect(scenario, **args, rule_costs=True, progress=done.append)
    # the variants asked, then the diff's other variant, then the rule costs
    assert done == ["base", "fast-delivery", "northbridge-bafo", "rule costs"]
    assert steps(scenario, args["variants"], args["diff"], True, None) == len(done)
