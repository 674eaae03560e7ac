"""Excel workbooks (.xlsx) as table files, end to end, with real files written by openpyxl.

A sheet is read as a CSV file is (every cell as text as written), so a workbook and the same
data as CSV files solve alike; what text would hide (a date in a number column, a formula
never computed) is a problem naming the cell.
"""

from __future__ import annotations

import datetime as dt
import importlib.util
import re
import zipfile
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner

from sourceopt import load_scenario, solve
from sourceopt.batch.jobs import JobOptions, plan_jobs
from sourceopt.cli import cli
from sourceopt.errors import Problem, ScenarioError

openpyxl = pytest.importorskip("openpyxl")

VALIDATE_FAILED = 3

# The same data as sheets and as CSV files. Hand-derived optimum (no rules, lowest cost):
# - item B is offered only by S2: 50 x 5 = 250.
# - item A (demand 100): S1 at 9 holds 60 units; S2 at 12, but with an all-units tier from 80
#   units at 9.5. Without the tier: 60 x 9 + 40 x 12 = 1020. With S2 at >= 80 units: S1
#   takes x <= 20 at 9 and S2 100 - x at 9.5, costing 950 - 0.5 x, least at x = 20:
#   20 x 9 + 80 x 9.5 = 180 + 760 = 940 (S2 ships 80 + 50 = 130 <= its 200).
# Optimum = 940 + 250 = 1190; baseline 100 x 12 + 50 x 6 = 1500.
ITEMS = [["id", "demand", "unit", "baseline_price"], ["A", 100, "ea", 12], ["B", 50, "ea", 6]]
SUPPLIERS = [
    ["id", "name", "country", "tags", "capacity", "attr.risk"],
    ["S1", "Alpha", "US", "incumbent;iso9001", 60, 0.2],
    ["S2", "Beta", "DE", "small_business", 200, 0.35],
]
OFFERS = [
    ["supplier", "item", "price", "capacity"],
    ["S1", "A", 9, None],
    ["S2", "A", 12, None],
    ["S2", "B", 5.0, 150],
]
TIERS = [["supplier", "item", "from", "price"], ["S2", "A", 80, 9.5]]
OPTIMUM = 1190.0
AWARD = {("S1", "A"): 20.0, ("S2", "A"): 80.0, ("S2", "B"): 50.0}


def workbook(path: Path, sheets: dict[str, list[list[Any]]]) -> Path:
    """Write a real .xlsx: one sheet per entry, rows as given (row 1 the header)."""
    book = openpyxl.Workbook()
    book.remove(book.active)
    for title, rows in sheets.items():
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
    book.save(path)
    return path


def scenario(folder: Path, tables: str, name: str = "scenario.yaml") -> Path:
    path = folder / name
    path.write_text(f"sourceopt: 1\nname: excel-case\n{tables}")
    return path


def one_offers_sheet(tmp_path: Path, offers: list[list[Any]], title: str = "Offers") -> Path:
    """A scenario with inline items and suppliers and its offers in `book.xlsx`."""
    workbook(tmp_path / "book.xlsx", {title: offers})
    return scenario(
        tmp_path,
        "items:\n  - {id: A, demand: 100}\n  - {id: B, demand: 50}\n"
        "suppliers:\n  - {id: S1, capacity: 60}\n  - {id: S2, capacity: 200}\n"
        "offers: {file: book.xlsx}\n",
    )


def problems_of(path: Path) -> list[Problem]:
    with pytest.raises(ScenarioError) as caught:
        load_scenario(path)
    return list(caught.value.problems)


def award_of(path: Path) -> tuple[float, dict[tuple[str, str], float]]:
    result = solve(load_scenario(path))
    rows = result.allocations
    units = {
        (str(r.supplier), str(r.item)): float(r.units) for r in rows.itertuples() if r.units > 0
    }
    return result.objective, units


def validate(path: Path) -> tuple[int, str]:
    result = CliRunner().invoke(cli, ["validate", str(path)])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    assert "Traceback" not in result.output
    return result.exit_code, result.output


# --- a workbook solves as the same data in CSV ---------------------------------------------


def _csv(path: Path, rows: list[list[Any]]) -> None:
    text = "\n".join(",".join("" if v is None else str(v) for v in row) for row in rows)
    path.write_text(text + "\n")


def test_workbook_sheets_solve_like_the_same_csv_tables(tmp_path: Path) -> None:
    excel, csv = tmp_path / "excel", tmp_path / "csv"
    excel.mkdir()
    csv.mkdir()
    workbook(
        excel / "tables.xlsx",
        {"Items": ITEMS, "Suppliers": SUPPLIERS, "Offers": OFFERS, "Tiers": TIERS},
    )
    from_excel = scenario(
        excel,
        "items: {file: tables.xlsx}\n"  # no sheet: the first
        "suppliers: {file: tables.xlsx, sheet: Suppliers}\n"
        "offers: {file: tables.xlsx, sheet: Offers}\n"
        "tiers: {file: tables.xlsx, sheet: Tiers}\n",
    )
    for name, rows in (
        ("items", ITEMS),
        ("suppliers", SUPPLIERS),
        ("offers", OFFERS),
        ("tiers", TIERS),
    ):
        _csv(csv / f"{name}.csv", rows)
    from_csv = scenario(
        csv,
        "items: {file: items.csv}\nsuppliers: {file: suppliers.csv}\n"
        "offers: {file: offers.csv}\ntiers: {file: tiers.csv}\n",
    )
    loaded = load_scenario(from_excel)
    assert loaded.suppliers["tags"].tolist() == [
        frozenset({"incumbent", "iso9001"}),
        frozenset({"small_business"}),
    ]
    assert loaded.suppliers["attr.risk"].tolist() == [0.2, 0.35]
    objective, units = award_of(from_excel)
    assert objective == pytest.approx(OPTIMUM, rel=1e-9)
    assert units == pytest.approx(AWARD)
    assert award_of(from_csv) == (pytest.approx(objective, rel=1e-9), pytest.approx(units))
    # the input digest covers the workbook's bytes: another workbook, another digest
    before = loaded.input_sha256
    workbook(
        excel / "tables.xlsx",
        {"Items": ITEMS, "Suppliers": SUPPLIERS, "Offers": OFFERS, "Tiers": TIERS[:1]},
    )
    assert load_scenario(from_excel).input_sha256 != before


def test_cells_read_as_written(tmp_path: Path) -> None:
    """Whole numbers as `101` (ids match), floats exact, blank rows and columns skipped."""
    offers = [
        ["supplier", "item", None, "price", "capacity"],  # an empty column C (ignored)
        [101, "A", None, 0.3, 1e3],  # 1e3 is written as a float
        [],  # a blank row in the middle (ignored)
        ["S2", "A", None, 1 / 3, None],
        ["S2", "B", None, 5, None],
    ]
    path = one_offers_sheet(tmp_path, offers)
    path.write_text(path.read_text().replace("{id: S1, capacity: 60}", "{id: '101', capacity: 60}"))
    book = openpyxl.load_workbook(tmp_path / "book.xlsx")
    book["Offers"]["H40"].number_format = "0.00"  # a formatted, empty cell far away (ignored)
    book.save(tmp_path / "book.xlsx")
    # openpyxl writes 16 digits; Excel may store 17: the float read is the one stored
    _store_values(tmp_path / "book.xlsx", {"D2": b'<c r="D2" t="n"><v>0.30000000000000004</v></c>'})
    loaded = load_scenario(path)
    assert loaded.n_offers == 3
    assert loaded.offers["price"].tolist() == [0.1 + 0.2, 1 / 3, 5.0]
    assert loaded.offers["capacity"].tolist()[0] == 1000.0
    assert loaded.suppliers["id"].iloc[loaded.offers["supplier"].iat[0]] == "101"


# --- choosing the sheet ---------------------------------------------------------------------


def test_sheet_picks_the_sheet_and_defaults_to_the_first(tmp_path: Path) -> None:
    cheap = [["supplier", "item", "price"], ["S1", "A", 1], ["S2", "B", 1]]
    dear = [["supplier", "item", "price"], ["S1", "A", 7], ["S2", "B", 3]]
    workbook(tmp_path / "book.xlsx", {"Round 1": dear, "Round 2": cheap})
    inline = (
        "items:\n  - {id: A, demand: 10}\n  - {id: B, demand: 10}\n"
        "suppliers:\n  - {id: S1}\n  - {id: S2}\n"
    )
    first = scenario(tmp_path, inline + "offers: {file: book.xlsx}\n", "first.yaml")
    named = scenario(tmp_path, inline + "offers: {file: book.xlsx, sheet: Round 2}\n", "2.yaml")
    folded = scenario(tmp_path, inline + "offers: {file: book.xlsx, sheet: round 2}\n", "f.yaml")
    assert award_of(first)[0] == pytest.approx(10 * 7 + 10 * 3)
    assert award_of(named)[0] == pytest.approx(10 * 1 + 10 * 1)
    assert award_of(folded)[0] == pytest.approx(20.0)  # sheet names ignore case, as in Excel


def test_xlsm_workbooks_are_read(tmp_path: Path) -> None:
    path = one_offers_sheet(tmp_path, OFFERS)
    (tmp_path / "book.xlsx").rename(tmp_path / "Book.XLSM")
    path.write_text(path.read_text().replace("book.xlsx", "Book.XLSM"))
    assert load_scenario(path).n_offers == 3


def test_unknown_sheet_names_the_key_and_the_sheets(tmp_path: Path) -> None:
    path = one_offers_sheet(tmp_path, OFFERS, title="Bids")
    path.write_text(path.read_text().replace("{file: book.xlsx}", "{file: book.xlsx, sheet: X}"))
    (problem,) = problems_of(path)
    assert problem.file == str(path)
    assert problem.place == "offers.sheet"
    assert "no sheet 'X' in book.xlsx" in problem.message
    assert "'Bids'" in problem.message
    code, output = validate(path)
    assert code == VALIDATE_FAILED
    assert "offers.sheet: no sheet 'X'" in output


def test_sheet_on_a_csv_file_is_a_problem(tmp_path: Path) -> None:
    _csv(tmp_path / "offers.csv", OFFERS)
    path = one_offers_sheet(tmp_path, OFFERS)
    path.write_text(
        path.read_text().replace("{file: book.xlsx}", "{file: offers.csv, sheet: Offers}")
    )
    (problem,) = problems_of(path)
    assert problem.place == "offers.sheet"
    assert "sheet applies to .xlsx files only" in problem.message


# --- cells refused, each named --------------------------------------------------------------


def test_bad_number_cell_names_row_column_and_cell(tmp_path: Path) -> None:
    offers = [["supplier", "item", "price"], ["S1", "A", 10], [], ["S2", "A", "n/a"]]
    path = one_offers_sheet(tmp_path, offers)
    (problem,) = problems_of(path)
    assert problem.file == str(tmp_path / "book.xlsx")
    # row 4 as the sheet shows it (the blank row 3 is skipped, not renumbered)
    assert problem.place == "book.xlsx sheet 'Offers' row 4, column price (cell C4)"
    assert "expected a number, got 'n/a'" in problem.message
    code, output = validate(path)
    assert code == VALIDATE_FAILED
    assert "row 4, column price (cell C4): expected a number, got 'n/a'" in output


def test_booleans_are_not_numbers(tmp_path: Path) -> None:
    path = one_offers_sheet(tmp_path, [["supplier", "item", "price"], ["S1", "A", True]])
    (problem,) = problems_of(path)
    assert problem.place.endswith("row 2, column price (cell C2)")
    assert "expected a number, got 'TRUE'" in problem.message


def test_date_in_a_number_column(tmp_path: Path) -> None:
    offers = [
        ["supplier", "item", "price", "capacity"],
        ["S1", "A", 10, dt.datetime(2024, 3, 1)],
        ["S2", "B", 5, None],
    ]
    path = one_offers_sheet(tmp_path, offers)
    (problem,) = problems_of(path)
    assert problem.place == "book.xlsx sheet 'Offers' row 2, column capacity (cell D2)"
    assert "got a date or time, 2024-03-01" in problem.message
    assert "number format" in problem.message


def test_formula_without_a_computed_value(tmp_path: Path) -> None:
    """openpyxl writes formulas without values: nothing to read, which is not an empty cell."""
    offers = [["supplier", "item", "price", "capacity"], ["S1", "A", 10, "=20*3"]]
    path = one_offers_sheet(tmp_path, [*offers, ["S2", "B", 5, None]])
    (problem,) = problems_of(path)
    assert problem.place == "book.xlsx sheet 'Offers' row 2, column capacity (cell D2)"
    assert "formula (=20*3)" in problem.message
    assert "never computed" in problem.message
    code, output = validate(path)
    assert code == VALIDATE_FAILED
    assert "cell D2" in output


def _store_values(path: Path, values: dict[str, bytes]) -> None:
    """Store computed values for formula cells, as Excel does when it saves (cell -> XML)."""
    source = zipfile.ZipFile(path)
    members = {i.filename: source.read(i.filename) for i in source.infolist()}
    source.close()
    sheet = "xl/worksheets/sheet1.xml"
    for ref, cell in values.items():
        members[sheet], count = re.subn(
            rb'<c r="' + ref.encode() + rb'"[^>]*>.*?</c>', cell, members[sheet], flags=re.S
        )
        assert count == 1, ref
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for name, data in members.items():
            target.writestr(name, data)


def test_formulas_with_computed_values_are_read(tmp_path: Path) -> None:
    """A computed number is read; a computed empty text (``=IF(..., "")``) is an empty cell."""
    offers = [
        ["supplier", "item", "price", "capacity"],
        ["S1", "A", "=2*5", '=IF(1>2,7,"")'],
        ["S2", "B", 5, None],
    ]
    path = one_offers_sheet(tmp_path, offers)
    _store_values(
        tmp_path / "book.xlsx",
        {
            "C2": b'<c r="C2"><f>2*5</f><v>10</v></c>',
            "D2": b'<c r="D2" t="str"><f>IF(1&gt;2,7,"")</f><v></v></c>',
        },
    )
    loaded = load_scenario(path)
    assert loaded.offers["price"].tolist() == [10.0, 5.0]
    assert loaded.offers["capacity"].tolist()[0] == float("inf")  # empty: no capacity


def test_column_names_missing_or_twice(tmp_path: Path) -> None:
    offers = [
        ["supplier", "item", "price", None, "price"],
        ["S1", "A", 10, "x", 11],
        ["S2", "B", 5, None, 6],
    ]
    path = one_offers_sheet(tmp_path, offers)
    places = {p.place: p.message for p in problems_of(path)}
    assert "column D has values" in places["book.xlsx sheet 'Offers' cell D1"]
    assert "appears twice" in places["book.xlsx sheet 'Offers', column price"]
    assert len(places) == 2


def test_empty_sheet(tmp_path: Path) -> None:
    path = one_offers_sheet(tmp_path, [])
    (problem,) = problems_of(path)
    assert problem.place == "book.xlsx sheet 'Offers'"
    assert "the sheet is empty" in problem.message


# --- files that are not .xlsx workbooks -----------------------------------------------------


def test_old_xls_is_refused_with_a_way_out(tmp_path: Path) -> None:
    path = one_offers_sheet(tmp_path, OFFERS)
    (tmp_path / "offers.xls").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504))
    path.write_text(path.read_text().replace("book.xlsx", "offers.xls"))
    (problem,) = problems_of(path)
    assert problem.place == "offers.file"
    assert "old binary Excel workbook (.xls)" in problem.message
    assert "save it as an Excel Workbook (.xlsx)" in problem.message
    code, _ = validate(path)
    assert code == VALIDATE_FAILED


def test_xls_content_under_an_xlsx_name(tmp_path: Path) -> None:
    """An encrypted workbook, or an .xls renamed, is an OLE file, not a zip archive."""
    path = one_offers_sheet(tmp_path, OFFERS)
    (tmp_path / "book.xlsx").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504))
    (problem,) = problems_of(path)
    assert problem.place == "offers.file"
    assert "password-protected" in problem.message


def test_not_a_workbook(tmp_path: Path) -> None:
    path = one_offers_sheet(tmp_path, OFFERS)
    (tmp_path / "book.xlsx").write_text("supplier,item,price\n")
    (problem,) = problems_of(path)
    assert problem.file == str(tmp_path / "book.xlsx")
    assert "cannot read the Excel file" in problem.message


# --- batch planning -------------------------------------------------------------------------


def test_batch_job_keys_follow_the_workbook(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A changed workbook (or another sheet of it) is a new job: it re-solves."""
    monkeypatch.chdir(tmp_path)
    path = one_offers_sheet(tmp_path, OFFERS)
    first = plan_jobs([path], None, JobOptions())
    assert [j.key for j in plan_jobs([path], None, JobOptions())] == [j.key for j in first]
    workbook(tmp_path / "book.xlsx", {"Offers": [*OFFERS[:3], ["S2", "B", 4]]})
    changed = plan_jobs([path], None, JobOptions())
    assert changed[0].input_hash != first[0].input_hash
    assert changed[0].key != first[0].key
    workbook(tmp_path / "book.xlsx", {"Offers": OFFERS, "Other": OFFERS})
    path.write_text(
        path.read_text().replace("{file: book.xlsx}", "{file: book.xlsx, sheet: Other}")
    )
    other = plan_jobs([path], None, JobOptions())
    assert other[0].key not in {first[0].key, changed[0].key}


# --- the bundled example --------------------------------------------------------------------

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "scenarios" / "laptops-workbook"


def test_workbook_example_awards_as_the_yaml_example() -> None:
    """scenarios/laptops-workbook: ../laptops.yaml's tables in bids.xlsx, the same awards."""
    workbook_file = EXAMPLE / "laptops-workbook.yaml"
    inline = load_scenario(ROOT / "scenarios" / "laptops.yaml")
    sheets = load_scenario(workbook_file)
    assert (sheets.n_items, sheets.n_suppliers, sheets.n_offers) == (
        inline.n_items,
        inline.n_suppliers,
        inline.n_offers,
    )
    for variant in ("base", "single-source-allowed", "northbridge-bafo"):
        ours, theirs = solve(sheets, variant=variant), solve(inline, variant=variant)
        assert ours.objective == pytest.approx(theirs.objective, rel=1e-9), variant


def test_workbook_example_is_what_generate_writes(tmp_path: Path) -> None:
    spec = importlib.util.spec_from_file_location("laptops_generate", EXAMPLE / "generate.py")
    assert spec is not None
    assert spec.loader is not None
    generate = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(generate)
    generate.write(
        tmp_path / "bids.xlsx", generate.sheets(yaml.safe_load(generate.SOURCE.read_text()))
    )

    def cells(path: Path) -> dict[str, list[tuple[Any, ...]]]:
        book = openpyxl.load_workbook(path, read_only=True)
        try:
            return {ws.title: list(ws.iter_rows(values_only=True)) for ws in book.worksheets}
        finally:
            book.close()

    assert cells(EXAMPLE / "bids.xlsx") == cells(tmp_path / "bids.xlsx")
