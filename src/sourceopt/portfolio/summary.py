"""The portfolio result document: joint figures, goals, firms and the coordination."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sourceopt.portfolio.model import Portfolio
from sourceopt.portfolio.result import (
    CoordinationDoc,
    GoalDoc,
    PortfolioDocument,
    PortfolioSupplierDoc,
)
from sourceopt.portfolio.verify import TOLERANCE, PortfolioCheck, check_portfolio, priced_categories
from sourceopt.result import ResultDocument, RuleDoc, VerificationDoc
from sourceopt.verify.rules import RuleCheck

if TYPE_CHECKING:
    from sourceopt.portfolio.build import PortfolioProgram
    from sourceopt.portfolio.solve import Solved


def met(check: RuleCheck) -> bool:
    """Whether a rule holds on an award (a soft one: not violated), within tolerance.

    The verifier counts as violation only rows past their bound by more than its tolerance.
    """
    return check.violation <= 0.0


def _sum(docs: list[ResultDocument], what: str) -> float:
    return float(sum(getattr(d.cost, what) for d in docs if d.cost is not None))


def document(
    portfolio: Portfolio, pp: PortfolioProgram, joint: Solved, alone: Solved | None
) -> PortfolioDocument:
    """The portfolio's JSON document from the joint and the independent solves."""
    originals = [c.scenario for c in portfolio.categories]
    independent = _independent(portfolio, alone)
    coordination = CoordinationDoc(
        independent_cost=independent[0] if independent else None,
        independent_goals_met=(all(met(c) for c in independent[1].rules) if independent else None),
        joint_cost=None,
        cost_of_goals=None,
    )
    empty = PortfolioDocument(
        portfolio=portfolio.name,
        status=joint.status,
        objective=None,
        total_cost=None,
        categories=joint.documents,
        rules=[],
        goals=[],
        suppliers=[],
        coordination=coordination,
    )
    if joint.awards is None:
        return empty
    priced = priced_categories(originals, pp.pools, joint.awards)
    rebates = _sum(joint.documents, "rebates")
    check = check_portfolio(portfolio, priced, joint.awards, rebates, plan=pp.pools)
    soft = sum(
        r.soft.penalty * c.violation
        for r, c in zip(portfolio.rules, check.rules, strict=True)
        if r.soft is not None
    )
    objective = check.total_cost + _sum(joint.documents, "penalties") + soft
    joint_cost = check.total_cost
    return empty.model_copy(
        update={
            "objective": objective,
            "total_cost": joint_cost,
            "rules": [_rule_doc(c) for c in check.rules],
            "goals": _goals(check, independent[1] if independent else None),
            "suppliers": _suppliers(check),
            "coordination": coordination.model_copy(
                update={
                    "joint_cost": joint_cost,
                    "cost_of_goals": (joint_cost - independent[0]) if independent else None,
                }
            ),
            "verification": _verification(pp, joint, check, objective),
        }
    )


def _goals(check: PortfolioCheck, alone: PortfolioCheck | None) -> list[GoalDoc]:
    """Each portfolio rule's attainment, jointly and on the categories' awards alone."""
    alone_rules = alone.rules if alone is not None else (None,) * len(check.rules)
    return [
        GoalDoc(
            rule=c.name,
            value=c.value,
            bound=c.bound,
            met=met(c),
            met_independent=met(a) if a is not None else None,
        )
        for c, a in zip(check.rules, alone_rules, strict=True)
    ]


def _verification(
    pp: PortfolioProgram, joint: Solved, check: PortfolioCheck, objective: float
) -> VerificationDoc:
    """The portfolio check, every category's own verdict, and the solver's objective."""
    problems = list(check.problems) + _consistency(pp, joint, objective)
    cats_ok = all(d.verification is not None and d.verification.ok for d in joint.documents)
    if not cats_ok:
        problems.append("a category's award failed its own verification (see its result)")
    return VerificationDoc(
        ok=not problems,
        max_violation=check.max_violation,
        checked=[*check.checked, "categories", "cost"],
        problems=problems,
    )


def _independent(portfolio: Portfolio, alone: Solved | None) -> tuple[float, PortfolioCheck] | None:
    """The categories solved alone: their cost and the portfolio rules on their awards."""
    if alone is None or alone.awards is None:
        return None
    cost = float(sum(d.total_cost or 0.0 for d in alone.documents))
    originals = [c.scenario for c in portfolio.categories]
    rebates = _sum(alone.documents, "rebates")
    return cost, check_portfolio(portfolio, originals, alone.awards, rebates, total_cost=cost)


def _consistency(pp: PortfolioProgram, joint: Solved, objective: float) -> list[str]:
    """The solver's objective against the recomputed one (exact backends only)."""
    raw = joint.raw
    if raw is None or raw.x is None or not joint.exact:
        return []
    claimed = pp.program.objective_value(raw.x)
    if abs(claimed - objective) <= TOLERANCE * max(1.0, abs(objective)):
        return []
    return [
        f"objective: the solver reports {claimed:.6f}, but the joint award costs {objective:.6f}"
    ]


def _rule_doc(c: RuleCheck) -> RuleDoc:
    return RuleDoc(
        name=c.name,
        type=c.type,
        origin="portfolio",
        soft=c.soft,
        value=c.value,
        bound=c.bound,
        binding=c.binding or c.violation > 0,
        violation=c.violation,
        group=c.group,
    )


def _suppliers(check: PortfolioCheck) -> list[PortfolioSupplierDoc]:
    total = sum(check.spend.values())
    return [
        PortfolioSupplierDoc(
            supplier=firm,
            spend=spend,
            share_of_spend=spend / total if total > 0 else 0.0,
            categories=check.categories.get(firm, []),
        )
        for firm, spend in sorted(check.spend.items(), key=lambda kv: -kv[1])
        if spend > 0 or firm in check.categories
    ]
