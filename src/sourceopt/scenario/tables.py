"""Record tables (items, suppliers, offers, tiers) read and validated column-wise.

A table arrives as a list of records (validated by the pydantic record type, then flattened),
as inline columns (``{columns: {...}}``) or as a file (CSV, Parquet, or a sheet of an Excel
workbook: excel.py). Columns and files are validated as whole columns with numpy, against a
column spec derived from the same pydantic record type, so the format is defined once.
Problems name the file, the row (as a spreadsheet shows it: the header is row 1) and the
column; for a sheet also the cell (``C7``).
"""

from __future__ import annotations

import dataclasses
import io
import types
import typing
from collections import defaultdict
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import annotated_types as at
import numpy as np
import pandas as pd
from pydantic import BaseModel, TypeAdapter, ValidationError

from sourceopt.errors import Problem
from sourceopt.scenario.messages import problems_from
from sourceopt.scenario.sizes import DEFAULT_LIMITS, TableLimits, size_problem

MAX_TABLE_ROWS = DEFAULT_LIMITS.rows
MAX_TABLE_FILE_BYTES = 8 * 1024**3
MAX_PROBLEMS_PER_COLUMN = 10


@dataclass(frozen=True)
class Column:
    """One column of a table spec: its key, kind, whether required, numeric bounds."""

    key: str
    kind: str  # "text" | "number" | "integer" | "tags" | "attributes" | "nested"
    required: bool
    nullable: bool
    ge: float | None = None
    gt: float | None = None
    le: float | None = None
    default: Any = None


def _constraints(annotation: Any) -> tuple[Any, bool, dict[str, float]]:
    """Unwrap Optional/Annotated: (base type, nullable, numeric bounds)."""
    nullable = False
    bounds: dict[str, float] = {}
    if isinstance(annotation, types.UnionType) or typing.get_origin(annotation) is typing.Union:
        args = [a for a in typing.get_args(annotation) if a is not type(None)]
        nullable = len(args) < len(typing.get_args(annotation))
        annotation = args[0]
    if typing.get_origin(annotation) is typing.Annotated:
        base, *meta = typing.get_args(annotation)
        for m in meta:
            for c in getattr(m, "metadata", [m]):
                if isinstance(c, at.Ge):
                    bounds["ge"] = float(c.ge)  # type: ignore[arg-type]
                elif isinstance(c, at.Gt):
                    bounds["gt"] = float(c.gt)  # type: ignore[arg-type]
                elif isinstance(c, at.Le):
                    bounds["le"] = float(c.le)  # type: ignore[arg-type]
        annotation = base
    return annotation, nullable, bounds


def column_spec(model: type[BaseModel]) -> dict[str, Column]:
    """The columns of a record type, keyed by the name used in files (aliases included)."""
    spec: dict[str, Column] = {}
    for name, field in model.model_fields.items():
        key = field.alias or name
        base, nullable, bounds = _constraints(field.annotation)
        for m in field.metadata:
            for attr, cls in (("ge", at.Ge), ("gt", at.Gt), ("le", at.Le)):
                if isinstance(m, cls):
                    bounds[attr] = float(getattr(m, attr))
        origin = typing.get_origin(base)
        if base is str or (
            origin is typing.Literal and all(isinstance(a, str) for a in typing.get_args(base))
        ):
            kind = "text"
        elif base is float:
            kind = "number"
        elif base is int:
            kind = "integer"
        elif origin is list and typing.get_args(base)[0] is str:
            kind = "tags"
        elif origin is dict:
            kind = "attributes"
        else:
            kind = "nested"
        default = None if field.is_required() else field.get_default(call_default_factory=True)
        spec[key] = Column(key, kind, field.is_required(), nullable, default=default, **bounds)
    return spec


@dataclass(frozen=True)
class RawTable:
    """A table as read, before validation, with how to name its places."""

    frame: pd.DataFrame
    label: str  # "offers.csv", or "offers" for inline tables
    file: str  # the file problems are reported against
    form: str = "file"  # "file" | "columns" | "records"
    data: bytes = dataclasses.field(default=b"", repr=False)  # a table file's bytes, read once
    typed: bool = False  # CSV cells parsed by column type (see :func:`as_written`)
    text_cells: bool = False  # cells are text as written (CSV, Excel): numbers are parsed
    # a sheet's own row number of each frame row (empty rows skipped); None: position + 2
    rows: np.ndarray | None = dataclasses.field(default=None, repr=False)
    # a sheet's column letter of each column, for cell references (``C7``)
    letters: Mapping[str, str] = dataclasses.field(default_factory=dict, repr=False)
    # cells refused while reading (a sheet's dates in number columns, formulas never computed)
    cell_problems: tuple[Problem, ...] = ()

    def place(self, row: int, column: str) -> str:
        """The place of a cell, by 0-based row position."""
        if self.form == "columns":
            return f"{self.label}.columns.{column}[{row}]"
        if self.form == "records":
            return f"{self.label}[{row}].{column}"
        number = row + 2 if self.rows is None else int(self.rows[row])
        return cell_place(self.label, number, column, self.letters.get(column))


def cell_place(label: str, row: int, column: str | None, letter: str | None = None) -> str:
    """A table file's cell: ``offers.csv row 7, column price``, with ``(cell C7)`` if known.

    `row` is the row number as a spreadsheet shows it (the header is row 1); without a column
    name (a cell of an unnamed column or of the header), the cell reference alone.
    """
    if column is None:
        return f"{label} cell {letter}{row}"
    cell = f" (cell {letter}{row})" if letter else ""
    return f"{label} row {row}, column {column}{cell}"


@dataclass(frozen=True)
class ReadAs:
    """How a table file's columns may be read, where the format allows.

    `coded` text columns as categoricals (their distinct values checked once), `numbers`
    (and names starting with `number_prefix`) as floats. Parquet stores its own types: only
    `coded` applies to it.
    """

    coded: frozenset[str] = frozenset()
    numbers: frozenset[str] = frozenset()
    number_prefix: str | None = None
    current_prefix: str | None = None  # items: today's units, ``current.<supplier>``

    def number(self, name: str) -> bool:
        """Whether a column of this name holds numbers."""
        prefixes = [p for p in (self.number_prefix, self.current_prefix) if p]
        return name in self.numbers or any(name.startswith(p) for p in prefixes)

    def csv_dtype(self, name: str) -> Any:
        """The dtype a CSV column of this name is read as (text unless numbers or coded)."""
        if self.number(name):
            return float
        return "category" if name in self.coded else str


_KINDS = {
    ".csv": "CSV",
    ".parquet": "Parquet",
    ".pq": "Parquet",
    ".xlsx": "Excel",
    ".xlsm": "Excel",
}
_BINARY_EXCEL = {
    ".xls": "an old binary Excel workbook (.xls)",
    ".xlsb": "a binary Excel workbook (.xlsb)",
}


def read_table_file(
    path: Path,
    key: str,
    scenario_file: str,
    read_as: ReadAs | None = None,
    sheet: str | None = None,
    limits: TableLimits = DEFAULT_LIMITS,
) -> RawTable | list[Problem]:
    """Read a CSV, Parquet or Excel (``.xlsx``, ``.xlsm``) table file; problems if it cannot.

    The file is read once; its bytes are kept (``RawTable.data``, for the input digest).
    Columns are read as `read_as` says where they can be (a CSV whose numbers do not all
    parse is read as text, ``typed`` false). `sheet` names a workbook's sheet (default: the
    first); it is a problem for other files. The sizes the file declares are checked against
    `limits` before it is unpacked (:mod:`sourceopt.scenario.sizes`).
    """
    refused = _refused(path, key, scenario_file, sheet)
    if refused is not None:
        return [refused]
    kind = _KINDS[path.suffix.lower()]
    read_as = read_as or ReadAs()
    typed = False
    try:
        data = path.read_bytes()
        too_large = size_problem(data, kind, limits)
        if too_large is not None:
            return [Problem(str(path), "", too_large)]
        if kind == "Excel":
            from sourceopt.scenario.excel import read_sheet

            return read_sheet(data, path, sheet, key, scenario_file, read_as, limits.rows)
        if kind == "CSV":
            typed_frame = _read_csv_typed(data, read_as)
            typed = typed_frame is not None
            frame = typed_frame if typed_frame is not None else _read_csv(data)
        else:
            frame = _read_parquet(data, read_as.coded)
    except MemoryError:  # not the file's fault: the reader's memory (pyarrow's error too)
        raise
    except Exception as exc:
        return [Problem(str(path), "", f"cannot read the {kind} file: {exc}")]
    if len(frame) > limits.rows:
        return [Problem(str(path), "", f"{len(frame):,} rows; the limit is {limits.rows:,}")]
    return RawTable(frame, path.name, str(path), data=data, typed=typed, text_cells=kind == "CSV")


def _refused(path: Path, key: str, scenario_file: str, sheet: str | None) -> Problem | None:
    """Why the table file cannot be read at all (its kind, the sheet, existence, size)."""
    where = f"{key}.file"
    suffix = path.suffix.lower()
    if suffix in _BINARY_EXCEL:
        return Problem(
            scenario_file,
            where,
            f"{path.name} is {_BINARY_EXCEL[suffix]}, which cannot be read; open it in "
            "Excel and save it as an Excel Workbook (.xlsx), then refer to that file",
        )
    if suffix not in _KINDS:
        return Problem(
            scenario_file,
            where,
            f"expected a .csv, .parquet or .xlsx table file, got {path.name!r}",
        )
    kind = _KINDS[suffix]
    if sheet is not None and kind != "Excel":
        return Problem(
            scenario_file,
            f"{key}.sheet",
            f"sheet applies to .xlsx files only; {path.name} is a {kind} file",
        )
    if not path.is_file():
        return Problem(scenario_file, where, f"table file not found: {path}")
    if path.stat().st_size > MAX_TABLE_FILE_BYTES:
        return Problem(
            str(path),
            "",
            f"the table file is larger than the limit of {MAX_TABLE_FILE_BYTES:,} bytes",
        )
    return None


def _read_csv(data: bytes) -> pd.DataFrame:
    """Every cell as written (text; empty cells missing)."""
    frame = pd.read_csv(io.BytesIO(data), dtype=str, keep_default_na=False, skipinitialspace=True)
    frame.columns = [str(c).strip() for c in frame.columns]
    return frame.replace("", np.nan)


def _read_csv_typed(data: bytes, read_as: ReadAs) -> pd.DataFrame | None:
    """The CSV with columns typed as `read_as` says; None if a cell does not parse as such.

    The CSV reader parses numbers as ``pd.to_numeric`` parses the text (the same floats); a
    cell it cannot parse (``n/a``, ``nan``) gives None, and the file is then read as text, so
    that a problem is reported as before. So do the words the reader would take for 1 and 0
    (``true``, ``false``) anywhere, and a ``-0`` (text gives 0).
    """
    lowered = data.lower()
    if b"true" in lowered or b"false" in lowered:
        return None
    try:
        header = pd.read_csv(io.BytesIO(data), nrows=0, skipinitialspace=True).columns
        dtype = {name: read_as.csv_dtype(str(name).strip()) for name in header}
        if all(t is str for t in dtype.values()):
            return None
        frame = pd.read_csv(
            io.BytesIO(data),
            dtype=defaultdict(lambda: str, dtype),
            keep_default_na=False,
            na_values=[""],
            skipinitialspace=True,
        )
    except ValueError:  # a cell that is not a number, or a file the text reader reports on
        return None
    for name, kind in dtype.items():
        numbers = frame[name].to_numpy() if kind is float else np.zeros(0)
        if np.any(np.signbit(numbers) & (numbers == 0)):
            return None
    frame.columns = [str(c).strip() for c in frame.columns]
    return frame


def as_written(table: RawTable) -> RawTable:
    """A typed CSV table read again as text, so that problems quote cells as written."""
    if not table.typed:
        return table
    return dataclasses.replace(table, frame=_read_csv(table.data), typed=False)


def _read_parquet(data: bytes, coded: Collection[str]) -> pd.DataFrame:
    """As ``pd.read_parquet`` (pandas metadata honoured), `coded` text columns as categoricals."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    parquet = pq.ParquetFile(pa.BufferReader(data))
    text = [
        f.name
        for f in parquet.schema_arrow
        if f.name in coded and (pa.types.is_string(f.type) or pa.types.is_large_string(f.type))
    ]
    if text:
        parquet = pq.ParquetFile(pa.BufferReader(data), read_dictionary=text)
    frame: pd.DataFrame = parquet.read(use_pandas_metadata=True).to_pandas()
    return frame


def inline_columns(columns: dict[str, list[Any]], key: str, file: str) -> RawTable | Problem:
    """A ``{columns: {...}}`` table; every column must have the same length."""
    lengths = {name: len(values) for name, values in columns.items()}
    if len(set(lengths.values())) > 1:
        detail = ", ".join(f"{k}: {v}" for k, v in lengths.items())
        return Problem(file, f"{key}.columns", f"columns must have equal lengths, got {detail}")
    return RawTable(pd.DataFrame(columns), key, file, form="columns")


def records_table(
    records: list[Any], model: type[BaseModel], key: str, file: str
) -> tuple[list[BaseModel], list[Problem]]:
    """Validate a list of records with the pydantic record type."""
    try:
        return list(TypeAdapter(list[model]).validate_python(records)), []  # type: ignore[valid-type]
    except ValidationError as exc:
        return [], problems_from(exc, records, file, prefix=key)
