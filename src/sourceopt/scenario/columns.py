"""Column-wise validation of a raw table against a column spec, vectorised with numpy.

Every bad cell is found with array operations; messages are built only for the first few bad
rows of each column (with a count of the rest), so a million-row file with one bad column
costs milliseconds and prints a bounded report.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from sourceopt.errors import Problem
from sourceopt.scenario.messages import magnitude_text
from sourceopt.scenario.model import ADDERS_PREFIX, ATTR_PREFIX, CURRENT_PREFIX
from sourceopt.scenario.schema import MAX_MAGNITUDE
from sourceopt.scenario.tables import MAX_PROBLEMS_PER_COLUMN, Column, RawTable


def _report(
    table: RawTable, column: str, bad: np.ndarray, message: str, values: pd.Series
) -> list[Problem]:
    rows = np.flatnonzero(bad)
    problems = [
        Problem(table.file, table.place(int(r), column), message.format(got=_show(values.iloc[r])))
        for r in rows[:MAX_PROBLEMS_PER_COLUMN]
    ]
    if len(rows) > MAX_PROBLEMS_PER_COLUMN:
        more = len(rows) - MAX_PROBLEMS_PER_COLUMN
        problems.append(
            Problem(
                table.file,
                f"{table.label}, column {column}",
                f"... and {more:,} more rows like these",
            )
        )
    return problems


def _show(value: object) -> str:
    return repr(value.item() if isinstance(value, np.generic) else value)


def _numbers(table: RawTable, col: Column, values: pd.Series) -> tuple[np.ndarray, list[Problem]]:
    present = values.notna().to_numpy()
    if pd.api.types.is_bool_dtype(values):
        return np.zeros(len(values)), _report(
            table, col.key, present, "expected a number, got {got}", values
        )
    if pd.api.types.is_numeric_dtype(values):
        numbers = values.to_numpy(dtype=float, na_value=np.nan)
        not_numeric = np.zeros(len(values), dtype=bool)
    elif table.form == "file" and not table.text_cells:
        kind = "text" if pd.api.types.is_string_dtype(values) else str(values.dtype)
        where = f"{table.label}, column {col.key}"
        message = f"expected a numeric column, got a {kind} column (store numbers as numbers)"
        return np.full(len(values), np.nan), [Problem(table.file, where, message)]
    elif table.text_cells:  # CSV and Excel cells are text as written: parse them
        numbers = pd.to_numeric(values, errors="coerce").to_numpy(dtype=float, na_value=np.nan)
        not_numeric = present & np.isnan(numbers)
    else:  # typed sources (Parquet, inline JSON/YAML columns): text is not a number
        real = np.fromiter(
            (isinstance(v, int | float) and not isinstance(v, bool) for v in values),
            bool,
            len(values),
        )
        numbers = pd.to_numeric(values.where(real), errors="coerce").to_numpy(
            dtype=float, na_value=np.nan
        )
        not_numeric = present & ~real
    problems = _report(table, col.key, not_numeric, "expected a number, got {got}", values)
    missing = ~present
    if col.required and not col.nullable:
        problems += _report(table, col.key, missing, "missing value (expected a number)", values)
    ok = present & ~not_numeric
    with np.errstate(invalid="ignore"):
        for attr, test, sign in (
            ("ge", np.less, ">="),
            ("gt", np.less_equal, ">"),
            ("le", np.greater, "<="),
        ):
            bound = getattr(col, attr)
            if bound is not None:
                bad = ok & test(numbers, bound) if attr != "le" else ok & (numbers > bound)
                message = f"expected a number {sign} {magnitude_text(bound)}, got {{got}}"
                problems += _report(table, col.key, bad, message, values)
        problems += _report(
            table,
            col.key,
            ok & ~np.isfinite(numbers),
            "expected a finite number, got {got}",
            values,
        )
    if col.kind == "integer":
        problems += _report(
            table,
            col.key,
            ok & np.isfinite(numbers) & (numbers != np.round(numbers)),
            "expected a whole number, got {got}",
            values,
        )
    return numbers, problems


def _text(
    table: RawTable, col: Column, values: pd.Series, *, coded: bool
) -> tuple[pd.Series, list[Problem]]:
    if coded and isinstance(values.dtype, pd.CategoricalDtype):
        return _coded_text(table, col, values)
    present = values.notna().to_numpy()
    text = values.astype("string").str.strip()
    problems: list[Problem] = []
    if col.required:
        empty = ~present | (text.fillna("") == "").to_numpy()
        problems += _report(table, col.key, empty, "missing value (expected text)", values)
    return text.astype(object).where(present, None), problems


def _coded_text(table: RawTable, col: Column, values: pd.Series) -> tuple[pd.Series, list[Problem]]:
    """:func:`_text` of a categorical column, done on its distinct values: still categorical."""
    codes = values.cat.codes.to_numpy()
    stripped = pd.Series(values.cat.categories).astype("string").str.strip()
    relabel, distinct = pd.factorize(stripped.to_numpy(dtype=object))
    new = np.full(len(codes), -1, dtype=relabel.dtype)
    present = codes >= 0
    new[present] = relabel[codes[present]]
    problems: list[Problem] = []
    if col.required:
        blank = np.append(distinct == "", True)  # code -1 (missing) picks the last: True
        problems += _report(table, col.key, blank[new], "missing value (expected text)", values)
    text = pd.Categorical.from_codes(new, categories=pd.Index(distinct, dtype=object))
    return pd.Series(text), problems


def _tags(values: pd.Series) -> list[frozenset[str]]:
    out: list[frozenset[str]] = []
    for v in values.to_numpy(dtype=object):
        if isinstance(v, str):
            out.append(frozenset(t.strip() for t in v.split(";") if t.strip()))
        elif isinstance(v, list | tuple | np.ndarray):
            out.append(frozenset(str(t) for t in v))
        else:
            out.append(frozenset())
    return out


def validate_columns(
    table: RawTable,
    spec: dict[str, Column],
    *,
    attributes: bool,
    coded: bool = False,
    current: bool = False,
    adders: bool = False,
) -> tuple[pd.DataFrame, list[Problem]]:
    """Check a raw table against the spec; return the typed frame and the problems.

    With `current` (the items table), ``current.<supplier>`` columns hold today's units (>= 0);
    with `adders` (the offers table), ``adders.<name>`` columns money per unit (>= 0).

    Text columns are objects (``None`` where missing); with `coded`, a column that arrives
    dictionary-encoded (categorical) stays so, its distinct values stripped and checked once.
    """
    frame = table.frame
    problems: list[Problem] = []
    allowed = {k for k, c in spec.items() if c.kind not in ("attributes", "nested")}
    for name in frame.columns:
        prefixed = (
            (attributes and str(name).startswith(ATTR_PREFIX))
            or (current and str(name).startswith(CURRENT_PREFIX))
            or (adders and str(name).startswith(ADDERS_PREFIX))
        )
        if name not in allowed and not prefixed:
            hint = " (attributes are columns named attr.<name>)" if attributes else ""
            if current:
                hint += " (today's units are columns named current.<supplier>)"
            if adders:
                hint += " (adders are columns named adders.<name>)"
            expected = ", ".join(sorted(allowed))
            problems.append(
                Problem(
                    table.file,
                    f"{table.label}, column {name}",
                    f"unknown column {name!r}; expected columns: {expected}{hint}",
                )
            )
    out: dict[str, object] = {}
    n = len(frame)
    for key, col in spec.items():
        if col.kind in ("attributes", "nested"):
            continue
        if key not in frame.columns:
            if col.required:
                problems.append(
                    Problem(table.file, f"{table.label}", f"missing required column {key!r}")
                )
            out[key] = default_column(col, n)
            continue
        values = frame[key].reset_index(drop=True)
        if col.kind in ("number", "integer"):
            numbers, found = _numbers(table, col, values)
            if col.default is not None:
                numbers = np.where(np.isnan(numbers), float(col.default), numbers)
            out[key], problems = numbers, problems + found
        elif col.kind == "tags":
            out[key] = _tags(values)
        else:
            text, found = _text(table, col, values, coded=coded)
            out[key], problems = text, problems + found
    if attributes:
        for name in frame.columns:
            if str(name).startswith(ATTR_PREFIX):
                attr_col = Column(
                    str(name),
                    "number",
                    required=False,
                    nullable=True,
                    ge=-MAX_MAGNITUDE,
                    le=MAX_MAGNITUDE,
                )
                numbers, found = _numbers(table, attr_col, frame[name].reset_index(drop=True))
                out[str(name)], problems = numbers, problems + found
    for wanted, prefix in ((current, CURRENT_PREFIX), (adders, ADDERS_PREFIX)):
        for name in frame.columns if wanted else ():
            if str(name).startswith(prefix):
                units = Column(
                    str(name), "number", required=False, nullable=True, ge=0.0, le=MAX_MAGNITUDE
                )
                numbers, found = _numbers(table, units, frame[name].reset_index(drop=True))
                out[str(name)], problems = numbers, problems + found
    return pd.DataFrame(out, index=pd.RangeIndex(n)), problems


def default_column(col: Column, n: int) -> object:
    """A column of `n` defaults (NaN numbers, empty tags, no text)."""
    if col.kind in ("number", "integer"):
        return np.full(n, np.nan if col.default is None else float(col.default))
    if col.kind == "tags":
        return [frozenset()] * n
    return [None] * n
