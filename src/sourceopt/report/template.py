"""The bid workbook sent to suppliers: the scenario's tables as sheets to fill (xlsxwriter).

Sheets: ``Instructions``; ``Items`` and ``Suppliers`` (pre-filled from the scenario);
``Offers`` and ``Tiers`` (to fill; pre-filled too with ``offers=True``); ``Scenario`` (the
scenario's other keys, one per row, read back by :mod:`sourceopt.scenario.workbook`). Row 1
of each table sheet holds the column names the loader expects (those of a CSV table:
``tags`` ``;``-separated, ``attr.<name>`` per attribute). Data validation: ids are picked
from the Items and Suppliers sheets, numbers are numbers within the format's bounds, ids are
unique. A filled workbook loads as is: ``sourceopt solve bids.xlsx``, or as a scenario's
tables (``offers: {file: bids.xlsx, sheet: Offers}``). Needs the ``report`` extra.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from sourceopt import theme
from sourceopt.errors import SourceoptError
from sourceopt.report.template_text import COLUMN_HELP, instructions
from sourceopt.scenario.intake import RECORD_TYPES
from sourceopt.scenario.landed import in_own_currency
from sourceopt.scenario.model import ADDERS_PREFIX, ATTR_PREFIX, CURRENT_PREFIX, Scenario
from sourceopt.scenario.schema import TABLE_KEYS
from sourceopt.scenario.tables import Column, column_spec
from sourceopt.scenario.workbook import SCENARIO_SHEET, TABLE_SHEETS, TEXT_KEYS

ROWS = 5000  # data rows (below the header) that carry the data validation
ACCENT = theme.ACCENT
NESTED = ("tiers", "attributes")


@dataclass(frozen=True)
class Sheet:
    """A table sheet to write: its key, columns (with their spec) and rows."""

    key: str
    columns: list[tuple[str, Column]]
    rows: list[list[Any]]


def _columns(key: str, frame_columns: Iterable[str]) -> list[tuple[str, Column]]:
    """The columns of table `key` as a file holds them, ``attr.*``/``current.*`` at the end."""
    spec = column_spec(RECORD_TYPES[key])
    out = [(n, col) for n, col in spec.items() if col.kind not in ("attributes", "nested")]
    prefixes = (ATTR_PREFIX, CURRENT_PREFIX, ADDERS_PREFIX)  # current.<supplier>, adders.<name>
    attrs = sorted(c for c in frame_columns if c.startswith(prefixes))
    number = Column("attr", "number", False, True)
    return out + [(a, number) for a in attrs]


def _cell(value: Any) -> Any:
    """A frame value as a cell: tags ``;``-joined, no cap (infinity) and NaN as empty."""
    if isinstance(value, frozenset | set | list | tuple):
        return ";".join(sorted(str(v) for v in value))
    if isinstance(value, float) and (math.isnan(value) or math.isinf(value)):
        return None
    if hasattr(value, "item"):  # numpy scalars
        return _cell(value.item())
    return value


def _rows(frame: Any, columns: list[tuple[str, Column]]) -> list[list[Any]]:
    names = [n for n, _ in columns]
    return [[_cell(r.get(n)) for n in names] for r in frame.to_dict("records")]


def sheets_of(scenario: Scenario, offers: bool) -> list[Sheet]:
    """The four table sheets of `scenario`: items and suppliers filled, offers if asked."""
    items = _columns("items", scenario.items.columns)
    sups = _columns("suppliers", scenario.suppliers.columns)
    adders = [ADDERS_PREFIX + n for n in scenario.adder_names()]  # format 1.1: to fill too
    offs = _columns("offers", scenario.offers.columns if offers else adders)
    tiers = _columns("tiers", ())
    offer_rows: list[list[Any]] = []
    tier_rows: list[list[Any]] = []
    if offers:
        frame, tiers_frame = in_own_currency(scenario)  # money as written, by its currency
        frame["supplier"] = scenario.suppliers["id"].to_numpy()[frame["supplier"].to_numpy()]
        frame["item"] = scenario.items["id"].to_numpy()[frame["item"].to_numpy()]
        offer_rows = _rows(frame, offs)
        for o, start, price in zip(
            tiers_frame["offer"].to_numpy(int),
            tiers_frame["from"].to_numpy(float),
            tiers_frame["price"].to_numpy(float),
            strict=True,
        ):
            tier_rows.append(
                [frame["supplier"].iat[o], frame["item"].iat[o], float(start), float(price)]
            )
    return [
        Sheet("items", items, _rows(scenario.items, items)),
        Sheet("suppliers", sups, _rows(scenario.suppliers, sups)),
        Sheet("offers", offs, offer_rows),
        Sheet("tiers", tiers, tier_rows),
    ]


def header_rows(document: dict[str, Any]) -> list[tuple[str, Any]]:
    """The Scenario sheet's rows: each top-level key but the tables, structures as YAML."""
    out: list[tuple[str, Any]] = []
    for key, value in document.items():
        if key in TABLE_KEYS or value is None:
            continue
        if key in TEXT_KEYS or isinstance(value, int | float | str):
            out.append((key, value))
        else:
            text = yaml.safe_dump(value, sort_keys=False, allow_unicode=True, width=100)
            out.append((key, text.rstrip("\n")))
    return out


def _validation(sheet: str, name: str, col: Column) -> dict[str, Any] | None:
    """The data validation of a column: an id list, a bounded number, a unique id."""
    if sheet in ("offers", "tiers") and name in ("supplier", "item"):
        source = TABLE_SHEETS["suppliers" if name == "supplier" else "items"]
        return {
            "validate": "list",
            "source": f"={source}!$A$2:$A${ROWS + 1}",
            "input_title": f"Pick the {name}",
            "input_message": f"an id from the {source} sheet",
            "error_title": f"Unknown {name}",
            "error_message": f"Pick an id listed in column A of the {source} sheet.",
        }
    if col.kind in ("number", "integer"):
        return _number_rule(name, col)
    if name == "id":
        return {
            "validate": "custom",
            "value": f"=COUNTIF($A$2:$A${ROWS + 1},A2)=1",
            "error_title": "Duplicate id",
            "error_message": "This id is already used in this sheet; ids must be unique.",
        }
    return None


def _number_rule(name: str, col: Column) -> dict[str, Any]:
    """A number within the column's bounds (any number for attributes)."""
    rule: dict[str, Any] = {
        "validate": "whole" if col.kind == "integer" else "decimal",
        "error_title": "Not a number",
        "error_message": f"{name}: type a number.",
    }
    if col.gt is None and col.ge is None:
        return rule | {"criteria": "between", "minimum": -1e300, "maximum": 1e300}
    value = col.gt if col.gt is not None else col.ge
    words = "more than" if col.gt is not None else "at least"
    return rule | {
        "criteria": "greater than" if col.gt is not None else "greater than or equal to",
        "value": value,
        "error_message": f"{name}: type a number, {words} {value:g}.",
    }


class _Styles:
    def __init__(self, book: Any) -> None:
        head = {"bold": True, "font_color": "white", "bg_color": ACCENT, "border": 1}
        self.header = book.add_format(head)
        self.required = book.add_format(head | {"underline": True})
        self.title = book.add_format({"bold": True, "font_size": 16, "font_color": ACCENT})
        self.bold = book.add_format({"bold": True})
        self.wrap = book.add_format({"text_wrap": True, "valign": "top"})


def _write_sheet(book: Any, sheet: Sheet, st: _Styles) -> None:
    ws = book.add_worksheet(TABLE_SHEETS[sheet.key])
    for c, (name, col) in enumerate(sheet.columns):
        ws.write_string(0, c, name, st.required if col.required else st.header)
        width = max([len(name) + 3] + [len(str(r[c])) + 2 for r in sheet.rows if r[c] is not None])
        ws.set_column(c, c, min(width, 40))
        help_text = COLUMN_HELP.get((sheet.key, name)) or COLUMN_HELP.get(("*", name))
        if help_text:
            ws.write_comment(0, c, help_text, {"x_scale": 2})
        rule = _validation(sheet.key, name, col)
        if rule is not None:
            ws.data_validation(1, c, ROWS, c, rule)
    for r, row in enumerate(sheet.rows, start=1):
        for c, value in enumerate(row):
            if value is None:
                continue
            if isinstance(value, bool) or not isinstance(value, int | float):
                ws.write_string(r, c, str(value))
            else:
                ws.write_number(r, c, float(value))
    ws.freeze_panes(1, 0)
    ws.autofilter(0, 0, max(len(sheet.rows), 1), len(sheet.columns) - 1)
    _print_setup(ws)


def _height(text: str, width: int) -> float:
    """A row height (points) showing wrapped `text` in a column `width` characters wide."""
    lines = sum(max(1, math.ceil(len(line) / width)) for line in text.split("\n"))
    return min(15.0 * lines + 3, 409.0)  # Excel's highest row


def _print_setup(ws: Any) -> None:
    ws.set_landscape()
    ws.fit_to_pages(1, 0)
    ws.repeat_rows(0)


def _write_scenario(book: Any, rows: list[tuple[str, Any]], st: _Styles) -> None:
    ws = book.add_worksheet(SCENARIO_SHEET)
    ws.write_string(0, 0, "key", st.header)
    ws.write_string(0, 1, "value", st.header)
    ws.set_column(0, 0, 14)
    ws.set_column(1, 1, 90, st.wrap)
    for r, (key, value) in enumerate(rows, start=1):
        ws.write_string(r, 0, key, st.bold)
        if isinstance(value, int | float) and not isinstance(value, bool):
            ws.write_number(r, 1, float(value))
        else:
            ws.write_string(r, 1, str(value), st.wrap)
            ws.set_row(r, _height(str(value), 90))
    ws.freeze_panes(1, 0)
    _print_setup(ws)


def _write_instructions(book: Any, scenario: Scenario, st: _Styles) -> None:
    ws = book.add_worksheet("Instructions")
    ws.set_column(0, 0, 110, st.wrap)
    ws.write_string(0, 0, f"Bid workbook: {scenario.name}", st.title)
    for r, (text, bold) in enumerate(instructions(scenario), start=2):
        ws.write_string(r, 0, text, st.bold if bold else st.wrap)
        ws.set_row(r, _height(text, 105))
    _print_setup(ws)
    ws.activate()


def write_template(
    scenario: Scenario, document: dict[str, Any], path: str | Path, *, offers: bool = False
) -> Path:
    """Write the bid workbook of `scenario` (`document`: its parsed file) to `path` (.xlsx)."""
    try:
        import xlsxwriter
    except ImportError as exc:  # pragma: no cover - the extra is part of `all`
        raise SourceoptError(
            "the bid workbook needs xlsxwriter: pip install 'sourceopt[report]'"
        ) from exc
    out = Path(path)
    book = xlsxwriter.Workbook(str(out))
    book.set_properties({"title": f"Bid workbook: {scenario.name}", "author": "sourceopt"})
    st = _Styles(book)
    _write_instructions(book, scenario, st)
    for sheet in sheets_of(scenario, offers):
        _write_sheet(book, sheet, st)
    _write_scenario(book, header_rows(document), st)
    try:
        book.close()
    except (OSError, xlsxwriter.exceptions.XlsxWriterException) as exc:
        raise SourceoptError(f"cannot write the bid workbook {out}: {exc}") from exc
    return out
