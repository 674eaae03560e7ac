"""A bare Excel workbook as a scenario: a ``Scenario`` sheet and one sheet per table.

``sourceopt solve bids.xlsx`` reads the workbook ``sourceopt template`` writes (and any
workbook laid out alike). The ``Scenario`` sheet holds the top-level keys, one per row:
column A the key (``sourceopt``, ``name``, ``category``, ``currency``, ``model``, ``rules``,
``variants``, ``objective``, ``solver``, ``bundles``, ``rebates``), column B its value; row 1
is the header (``key``, ``value``). Text keys (``name``, ``category``, ``currency``,
``model``) are taken as written; the others are YAML text (``rules`` a YAML list, as in a
scenario file). The tables are the sheets ``Items``, ``Suppliers``, ``Offers`` and
(optional) ``Tiers``, named as Excel does, ignoring case; the workbook is then loaded as the
scenario document ``{..., items: {file: bids.xlsx, sheet: Items}, ...}`` beside it.
"""

from __future__ import annotations

import io
import warnings
from pathlib import Path
from typing import Any

from sourceopt.errors import Problem, ScenarioError
from sourceopt.scenario.read import parse_document
from sourceopt.scenario.schema import TABLE_KEYS

SCENARIO_SHEET = "Scenario"
TABLE_SHEETS = {"items": "Items", "suppliers": "Suppliers", "offers": "Offers", "tiers": "Tiers"}
TEXT_KEYS = frozenset({"name", "category", "currency", "model"})
WORKBOOK_SUFFIXES = (".xlsx", ".xlsm")
MAX_WORKBOOK_BYTES = 256 * 1024**2


def is_workbook(path: str | Path) -> bool:
    """Whether `path` names an Excel workbook (by its extension)."""
    return Path(path).suffix.lower() in WORKBOOK_SUFFIXES


def read_workbook_document(path: Path) -> tuple[dict[str, Any], bytes]:
    """The scenario document of a bare workbook (tables referring to its sheets) and its bytes.

    Raises :class:`ScenarioError` naming the sheet, row and cell of each problem.
    """
    name = str(path)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise ScenarioError.single(name, "", "file not found") from None
    except IsADirectoryError:
        raise ScenarioError.single(name, "", "expected a scenario file, got a directory") from None
    except OSError as exc:
        raise ScenarioError.single(name, "", f"cannot read the file: {exc.strerror}") from None
    if len(data) > MAX_WORKBOOK_BYTES:
        raise ScenarioError.single(
            name, "", f"the workbook is larger than the limit of {MAX_WORKBOOK_BYTES:,} bytes"
        )
    return workbook_document(data, path.name, name), data


def workbook_document(data: bytes, filename: str, file: str | None = None) -> dict[str, Any]:
    """The scenario document of the workbook `data` (saved as `filename`; problems name `file`)."""
    file = file or filename
    titles, rows = _scenario_rows(data, file)
    folded = {t.casefold(): t for t in titles}
    problems: list[Problem] = []
    document: dict[str, Any] = {}
    for r, row in enumerate(rows[1:], start=2):
        _take_row(row, r, document, problems, file)
    for key, sheet in TABLE_SHEETS.items():
        title = folded.get(sheet.casefold())
        if title is not None:
            document[key] = {"file": filename, "sheet": title}
        elif key != "tiers":
            problems.append(
                Problem(
                    file,
                    f"sheet {sheet!r}",
                    f"the workbook has no {sheet!r} sheet; a workbook solved on its own needs "
                    "the sheets Items, Suppliers and Offers (and Tiers, optional), as "
                    "'sourceopt template' writes them",
                )
            )
    if problems:
        raise ScenarioError(problems)
    return document


def _scenario_rows(data: bytes, file: str) -> tuple[list[str], list[tuple[Any, ...]]]:
    """The workbook's sheet titles and the rows of its Scenario sheet (values only)."""
    from openpyxl import load_workbook

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # a zip or XML error: the file is not a workbook
        raise ScenarioError.single(
            file, "", f"cannot read the file as an Excel workbook (.xlsx): {exc}"
        ) from None
    try:
        titles = list(book.sheetnames)
        found = next((t for t in titles if t.casefold() == SCENARIO_SHEET.casefold()), None)
        if found is None:
            listing = ", ".join(repr(t) for t in titles) or "none"
            raise ScenarioError.single(
                file,
                "",
                f"the workbook has no {SCENARIO_SHEET!r} sheet (its sheets: {listing}); a "
                "workbook solved on its own needs one, with the scenario's keys (sourceopt, "
                "name, rules, ...) one per row, as 'sourceopt template' writes it; or refer "
                "to its sheets from a scenario file: offers: {file: ..., sheet: Offers}",
            )
        rows = [tuple(r) for r in book[found].iter_rows(max_col=2, values_only=True)]
    finally:
        book.close()
    return titles, rows


def _take_row(
    row: tuple[Any, ...], r: int, document: dict[str, Any], problems: list[Problem], file: str
) -> None:
    """One key/value row of the Scenario sheet into `document`."""
    key, value = (*row, None, None)[:2]
    if key is None or (isinstance(key, str) and not key.strip()):
        return
    key = str(key).strip()
    where = f"sheet {SCENARIO_SHEET!r} row {r}, key {key} (cell B{r})"
    if key in TABLE_KEYS:
        problems.append(
            Problem(
                file,
                f"sheet {SCENARIO_SHEET!r} cell A{r}",
                f"the table {key!r} is the sheet {TABLE_SHEETS[key]!r}, not a key here; "
                "delete this row",
            )
        )
        return
    if key in document:
        problems.append(Problem(file, where, f"the key {key!r} appears twice; keep one row"))
        return
    if value is None or (isinstance(value, str) and not value.strip()):
        return
    if key in TEXT_KEYS:  # a name typed as 2026 is the text "2026"
        document[key] = value.strip() if isinstance(value, str) else _text(value)
        return
    if not isinstance(value, str):
        document[key] = value
        return
    try:
        document[key] = parse_document(value.encode(), where)
    except ScenarioError as exc:
        for p in exc.problems:
            problems.append(Problem(file, where, f"{p.place}: {p.message}".lstrip(": ")))


def _text(value: Any) -> str:
    """A cell's number or date as the text it shows (``2026``, not ``2026.0``)."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)
