"""``sourceopt portfolio``: several categories decided together (and its analyses)."""

from __future__ import annotations

import json
import sys
from typing import Any

import click

from sourceopt.cli.exits import Exit, status_exit
from sourceopt.cli.render import heading, money, percent, table
from sourceopt.cli.shared import user_errors
from sourceopt.formulation.family import Bound, family_of_type
from sourceopt.solvers.registry import backend_names


@click.command("portfolio")
@click.argument("file")
@click.option("--backend", type=click.Choice(list(backend_names())), default=None)
@click.option(
    "--time-limit", type=click.FloatRange(min=0, min_open=True), default=None, help="seconds"
)
@click.option("--gap", type=click.FloatRange(0, 1), default=None, help="relative MIP gap")
@click.option("--json", "as_json", is_flag=True, help="print the JSON result (or analysis)")
@click.option(
    "--out", default=None, help="write the portfolio report (.xlsx workbook or .html page)"
)
@click.option("--goals", is_flag=True, help="the cost of each portfolio rule (re-solve without)")
@click.option(
    "--frontier",
    "against",
    default=None,
    help="goal frontier: group_share:<rule name or supplier tag> over total spend",
)
@click.option("--from", "lo", type=click.FloatRange(0, 1), default=0.0, show_default=True)
@click.option("--to", "hi", type=click.FloatRange(0, 1), default=0.5, show_default=True)
@click.option("--points", type=click.IntRange(min=2), default=6, show_default=True)
@click.option("--carriers", is_flag=True, help="how much of each share goal each category carries")
@click.option(
    "--method",
    type=click.Choice(["auto", "monolithic", "decomposed"]),
    default="auto",
    show_default=True,
    help="one stacked solve, or by components (exact; docs/format.md)",
)
def portfolio_command(
    file: str,
    backend: str | None,
    time_limit: float | None,
    gap: float | None,
    as_json: bool,
    out: str | None,
    goals: bool,
    against: str | None,
    lo: float,
    hi: float,
    points: int,
    carriers: bool,
    method: str,
) -> None:
    """Solve a portfolio file: its categories together under organisation-wide rules."""
    from sourceopt.portfolio import analysis, load_portfolio, solve_portfolio

    if sum([goals, against is not None, carriers]) > 1:
        raise click.UsageError("give one of --goals, --frontier, --carriers")
    if out is not None and (goals or against is not None or carriers):
        raise click.UsageError("--out writes the portfolio's report: give it without an analysis")
    with user_errors():
        portfolio = load_portfolio(file)
        if goals:
            _show(
                analysis.goal_costs(portfolio, backend=backend, time_limit=time_limit, gap=gap),
                as_json,
            )
            sys.exit(Exit.OK)
        if against is not None:
            front = analysis.goal_frontier(
                portfolio, against, lo, hi, points, backend=backend, time_limit=time_limit, gap=gap
            )
            _show(front, as_json)
            sys.exit(Exit.OK)
        result = solve_portfolio(
            portfolio, backend=backend, time_limit=time_limit, gap=gap, method=method
        )
        if out is not None:
            from sourceopt.report.portfolio import write_portfolio_report

            written = write_portfolio_report(result.to_dict(), out, portfolio.currency)
            click.echo(f"wrote {written}", err=as_json)
    doc = result.document
    verified = doc.verification is None or doc.verification.ok
    if carriers:
        _show(analysis.carriers(result, portfolio), as_json)
    elif as_json:
        click.echo(result.to_json())
    else:
        click.echo(_summary(result.to_dict(), portfolio.currency))
    sys.exit(status_exit(doc.status, verified))


def _show(data: dict[str, Any], as_json: bool) -> None:
    if as_json:
        click.echo(json.dumps(data, indent=2))
        return
    lines = [f"portfolio {data['portfolio']}"]
    for key, value in data.items():
        if isinstance(value, list) and value and isinstance(value[0], dict):
            lines += heading(key)
            flat = [{k: v for k, v in row.items() if not isinstance(v, list)} for row in value]
            lines.append(table(list(flat[0]), [list(r.values()) for r in flat]))
            for row in value:
                for k, v in row.items():
                    if isinstance(v, list) and v and isinstance(v[0], dict):
                        lines += heading(f"{row.get('rule', '')}: {k}")
                        lines.append(table(list(v[0]), [list(r.values()) for r in v]))
    click.echo("\n".join(lines))


def _summary(doc: dict[str, Any], currency: str) -> str:
    lines = [
        f"portfolio {doc['portfolio']}: {doc['status']}, total cost "
        f"{money(doc['total_cost'], currency)}"
    ]
    lines += heading("categories")
    lines.append(
        table(
            ["category", "status", "total cost", "suppliers"],
            [
                [c["scenario"], c["status"], money(c["total_cost"]), len(c["suppliers"])]
                for c in doc["categories"]
            ],
        )
    )
    if doc["goals"]:
        kinds = {str(r["name"]): str(r["type"]) for r in doc.get("rules", [])}
        lines += heading("goals")
        lines.append(
            table(
                ["rule", "value", "bound", "met", "met alone"],
                [_goal_row(g, kinds.get(str(g["rule"])), currency) for g in doc["goals"]],
            )
        )
    lines += heading("firms over all categories")
    lines.append(
        table(
            ["supplier", "spend", "share", "categories"],
            [
                [
                    s["supplier"],
                    money(s["spend"]),
                    percent(s["share_of_spend"]),
                    ", ".join(s["categories"]),
                ]
                for s in doc["suppliers"][:15]
            ],
        )
    )
    return "\n".join(lines + _coordination(doc, currency))


def _coordination(doc: dict[str, Any], currency: str) -> list[str]:
    lines = []
    co = doc["coordination"]
    lines += heading("coordination")
    lines += [
        f"categories solved alone: {money(co['independent_cost'], currency)} "
        f"(portfolio rules met: {co['independent_goals_met']})",
        f"decided together:        {money(co['joint_cost'], currency)}",
        f"cost of the goals:       {money(co['cost_of_goals'], currency)} "
        "(negative: pooling and shared terms save more than the goals cost)",
    ]
    verification = doc.get("verification") or {}
    ok = verification.get("ok")
    lines.append(f"verification: {'ok' if ok else 'FAILED'}")
    lines += [f"  {p}" for p in verification.get("problems", [])]
    return lines


def _goal_row(goal: dict[str, Any], rule_type: str | None, currency: str) -> list[object]:
    """A goal's row: value and bound as a percent (shares), money or a number; yes / no."""
    bound = family_of_type(rule_type).bound if rule_type else None

    def shown(value: float | None) -> object:
        if bound is Bound.SHARE:
            return percent(value)
        return money(value, currency) if bound is Bound.MONEY else value

    def yes(flag: bool | None) -> str:
        return "-" if flag is None else "yes" if flag else "no"

    return [
        goal["rule"],
        shown(goal["value"]),
        shown(goal["bound"]),
        yes(goal["met"]),
        yes(goal["met_independent"]),
    ]
