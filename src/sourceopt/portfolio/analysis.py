"""Portfolio analyses: the cost of each goal, a goal frontier, and which categories carry a goal.

- :func:`goal_costs`: for each portfolio rule, the joint cost without it (re-solved) and the
  difference; for an LP-class portfolio on a backend with duals, also the sum of the duals
  of its rows (per unit of each row's form, as ``sourceopt rules`` reports them).
- :func:`goal_frontier`: the joint cost as a ``group_share`` goal's minimum moves from `lo`
  to `hi` (``group_share:<name>`` a portfolio rule by name; ``group_share:<tag>`` the
  group_share rules on exactly that tag, or if none a new goal: that tag's share of total
  spend).
- :func:`carriers`: per group_share goal, each category's part of the goal's numerator (selected
  firms' spend, or units, on selected items) on the joint award.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from sourceopt.errors import AnalysisError
from sourceopt.portfolio.build import build_portfolio_program
from sourceopt.portfolio.model import Portfolio
from sourceopt.portfolio.result import PortfolioResult
from sourceopt.portfolio.solve import options_of, solve_joint, solve_portfolio
from sourceopt.portfolio.verify import joint_view
from sourceopt.scenario.schema import GroupShareRule, Rule, SelectorFilter
from sourceopt.scenario.selectors import item_mask, supplier_mask
from sourceopt.solvers.registry import get_backend


def _cost(result: PortfolioResult) -> float | None:
    return result.document.total_cost


def goal_costs(
    portfolio: Portfolio,
    *,
    backend: str | None = None,
    time_limit: float | None = None,
    gap: float | None = None,
) -> dict[str, Any]:
    """Each portfolio rule's cost: the joint cost with and without it, and its dual."""
    base = solve_portfolio(
        portfolio, backend=backend, time_limit=time_limit, gap=gap, independent=False
    )
    duals = _duals(portfolio, backend, time_limit)
    goals = []
    for k, rule in enumerate(portfolio.rules):
        keep = [j for j in range(len(portfolio.rules)) if j != k]
        fewer = portfolio.with_rules(
            tuple(portfolio.rules[j] for j in keep),
            tuple(portfolio.rule_categories[j] for j in keep),
        )
        without = solve_portfolio(
            fewer, backend=backend, time_limit=time_limit, gap=gap, independent=False
        )
        cost, cost_without = _cost(base), _cost(without)
        goals.append(
            {
                "rule": str(rule.name),
                "type": rule.type,
                "objective_without": cost_without,
                "goal_cost": (
                    cost - cost_without if cost is not None and cost_without is not None else None
                ),
                "status_without": without.status.value,
                "dual": duals.get(str(rule.name)) if duals is not None else None,
            }
        )
    return {
        "portfolio": portfolio.name,
        "status": base.status.value,
        "objective": _cost(base),
        "goals": goals,
    }


def _duals(
    portfolio: Portfolio, backend: str | None, time_limit: float | None
) -> dict[str, float] | None:
    """Per portfolio rule, the sum of its rows' duals (LP-class, backend with duals)."""
    engine = get_backend(backend or portfolio.solver.backend)
    pp = build_portfolio_program(portfolio)
    if pp.program.is_mip or not engine.capabilities.duals:
        return None
    joint = solve_joint(pp, engine, options_of(portfolio, time_limit, None))
    if joint.raw is None or joint.raw.duals is None:
        return None
    rows = pp.program.rows
    mine = (rows["scenario"] == portfolio.name).to_numpy() & pp.program.measured_rows()
    names = rows["rule"].to_numpy()
    return {
        str(r.name): float(joint.raw.duals[mine & (names == str(r.name))].sum())
        for r in portfolio.rules
    }


def goal_frontier(
    portfolio: Portfolio,
    against: str,
    lo: float,
    hi: float,
    points: int,
    *,
    backend: str | None = None,
    time_limit: float | None = None,
    gap: float | None = None,
) -> dict[str, Any]:
    """The joint cost as a group_share goal's minimum runs from `lo` to `hi` (`points` steps)."""
    kind, _, target = against.partition(":")
    if kind != "group_share" or not target:
        raise AnalysisError(
            f"unknown frontier metric {against!r}; write group_share:<rule name or supplier tag>"
        )
    if points < 2 or not 0 <= lo <= 1 or not 0 <= hi <= 1:
        raise AnalysisError("a frontier needs at least 2 points and bounds within [0, 1]")
    moved = _frontier_rules(portfolio, target)
    out = []
    for bound in np.linspace(lo, hi, points):
        rules, cats = list(portfolio.rules), list(portfolio.rule_categories)
        for k in moved:
            rules[k] = rules[k].model_copy(update={"min": float(bound)})
        if not moved:
            goal: Rule = GroupShareRule(
                type="group_share",
                name=f"frontier:{target}",
                min=float(bound),
                suppliers=SelectorFilter(tags=[target]),
                measure="spend",
            )
            rules.append(goal)
            cats.append(None)
        res = solve_portfolio(
            portfolio.with_rules(tuple(rules), tuple(cats)),
            backend=backend,
            time_limit=time_limit,
            gap=gap,
            independent=False,
        )
        out.append({"bound": float(bound), "objective": _cost(res), "status": res.status.value})
    return {"portfolio": portfolio.name, "metric": against, "points": out}


def _frontier_rules(portfolio: Portfolio, target: str) -> list[int]:
    """The rules a frontier moves (their ``min``).

    The rule named `target`, else the group_share rules whose suppliers are exactly
    ``{tags: [target]}``; none: a new goal (that tag's share of total spend) is added.
    """
    names = [str(r.name) for r in portfolio.rules]
    if target in names:
        k = names.index(target)
        if not isinstance(portfolio.rules[k], GroupShareRule):
            raise AnalysisError(
                f"rule {target!r} is a {portfolio.rules[k].type}, not a group_share"
            )
        return [k]
    tagged = SelectorFilter(tags=[target])
    return [
        k
        for k, r in enumerate(portfolio.rules)
        if isinstance(r, GroupShareRule) and r.suppliers == tagged
    ]


def carriers(result: PortfolioResult, portfolio: Portfolio) -> dict[str, Any]:
    """Per group_share goal: each category's part of its numerator on the joint award."""
    view = joint_view(portfolio, [c.scenario for c in portfolio.categories])
    ids = view.items["id"].astype(str).tolist()
    sup_ids = view.suppliers["id"].astype(str).tolist()
    goals = []
    for rule in view.rules:
        if rule.type != "group_share":
            continue
        picked = supplier_mask(view, getattr(rule, "suppliers", "all"))
        items = item_mask(view, getattr(rule, "items", "all"))
        key = "spend" if getattr(rule, "measure", "volume") == "spend" else "units"
        per: dict[str, float] = {}
        for doc in result.document.categories:
            total = 0.0
            for a in doc.allocations:
                view_item = ids.index(f"{doc.scenario}/{a.item}")
                if items[view_item] and picked[sup_ids.index(a.supplier)]:
                    total += float(getattr(a, key))
            per[doc.scenario] = total
        whole = sum(per.values())
        goals.append(
            {
                "rule": str(rule.name),
                "measure": key,
                "categories": [
                    {"category": c, "value": v, "share_of_goal": v / whole if whole else 0.0}
                    for c, v in per.items()
                ],
            }
        )
    return {"portfolio": portfolio.name, "goals": goals}
