"""The portfolio report rendered: one HTML page, or a workbook (one sheet per table).

Uses the award report's cell formats (:func:`sourceopt.report.html.cell`,
:func:`sourceopt.report.workbook.write_table`), stylesheet and SVG bars.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sourceopt.errors import SourceoptError
from sourceopt.report import svg
from sourceopt.report.html import TEMPLATES, _table, cell, environment
from sourceopt.report.portfolio import PortfolioReport

TOP_FIRMS = 15  # firms drawn in the spend chart (the table lists them all)


def _charts(r: PortfolioReport) -> dict[str, str]:
    cats = r.categories.rows[:40]
    firms = r.firms.rows[:TOP_FIRMS]
    return {
        "categories": svg.bars(
            "Total cost by category (joint)",
            [str(c[0]) for c in cats],
            [("Total cost", [c[2] for c in cats])],
        ),
        "firms": svg.bars(
            f"Spend by firm (largest {len(firms)})",
            [str(f[0]) for f in firms],
            [("Spend", [f[1] for f in firms])],
            colors=(svg.COLORS[1],),
        ),
    }


def render_portfolio_html(report: PortfolioReport) -> str:
    """The portfolio report as one HTML document (text)."""
    from markupsafe import Markup

    env = environment()
    tables = {
        "goals": report.goals,
        "categories": report.categories,
        "coordination": report.coordination,
        "firms": report.firms,
    }
    headline = [(label, cell(value, kind), kind) for label, value, kind in report.headline]
    return env.get_template("portfolio.html.j2").render(
        r=report,
        headline=headline,
        tables={k: _table(t) for k, t in tables.items()},
        charts={k: Markup(v) for k, v in _charts(report).items()},  # escaped in svg.py
        css=Markup((TEMPLATES / "report.css").read_text(encoding="utf-8")),
    )


def write_portfolio_html(report: PortfolioReport, path: str | Path) -> Path:
    """Write the portfolio report as one self-contained HTML file."""
    out = Path(path)
    try:
        out.write_text(render_portfolio_html(report), encoding="utf-8")
    except OSError as exc:
        raise SourceoptError(f"cannot write the report {out}: {exc.strerror or exc}") from exc
    return out


def write_portfolio_workbook(report: PortfolioReport, path: str | Path) -> Path:
    """Write the portfolio report as a workbook: Summary, Goals, Coordination, Categories, Firms."""
    try:
        import xlsxwriter
    except ImportError as exc:  # pragma: no cover - the extra is part of `all`
        raise SourceoptError(
            "the portfolio workbook needs xlsxwriter: pip install 'sourceopt[report]'"
        ) from exc
    from sourceopt.report.workbook import Styles, _put, write_table

    out = Path(path)
    book = xlsxwriter.Workbook(str(out), {"nan_inf_to_errors": True})
    book.set_properties({"title": report.title, "author": "sourceopt"})
    st = Styles(book)
    _summary(book, report, st, _put)
    for table in (report.goals, report.coordination, report.categories, report.firms):
        write_table(book.add_worksheet(table.name), table, st)
    try:
        book.close()
    except (OSError, xlsxwriter.exceptions.XlsxWriterException) as exc:
        raise SourceoptError(f"cannot write the workbook {out}: {exc}") from exc
    return out


def _summary(book: Any, r: PortfolioReport, st: Any, put: Any) -> None:
    ws = book.add_worksheet("Summary")
    ws.set_column(0, 0, 30)
    ws.set_column(1, 1, 30)
    ws.write_string(0, 0, r.title, st.title)
    money = f"All money in {r.currency}. " if r.currency else ""
    ws.write_string(1, 0, money + "Figures from the verified portfolio result.", st.subtitle)
    for row, (label, value, kind) in enumerate(r.headline, start=3):
        ws.write_string(row, 0, label, st.label)
        put(ws, row, 1, value, kind, st)
    verdict = "not checked" if r.verified is None else "passed" if r.verified else "FAILED"
    ws.write_string(3 + len(r.headline), 0, "Verification", st.label)
    ws.write_string(3 + len(r.headline), 1, verdict, st.bad if r.verified is False else st.value)
