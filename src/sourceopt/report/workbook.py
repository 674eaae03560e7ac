"""The committee award workbook (xlsxwriter): the report model as Excel sheets and charts.

Numbers are written as numbers (the documents' figures, unrounded; Excel keeps 16
significant digits), with money, percent and unit formats; every table has a frozen header,
an autofilter and column widths; charts are native Excel charts. Needs the ``report`` extra.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sourceopt import theme
from sourceopt.errors import SourceoptError
from sourceopt.report import sheets
from sourceopt.report.model import Report
from sourceopt.report.sheets import Styled, Table

ACCENT, WIN_FILL = theme.ACCENT, theme.WIN_FILL
FORMATS = {
    "money": "#,##0.00",
    "units": "#,##0",
    "units_frac": "#,##0.000",
    "share": "0.0%",
    "pct": '0.00" %"',
    "hhi": "#,##0",
    "gap": "0.0E+00",
    "number": "General",
}


class Styles:
    """The workbook's cell formats, made once."""

    def __init__(self, book: Any) -> None:
        self.header = book.add_format(
            {"bold": True, "font_color": "white", "bg_color": ACCENT, "text_wrap": True}
            | {"valign": "top", "border": 1, "indent": 1}
        )
        self.header_num = book.add_format(
            {"bold": True, "font_color": "white", "bg_color": ACCENT, "text_wrap": True}
            | {"valign": "top", "border": 1, "align": "right"}
        )
        self.title = book.add_format({"bold": True, "font_size": 16, "font_color": ACCENT})
        self.subtitle = book.add_format({"italic": True, "font_color": theme.SUBTLE_TEXT})
        self.label = book.add_format({"bold": True})
        self.text = book.add_format({"valign": "top", "indent": 1})
        self.value = book.add_format({"valign": "top", "align": "right"})
        self.wrap = book.add_format({"text_wrap": True, "valign": "top"})
        self.win = book.add_format({"bg_color": WIN_FILL, "bold": True})
        self.bad = book.add_format({"font_color": theme.BAD, "bold": True})
        self.num = {k: book.add_format({"num_format": v}) for k, v in FORMATS.items()}

    def cell(self, kind: str, value: Any) -> Any:
        """The format of a cell of this kind holding `value`."""
        if kind == "units" and isinstance(value, float) and not value.is_integer():
            return self.num["units_frac"]
        return self.num.get(kind, self.text)


def _put(ws: Any, row: int, col: int, value: Any, kind: str, st: Styles) -> None:
    if isinstance(value, Styled):
        value, kind = value.value, value.kind
    if value is None:
        ws.write_blank(row, col, None, st.cell(kind, value))
    elif isinstance(value, bool) or kind in ("text", "yesno"):
        ws.write_string(row, col, str(value), st.text)
    elif isinstance(value, int | float):
        ws.write_number(row, col, float(value), st.cell(kind, value))
    else:
        ws.write_string(row, col, str(value), st.text)


def _print_setup(ws: Any) -> None:
    """Print landscape on A4, one page wide, with the sheet's name in the footer."""
    ws.set_landscape()
    ws.set_paper(9)
    ws.fit_to_pages(1, 0)
    ws.set_footer("&L&A&RPage &P of &N")


def write_table(ws: Any, table: Table, st: Styles, top: int = 0) -> tuple[int, int]:
    """Write `table` from row `top`: header, rows, frozen header, autofilter, widths.

    Returns the first and last data row (last < first when there are no rows).
    """
    for c, col in enumerate(table.columns):
        head = st.header if col.kind in ("text", "yesno") else st.header_num
        ws.write_string(top, c, col.header, head)
        ws.set_column(c, c, col.width)
    for r, values in enumerate(table.rows, start=top + 1):
        for c, (col, value) in enumerate(zip(table.columns, values, strict=True)):
            _put(ws, r, c, value, col.kind, st)
    last = top + len(table.rows)
    _print_setup(ws)
    ws.repeat_rows(top)
    ws.freeze_panes(top + 1, 0)
    ws.autofilter(top, 0, max(last, top), len(table.columns) - 1)
    return top + 1, last


def _summary(book: Any, r: Report, st: Styles) -> Any:
    ws = book.add_worksheet("Summary")
    ws.set_column(0, 0, 30)
    ws.set_column(1, 1, 34)
    ws.write_string(0, 0, f"Award report: {r.title}", st.title)
    ws.write_string(
        1, 0, f"All money in {r.currency}. Figures from the verified result.", st.subtitle
    )
    row = 3
    for label, value, kind in sheets.summary_rows(r):
        ws.write_string(row, 0, label, st.label)
        if label == "Verification" and r.summary.verified is False:
            ws.write_string(row, 1, str(value), st.bad)
        elif kind == "text" and value is not None:
            ws.write_string(row, 1, str(value), st.value)
        else:
            _put(ws, row, 1, value, kind, st)
        row += 1
    for member in r.summary.conflict:
        ws.write_string(row, 0, f"Conflict: {member.get('rule', '')}", st.label)
        ws.write_string(row, 1, str(member.get("message", "")), st.text)
        row += 1
    for note in r.notes:
        row += 1
        ws.merge_range(row, 0, row + 1, 1, note, st.wrap)
        row += 1
    ws.freeze_panes(3, 0)
    _print_setup(ws)
    return ws


def _sheet(book: Any, table: Table, st: Styles) -> tuple[Any, int, int]:
    ws = book.add_worksheet(table.name)
    first, last = write_table(ws, table, st)
    return ws, first, last


def _changes(book: Any, r: Report, st: Styles) -> None:
    c = r.changes
    if c is None:
        return
    ws = book.add_worksheet("Changes")
    ws.write_string(0, 0, f"From {c.from_variant} to {c.to_variant}", st.title)
    for k, (label, value, kind) in enumerate(sheets.change_rows(r, c), start=1):
        ws.write_string(k, 0, label, st.label)
        _put(ws, k, 1, value, kind, st)
    write_table(ws, sheets.changes_table(r), st, top=5)
    ws.set_column(0, 0, 50)


def _bids(book: Any, r: Report, st: Styles) -> None:
    table = sheets.bids_table(r)
    ws, first, last = _sheet(book, table, st)
    if last >= first:
        won = table.columns.index(next(c for c in table.columns if c.header == "Awarded units"))
        letter = chr(ord("A") + won)
        ws.conditional_format(
            first,
            0,
            last,
            len(table.columns) - 1,
            {"type": "formula", "criteria": f"=${letter}{first + 1}>0", "format": st.win},
        )


def write_workbook(report: Report, path: str | Path) -> Path:
    """Write the award workbook to `path` (.xlsx) and return the path."""
    try:
        import xlsxwriter
    except ImportError as exc:  # pragma: no cover - the extra is part of `all`
        raise SourceoptError(
            "the award workbook needs xlsxwriter: pip install 'sourceopt[report]'"
        ) from exc
    from sourceopt.report import charts

    out = Path(path)
    book = xlsxwriter.Workbook(str(out), {"nan_inf_to_errors": True})
    book.set_properties({"title": f"Award report: {report.title}", "author": "sourceopt"})
    st = Styles(book)
    summary = _summary(book, report, st)
    _sheet(book, sheets.award_table(report), st)
    items, i0, i1 = _sheet(book, sheets.items_table(report), st)
    sups, s0, s1 = _sheet(book, sheets.suppliers_table(report), st)
    _sheet(book, sheets.rules_table(report), st)
    scen, v0, v1 = _sheet(book, sheets.scenarios_table(report), st)
    _changes(book, report, st)
    _bids(book, report, st)
    charts.spend_by_supplier(book, summary, "Suppliers", s0, s1, "D4")
    charts.savings_by_item(book, summary, "Items", i0, i1, "D21")
    charts.scenario_comparison(book, scen, "Scenarios", v0, v1, f"A{v1 + 3}")
    if report.frontier is not None:
        front, f0, f1 = _sheet(book, sheets.frontier_table(report), st)
        charts.frontier(book, front, report, f0, f1, "G2")
    del items, sups
    try:
        book.close()
    except (OSError, xlsxwriter.exceptions.XlsxWriterException) as exc:
        raise SourceoptError(f"cannot write the workbook {out}: {exc}") from exc
    return out
