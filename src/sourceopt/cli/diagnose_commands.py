"""Diagnosis commands: explain (infeasibility), price-to-win, stress (supplier failure).

Each parses, calls one library function of :mod:`sourceopt.analysis`, and renders a table or
the analysis JSON (``--json``). Exit codes: explain follows the scenario's status as solve
does (:mod:`sourceopt.cli.exits`: 0 with an award, 4 infeasible, 5 no award, 6 the backend
failed); price-to-win and stress give 0, or 7 if a re-solve's award failed verification;
unknown suppliers or variants are usage errors (2).
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Any

import click

from sourceopt.cli.exits import EXIT_OK, EXIT_UNVERIFIED, status_exit
from sourceopt.cli.parallel_options import ParallelArgs, parallel_options
from sourceopt.cli.render import heading, money, table
from sourceopt.cli.shared import SolverArgs, solver_options, user_errors
from sourceopt.result import SolveResult
from sourceopt.scenario.model import Scenario
from sourceopt.scenario.variants import apply_variant
from sourceopt.solvers.base import Status


def _options(func: Callable[..., Any]) -> Callable[..., Any]:
    """Options the three commands share: the variant, then the solver options (``run``)."""
    return click.option("--variant", default="base", help="analyse this variant")(
        solver_options(func)
    )


def why_block(result: SolveResult) -> str:
    """For an infeasible result: a short "Why" block rendering its conflict ('' otherwise)."""
    doc = result.document
    if result.status is not Status.INFEASIBLE:
        return ""
    if doc.conflict is None:  # the summary stands on its own; say why there is no "Why"
        return f"\n\nWhy: could not be diagnosed ({doc.solver.message or 'not asked'})"
    if not doc.conflict:
        return "\n\nWhy: the offers' own structure admits no award (no rule or datum to blame)"
    lines = ["", "", "Why: these cannot all hold together (a minimal conflict):"]
    lines += [f"  - {m.message}" for m in doc.conflict]
    lines.append("`sourceopt explain` proposes the cheapest relaxation.")
    return "\n".join(lines)


@click.command("explain")
@click.argument("file")
@_options
@parallel_options
def explain_command(
    file: str,
    variant: str,
    run: SolverArgs,
    par: ParallelArgs,
) -> None:
    """Why a scenario is infeasible (a minimal conflict) and its cheapest relaxation.

    With --jobs N the conflict search runs up to N feasibility probes at once (the same
    conflict as --jobs 1, sooner when each probe takes long).
    """
    from sourceopt.analysis.explain import explain

    with user_errors():
        scenario = run.load_with(file, [variant])
        # the bar counts the groups the conflict search settles, then the relaxation
        out = explain(scenario, variant=variant, **run.solve_kwargs(), **par.kwargs(run.as_json))
    chosen = apply_variant(scenario, variant)
    run.emit(out.to_dict(), lambda: _explain_text(out, chosen))
    sys.exit(status_exit(out.status, out.verified))


def _explain_text(out: Any, scenario: Scenario) -> str:
    from sourceopt.analysis.explain import relaxation_steps

    currency = scenario.currency
    head = f"{out.scenario} / {out.variant}: {out.status.value.upper()}"
    lines = heading(head)
    if out.status in (Status.OPTIMAL, Status.FEASIBLE):
        lines.append("nothing to explain: the scenario has an award (`sourceopt solve` shows it)")
        return "\n".join(lines)
    if out.status is not Status.INFEASIBLE:
        lines.append(
            f"nothing explained: the solve ended {out.status.value} before it found an award or "
            "proved there is none (a larger --time-limit or --analysis-time-limit may tell)"
        )
        return "\n".join(lines)
    proof = "minimal" if out.minimal else "conflicting (not proven minimal: a solve hit a limit)"
    if out.conflict:
        lines += ["", f"Conflict ({proof}, found by {out.method}):"]
        lines += [f"  - {m.message}" for m in out.conflict]
    else:
        lines += ["", "Conflict: not diagnosed in the time allowed (a limit stopped every solve)."]
    rel = out.relaxation
    if rel is None and out.relaxation_stopped:
        lines += ["", "Cheapest relaxation: not found (a time limit stopped the search first)."]
        return "\n".join(lines)
    if rel is None:
        lines += ["", "No relaxation of the rules and data restores feasibility."]
        return "\n".join(lines)
    doc = rel.result.document
    verdict = ""
    if doc.verification is not None:
        verdict = " (verified)" if doc.verification.ok else " (VERIFICATION FAILED)"
    if not rel.proven:
        verdict += " (not proven the cheapest: a time limit stopped one of its solves)"
    lines += ["", f"Cheapest relaxation{verdict}:"]
    lines += [f"  - {step}" for step in relaxation_steps(out, scenario)]
    split = out.to_dict()["relaxation"]
    lines.append(
        f"objective {money(rel.objective, currency)} = cost {money(split['cost'], currency)} "
        f"+ penalty {money(split['penalty'], currency)} (the price put on the relaxation, "
        "not money paid)"
    )
    lines.append(f"relaxed award: {len(doc.allocations)} allocations (`--json` for the numbers)")
    return "\n".join(lines)


@click.command("price-to-win")
@click.argument("file")
@click.option("--supplier", default=None, help="only this supplier's offers")
@click.option(
    "--tolerance",
    type=click.FloatRange(min=0, min_open=True),
    default=1e-4,
    show_default=True,
    help="relative to each offer's price",
)
@_options
@parallel_options
def price_to_win_command(
    file: str,
    supplier: str | None,
    tolerance: float,
    variant: str,
    run: SolverArgs,
    par: ParallelArgs,
) -> None:
    """The highest unit price at which each losing offer would win, and what it would win."""
    from sourceopt.analysis.price_to_win import price_to_win

    with user_errors():
        scenario = run.load_with(file, [variant])
        out = price_to_win(
            scenario,
            supplier=supplier,
            variant=variant,
            **run.solve_kwargs(),
            tolerance=tolerance,
            **par.kwargs(run.as_json),
        )
    score = apply_variant(scenario, variant).objective.is_score
    run.emit(out.to_dict(), lambda: _price_to_win_text(out, score, _own_currencies(scenario)))
    sys.exit(EXIT_OK if out.verified else EXIT_UNVERIFIED)


@click.command("stress")
@click.argument("file")
@click.option("--keep", is_flag=True, help="hold the other awards; only the failed volume moves")
@click.option("--supplier", default=None, help="only this awarded supplier")
@_options
@parallel_options
def stress_command(
    file: str,
    keep: bool,
    supplier: str | None,
    variant: str,
    run: SolverArgs,
    par: ParallelArgs,
) -> None:
    """Cost of each awarded supplier failing, uncovered demand, worst first."""
    from sourceopt.analysis.stress import stress

    with user_errors():
        scenario = run.load_with(file, [variant])
        out = stress(
            scenario,
            variant=variant,
            keep=keep,
            supplier=supplier,
            **run.solve_kwargs(),
            **par.kwargs(run.as_json),
        )
    run.emit(out.to_dict(), lambda: _stress_text(out))
    sys.exit(EXIT_OK if out.verified else EXIT_UNVERIFIED)


def _own_currencies(scenario: Scenario) -> dict[tuple[str, str], str]:
    """(supplier, item) -> the offer's own currency, when some offer is not in the scenario's."""
    offers = scenario.offers
    if "currency" not in offers or set(offers["currency"].astype(str)) <= {scenario.currency}:
        return {}
    sup = scenario.suppliers["id"].to_numpy(dtype=object)[offers["supplier"].to_numpy()]
    item = scenario.items["id"].to_numpy(dtype=object)[offers["item"].to_numpy()]
    codes = offers["currency"].astype(str).to_numpy(dtype=object)
    return {(str(s), str(i)): str(c) for s, i, c in zip(sup, item, codes, strict=True)}


def _price_to_win_text(
    out: Any, score: bool = False, currencies: dict[tuple[str, str], str] | None = None
) -> str:
    value = f"score {out.objective:,.4f} points" if score else f"objective {money(out.objective)}"
    head = f"{out.scenario} / {out.variant}: price to win ({value})"
    rows = [
        [o.supplier, o.item, o.price, o.price_to_win, o.units_now, o.units_at_price]
        for o in out.offers
    ]
    headers = ["supplier", "item", "price", "price to win", "wins now", "wins at it"]
    if currencies:  # format 1.1: prices are in each offer's own currency
        headers.insert(4, "currency")
        for row in rows:
            row.insert(4, currencies.get((str(row[0]), str(row[1])), ""))
    if not all(o.final for o in out.offers):  # a limit stopped it, or its worker failed
        headers.append("note")
        for row, o in zip(rows, out.offers, strict=True):
            row.append("" if o.final else f"[not final] {_WHY.get(o.method, 'a limit')}")
    body = table(headers, rows) if rows else "every offer already wins all it can carry"
    return "\n".join([*heading(head), body])


_WHY = {
    "error": "not priced: its worker failed",
    "time_limit": "not priced: the analysis' time limit ran out first",
}


def _stress_text(out: Any) -> str:
    mode = "others held" if out.keep else "others free"
    head = f"{out.scenario} / {out.variant}: supplier failure ({mode})"
    rows = [
        [
            s.supplier + ("" if s.final else " [not final]"),
            s.status_without.value,
            s.objective_without,
            s.delta,
            s.uncovered_units,
        ]
        for s in out.suppliers
    ]
    headers = ["supplier fails", "status", "objective without", "extra cost", "uncovered"]
    lines = [*heading(head), f"objective with everyone: {money(out.objective)}"]
    lines.append(table(headers, rows))
    why = [f"  - {s.supplier}: {s.reason}" for s in out.suppliers if s.reason and s.final]
    unfinished = [s.supplier for s in out.suppliers if not s.final]
    if unfinished:
        lines.append(f"not final (a time limit stopped them): {', '.join(unfinished)}")
    if why:
        lines += ["", "Why these failures leave no award:", *why]
    return "\n".join(lines)
