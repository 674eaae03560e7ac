"""From a table key's raw value (records, inline columns or a file) to a typed frame.

Records are validated by their pydantic type and flattened (``attributes`` become
``attr.<name>`` columns, an offer's nested ``tiers`` are collected apart); columns and files
are validated column-wise (columns.py). Either way the caller gets a frame whose columns
follow the record type and a :class:`RawTable` that names places in the user's terms.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from pydantic import BaseModel, ValidationError

from sourceopt.errors import Problem
from sourceopt.scenario.columns import default_column, validate_columns
from sourceopt.scenario.messages import problems_from
from sourceopt.scenario.model import ADDERS_PREFIX, ATTR_PREFIX, CURRENT_PREFIX
from sourceopt.scenario.schema import (
    ColumnTable,
    ItemRecord,
    OfferRecord,
    SupplierRecord,
    TableFile,
    TierRecord,
)
from sourceopt.scenario.sizes import DEFAULT_LIMITS, TableLimits
from sourceopt.scenario.tables import (
    RawTable,
    ReadAs,
    as_written,
    column_spec,
    inline_columns,
    read_table_file,
    records_table,
)

RECORD_TYPES: dict[str, type[BaseModel]] = {
    "items": ItemRecord,
    "suppliers": SupplierRecord,
    "offers": OfferRecord,
    "tiers": TierRecord,
}
_WITH_ATTRIBUTES = ("items", "suppliers", "offers")
_CODED = ("offers", "tiers")  # text columns are references, resolved to codes: kept encoded


@dataclass
class Intake:
    """A table as accepted: the typed frame, where it came from, and nested offer tiers."""

    frame: pd.DataFrame
    raw: RawTable
    nested_tiers: pd.DataFrame = field(
        default_factory=lambda: pd.DataFrame(
            {
                "offer": np.zeros(0, np.int64),
                "position": np.zeros(0, np.int64),
                "from": np.zeros(0),
                "price": np.zeros(0),
            }
        )
    )


def take_table(
    key: str, value: Any, file: str, base_dir: Path, limits: TableLimits = DEFAULT_LIMITS
) -> tuple[Intake | None, list[Problem]]:
    """Accept one table; None and the problems if it cannot be read at all.

    A table file over `limits` (rows, columns, unpacked bytes) is refused before it is read.
    """
    if isinstance(value, list):
        return _from_records(key, value, file)
    if isinstance(value, dict) and "file" in value:
        return _from_file(key, value, file, base_dir, limits)
    if isinstance(value, dict) and "columns" in value:
        try:
            ColumnTable.model_validate(value)
        except ValidationError as exc:
            return None, problems_from(exc, value, file, prefix=key)
        raw = inline_columns(value["columns"], key, file)
        if isinstance(raw, Problem):
            return None, [raw]
        return _columnar(key, raw)
    return None, [
        Problem(
            file,
            key,
            "expected a list of records, {file: <table file>} or {columns: {...}}, "
            f"got {type(value).__name__}",
        )
    ]


def _from_file(
    key: str, value: dict[str, Any], file: str, base_dir: Path, limits: TableLimits
) -> tuple[Intake | None, list[Problem]]:
    try:
        ref = TableFile.model_validate(value)
    except ValidationError as exc:
        return None, problems_from(exc, value, file, prefix=key)
    path = Path(ref.file)
    if not path.is_absolute():
        path = base_dir / path
    raw = read_table_file(path, key, file, _read_as(key), sheet=ref.sheet, limits=limits)
    if isinstance(raw, list):
        return None, raw
    return _columnar(key, raw)


def _read_as(key: str) -> ReadAs:
    """Columns of a table file read typed: numbers; text references of coded tables."""
    spec = column_spec(RECORD_TYPES[key])
    return ReadAs(
        coded=frozenset(k for k, c in spec.items() if c.kind == "text" and key in _CODED),
        numbers=frozenset(k for k, c in spec.items() if c.kind in ("number", "integer")),
        number_prefix=ATTR_PREFIX if key in _WITH_ATTRIBUTES else None,
        current_prefix={"items": CURRENT_PREFIX, "offers": ADDERS_PREFIX}.get(key),
    )


def _columnar(key: str, raw: RawTable) -> tuple[Intake | None, list[Problem]]:
    spec = column_spec(RECORD_TYPES[key])
    attributes, coded = key in _WITH_ATTRIBUTES, key in _CODED
    current, adders = key == "items", key == "offers"
    frame, problems = validate_columns(
        raw, spec, attributes=attributes, coded=coded, current=current, adders=adders
    )
    if problems and raw.typed:  # report on the cells as written, as a text read would
        raw = as_written(raw)
        frame, problems = validate_columns(
            raw, spec, attributes=attributes, coded=coded, current=current, adders=adders
        )
    if raw.cell_problems:  # the reader's word on a cell replaces the validation's
        refused = {p.place for p in raw.cell_problems}
        problems = [*raw.cell_problems, *(p for p in problems if p.place not in refused)]
    return Intake(frame, raw), problems


def _from_records(key: str, records: list[Any], file: str) -> tuple[Intake | None, list[Problem]]:
    parsed, problems = records_table(records, RECORD_TYPES[key], key, file)
    if problems:
        return _references_only(key, records, file), problems
    rows = [r.model_dump(by_alias=True) for r in parsed]
    attrs = sorted({a for r in rows for a in r.get("attributes", {})})
    current = sorted({s for r in rows for s in r.get("current", {})}) if key == "items" else []
    adders = sorted({a for r in rows for a in r.get("adders", {})}) if key == "offers" else []
    tiers: list[tuple[int, int, float, float]] = []
    for i, r in enumerate(rows):
        for name in attrs:
            r[ATTR_PREFIX + name] = r.get("attributes", {}).get(name, np.nan)
        r.pop("attributes", None)
        for sup in current:
            r[CURRENT_PREFIX + sup] = r.get("current", {}).get(sup, np.nan)
        r.pop("current", None)
        for name in adders:
            r[ADDERS_PREFIX + name] = r.get("adders", {}).get(name, np.nan)
        r.pop("adders", None)
        for j, t in enumerate(r.pop("tiers", []) if key == "offers" else []):
            tiers.append((i, j, float(t["from"]), float(t["price"])))
        if key in ("items", "suppliers"):
            r["tags"] = frozenset(r["tags"])
    spec = column_spec(RECORD_TYPES[key])
    columns = [k for k, c in spec.items() if c.kind not in ("attributes", "nested")]
    extra = [
        *(ATTR_PREFIX + a for a in attrs),
        *(CURRENT_PREFIX + c for c in current),
        *(ADDERS_PREFIX + a for a in adders),
    ]
    frame = pd.DataFrame(rows, columns=[*columns, *extra])
    for k in columns:
        if spec[k].kind in ("number", "integer"):
            frame[k] = frame[k].astype(float)
    nested = pd.DataFrame(tiers, columns=["offer", "position", "from", "price"]).astype(
        {"offer": np.int64, "position": np.int64, "from": float, "price": float}
    )
    return Intake(frame, RawTable(frame, key, file, form="records"), nested), []


def _references_only(key: str, records: list[Any], file: str) -> Intake:
    """A stand-in table of the records' ids and references only (the rest unset).

    Used when some records are invalid, so that references between tables can still be
    checked and every problem reported at once; it never becomes a Scenario.
    """
    spec = column_spec(RECORD_TYPES[key])
    columns: dict[str, object] = {}
    for name, col in spec.items():
        if col.kind == "text":
            columns[name] = [
                r.get(name) if isinstance(r, dict) and isinstance(r.get(name), str) else None
                for r in records
            ]
        elif col.kind not in ("attributes", "nested"):
            columns[name] = default_column(col, len(records))
    frame = pd.DataFrame(columns)
    return Intake(frame, RawTable(frame, key, file, form="records"))
