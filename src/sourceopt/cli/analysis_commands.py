"""Analysis commands: rules (cost of each rule), compare (variants side by side), frontier."""

from __future__ import annotations

import json
import sys
from typing import Any

import click

from sourceopt.analysis.metric_spec import is_share, parse
from sourceopt.cli.exits import exit_code, worst
from sourceopt.cli.parallel_options import (
    ParallelArgs,
    parallel_options,
)
from sourceopt.cli.render import Figure, fitted, heading, money, percent, table
from sourceopt.cli.shared import SolverArgs, solver_options, user_errors, wrote
from sourceopt.result import SolveResult


def _code(results: list[SolveResult], unverified: bool = False) -> int:
    return worst([exit_code(r) for r in results], verified=not unverified)


def _pct(value: float | None) -> str:
    return percent(value)


_WIDE = click.option("--wide", is_flag=True, help="every column, however wide the terminal")


@click.command("rules")
@click.argument("file")
@click.option("--variant", default="base", help="price the rules of this variant")
@click.option("--rule", "only", multiple=True, help="price only this rule (repeatable)")
@_WIDE
@solver_options
@parallel_options
def rules_command(
    file: str,
    variant: str,
    only: tuple[str, ...],
    wide: bool,
    run: SolverArgs,
    par: ParallelArgs,
) -> None:
    """Cost of each rule: the objective with and without it, binding, dual price (LP)."""
    from sourceopt.analysis.rule_costs import rule_costs

    with user_errors():
        scenario = run.load_with(file, [variant])
        costs = rule_costs(
            scenario,
            variant=variant,
            rules=list(only) or None,
            **run.solve_kwargs(),
            **par.kwargs(run.as_json),
        )
    run.emit(costs.to_dict(), lambda: _rules_text(costs, wide))
    sys.exit(_code([costs.base], not all(r.verified for r in costs.rules)))


def _marked(r: Any) -> str:
    """A rule's note, marked when its figure came without a re-solve or is not final."""
    marks = (["[dual: no re-solve]"] if r.method == "dual" else []) + (
        [] if r.final else ["[not final]"]
    )
    return " ".join([*marks, r.note]).strip()


def _method_legend(rules: Any) -> list[str]:
    """A line saying how many figures were proven without a re-solve, and how many not final."""
    proven = sum(r.method != "resolve" for r in rules)
    open_ = sum(not r.final for r in rules)
    out = []
    if proven:
        out.append(f"{proven} of {len(rules)} proven without a re-solve (LP duals: slack, 0)")
    if open_:
        out.append(f"{open_} of {len(rules)} not final (a time limit stopped them)")
    return out


_RULES_PRIORITY = ("rule", "rule cost", "%", "binding", "status", "type", "without it", "note")


def _rules_text(costs: Any, wide: bool = False) -> str:
    score = costs.objective_kind == "score"
    head = f"{costs.scenario} / {costs.variant}: " + (
        "score each rule takes away (points)" if score else "cost of each rule"
    )
    lines = heading(head)
    if score:
        lines.append(f"score with every rule: {_points(costs.objective)}")
    else:
        lines.append(f"objective with every rule: {money(costs.objective, costs.currency)}")
    rows = [
        [
            r.name,
            r.type,
            r.origin,
            r.binding,
            _score_cell(r.objective_without) if score else r.objective_without,
            _score_cell(r.rule_cost) if score else r.rule_cost,
            "-" if r.rule_cost_pct is None else f"{r.rule_cost_pct:.3g} %",
            r.status_without.value,
            r.dual,
            _marked(r),
        ]
        for r in costs.rules
    ]
    headers = ["rule", "type", "origin", "binding", "without it", "rule cost", "%", "status"]
    if score:
        headers[4:6] = ["score without it", "score lost"]
        priority = tuple(
            {"without it": "score without it", "rule cost": "score lost"}.get(h, h)
            for h in _RULES_PRIORITY
        )
        lines.append(fitted([*headers, "dual", "note"], rows, priority, wide))
        return "\n".join(lines)
    lines.append(fitted([*headers, "dual", "note"], rows, _RULES_PRIORITY, wide))
    lines += _method_legend(costs.rules)
    if len(costs.row_duals):
        lines += ["", "Dual prices of binding rule rows (objective change per unit of the bound)"]
        d = costs.row_duals
        named = [f"{r}[{g}]" if g else r for r, g in zip(d["rule"], d["group"], strict=True)]
        lines.append(
            table(
                ["rule", "supplier", "item", "dual", "per"],
                [
                    [name, *r]
                    for name, r in zip(
                        named, d[["supplier", "item", "dual", "per"]].itertuples(False), strict=True
                    )
                ],
            )
        )
    return "\n".join(lines)


@click.command("compare")
@click.argument("file")
@click.option("--variants", default=None, help="comma-separated variant names (default: all)")
@click.option("--diff", nargs=2, default=None, metavar="A B", help="what moved from A to B")
@_WIDE
@parallel_options
@solver_options
def compare_command(
    file: str,
    variants: str | None,
    diff: tuple[str, str] | None,
    wide: bool,
    run: SolverArgs,
    par: ParallelArgs,
) -> None:
    """Variants side by side; with --diff A B, every allocation that moved and why it cost more."""
    from sourceopt.analysis.compare import compare_variants, diff_compared

    if diff and variants:
        raise click.UsageError("give either --variants or --diff, not both")
    names = [v.strip() for v in variants.split(",") if v.strip()] if variants else None
    opts = {**run.solve_kwargs(), **par.kwargs(run.as_json)}
    with user_errors():
        scenario = run.load_with(file, diff or names or [])
        if diff:
            comparison = compare_variants(scenario, variants=list(dict.fromkeys(diff)), **opts)
            result = diff_compared(scenario, comparison, diff[0], diff[1])
        else:
            comparison = compare_variants(scenario, variants=names, **opts)
    if run.as_json:
        out = result.to_dict() if diff else comparison.to_dict()
        click.echo(json.dumps(out, indent=2))
    else:
        text = _diff_text(result, scenario.currency) if diff else _compare_text(comparison, wide)
        click.echo(text)
    results = list(comparison.results.values())
    sys.exit(_code(results, not all(r.verified for r in comparison.rows)))


def _score_cell(value: float | None) -> Figure | None:
    """Score points in a table cell, 4 decimals as every score the CLI prints (None: "-")."""
    return None if value is None else Figure(f"{value:,.4f}")


def _points(value: float | None) -> str:
    """A score in points for text output ("-" without one)."""
    return "-" if value is None else f"{value:,.4f} points"


_COMPARE_PRIORITY = ("variant", "status", "total cost", "savings %", "suppliers", "max share")


def _compare_text(c: Any, wide: bool = False) -> str:
    """The comparison table; group shares that differ most between variants come first."""
    head = f"{c.scenario}: variants side by side"
    groups = sorted({g for r in c.rows for g in r.group_shares})

    def spread(g: str) -> float:
        values = [float(r.group_shares.get(g, 0.0)) for r in c.rows]
        return max(values) - min(values)

    moving = sorted((g for g in groups if spread(g) > 1e-9), key=lambda g: -spread(g))
    rows = [
        [
            r.variant,
            r.status.value,
            r.total_cost,
            _points(r.objective) if r.objective_kind == "score" else r.objective,
            r.savings,
            _pct(None if r.savings_pct is None else r.savings_pct / 100),
            r.supplier_count,
            _pct(r.max_supplier_share),
            r.hhi,
            *[_pct(r.group_shares.get(g)) for g in groups],
            sum(r.soft_violations.values()),
            "-" if r.gap is None else f"{r.gap:.1e}",
        ]
        for r in c.rows
    ]
    headers = ["variant", "status", "total cost", "objective", "savings", "savings %"]
    headers += ["suppliers", "max share", "HHI", *groups, "soft violations", "gap"]
    priority = [*_COMPARE_PRIORITY, *moving, "objective", "savings", "HHI", "soft violations"]
    lines = [*heading(head), fitted(headers, rows, priority, wide)]
    unfinished = [r.variant for r in c.rows if not r.final]
    if unfinished:
        lines.append(f"not final (a time limit stopped them): {', '.join(unfinished)}")
    return "\n".join(lines)


def _diff_text(d: Any, currency: str) -> str:
    head = f"{d.a} -> {d.b}: what moved"
    lines = heading(head)
    if d.objective_change is None and d.price_effect is not None:
        lines.append("objective change - (the variants' objectives differ: score and cost)")
    elif d.objective_kind == "score":
        lines.append(f"score change {d.objective_change:+,.4f} points")
    else:
        lines.append(f"objective change {money(d.objective_change, currency)}")
    if d.objective_kind != "total_cost" and d.price_effect is not None:
        moved = d.price_effect + (d.rule_effect or 0.0)
        lines.append(f"total cost change {money(moved, currency)}, split into:")
    lines.append(
        f"  price effect {money(d.price_effect)} (the old award at the new prices)"
        f"   rule effect {money(d.rule_effect)} (the award moved)"
    )
    lines += ["", "Allocations that moved"]
    m = d.moves
    lines.append(
        table(
            ["supplier", "item", "units from", "units to", "change"],
            [[r[0], r[1], r[2], r[3], r[3] - r[2]] for r in m.itertuples(index=False)],
        )
    )
    lines += ["", "Suppliers"]
    lines.append(
        table(
            ["supplier", "units from", "units to", "spend from", "spend to", "spend change"],
            [list(r) for r in d.suppliers.itertuples(index=False)],
        )
    )
    return "\n".join(lines)


@click.command("frontier")
@click.argument("file")
@click.option(
    "--against",
    required=True,
    help="max_share, supplier_count, group_share:<tag>, average:<attribute>, hhi",
)
@click.option("--points", type=click.IntRange(min=2), default=8, show_default=True)
@click.option(
    "--direction",
    type=click.Choice(["at-most", "at-least"]),
    default=None,
    help="bound the metric from above or below (default: the metric's own)",
)
@click.option("--variant", default="base")
@click.option(
    "--plot",
    "plot_path",
    type=click.Path(dir_okay=False),
    default=None,
    help="draw it (.png or .svg)",
)
@solver_options
@parallel_options
def frontier_command(
    file: str,
    against: str,
    points: int,
    direction: str | None,
    variant: str,
    plot_path: str | None,
    run: SolverArgs,
    par: ParallelArgs,
) -> None:
    """Cost-versus-metric efficient frontier (epsilon-constraint), knee marked."""
    from sourceopt.analysis.frontier import frontier
    from sourceopt.analysis.plot import plot_frontier

    with user_errors():
        scenario = run.load_with(file, [variant])
        front = frontier(
            scenario,
            against,
            points=points,
            direction=direction.replace("-", "_") if direction else None,
            variant=variant,
            **run.solve_kwargs(),
            **par.kwargs(run.as_json),
        )
        if plot_path:
            plot_frontier(front, plot_path)
            wrote(plot_path)
    run.emit(front.to_dict(), lambda: _frontier_text(front))
    results = [front.base, *(p.result for p in front.points)]
    sys.exit(_code(results, not all(p.verified for p in front.points)))


def _unfinished(p: Any) -> str:
    """A frontier point's note when a limit stopped it: " [not final, gap 2.5e-04]"."""
    if p.final:
        return ""
    return " [not final]" if p.gap is None else f" [not final, gap {p.gap:.1e}]"


def _frontier_text(f: Any) -> str:
    way = f.direction.replace("_", " ")
    head = f"{f.scenario} / {f.variant}: cost against {f.metric} ({way} the bound)"
    share = is_share(parse(f.metric))
    rows = [
        [
            percent(p.bound) if share else p.bound,
            percent(p.value) if share else p.value,
            p.objective,
            p.status.value,
            (("<- knee" if p.knee else "") + _unfinished(p)).strip(),
        ]
        for p in f.points
    ]
    lines = heading(head)
    if not rows:
        return "\n".join([*lines, f"no award without a bound: {f.status.value}"])
    lines.append(table(["bound", "value", "objective", "status", ""], rows))
    return "\n".join(lines)
