"""Excel workbooks uploaded with a scenario (multipart), as CSV and Parquet tables are."""

from __future__ import annotations

from pathlib import Path

import pytest

from sourceopt import SolveResult, load_scenario, solve
from sourceopt.client import Client

from .conftest import Server

openpyxl = pytest.importorskip("openpyxl")

# Item A (demand 100): S1 at 10 holds 60 units, S2 at 12 takes the other 40; item B only from
# S2 at 5. Optimum by hand: 60 x 10 + 40 x 12 + 50 x 5 = 600 + 480 + 250 = 1330.
SHEETS = {
    "Items": [["id", "demand"], ["A", 100], ["B", 50]],
    "Suppliers": [["id", "capacity"], ["S1", 60], ["S2", 200]],
    "Offers": [["supplier", "item", "price"], ["S1", "A", 10], ["S2", "A", 12], ["S2", "B", 5]],
}
SCENARIO = """\
sourceopt: 1
name: excel-upload
items: {file: book.xlsx, sheet: Items}
suppliers: {file: book.xlsx, sheet: Suppliers}
offers: {file: book.xlsx, sheet: %s}
"""


def _write(folder: Path, offers_sheet: str = "Offers") -> Path:
    book = openpyxl.Workbook()
    book.remove(book.active)
    for title, rows in SHEETS.items():
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
    book.save(folder / "book.xlsx")
    path = folder / "scenario.yaml"
    path.write_text(SCENARIO % offers_sheet)
    return path


def test_upload_of_a_workbook_solves_as_locally(server: Server, tmp_path: Path) -> None:
    path = _write(tmp_path)
    with Client(server.url, server.keys[0]) as client:
        served = client.solve(path, timeout=60)
    local = solve(load_scenario(path))
    assert isinstance(served, SolveResult)
    assert served.objective == pytest.approx(1330.0, rel=1e-9)
    assert served.objective == pytest.approx(local.objective, rel=1e-12)
    assert served.document.input_sha256 == local.document.input_sha256


def test_upload_with_an_unknown_sheet_is_422(server: Server, tmp_path: Path) -> None:
    path = _write(tmp_path, offers_sheet="Bids")
    files = [
        ("scenario", (path.name, path.read_bytes())),
        ("offers", ("book.xlsx", (tmp_path / "book.xlsx").read_bytes())),
    ]
    with server.client() as client:
        answer = client.post("/v1/validate", files=files)
    assert answer.status_code == 422, answer.text
    (problem,) = answer.json()["problems"]
    assert problem["file"] == "scenario.yaml"
    assert problem["place"] == "offers.sheet"
    assert "no sheet 'Bids' in book.xlsx" in problem["message"]
    assert "'Items', 'Suppliers', 'Offers'" in problem["message"]
