"""Table layout shared by the renderings: each section's columns, headers and cell kinds.

A column's *kind* says how a cell is shown: ``text``, ``money`` (the scenario currency),
``units``, ``share`` (a fraction shown as a percentage), ``pct`` (already a percentage, as
``savings_pct``), ``hhi``, ``gap``, ``yesno``. Both the workbook and the HTML page read these
tables, so they show the same columns with the same figures.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sourceopt.analysis.metric_spec import Hhi, SupplierCount, is_share, parse
from sourceopt.formulation.family import Bound, family_of_type
from sourceopt.report.model import Changes, Report, ScenarioRow


@dataclass(frozen=True)
class Column:
    """One column: its header, how its cells are shown, and its width in characters."""

    header: str
    kind: str
    width: int = 14


@dataclass(frozen=True)
class Styled:
    """A cell shown with its own kind, not its column's (a rule's share or money value)."""

    value: Any
    kind: str


def rule_kind(rule_type: str) -> str:
    """How a rule's value and bound are shown: a share, money, or a plain number."""
    bound = family_of_type(rule_type).bound
    return {Bound.SHARE: "share", Bound.MONEY: "money"}.get(bound, "number")


@dataclass(frozen=True)
class Table:
    """A section's table: a name, its columns and its rows (None: an empty cell)."""

    name: str
    columns: list[Column]
    rows: list[list[Any]]


def _yes(value: bool | None) -> str | None:
    return None if value is None else "yes" if value else "no"


def award_table(r: Report) -> Table:
    """Award: every allocation."""
    cols = [
        Column("Supplier", "text", 18),
        Column("Supplier name", "text", 30),
        Column("Item", "text", 16),
        Column("Units", "units", 11),
        Column(f"Unit price ({r.currency})", "money", 14),
        Column(f"Spend ({r.currency})", "money", 16),
        Column("Source", "text", 10),
        Column("Today's units", "units", 13),
    ]
    rows = [
        [
            a.supplier,
            a.supplier_name,
            a.item,
            a.units,
            a.unit_price,
            a.spend,
            a.source,
            a.current_units,
        ]
        for a in r.award
    ]
    return Table("Award", cols, rows)


def items_table(r: Report) -> Table:
    """Items: demand, baseline, cost, savings, suppliers (and retained volume)."""
    cols = [
        Column("Item", "text", 18),
        Column("Demand", "units", 11),
        Column("Unit", "text", 8),
        Column(f"Baseline cost ({r.currency})", "money", 17),
        Column(f"Cost ({r.currency})", "money", 16),
        Column(f"Savings ({r.currency})", "money", 15),
        Column("Savings %", "pct", 10),
        Column("Suppliers", "text", 36),
        Column("Today's units", "units", 13),
        Column("Retained units", "units", 14),
    ]
    rows = [
        [
            *(i.label, i.demand, i.unit, i.baseline_cost, i.cost, i.savings, i.savings_pct),
            *(", ".join(i.suppliers), i.current_units, i.retained_units),
        ]
        for i in r.items
    ]
    return Table("Items", cols, rows)


def suppliers_table(r: Report) -> Table:
    """Suppliers: units, spend, share, items won; against today's award when known."""
    cols = [
        Column("Supplier", "text", 18),
        Column("Name", "text", 30),
        Column("Units", "units", 11),
        Column(f"Spend ({r.currency})", "money", 16),
        Column("Share of spend", "share", 14),
        Column("Items won", "units", 10),
        Column("Items", "text", 40),
        Column("Today's units", "units", 13),
        Column("Against today", "text", 13),
    ]
    rows = [
        [
            *(s.supplier, s.name, s.units, s.spend, s.share_of_spend, len(s.items)),
            *(", ".join(s.items), s.current_units, s.outcome),
        ]
        for s in r.suppliers
    ]
    return Table("Suppliers", cols, rows)


def rules_table(r: Report) -> Table:
    """Rules: value, bound, binding; each rule's cost with ``--rule-costs``."""
    cols = [
        Column("Rule", "text", 34),
        Column("Type", "text", 16),
        Column("Origin", "text", 22),
        Column("Soft", "yesno", 6),
        Column("Value", "number", 11),
        Column("Bound", "number", 11),
        Column("Binding", "yesno", 9),
        Column("Violation", "number", 10),
        Column("Group", "text", 10),
    ]
    if r.rule_costs:
        unit = "points" if r.summary.is_score else r.currency
        without = "Score" if r.summary.is_score else "Objective"
        cols += [
            Column(f"{without} without ({unit})", r.objective_cell, 20),
            Column(
                "Score lost (points)" if r.summary.is_score else f"Rule cost ({unit})",
                r.objective_cell,
                15,
            ),
            Column("Rule cost %", "pct", 11),
            Column("Status without", "text", 14),
            Column("Dual", "number", 10),
            Column("Note", "text", 40),
        ]
    rows = []
    for x in r.rules:
        kind = rule_kind(x.type)
        row: list[Any] = [x.name, x.type, x.origin, _yes(x.soft), Styled(x.value, kind)]
        row += [Styled(x.bound, kind), _yes(x.binding)]
        row += [x.violation, x.group]
        if r.rule_costs:
            row += [x.objective_without, x.rule_cost, x.rule_cost_pct, x.status_without]
            row += [x.dual, x.note or None]
        rows.append(row)
    return Table("Rules", cols, rows)


def scenario_groups(r: Report) -> list[str]:
    """Every group-share key of the variants, sorted."""
    return sorted({g for s in r.scenarios for g in s.group_shares})


def scenarios_table(r: Report) -> Table:
    """Scenarios: every variant side by side (the ``compare`` figures)."""
    groups = scenario_groups(r)
    cols = [
        Column("Variant", "text", 24),
        Column("Status", "text", 11),
        Column(f"Total cost ({r.currency})", "money", 17),
        Column(_objectives_header(r), "money", 17),
        Column(f"Savings ({r.currency})", "money", 15),
        Column("Savings %", "pct", 10),
        Column("Suppliers", "units", 10),
        Column("Max share", "share", 10),
        Column("HHI", "hhi", 9),
        Column("Gap", "gap", 9),
        Column("Verified", "yesno", 9),
        *[Column(f"Share {g}", "share", max(12, len(g) + 7)) for g in groups],
    ]
    rows = [
        [s.variant, s.status, s.total_cost, _objective_of(s), s.savings, s.savings_pct]
        + [s.supplier_count, s.max_supplier_share, s.hhi, s.gap, _yes(s.verified)]
        + [s.group_shares.get(g) for g in groups]
        for s in r.scenarios
    ]
    return Table("Scenarios", cols, rows)


def _objectives_header(r: Report) -> str:
    """The variants' objective column: money, points, or both (format 1.1 score variants)."""
    kinds = {s.objective_kind for s in r.scenarios}
    if kinds == {"score"}:
        return "Score (points)"
    return f"Objective ({r.currency})" if kinds <= {"total_cost"} else "Objective (money or points)"


def _objective_of(s: ScenarioRow) -> Any:
    """A variant's objective: money, or a score in points (shown as a plain number)."""
    return Styled(s.objective, "number") if s.objective_kind == "score" else s.objective


def changes_table(r: Report) -> Table:
    """Changes: every (supplier, item) that moved between the diff's two variants."""
    c = r.changes
    cols = [
        Column("Supplier", "text", 18),
        Column("Item", "text", 16),
        Column(f"Units in {c.from_variant}" if c else "Units from", "units", 16),
        Column(f"Units in {c.to_variant}" if c else "Units to", "units", 16),
        Column("Change", "units", 10),
    ]
    rows = (
        []
        if c is None
        else [
            [m.supplier, m.item, m.units_from, m.units_to, m.units_to - m.units_from]
            for m in c.moves
        ]
    )
    return Table("Changes", cols, rows)


def bids_table(r: Report) -> Table:
    """Bids: every offer as received, and what it won."""
    cols = [
        Column("Supplier", "text", 18),
        Column("Supplier name", "text", 30),
        Column("Item", "text", 16),
        Column(f"Price ({r.currency})", "money", 13),
        Column("Volume tiers", "text", 30),
        Column("Capacity", "units", 10),
        Column("Min units", "units", 10),
        Column("Awarded units", "units", 14),
        Column(f"Awarded price ({r.currency})", "money", 16),
        Column("Winner", "yesno", 8),
    ]
    rows = [
        [
            *(b.supplier, b.supplier_name, b.item, b.price, b.tiers_text or None, b.capacity),
            *(b.min_units, b.awarded_units, b.awarded_price, _yes(b.winner)),
        ]
        for b in r.bids
    ]
    if any(b.adders or b.fixed_cost for b in r.bids):  # format 1.1: landed cost
        cols[4:4] = [
            Column(f"Adders ({r.currency}/unit)", "money", 14),
            Column(f"Landed unit cost ({r.currency})", "money", 16),
            Column(f"Offer fixed cost ({r.currency})", "money", 16),
        ]
        for row, b in zip(rows, r.bids, strict=True):
            row[4:4] = [b.adders, b.price + b.adders, b.fixed_cost]
    return Table("Bids", cols, rows)


def metric_kind(metric: str) -> str:
    """How a frontier metric's bounds and values are shown."""
    parsed = parse(metric)
    if is_share(parsed):
        return "share"
    if isinstance(parsed, Hhi):
        return "hhi"
    return "units" if isinstance(parsed, SupplierCount) else "number"


def frontier_table(r: Report) -> Table:
    """Frontier: bound, value, objective, status, knee of each point."""
    f = r.frontier
    kind = metric_kind(f.metric) if f else "number"
    cols = [
        Column(f"Bound on {f.metric}" if f else "Bound", kind, 18),
        Column("Value", kind, 12),
        Column(r.objective_label, r.objective_cell, 17),
        Column("Status", "text", 11),
        Column("Knee", "yesno", 7),
    ]
    rows = (
        []
        if f is None
        else [[p.bound, p.value, p.objective, p.status, _yes(p.knee)] for p in f.points]
    )
    return Table("Frontier", cols, rows)


def summary_rows(r: Report) -> list[tuple[str, Any, str]]:
    """The Summary section as (label, value, kind) rows."""
    s = r.summary
    status = "proven optimal" if s.proven_optimal else s.status
    if s.limit:
        status += f" (stopped by {s.limit.replace('_', ' ')})"
    verdict = (
        None
        if s.verified is None
        else (f"passed ({s.checks} checks)" if s.verified else "FAILED: " + "; ".join(s.problems))
    )
    rows: list[tuple[str, Any, str]] = [
        ("Scenario", s.scenario, "text"),
        ("Category", s.category, "text"),
        ("Variant", s.variant, "text"),
        ("Status", status, "text"),
        ("Gap", s.gap, "gap"),
        ("Solver", f"{s.backend}, {s.solve_seconds:.2f} s", "text"),
        (f"Total cost ({s.currency})", s.total_cost, "money"),
        (f"Baseline cost ({s.currency})", s.baseline_cost, "money"),
        (f"Savings ({s.currency})", s.savings, "money"),
        ("Savings %", s.savings_pct, "pct"),
    ]
    rows += [
        (f"Cost: {k} (points)", v, "number")
        if s.is_score and k == "penalties"  # soft-rule penalties in score points
        else (f"Cost: {k} ({s.currency})", v, "money")
        for k, v in s.cost.items()
    ]
    rows += [
        (r.objective_label, s.objective, r.objective_cell),
        ("Suppliers awarded", s.supplier_count, "units"),
        ("Max supplier share", s.max_supplier_share, "share"),
        ("HHI", s.hhi, "hhi"),
    ]
    if r.has_current:
        rows.append(("Volume retained %", s.retained_pct, "pct"))
    rows.append(("Verification", verdict, "text"))
    rows.append(("Input (SHA-256)", s.input_sha256[:16] or None, "text"))
    return rows


def change_rows(r: Report, c: Changes) -> list[tuple[str, Any, str]]:
    """The diff's headline as (label, value, kind): a score change in points, the split money.

    Under a score objective (or objectives of two kinds) the price and rule effects split the
    total-cost change, in money (docs/results.md, ``compare --diff``).
    """
    cur = r.currency
    if c.objective_kind == "score":
        first = ("Score change (points)", c.objective_change, "number")
    elif c.objective_kind is None:
        first = ("Objective change (the objectives differ: score and cost)", None, "money")
    else:
        first = (f"Objective change ({cur})", c.objective_change, "money")
    of = "" if c.objective_kind == "total_cost" else " of total cost"
    return [
        first,
        (f"Price effect{of} ({cur}): the old award at the new prices", c.price_effect, "money"),
        (f"Rule effect{of} ({cur}): the award moved", c.rule_effect, "money"),
    ]
