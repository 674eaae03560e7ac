"""Record tables (items, suppliers, offers, tiers) read and validated column-wise.

A table arrives as a list of records (validated by the pydantic record type, then flattened),
as inline columns (``{columns: {...}}``) or as a file (CSV or Parquet). Columns and files are
validated as whole columns with numpy, against a column spec derived from the same pydantic
record type, so the format is defined once. Problems name the file, the row (as a spreadsheet
shows it: the header is row 1) and the column.
"""

from __future__ import annotations

import types
import typing
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import annotated_types as at
import numpy as np
import pandas as pd
from pydantic import BaseModel, TypeAdapter, ValidationError

from sourceopt.errors import Problem
from sourceopt.scenario.messages import problems_from

MAX_TABLE_ROWS = 20_000_000
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
        if base is str:
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

    def place(self, row: int, column: str) -> str:
        """The place of a cell, by 0-based row position."""
        if self.form == "columns":
            return f"{self.label}.columns.{column}[{row}]"
        if self.form == "records":
            return f"{self.label}[{row}].{column}"
        return f"{self.label} row {row + 2}, column {column}"


def read_table_file(path: Path, key: str, scenario_file: str) -> RawTable | Problem:
    """Read a CSV or Parquet table file; a Problem if it cannot be read."""
    where = f"{key}.file"
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xls", ".xlsm"):
        return Problem(
            scenario_file,
            where,
            f"Excel tables ({path.name}) are not supported yet; save the sheet as CSV or "
            "Parquet and refer to that file",
        )
    if suffix not in (".csv", ".parquet", ".pq"):
        return Problem(
            scenario_file, where, f"expected a .csv or .parquet table file, got {path.name!r}"
        )
    if not path.is_file():
        return Problem(scenario_file, where, f"table file not found: {path}")
    if path.stat().st_size > MAX_TABLE_FILE_BYTES:
        return Problem(
            str(path),
            "",
            f"the table file is larger than the limit of {MAX_TABLE_FILE_BYTES:,} bytes",
        )
    try:
        frame = _read_csv(path) if suffix == ".csv" else _read_parquet(path)
    except _TooManyRowsError as exc:
        return Problem(str(path), "", str(exc))
    except Exception as exc:
        kind = "CSV" if suffix == ".csv" else "Parquet"
        return Problem(str(path), "", f"cannot read the {kind} file: {exc}")
    if len(frame) > MAX_TABLE_ROWS:
        return Problem(str(path), "", f"{len(frame):,} rows; the limit is {MAX_TABLE_ROWS:,}")
    return RawTable(frame, path.name, str(path))


class _TooManyRowsError(Exception):
    pass


def _read_csv(path: Path) -> pd.DataFrame:
    frame = pd.read_csv(path, dtype=str, keep_default_na=False, skipinitialspace=True)
    frame.columns = [str(c).strip() for c in frame.columns]
    return frame.replace("", np.nan)


def _read_parquet(path: Path) -> pd.DataFrame:
    import pyarrow.parquet as pq

    rows = pq.ParquetFile(path).metadata.num_rows
    if rows > MAX_TABLE_ROWS:
        raise _TooManyRowsError(f"the file claims {rows:,} rows; the limit is {MAX_TABLE_ROWS:,}")
    return pd.read_parquet(path)


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
