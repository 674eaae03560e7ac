"""How large a table file is, found before it is read: rows, columns and unpacked bytes.

A small file can unpack to something huge: a Parquet file of a few hundred kilobytes can
hold twenty million rows of one repeated value, and an ``.xlsx`` workbook (a zip of XML) a
sheet that inflates a thousandfold. So the sizes a file declares are checked against
:class:`TableLimits` before a byte of it is unpacked: a Parquet file's row and column counts
and uncompressed size from its footer, a workbook's members' uncompressed sizes and
compression ratios from the zip's central directory, a CSV file's line and column counts.
What the declaration hides (zip sizes that lie are cut at the declared size by the reader)
is left to a memory cap around the reading process (the service validates uploads so).
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass

MB = 1024 * 1024


@dataclass(frozen=True)
class TableLimits:
    """The largest table file a reader accepts (defaults: generous, for the command line).

    `rows` per table, `columns` per table, `unpacked_bytes` a file may inflate to (a
    workbook's members together, a Parquet file's column data), `ratio` the largest
    compression ratio of a workbook member of at least `ratio_floor_bytes` unpacked, and
    `members` the most files a workbook may hold.
    """

    rows: int = 20_000_000
    columns: int = 10_000
    unpacked_bytes: int = 16 * 1024 * MB
    ratio: float = 500.0
    ratio_floor_bytes: int = 16 * MB
    members: int = 10_000


DEFAULT_LIMITS = TableLimits()


def _rows(count: int, limits: TableLimits, what: str = "rows") -> str | None:
    if count > limits.rows:
        return f"the file holds {count:,} {what}; the limit is {limits.rows:,} rows"
    return None


def _columns(count: int, limits: TableLimits) -> str | None:
    if count > limits.columns:
        return f"the file holds {count:,} columns; the limit is {limits.columns:,}"
    return None


def _unpacked(total: int, limits: TableLimits, what: str) -> str | None:
    if total > limits.unpacked_bytes:
        return (
            f"{what} {total:,} bytes unpacked; the limit is {limits.unpacked_bytes:,} bytes "
            "(split the table, or send it as CSV)"
        )
    return None


def parquet_size_problem(data: bytes, limits: TableLimits) -> str | None:
    """What is over the limits in a Parquet file's footer (rows, columns, column data)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    meta = pq.ParquetFile(pa.BufferReader(data)).metadata
    found = _rows(meta.num_rows, limits) or _columns(meta.num_columns, limits)
    if found:
        return found
    total = sum(meta.row_group(g).total_byte_size for g in range(meta.num_row_groups))
    return _unpacked(total, limits, "its column data is")


def workbook_size_problem(data: bytes, limits: TableLimits) -> str | None:
    """What is over the limits in a workbook's zip directory (members, sizes, ratios).

    None also when the file is not a zip at all: the workbook reader reports that itself.
    """
    try:
        members = zipfile.ZipFile(io.BytesIO(data)).infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return None
    if len(members) > limits.members:
        return f"the workbook holds {len(members):,} files; the limit is {limits.members:,}"
    total = sum(m.file_size for m in members)
    found = _unpacked(total, limits, "the workbook is")
    if found:
        return found
    for member in members:
        ratio = member.file_size / max(member.compress_size, 1)
        if member.file_size >= limits.ratio_floor_bytes and ratio > limits.ratio:
            return (
                f"the workbook's part {member.filename} unpacks {ratio:,.0f} times its packed "
                f"size ({member.file_size:,} bytes); the limit is {limits.ratio:,.0f} times "
                "(a workbook Excel saves is packed 5 to 30 times)"
            )
    return None


def csv_size_problem(data: bytes, limits: TableLimits) -> str | None:
    """What is over the limits in a CSV file: lines (one per row, at most) and columns."""
    lines = data.count(b"\n") + (0 if data.endswith(b"\n") else 1)
    if lines - 1 > limits.rows:
        below = lines - 1
        return f"the file holds {below:,} lines below its header; the limit is {limits.rows:,} rows"
    header = data[: data.find(b"\n")] if b"\n" in data else data
    return _columns(header.count(b",") + 1, limits)


def size_problem(data: bytes, kind: str, limits: TableLimits) -> str | None:
    """What is over `limits` in a table file of `kind` (CSV, Parquet, Excel), or None."""
    if kind == "Parquet":
        return parquet_size_problem(data, limits)
    if kind == "Excel":
        return workbook_size_problem(data, limits)
    return csv_size_problem(data, limits)
