"""Table files over the limits are refused from what they declare, before they are unpacked."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from sourceopt.scenario.sizes import MB, TableLimits
from sourceopt.scenario.tables import RawTable, read_table_file

SMALL = TableLimits(rows=1_000, columns=8, unpacked_bytes=4 * MB, ratio=50, ratio_floor_bytes=MB)


def _problem(path: Path, limits: TableLimits = SMALL) -> str:
    found = read_table_file(path, "offers", "scenario.yaml", limits=limits)
    assert isinstance(found, list), "the file was read"
    (problem,) = found
    assert problem.file == str(path)
    return problem.message


def test_parquet_rows_and_columns_come_from_the_footer(tmp_path: Path) -> None:
    path = tmp_path / "offers.parquet"
    pq.write_table(pa.table({"supplier": pa.nulls(10_000_000)}), path)
    assert path.stat().st_size < 100_000
    assert "10,000,000 rows; the limit is 1,000 rows" in _problem(path)
    pq.write_table(pa.table({f"attr.c{n}": [1.0] for n in range(9)}), path)
    assert "9 columns; the limit is 8" in _problem(path)


def test_parquet_column_data_over_the_unpacked_limit(tmp_path: Path) -> None:
    path = tmp_path / "offers.parquet"
    rng = pa.array([float(n) for n in range(700_000)])  # 5.6 MB of distinct doubles
    pq.write_table(pa.table({"price": rng}), path, compression="zstd")
    limits = TableLimits(rows=10**6, unpacked_bytes=4 * MB)
    assert "bytes unpacked; the limit is 4,194,304 bytes" in _problem(path, limits)


def _workbook(member_mb: int) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as book:
        book.writestr("[Content_Types].xml", "<Types/>")
        book.writestr("xl/worksheets/sheet1.xml", b"<a>" + b" " * member_mb * MB + b"</a>")
    return out.getvalue()


def test_a_workbook_is_checked_from_its_zip_directory(tmp_path: Path) -> None:
    path = tmp_path / "offers.xlsx"
    path.write_bytes(_workbook(8))
    assert "the workbook is 8,388,6" in _problem(path)
    path.write_bytes(_workbook(2))
    message = _problem(path)
    assert "xl/worksheets/sheet1.xml unpacks" in message
    assert "the limit is 50 times" in message


def test_csv_lines_and_columns(tmp_path: Path) -> None:
    path = tmp_path / "offers.csv"
    path.write_text("supplier,item,price\n" + "S,A,1\n" * 1_001)
    assert "1,001 lines below its header; the limit is 1,000 rows" in _problem(path)
    path.write_text("supplier,item,price\n" + "S,A,1\n" * 1_000)
    assert isinstance(read_table_file(path, "offers", "s.yaml", limits=SMALL), RawTable)
    path.write_text(",".join(f"c{n}" for n in range(9)) + "\n")
    assert "9 columns; the limit is 8" in _problem(path)


def test_the_default_limits_are_generous() -> None:
    limits = TableLimits()
    assert limits.rows == 20_000_000
    assert limits.unpacked_bytes == 16 * 1024 * MB


@pytest.mark.parametrize("suffix", ["csv", "parquet"])
def test_within_the_limits_reads_as_before(tmp_path: Path, suffix: str) -> None:
    path = tmp_path / f"offers.{suffix}"
    table = pa.table({"supplier": ["S"], "item": ["A"], "price": [1.0]})
    if suffix == "csv":
        path.write_text("supplier,item,price\nS,A,1.0\n")
    else:
        pq.write_table(table, path)
    raw = read_table_file(path, "offers", "s.yaml", limits=SMALL)
    assert isinstance(raw, RawTable)
    assert len(raw.frame) == 1
