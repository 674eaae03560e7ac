"""The self-contained HTML report: one file, styles and SVG charts inline, no network.

Rendered with Jinja2 (autoescaping every value; only the SVG charts made by
:mod:`sourceopt.report.svg`, which escapes its own labels, are inserted as markup). The page
reads on a laptop and on a phone (tables scroll sideways inside their section) and prints
(a print stylesheet).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from sourceopt.errors import SourceoptError
from sourceopt.report import sheets, svg
from sourceopt.report.model import Report
from sourceopt.report.sheets import Styled, Table

if TYPE_CHECKING:
    from jinja2 import Environment

TEMPLATES = Path(__file__).with_name("templates")


def cell(value: Any, kind: str) -> str:
    """A cell's text as the page shows it (the workbook's number formats, in words)."""
    if isinstance(value, Styled):
        value, kind = value.value, value.kind
    if value is None:
        return "\u2013"
    if kind in ("text", "yesno") or isinstance(value, bool | str):
        return str(value)
    x = float(value)
    if kind == "money":
        return f"{x:,.2f}"
    if kind == "units":
        return f"{x:,.0f}" if x.is_integer() else f"{x:,.3f}"
    if kind == "share":
        return f"{100 * x:.1f} %"
    if kind == "pct":
        return f"{x:.2f} %"
    if kind == "hhi":
        return f"{x:,.0f}"
    if kind == "gap":
        return f"{x:.1e}"
    return f"{x:.6g}"


def _table(t: Table) -> dict[str, Any]:
    return {
        "name": t.name,
        "headers": [(c.header, c.kind) for c in t.columns],
        "rows": [
            [
                (cell(v, c.kind), v.kind if isinstance(v, Styled) else c.kind)
                for c, v in zip(t.columns, row, strict=True)
            ]
            for row in t.rows
        ],
    }


def _charts(r: Report) -> dict[str, str]:
    sups = r.suppliers
    items = [i for i in r.items if i.savings is not None]
    out = {
        "spend": svg.bars(
            "Spend by supplier", [s.name for s in sups], [("Spend", [s.spend for s in sups])]
        ),
        "savings": svg.bars(
            "Savings against baseline by item",
            [i.label for i in items],
            [("Savings", [i.savings for i in items])],
            colors=(svg.COLORS[1],),
        ),
        "scenarios": svg.bars(
            "Scenarios: total cost and savings",
            [s.variant for s in r.scenarios],
            [
                ("Total cost", [s.total_cost for s in r.scenarios]),
                ("Savings", [s.savings for s in r.scenarios]),
            ],
            width=720,
        ),
    }
    if r.frontier is not None:
        pts = [(p, p.value, p.objective) for p in r.frontier.points]
        drawn = [(v, o) for _, v, o in pts if v is not None and o is not None]
        knee = next(
            (
                k
                for k, (p, v, o) in enumerate(
                    [t for t in pts if t[1] is not None and t[2] is not None]
                )
                if p.knee
            ),
            None,
        )
        metric = r.frontier.metric
        out["frontier"] = svg.line(
            f"Cost against {r.frontier.metric}",
            drawn,
            r.frontier.metric,
            r.objective_label,
            knee,
            x_fmt=lambda x: cell(x, sheets.metric_kind(metric)),
        )
    return out


def _split(rows: list[tuple[str, Any, str]]) -> list[list[tuple[str, Any, str]]]:
    """The Summary rows in two tables: what was solved, and the figures."""
    about = [r for r in rows if r[2] in ("text", "gap")]
    return [about, [r for r in rows if r[2] not in ("text", "gap")]]


def environment() -> Environment:
    """The Jinja2 environment of the report templates (autoescaping, the ``cell`` filter)."""
    try:
        from jinja2 import Environment, FileSystemLoader, select_autoescape
    except ImportError as exc:  # pragma: no cover - the extra is part of `all`
        raise SourceoptError(
            "the HTML report needs Jinja2: pip install 'sourceopt[report]'"
        ) from exc
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(["html", "j2"], default=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["cell"] = cell
    return env


def render_html(report: Report) -> str:
    """The report as one HTML document (text)."""
    from markupsafe import Markup

    env = environment()
    tables = {
        "award": sheets.award_table(report),
        "items": sheets.items_table(report),
        "suppliers": sheets.suppliers_table(report),
        "rules": sheets.rules_table(report),
        "scenarios": sheets.scenarios_table(report),
        "bids": sheets.bids_table(report),
    }
    if report.changes is not None:
        tables["changes"] = sheets.changes_table(report)
    if report.frontier is not None:
        tables["frontier"] = sheets.frontier_table(report)
    charts = {k: Markup(v) for k, v in _charts(report).items()}  # escaped in svg.py
    return env.get_template("report.html.j2").render(
        r=report,
        s=report.summary,
        summary_split=_split(sheets.summary_rows(report)),
        tables={k: _table(t) for k, t in tables.items()},
        bid_classes=["win" if b.winner else "" for b in report.bids],
        charts=charts,
        css=Markup((TEMPLATES / "report.css").read_text(encoding="utf-8")),
    )


def write_html(report: Report, path: str | Path) -> Path:
    """Write the report as one self-contained HTML file to `path` and return the path."""
    out = Path(path)
    text = render_html(report)
    try:
        out.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise SourceoptError(f"cannot write the report {out}: {exc.strerror or exc}") from exc
    return out
