"""Plain-text rendering of results for a terminal (no colours, fixed-width tables)."""

from __future__ import annotations

import shutil
import textwrap
from collections.abc import Sequence

from sourceopt.formulation.family import Bound, family_of_type
from sourceopt.result import ResultDocument

FALLBACK_WIDTH = 100  # characters, when the output is not a terminal and COLUMNS is not set


def table(headers: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    """A fixed-width table; numbers right-aligned."""
    cells = [[_cell(v) for v in row] for row in rows]
    widths = [max([len(h), *(len(r[k]) for r in cells)]) for k, h in enumerate(headers)]
    numeric = [all(_is_numeric(row[k]) for row in rows) and rows for k in range(len(headers))]

    def line(values: Sequence[str]) -> str:
        parts = [
            v.rjust(w) if numeric[k] else v.ljust(w)
            for k, (v, w) in enumerate(zip(values, widths, strict=True))
        ]
        return "  ".join(parts).rstrip()

    out = [line(list(headers)), line(["-" * w for w in widths])]
    out += [line(r) for r in cells]
    return "\n".join(out)


def terminal_width() -> int:
    """The terminal's width (``COLUMNS`` if set; :data:`FALLBACK_WIDTH` if not a terminal)."""
    return shutil.get_terminal_size((FALLBACK_WIDTH, 24)).columns


def fitted(
    headers: Sequence[str],
    rows: Sequence[Sequence[object]],
    priority: Sequence[str],
    wide: bool = False,
    width: int | None = None,
) -> str:
    """A table that fits the terminal: the columns that matter most first, the rest hidden.

    `priority` lists header names, most important first (the first is always shown; headers
    not listed come last, in table order). Columns are kept in table order; when some do not
    fit, a last line names them and says that ``--wide`` shows every column.
    """
    if wide or not headers:
        return table(headers, rows)
    limit = terminal_width() if width is None else width
    cells = [[_cell(v) for v in row] for row in rows]
    widths = [max([len(h), *(len(r[k]) for r in cells)]) for k, h in enumerate(headers)]
    rank = {h: n for n, h in enumerate(priority)}
    order = sorted(range(len(headers)), key=lambda k: (rank.get(headers[k], len(rank)), k))
    shown: set[int] = set()
    used = -2
    for k in order:  # in priority order, up to the first column that does not fit
        if shown and used + 2 + widths[k] > limit:
            break
        shown.add(k)
        used += 2 + widths[k]
    keep = sorted(shown)
    out = table([headers[k] for k in keep], [[row[k] for k in keep] for row in rows])
    hidden = [headers[k] for k in range(len(headers)) if k not in shown]
    if hidden:
        names = ", ".join(hidden[:8]) + (", ..." if len(hidden) > 8 else "")
        note = f"({len(hidden)} more columns: {names}; --wide shows every column)"
        out += "\n" + textwrap.fill(note, max(limit, 40), break_on_hyphens=False)
    return out


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


class Figure(str):
    """A number already formatted (a score to 4 decimals): shown as is, right-aligned."""

    __slots__ = ()


def _is_numeric(value: object) -> bool:
    """A number, a percent (``48.66 %``), a Figure or a missing value: right-aligned."""
    if isinstance(value, Figure):
        return True
    return _is_number(value) or value is None or (isinstance(value, str) and value.endswith("%"))


def is_share_rule(rule_type: str) -> bool:
    """Whether a rule type's value, bound and violation are shares (fractions of 1)."""
    return family_of_type(rule_type).bound is Bound.SHARE


def percent(value: float | None, digits: int = 2) -> str:
    """A share (a fraction of 1) as a percent: ``0.4866`` -> ``48.66 %``; None -> ``-``."""
    return "-" if value is None else f"{value * 100:.{digits}f} %"


def share_or_number(value: float | None, is_share: bool) -> object:
    """A rule's value, bound or violation: a percent for a share rule, else the number."""
    return percent(value) if is_share and value is not None else value


def _cell(value: object) -> str:
    if value is None:
        return "-"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:,.2f}" if abs(value) >= 1 or value == 0 else f"{value:.4g}"
    return str(value)


def money(value: float | None, currency: str = "") -> str:
    """Money with thousands separators and cents."""
    return "-" if value is None else f"{value:,.2f}{' ' + currency if currency else ''}"


def heading(head: str) -> list[str]:
    """A title line underlined with ``=``."""
    return [head, "=" * len(head)]


SUMMARY_ROWS = 30  # rows per table in the terminal summary (0: all)


def summary(doc: ResultDocument, currency: str = "USD", rows: int = SUMMARY_ROWS) -> str:
    """The readable award summary a sourcing lead sees after `sourceopt solve`.

    Each table shows at most `rows` rows (0: all): the largest allocations and suppliers by
    spend, the violated and binding rules first; a line says how many are left out.
    """
    head = f"{doc.scenario} / {doc.variant}: {doc.status.value.upper()}"
    lines = heading(head)
    if doc.objective is None or doc.cost is None or doc.kpis is None:
        return "\n".join([*lines, doc.solver.message or "no award", _solver_line(doc)])
    c, k = doc.cost, doc.kpis
    score = doc.objective_kind == "score"
    objective = (
        f"score {doc.objective:,.4f} points" if score else f"objective {money(doc.objective)}"
    )
    penalties = f"{c.penalties:,.4f} points" if score else money(c.penalties)
    lines += [
        f"total cost   {money(doc.total_cost, currency)}   {objective}",
        f"  purchase {money(c.purchase)}  bundles {money(c.bundles)}  fixed {money(c.fixed)}"
        f"  rebates {money(-c.rebates if c.rebates else 0.0)}  penalties {penalties}",
    ]
    if c.adders_by_name:  # format 1.1: landed cost
        named = "  ".join(f"{name} {money(v)}" for name, v in c.adders_by_name.items())
        lines.append(f"  adders {money(c.adders)}: {named}")
    if k.savings is not None:
        pct = f" ({k.savings_pct:.2f} %)" if k.savings_pct is not None else ""
        lines.append(f"savings vs baseline {money(k.baseline_cost)}: {money(k.savings)}{pct}")
    if k.retained_pct is not None:
        lines.append(f"today's award retained: {k.retained_pct:.2f} % of today's units")
    lines.append(
        f"suppliers awarded {k.supplier_count}   max share {percent(k.max_supplier_share)}"
        f"   HHI {k.hhi:,.0f}"
    )
    allocations = sorted(doc.allocations, key=lambda a: -a.spend) if rows else doc.allocations
    lines += _section(
        "Allocations",
        ["supplier", "item", "units", "unit price", "spend", "source"],
        [
            [a.supplier, a.item, a.units, a.unit_price, a.spend, _source(a.source, a.offer)]
            for a in allocations
        ],
        rows,
    )
    lines += _items_section(doc, rows)
    suppliers = sorted(doc.suppliers, key=lambda s: -s.spend) if rows else doc.suppliers
    lines += _section(
        "Suppliers",
        ["supplier", "units", "spend", "share", "items"],
        [
            [s.supplier, s.units, s.spend, percent(s.share_of_spend), len(s.items)]
            for s in suppliers
        ],
        rows,
    )
    rules = sorted(doc.rules, key=lambda r: (-r.violation, not r.binding)) if rows else doc.rules
    lines += _section(
        "Rules",
        ["rule", "type", "value", "bound", "binding", "violation"],
        [
            [
                r.name if r.group is None else f"{r.name}[{r.group}]",
                r.type + (" (soft)" if r.soft else ""),
                share_or_number(r.value, is_share_rule(r.type)),
                share_or_number(r.bound, is_share_rule(r.type)),
                r.binding,
                r.violation,  # units, money or points: never a share (docs/format.md)
            ]
            for r in rules
        ],
        rows,
    )
    lines += ["", _solver_line(doc)]
    v = doc.verification
    if v is not None:
        verdict = "verified: all checks passed" if v.ok else "VERIFICATION FAILED"
        lines.append(f"{verdict} ({len(v.checked)} checks, max violation {v.max_violation:.3g})")
        lines += [f"  - {p}" for p in v.problems]
    return "\n".join(lines)


def _section(
    title: str, headers: Sequence[str], records: Sequence[Sequence[object]], rows: int
) -> list[str]:
    """A titled table of at most `rows` records (0: all); nothing when there are none."""
    if not records:
        return []
    shown = records[:rows] if rows else records
    out = ["", title, table(headers, shown)]
    if len(shown) < len(records):
        out.append(
            f"... {len(records) - len(shown):,} more {title.lower()} "
            "(all of them: --rows 0, --csv DIR or --json)"
        )
    return out


def _items_section(doc: ResultDocument, rows: int) -> list[str]:
    """Per item (and accepted bundle): cost, baseline, savings, and today's units kept.

    With `rows`, the largest costs first; the retained columns only when today's award is known.
    """
    entries = sorted(doc.items, key=lambda e: -e.cost) if rows else doc.items
    today = doc.kpis is not None and doc.kpis.retained_pct is not None
    headers = ["item", "cost", "baseline", "savings", "savings %"]
    if today:
        headers += ["today", "retained"]
    records = []
    for e in entries:
        pct = "-" if e.savings_pct is None else f"{e.savings_pct:.2f} %"
        row: list[object] = [
            e.item if e.item is not None else f"bundle {e.bundle}",
            e.cost,
            "-" if e.baseline_cost is None else e.baseline_cost,
            "-" if e.savings is None else e.savings,
            pct,
        ]
        if today:
            row += ["-" if e.current_units is None else e.current_units]
            row += ["-" if e.retained_units is None else e.retained_units]
        records.append(row)
    return _section("Items", headers, records, rows)


def _solver_line(doc: ResultDocument) -> str:
    s = doc.solver
    gap = "-" if s.gap is None else f"{s.gap:.2e}"
    limit = f", stopped by {s.limit}" if s.limit else ""
    return f"solver {s.backend} {s.version}: {s.time_s:.3f} s, gap {gap}{limit}"


def _source(source: str, offer: str | None) -> str:
    """``offer``, ``offer <id>`` for an offer with an id (an alternate), or the bundle id."""
    return f"offer {offer}" if offer is not None else source
