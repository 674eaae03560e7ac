"""Native Excel charts of the award workbook (xlsxwriter), drawn from the sheets' cells."""

from __future__ import annotations

from typing import Any

from sourceopt import theme
from sourceopt.report.model import Report
from sourceopt.report.sheets import metric_kind

ACCENT, GOOD, BAD = theme.ACCENT, theme.GOOD, theme.BAD
SIZE = {"x_scale": 1.45, "y_scale": 1.15}


def _ref(sheet: str, first: int, last: int, col: int) -> list[Any]:
    return [sheet, first, col, last, col]


def _style(chart: Any, title: str, y_title: str) -> None:
    chart.set_title({"name": title, "name_font": {"size": 12, "color": ACCENT}})
    chart.set_legend({"none": True})
    chart.set_y_axis(
        {
            "name": y_title,
            "num_format": "#,##0",
            "major_gridlines": {"visible": True, "line": {"color": theme.GRID}},
        }
    )


def spend_by_supplier(book: Any, ws: Any, sheet: str, first: int, last: int, at: str) -> None:
    """Bar chart: each supplier's spend (Suppliers: names in column B, spend in D)."""
    if last < first:
        return
    chart = book.add_chart({"type": "bar"})
    chart.add_series(
        {
            "name": "Spend",
            "categories": _ref(sheet, first, last, 1),
            "values": _ref(sheet, first, last, 3),
            "fill": {"color": ACCENT},
            "data_labels": {"value": True, "num_format": "#,##0"},
        }
    )
    _style(chart, "Spend by supplier", "")
    chart.set_y_axis({"reverse": True})
    chart.set_x_axis(
        {"num_format": "#,##0", "major_gridlines": {"visible": True, "line": {"color": theme.GRID}}}
    )
    ws.insert_chart(at, chart, SIZE)


def savings_by_item(book: Any, ws: Any, sheet: str, first: int, last: int, at: str) -> None:
    """Column chart: savings per item (Items: labels in column A, savings in F)."""
    if last < first:
        return
    chart = book.add_chart({"type": "column"})
    chart.add_series(
        {
            "name": "Savings",
            "categories": _ref(sheet, first, last, 0),
            "values": _ref(sheet, first, last, 5),
            "fill": {"color": GOOD},
            "invert_if_negative": True,
            "invert_if_negative_color": BAD,
            "data_labels": {"value": True, "num_format": "#,##0"},
        }
    )
    _style(chart, "Savings against baseline by item", "")
    ws.insert_chart(at, chart, SIZE)


def scenario_comparison(book: Any, ws: Any, sheet: str, first: int, last: int, at: str) -> None:
    """Column chart: total cost (and savings) of each variant (Scenarios: C and E)."""
    if last < first:
        return
    chart = book.add_chart({"type": "column"})
    for name, col, color in (("Total cost", 2, ACCENT), ("Savings", 4, GOOD)):
        chart.add_series(
            {
                "name": name,
                "categories": _ref(sheet, first, last, 0),
                "values": _ref(sheet, first, last, col),
                "fill": {"color": color},
                "data_labels": {"value": True, "num_format": "#,##0"},
            }
        )
    _style(chart, "Scenarios: total cost and savings", "")
    chart.set_legend({"position": "bottom"})
    ws.insert_chart(at, chart, {"x_scale": 1.8, "y_scale": 1.2})


def frontier(book: Any, ws: Any, report: Report, first: int, last: int, at: str) -> None:
    """Scatter chart: objective against the metric's value, the knee marked."""
    if last < first or report.frontier is None:
        return
    chart = book.add_chart({"type": "scatter", "subtype": "straight_with_markers"})
    chart.add_series(
        {
            "name": "Frontier",
            "categories": _ref("Frontier", first, last, 1),
            "values": _ref("Frontier", first, last, 2),
            "line": {"color": ACCENT},
            "marker": {"type": "circle", "size": 7, "fill": {"color": ACCENT}},
        }
    )
    knees = [k for k, p in enumerate(report.frontier.points) if p.knee]
    if knees:
        row = first + knees[0]
        chart.add_series(
            {
                "name": "Knee",
                "categories": _ref("Frontier", row, row, 1),
                "values": _ref("Frontier", row, row, 2),
                "line": {"none": True},
                "marker": {"type": "diamond", "size": 11, "fill": {"color": BAD}},
            }
        )
    chart.set_title({"name": f"Cost against {report.frontier.metric}"})
    share = metric_kind(report.frontier.metric) == "share"
    chart.set_x_axis({"name": report.frontier.metric, "num_format": "0%" if share else "General"})
    chart.set_y_axis({"name": report.objective_label, "num_format": "#,##0"})
    chart.set_legend({"position": "bottom"})
    ws.insert_chart(at, chart, SIZE)
