"""The portfolio report: goals, categories, coordination and spend by firm, from the result JSON.

Built only from a portfolio result document (``PortfolioResult.to_dict()``, docs/results.md
"Portfolio"): every figure is the document's own. The tables are the report package's
(:class:`~sourceopt.report.sheets.Table`), so the workbook (:func:`write_portfolio_workbook`)
and the HTML page (:func:`write_portfolio_html`) show the same cells in the same formats.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sourceopt.errors import SourceoptError
from sourceopt.report.sheets import Column, Styled, Table, rule_kind

Doc = Mapping[str, Any]


@dataclass(frozen=True)
class PortfolioReport:
    """The tables of a portfolio report and its headline."""

    name: str
    status: str
    currency: str
    verified: bool | None
    headline: list[tuple[str, Any, str]]  # (label, value, kind)
    goals: Table
    categories: Table
    coordination: Table
    firms: Table

    @property
    def title(self) -> str:
        """``Portfolio report: <name>``."""
        return f"Portfolio report: {self.name}"


def _yes(value: bool | None) -> str | None:
    return None if value is None else "yes" if value else "no"


def _verified(doc: Doc) -> bool | None:
    verdicts = [doc.get("verification")] + [c.get("verification") for c in doc["categories"]]
    checked = [v for v in verdicts if v is not None]
    return None if not checked else all(bool(v.get("ok")) for v in checked)


def goals_table(doc: Doc) -> Table:
    """Each organisation-wide rule: value on the joint award, bound, met jointly and alone."""
    types = {str(r["name"]): str(r["type"]) for r in doc.get("rules", [])}
    rows = []
    for g in doc.get("goals", []):
        rule_type = types.get(str(g["rule"]))
        kind = rule_kind(rule_type) if rule_type else "number"
        met = Styled(_yes(g["met"]), "text" if g["met"] else "bad")
        rows.append(
            [
                g["rule"],
                types.get(str(g["rule"])),
                Styled(g["value"], kind),
                Styled(g["bound"], kind),
                met,
                _yes(g.get("met_independent")),
            ]
        )
    columns = [
        Column("Goal", "text", 30),
        Column("Type", "text", 14),
        Column("Value (joint)", "number"),
        Column("Bound", "number"),
        Column("Met", "yesno", 8),
        Column("Met by the categories alone", "yesno", 16),
    ]
    return Table("Goals", columns, rows)


def categories_table(doc: Doc) -> Table:
    """Each category: status, total cost jointly, verification, suppliers awarded."""
    rows = []
    for c in doc["categories"]:
        kpis = c.get("kpis") or {}
        ver = c.get("verification")
        rows.append(
            [
                c["scenario"],
                c["status"],
                c.get("total_cost"),
                kpis.get("baseline_cost"),
                kpis.get("savings"),
                kpis.get("supplier_count"),
                None if ver is None else _yes(bool(ver.get("ok"))),
            ]
        )
    columns = [
        Column("Category", "text", 24),
        Column("Status", "text", 12),
        Column("Total cost (joint)", "money", 18),
        Column("Baseline", "money", 16),
        Column("Savings", "money", 16),
        Column("Suppliers", "units", 10),
        Column("Verified", "yesno", 9),
    ]
    return Table("Categories", columns, rows)


def coordination_table(doc: Doc) -> Table:
    """What deciding together changes: independent and joint cost, the cost of the goals."""
    co = doc.get("coordination") or {}
    rows = [
        ["Categories solved alone: total cost", co.get("independent_cost")],
        ["Do those independent awards meet every goal?", _yes(co.get("independent_goals_met"))],
        ["Portfolio decided together: total cost", co.get("joint_cost")],
        ["Cost of the goals (joint - independent)", co.get("cost_of_goals")],
    ]
    rows = [[label, Styled(v, "text" if isinstance(v, str) else "money")] for label, v in rows]
    columns = [Column("Figure", "text", 48), Column("Value", "text", 20)]  # cells: their own kind
    return Table("Coordination", columns, rows)


def firms_table(doc: Doc) -> Table:
    """Spend by firm over all categories, largest first."""
    firms = sorted(doc.get("suppliers", []), key=lambda s: -float(s["spend"]))
    rows = [
        [s["supplier"], s["spend"], s["share_of_spend"], ", ".join(s["categories"])] for s in firms
    ]
    columns = [
        Column("Firm", "text", 20),
        Column("Spend", "money", 18),
        Column("Share of spend", "share", 12),
        Column("Categories", "text", 40),
    ]
    return Table("Firms", columns, rows)


def build_portfolio_report(doc: Doc, currency: str = "") -> PortfolioReport:
    """The report of a portfolio result document (money in `currency`, when given)."""
    if "categories" not in doc or "portfolio" not in doc:
        raise SourceoptError(
            "not a portfolio result: expected the JSON of 'sourceopt portfolio FILE --json' "
            "(keys 'portfolio', 'categories', 'goals', 'coordination')"
        )
    goals = doc.get("goals", [])
    headline = [
        ("Status", doc["status"], "text"),
        ("Objective", doc.get("objective"), "money"),
        ("Total cost", doc.get("total_cost"), "money"),
        ("Categories", len(doc["categories"]), "units"),
        ("Goals met", f"{sum(bool(g['met']) for g in goals)} of {len(goals)}", "text"),
        ("Cost of the goals", (doc.get("coordination") or {}).get("cost_of_goals"), "money"),
    ]
    return PortfolioReport(
        name=str(doc["portfolio"]),
        status=str(doc["status"]),
        currency=currency or "the portfolio's currency",
        verified=_verified(doc),
        headline=headline,
        goals=goals_table(doc),
        categories=categories_table(doc),
        coordination=coordination_table(doc),
        firms=firms_table(doc),
    )


def write_portfolio_report(doc: Doc, path: str | Path, currency: str = "") -> Path:
    """Write the report of a portfolio result to `path`: ``.xlsx`` or ``.html``."""
    out = Path(path)
    report = build_portfolio_report(doc, currency)
    suffix = out.suffix.lower()
    if suffix == ".xlsx":
        from sourceopt.report.portfolio_render import write_portfolio_workbook

        return write_portfolio_workbook(report, out)
    if suffix in (".html", ".htm"):
        from sourceopt.report.portfolio_render import write_portfolio_html

        return write_portfolio_html(report, out)
    raise SourceoptError(
        f"--out {out}: a report is written as .xlsx (workbook) or .html (one page); "
        f"got {suffix or 'no suffix'}"
    )
