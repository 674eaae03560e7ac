"""`sourceopt template`: the bid workbook, filled as a supplier would, solves as a scenario."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import openpyxl
import pytest
import yaml
from click.testing import CliRunner, Result

from sourceopt import load_scenario, solve
from sourceopt.cli import cli

ROOT = Path(__file__).resolve().parents[2]
LAPTOPS = ROOT / "scenarios" / "laptops.yaml"

TINY = """\
sourceopt: 1
name: tiny-bids
currency: EUR
items:
  - {id: A, demand: 100, baseline_price: 11}
  - {id: B, demand: 50, baseline_price: 21}
suppliers:
  - {id: s1, name: First, tags: [incumbent, local]}
  - {id: s2, name: Second}
offers:
  - {supplier: s1, item: A, price: 99}
rules:
  - {type: max_share, name: cap-60, limit: 0.6, per: item, measure: volume}
"""


def run(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args))


def template(tmp_path: Path, source: Path, *extra: str) -> Path:
    out = tmp_path / "bids.xlsx"
    result = run("template", "--from", str(source), "--out", str(out), *extra)
    assert result.exit_code == 0, result.output
    assert f"wrote {out}" in result.output
    return out


def fill(path: Path, offers: list[list[object]], tiers: list[list[object]]) -> None:
    """Type rows into the Offers and Tiers sheets with openpyxl, as a supplier would."""
    book = openpyxl.load_workbook(path)
    for name, rows in (("Offers", offers), ("Tiers", tiers)):
        for row in rows:
            book[name].append(row)
    book.save(path)


def test_tiny_bids_solve_to_the_hand_derived_award(tmp_path: Path) -> None:
    source = tmp_path / "tiny.yaml"
    source.write_text(TINY)
    bids = template(tmp_path, source)
    book = openpyxl.load_workbook(bids)
    assert book.sheetnames == ["Instructions", "Items", "Suppliers", "Offers", "Tiers", "Scenario"]
    assert [c.value for c in book["Items"][1]] == [
        "id",
        "demand",
        "unit",
        "baseline_price",
        "group",
        "tags",  # format 1.1: item tags (;-separated), kept for the rules that select by them
        "lot_size",  # format 1.1: whole units (empty: continuous)
    ]
    assert [c.value for c in book["Items"]["A"][1:]] == ["A", "B"]
    assert book["Suppliers"]["E2"].value == "incumbent;local"  # tags, ;-separated
    assert book["Offers"].max_row == 1  # the offers are left to the suppliers
    fill(
        bids,
        offers=[["s1", "A", 10], ["s1", "B", 20], ["s2", "A", 12], ["s2", "B", 19]],
        tiers=[["s2", "A", 60, 9]],
    )
    scenario = load_scenario(bids)
    assert (scenario.name, scenario.currency) == ("tiny-bids", "EUR")
    assert [r.name for r in scenario.rules] == ["cap-60"]
    result = solve(scenario)
    # cap-60: each supplier gets at most 60 % of an item's units.
    # A (100 units): s2 60 units reach its tier (from 60: 9) -> 540, s1 the other 40 at 10 ->
    #   400; 940 beats s1 60 x 10 + s2 40 x 12 = 1,080.
    # B (50 units): s2 30 x 19 = 570 + s1 20 x 20 = 400 -> 970 (the other way: 600 + 380 = 980).
    # Total 940 + 970 = 1,910.
    assert result.status == "optimal"
    assert result.objective == pytest.approx(1910, abs=1e-6)
    units = {(a.supplier, a.item): a.units for a in result.document.allocations}
    assert units == pytest.approx(
        {("s2", "A"): 60, ("s1", "A"): 40, ("s2", "B"): 30, ("s1", "B"): 20}
    )
    solved = run("solve", str(bids))
    assert solved.exit_code == 0, solved.output
    assert "1,910.00" in solved.output


def test_laptops_template_filled_awards_as_the_scenario(tmp_path: Path) -> None:
    bids = template(tmp_path, LAPTOPS)
    data = yaml.safe_load(LAPTOPS.read_text())
    offers = [[o["supplier"], o["item"], o["price"], o.get("capacity")] for o in data["offers"]]
    tiers = [
        [o["supplier"], o["item"], t["from"], t["price"]]
        for o in data["offers"]
        for t in o.get("tiers", [])
    ]
    fill(bids, offers, tiers)
    scenario = load_scenario(bids)
    original = load_scenario(LAPTOPS)
    assert scenario.model == "dual-source"
    assert [v.name for v in scenario.variants] == [v.name for v in original.variants]
    assert [r.name for r in scenario.rules] == [r.name for r in original.rules]
    # the same data, so the same optimum (the two files are compared, not a number copied)
    assert solve(scenario).objective == pytest.approx(solve(original).objective, rel=1e-9)


def test_with_offers_prefills_offers_and_tiers(tmp_path: Path) -> None:
    bids = template(tmp_path, LAPTOPS, "--with-offers")
    book = openpyxl.load_workbook(bids)
    assert book["Offers"].max_row == 1 + 22
    assert book["Tiers"].max_row == 1 + 14  # laptops.yaml: 5 + 2 + 4 + 1 + 2 tiers
    assert [c.value for c in book["Tiers"][2]] == ["northbridge", "NB-14-STD", 300, 1019]
    assert book["Offers"]["D2"].value is None  # no capacity: empty, not infinity


def test_sheets_as_tables_of_a_scenario_file(tmp_path: Path) -> None:
    source = tmp_path / "tiny.yaml"
    source.write_text(TINY)
    bids = template(tmp_path, source)
    fill(bids, offers=[["s1", "A", 10], ["s2", "B", 19]], tiers=[])
    scenario = tmp_path / "round2.yaml"
    scenario.write_text(
        "sourceopt: 1\nname: round2\n"
        + "".join(
            f"{key}: {{file: bids.xlsx, sheet: {key.title()}}}\n"
            for key in ("items", "suppliers", "offers", "tiers")
        )
    )
    result = solve(load_scenario(scenario))
    # no rule: A all to s1 at 10 (1,000), B all to s2 at 19 (950)
    assert result.objective == pytest.approx(1950)


def _sheet_xml(path: Path, title: str) -> str:
    with zipfile.ZipFile(path) as z:
        book = z.read("xl/workbook.xml").decode()
        rels = z.read("xl/_rels/workbook.xml.rels").decode()
        rid = re.search(rf'<sheet name="{title}" sheetId="\d+" r:id="(rId\d+)"', book)
        assert rid is not None
        target = re.search(rf'Id="{rid.group(1)}" Type="[^"]+" Target="([^"]+)"', rels)
        assert target is not None
        return z.read("xl/" + target.group(1).lstrip("/").removeprefix("xl/")).decode()


def test_data_validation_in_the_sheets(tmp_path: Path) -> None:
    bids = template(tmp_path, LAPTOPS)
    offers = _sheet_xml(bids, "Offers")
    assert re.search(
        r'type="list"[^>]*sqref="A2:A5001"><formula1>Suppliers!\$A\$2:\$A\$5001<', offers
    )
    assert re.search(r'type="list"[^>]*sqref="B2:B5001"><formula1>Items!\$A\$2:\$A\$5001<', offers)
    assert re.search(
        r'type="decimal" operator="greaterThanOrEqual"[^>]*sqref="C2:C5001"><formula1>0', offers
    )
    tiers = _sheet_xml(bids, "Tiers")
    assert re.search(
        r'type="decimal" operator="greaterThan"[^>]*sqref="C2:C5001"><formula1>0', tiers
    )
    items = _sheet_xml(bids, "Items")
    assert re.search(r'type="custom"[^>]*sqref="A2:A5001"><formula1>COUNTIF', items)  # unique ids
    assert re.search(r'type="decimal" operator="greaterThan"[^>]*sqref="B2:B5001"', items)  # demand
    suppliers = _sheet_xml(bids, "Suppliers")
    attr = [c.value for c in openpyxl.load_workbook(bids)["Suppliers"][1]]
    assert attr[-2:] == ["attr.lead_time_days", "attr.risk"]
    assert 'sqref="J2:J5001"' in suppliers  # attr.risk: a number


@pytest.mark.parametrize(
    ("out", "message"),
    [
        ("bids.csv", "name it with .xlsx"),
        ("bids", "name it with .xlsx"),
        ("no/such/folder/bids.xlsx", "does not exist"),
    ],
)
def test_bad_out_exits_2(tmp_path: Path, out: str, message: str) -> None:
    result = run("template", "--from", str(LAPTOPS), "--out", str(tmp_path / out))
    assert result.exit_code == 2
    assert message in result.output


def test_bad_source_exits_3(tmp_path: Path) -> None:
    missing = run(
        "template", "--from", str(tmp_path / "nope.yaml"), "--out", str(tmp_path / "b.xlsx")
    )
    assert missing.exit_code == 3
    assert "file not found" in missing.output
    broken = tmp_path / "broken.yaml"
    broken.write_text(TINY.replace("demand: 100", "demand: -1"))
    invalid = run("template", "--from", str(broken), "--out", str(tmp_path / "b.xlsx"))
    assert invalid.exit_code == 3
    assert "items[0].demand" in invalid.output
    assert not (tmp_path / "b.xlsx").exists()
    stdin = run("template", "--from", "-", "--out", str(tmp_path / "b.xlsx"))
    assert stdin.exit_code == 2


def _filled_tiny(tmp_path: Path) -> Path:
    source = tmp_path / "tiny.yaml"
    source.write_text(TINY)
    bids = template(tmp_path, source)
    fill(bids, offers=[["s1", "A", 10], ["s2", "B", 19]], tiers=[])
    return bids


def _edit(path: Path, change: str) -> None:
    book = openpyxl.load_workbook(path)
    if change == "no-scenario-sheet":
        del book["Scenario"]
    elif change == "no-offers-sheet":
        del book["Offers"]
    elif change == "text-price":
        book["Offers"]["C2"] = "ten"
    elif change == "bad-yaml":
        book["Scenario"]["B5"] = "- {type: max_share, limit: [0.6"
    elif change == "table-key":
        book["Scenario"].append(["offers", "x"])
    elif change == "unknown-supplier":
        book["Offers"]["A3"] = "s9"
    elif change == "numeric-name":
        book["Scenario"]["B3"] = 2026
        book["Scenario"]["B4"] = "EURO"  # not an ISO code: the header is still validated
    book.save(path)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ("no-scenario-sheet", "no 'Scenario' sheet"),
        ("no-offers-sheet", "no 'Offers' sheet"),
        ("text-price", "sheet 'Offers' row 2, column price (cell C2)"),
        ("bad-yaml", "sheet 'Scenario' row 5, key rules (cell B5)"),
        ("table-key", "the table 'offers' is the sheet 'Offers'"),
        ("unknown-supplier", "s9"),
        ("numeric-name", "currency"),
    ],
)
def test_bad_workbook_exits_3_naming_the_cell(tmp_path: Path, change: str, message: str) -> None:
    bids = _filled_tiny(tmp_path)
    _edit(bids, change)
    result = run("solve", str(bids))
    assert result.exit_code == 3, result.output
    assert message in result.output
    assert "Traceback" not in result.output


def test_a_name_typed_as_a_number_is_text(tmp_path: Path) -> None:
    bids = _filled_tiny(tmp_path)
    book = openpyxl.load_workbook(bids)
    assert book["Scenario"]["A3"].value == "name"
    book["Scenario"]["B3"] = 2026
    book.save(bids)
    assert load_scenario(bids).name == "2026"


def test_not_a_workbook_exits_3(tmp_path: Path) -> None:
    fake = tmp_path / "bids.xlsx"
    fake.write_bytes(b"not a zip at all")
    result = run("solve", str(fake))
    assert result.exit_code == 3
    assert "cannot read the file as an Excel workbook" in result.output


def test_template_from_a_bid_workbook(tmp_path: Path) -> None:
    bids = _filled_tiny(tmp_path)
    again = tmp_path / "round2.xlsx"
    result = run("template", "--from", str(bids), "--out", str(again), "--with-offers")
    assert result.exit_code == 0, result.output
    scenario = load_scenario(again)
    assert [r.name for r in scenario.rules] == ["cap-60"]
    assert scenario.n_offers == 2
    # the offers carried over are s1's for A and s2's for B: cap-60 lets one supplier have at
    # most 60 of A's 100 units, so the Scenario sheet's rule came along and binds: infeasible
    assert solve(scenario).status == "infeasible"
