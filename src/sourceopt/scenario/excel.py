"""Excel workbooks (``.xlsx``, ``.xlsm``) as table files: one sheet, read as CSV cells are.

A sheet is read once with openpyxl (read-only, the values Excel computed and stored) and
becomes the frame a CSV file gives: every cell as text as written (``3``, ``2.5``, ``TRUE``),
empty cells missing, so the column-wise validation applies unchanged. Row 1 names the columns;
empty rows and empty unnamed columns are skipped, and places keep the sheet's own row numbers
and cell references (``offers.xlsx sheet 'Offers' row 7, column price (cell C7)``).

What text would hide is refused here, naming its cell: a date in a number column, and a
formula whose value was never computed (openpyxl then reads nothing, which would pass for an
empty cell). The sheet's XML is searched for formulas without a stored value only when it has
formulas at all.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import html
import io
import re
import warnings
import zipfile
from collections.abc import Iterator, Mapping
from itertools import islice, zip_longest
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from sourceopt.errors import Problem
from sourceopt.scenario.tables import (
    MAX_PROBLEMS_PER_COLUMN,
    MAX_TABLE_ROWS,
    RawTable,
    ReadAs,
    cell_place,
)

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .xls files and password-protected workbooks
_EXACT_INTEGERS = 2.0**53
_TYPE_OF = np.frompyfunc(type, 1, 1)
_DATES = (dt.datetime, dt.date, dt.time, dt.timedelta)


def read_sheet(
    data: bytes,
    path: Path,
    sheet: str | None,
    key: str,
    scenario_file: str,
    read_as: ReadAs,
    max_rows: int = MAX_TABLE_ROWS,
) -> RawTable | list[Problem]:
    """One sheet of a workbook (`sheet`, or the first) as a table of text cells.

    Problems name the scenario's ``<key>.sheet`` for a sheet that does not exist. Cells
    refused (a date in a number column, a formula without a computed value, values in a
    column without a name) are kept with the table (``RawTable.cell_problems``), so that
    they are reported with the problems the validation of its columns finds.
    """
    if data.startswith(_OLE_MAGIC):
        return [
            Problem(
                scenario_file,
                f"{key}.file",
                f"{path.name} is not an .xlsx workbook: it is an old binary .xls file or a "
                "password-protected workbook; save it in Excel as an Excel Workbook (.xlsx) "
                "without a password and refer to that file",
            )
        ]
    from openpyxl import load_workbook
    from openpyxl.worksheet._read_only import ReadOnlyWorksheet

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # features openpyxl does not read (data validation, ...)
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        try:
            titles = [ws.title for ws in book.worksheets]
            picked = _pick_sheet(book.sheetnames, titles, sheet, path.name)
            if isinstance(picked, str):
                place = f"{key}.sheet" if sheet is not None else f"{key}.file"
                return [Problem(scenario_file, place, picked)]
            worksheet = book.worksheets[picked]
            if not isinstance(worksheet, ReadOnlyWorksheet):  # pragma: no cover - read_only
                raise TypeError(f"unexpected worksheet type {type(worksheet).__name__}")
            worksheet.reset_dimensions()  # a stale <dimension> must neither cut nor pad it
            rows: list[tuple[Any, ...]] = list(
                islice(worksheet.iter_rows(values_only=True), max_rows + 2)
            )
            title = worksheet.title
            member = getattr(worksheet, "_worksheet_path", None)
        finally:
            book.close()
    label = f"{path.name} sheet '{title}'"
    if len(rows) > max_rows + 1:
        return [
            Problem(str(path), label, f"more than {max_rows:,} rows; the limit is {max_rows:,}")
        ]
    table, problems = _table(rows, label, str(path), data, read_as)
    if isinstance(member, str):
        letters = table.letters if table is not None else {}
        problems = _uncached_formulas(data, member, letters, label, str(path)) + problems
    if table is None:
        return problems
    return dataclasses.replace(table, cell_problems=tuple(problems))


def _pick_sheet(names: list[str], worksheets: list[str], sheet: str | None, file: str) -> int | str:
    """The position of the sheet among the worksheets, or what is wrong.

    Sheet names are matched as Excel does: ignoring case. `names` are all the sheets' names
    (chart sheets too), `worksheets` those holding cells.
    """
    if sheet is None:
        return 0 if worksheets else f"{file} has no worksheet (only chart sheets)"
    folded = [n.casefold() for n in worksheets]
    if sheet in worksheets:
        return worksheets.index(sheet)
    if sheet.casefold() in folded:
        return folded.index(sheet.casefold())
    listing = ", ".join(repr(n) for n in worksheets) or "none"
    if sheet in names:
        return f"sheet {sheet!r} of {file} is a chart sheet, not a table; its worksheets: {listing}"
    return f"no sheet {sheet!r} in {file}; its sheets are: {listing}"


def _table(
    rows: list[tuple[Any, ...]], label: str, file: str, data: bytes, read_as: ReadAs
) -> tuple[RawTable | None, list[Problem]]:
    """The text frame of the sheet's rows (row 1 the header) and the cells refused."""
    columns = [_as_text(_object_array(cells)) for cells in zip_longest(*rows)]
    names: list[str | None] = [text[0] for text, _ in columns]
    problems: list[Problem] = []
    kept: dict[str, int] = {}
    for c, (text, _) in enumerate(columns):
        present = np.flatnonzero(pd.notna(text[1:]))
        name = names[c]
        if name is None:
            if len(present):
                where = f"{label} cell {_letter(c)}1"
                problems.append(
                    Problem(
                        file,
                        where,
                        f"column {_letter(c)} has values (the first in row {present[0] + 2}) "
                        "but no name in row 1, the header; name the column or clear it",
                    )
                )
        elif name in kept:
            problems.append(
                Problem(
                    file,
                    f"{label}, column {name}",
                    f"the column name {name!r} appears twice, in columns "
                    f"{_letter(kept[name])} and {_letter(c)}",
                )
            )
        else:
            kept[name] = c
    if not kept:
        if not problems:
            problems.append(
                Problem(
                    file,
                    label,
                    "the sheet is empty; expected the column names in row 1 and one record "
                    "per row below",
                )
            )
        return None, problems
    body = len(rows) - 1
    filled = np.zeros(body, dtype=bool)
    for c in kept.values():
        filled |= pd.notna(columns[c][0][1:])
    frame = pd.DataFrame({name: columns[c][0][1:][filled] for name, c in kept.items()})
    table = RawTable(
        frame,
        label,
        file,
        data=data,
        text_cells=True,
        rows=np.flatnonzero(filled) + 2,
        letters={name: _letter(c) for name, c in kept.items()},
    )
    position = np.cumsum(filled) - 1
    for name, c in kept.items():
        dates = np.flatnonzero(columns[c][1][1:])
        if len(dates) and read_as.number(name):
            problems += _date_problems(table, name, position[dates])
    return table, problems


def _object_array(cells: tuple[Any, ...]) -> np.ndarray:
    out = np.empty(len(cells), dtype=object)
    out[:] = cells
    return out


def _as_text(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Each cell as its text (None where empty) and which cells are dates or times.

    Whole numbers read as ``3`` (not ``3.0``), other numbers as the shortest text giving the
    same float, booleans as Excel shows them (``TRUE``), dates and times in ISO form.
    """
    kinds = _TYPE_OF(values)
    out = np.full(len(values), None, dtype=object)
    text = _of_type(kinds, str)
    if text.any():
        out[text] = pd.Series(values[text], dtype=object).str.strip().to_numpy(dtype=object)
    ints = _of_type(kinds, int)
    if ints.any():
        out[ints] = values[ints].astype(str).astype(object)
    floats = _of_type(kinds, float)
    if floats.any():
        numbers = values[floats].astype(float)
        shown = numbers.astype(str).astype(object)
        whole = (numbers == np.trunc(numbers)) & (np.abs(numbers) < _EXACT_INTEGERS)
        shown[whole] = numbers[whole].astype(np.int64).astype(str)
        out[floats] = shown
    flags = _of_type(kinds, bool)
    if flags.any():
        out[flags] = np.where(values[flags].astype(bool), "TRUE", "FALSE").astype(object)
    dates = np.logical_or.reduce([_of_type(kinds, kind) for kind in _DATES])
    other = ~(text | ints | floats | flags | dates) & pd.notna(values)
    for i in np.flatnonzero(dates | other):  # rare: dates, and types openpyxl seldom gives
        out[i] = _date_text(values[i]) if dates[i] else str(values[i])
    out[out == ""] = None
    return out, dates


def _of_type(kinds: np.ndarray, kind: type) -> np.ndarray:
    """Which cells are of exactly this type (`kinds`: the type of each cell)."""
    return np.asarray(kinds == kind, dtype=bool)


def _date_text(value: object) -> str:
    if isinstance(value, dt.datetime) and value.time() == dt.time(0):
        return value.date().isoformat()
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    return str(value)


def _date_problems(table: RawTable, name: str, positions: np.ndarray) -> list[Problem]:
    """A problem for each date (or time) in the number column `name`, at frame positions."""
    shown = table.frame[name].to_numpy(dtype=object)
    problems = [
        Problem(
            table.file,
            table.place(int(p), name),
            f"expected a number, got a date or time, {shown[p]} (the cell has a date or "
            "time format; give it a number format)",
        )
        for p in positions[:MAX_PROBLEMS_PER_COLUMN]
    ]
    if len(positions) > MAX_PROBLEMS_PER_COLUMN:
        more = len(positions) - MAX_PROBLEMS_PER_COLUMN
        problems.append(
            Problem(table.file, f"{table.label}, column {name}", f"... and {more:,} more dates")
        )
    return problems


def _letter(column: int) -> str:
    """The spreadsheet letters of a 0-based column position (0 -> A, 26 -> AA)."""
    letters = ""
    column += 1
    while column:
        column, rest = divmod(column - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


# --- formulas whose value was never computed ------------------------------------------------

_P = rb"(?:[A-Za-z_][\w.-]*:)?"  # an XML namespace prefix, if the writer used one
_ANY_FORMULA = re.compile(rb"<" + _P + rb"f[\s>/]")
# A cell holding a formula: <c ATTRS>...<f ...>...</c> (cells never nest; not self-closing).
_FORMULA_CELL = re.compile(
    rb"<(" + _P + rb")c\b([^>]*)(?<!/)>((?:(?!</(?:" + _P + rb")c>).)*?<" + _P + rb"f\b.*?)</"
    rb"\1c>",
    re.DOTALL,
)
_ATTRIBUTE = {
    name: re.compile(rb"\b" + name.encode() + rb"\s*=\s*[\"']([^\"']*)[\"']") for name in "rt"
}
_VALUE = re.compile(rb"<" + _P + rb"v\b[^>]*?(?:/>|>(.*?)</" + _P + rb"v>)", re.DOTALL)
_FORMULA = re.compile(rb"<" + _P + rb"f\b[^>]*?(?:/>|>(.*?)</" + _P + rb"f>)", re.DOTALL)
_CELL_REF = re.compile(r"([A-Z]+)(\d+)")
_CHUNK = 1 << 20


def _has_formulas(archive: zipfile.ZipFile, member: str) -> bool:
    """Whether the sheet's XML has a formula element (read in chunks, stops at the first)."""
    tail = b""
    with archive.open(member) as source:
        for chunk in iter(lambda: source.read(_CHUNK), b""):
            if _ANY_FORMULA.search(tail + chunk):
                return True
            tail = chunk[-64:]
    return False


def _formula_cells(xml: bytes) -> Iterator[tuple[str, str]]:
    """(cell reference, formula text) of each formula cell without a stored value.

    A formula's stored value is its ``<v>``; an empty one is a computed empty text only when
    the cell's type says text (``t="str"``, as Excel writes for ``=IF(..., "")``).
    """
    for match in _FORMULA_CELL.finditer(xml):
        attrs, inner = match.group(2), match.group(3)
        value = _VALUE.search(inner)
        if value is not None and value.group(1):
            continue
        kind = _ATTRIBUTE["t"].search(attrs)
        if value is not None and kind is not None and kind.group(1) == b"str":
            continue
        ref = _ATTRIBUTE["r"].search(attrs)
        formula = _FORMULA.search(inner)
        text = formula.group(1) if formula is not None and formula.group(1) else b""
        yield (
            ref.group(1).decode() if ref else "",
            html.unescape(text.decode("utf-8", "replace")),
        )


def _uncached_formulas(
    data: bytes, member: str, letters: Mapping[str, str], label: str, file: str
) -> list[Problem]:
    """A problem for each formula cell of the sheet with no computed value stored."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        if member.lstrip("/") not in archive.namelist():
            return []
        member = member.lstrip("/")
        if not _has_formulas(archive, member):
            return []
        xml = archive.read(member)
    names = {letter: name for name, letter in letters.items()}
    problems: list[Problem] = []
    count = 0
    for ref, formula in _formula_cells(xml):
        count += 1
        if count > MAX_PROBLEMS_PER_COLUMN:
            continue
        found = _CELL_REF.fullmatch(ref)
        if found is None:
            where = label
        else:
            letter, row = found.group(1), int(found.group(2))
            column = names.get(letter) if row > 1 else None
            where = cell_place(label, row, column, letter)
        shown = f" (={formula})" if formula else ""
        problems.append(
            Problem(
                file,
                where,
                f"the cell holds a formula{shown} whose value was never computed: the "
                "workbook was saved by a program that does not calculate formulas; open it "
                "in Excel or LibreOffice and save it, or type the values in",
            )
        )
    if count > MAX_PROBLEMS_PER_COLUMN:
        more = count - MAX_PROBLEMS_PER_COLUMN
        problems.append(
            Problem(file, label, f"... and {more:,} more formulas without a computed value")
        )
    return problems
