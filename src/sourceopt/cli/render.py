"""Plain-text rendering of results for a terminal (no colours, fixed-width tables)."""

from __future__ import annotations

from collections.abc import Sequence

from sourceopt.result import ResultDocument


def table(headers: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    """A fixed-width table; numbers right-aligned."""
    cells = [[_cell(v) for v in row] for row in rows]
    widths = [max([len(h), *(len(r[k]) for r in cells)]) for k, h in enumerate(headers)]
    numeric = [all(_is_number(row[k]) for row in rows) and rows for k in range(len(headers))]

    def line(values: Sequence[str]) -> str:
        parts = [
            v.rjust(w) if numeric[k] else v.ljust(w)
            for k, (v, w) in enumerate(zip(values, widths, strict=True))
        ]
        return "  ".join(parts).rstrip()

    out = [line(list(headers)), line(["-" * w for w in widths])]
    out += [line(r) for r in cells]
    return "\n".join(out)


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


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
    lines += [
        f"total cost   {money(doc.total_cost, currency)}   objective {money(doc.objective)}",
        f"  purchase {money(c.purchase)}  bundles {money(c.bundles)}  fixed {money(c.fixed)}"
        f"  rebates {money(-c.rebates if c.rebates else 0.0)}  penalties {money(c.penalties)}",
    ]
    if k.savings is not None:
        pct = f" ({k.savings_pct:.2f} %)" if k.savings_pct is not None else ""
        lines.append(f"savings vs baseline {money(k.baseline_cost)}: {money(k.savings)}{pct}")
    lines.append(
        f"suppliers awarded {k.supplier_count}   max share {k.max_supplier_share:.1%}"
        f"   HHI {k.hhi:,.0f}"
    )
    allocations = sorted(doc.allocations, key=lambda a: -a.spend) if rows else doc.allocations
    lines += _section(
        "Allocations",
        ["supplier", "item", "units", "unit price", "spend", "source"],
        [[a.supplier, a.item, a.units, a.unit_price, a.spend, a.source] for a in allocations],
        rows,
    )
    suppliers = sorted(doc.suppliers, key=lambda s: -s.spend) if rows else doc.suppliers
    lines += _section(
        "Suppliers",
        ["supplier", "units", "spend", "share", "items"],
        [
            [s.supplier, s.units, s.spend, f"{s.share_of_spend:.1%}", len(s.items)]
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
                r.value,
                r.bound,
                r.binding,
                r.violation,
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


def _solver_line(doc: ResultDocument) -> str:
    s = doc.solver
    gap = "-" if s.gap is None else f"{s.gap:.2e}"
    limit = f", stopped by {s.limit}" if s.limit else ""
    return f"solver {s.backend} {s.version}: {s.time_s:.3f} s, gap {gap}{limit}"
