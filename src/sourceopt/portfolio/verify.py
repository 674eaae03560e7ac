"""The portfolio-level check of a joint award, by code that does not share the formulation.

Each category's award is verified by :func:`sourceopt.verify.verify` against the category as
it stands in the portfolio (shared firms' terms lifted, pooled offers at the pool's price:
:func:`priced_categories`). Here the joint award is checked over the combined view of the
*original* categories: demand, offer and firm capacities (a shared firm's capacity over all
its units), minimums over all units, the pooled tiers recomputed from the pooled units, the
cost (a shared firm's fixed cost once) and every portfolio rule, by the verifier's own rule
checks. Imports: scenario, verify and the formulation-free pool data only.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from sourceopt.award import Award
from sourceopt.portfolio.model import Portfolio
from sourceopt.portfolio.pools import PoolPlan, pooled_price
from sourceopt.portfolio.view import combined_view, scoped_rules
from sourceopt.scenario.model import Scenario
from sourceopt.verify import verify
from sourceopt.verify.rules import RuleCheck, check_rule
from sourceopt.verify.view import build_view

TOLERANCE = 1e-6


@dataclass(frozen=True)
class PortfolioCheck:
    """The verdict on a joint award and the portfolio-wide figures recomputed from it."""

    ok: bool
    max_violation: float
    checked: tuple[str, ...]
    problems: tuple[str, ...]
    total_cost: float
    rules: tuple[RuleCheck, ...]
    spend: dict[str, float]  # per firm id, over all categories
    categories: dict[str, list[str]]  # per firm id: the categories where it has units


def pool_prices(plan: PoolPlan, awards: Sequence[Award]) -> list[float]:
    """Per pool: the price its pooled units reach."""
    return [
        pooled_price(g, float(sum(awards[k].offer_units[o] for k, o in g.members)))
        for g in plan.groups
    ]


def priced_categories(
    scenarios: Sequence[Scenario], plan: PoolPlan, awards: Sequence[Award]
) -> list[Scenario]:
    """The categories with every pooled offer untiered at the price its pool reached."""
    out = list(scenarios)
    for group, price in zip(plan.groups, pool_prices(plan, awards), strict=True):
        for k, offer in group.members:
            sc = out[k]
            offers = sc.offers.copy()
            offers.loc[offer, "price"] = price
            tiers = sc.tiers[sc.tiers["offer"].to_numpy() != offer].reset_index(drop=True)
            out[k] = sc.with_changes(offers=offers, tiers=tiers)
    return out


def joint_view(portfolio: Portfolio, scenarios: Sequence[Scenario]) -> Scenario:
    """The combined view of `scenarios` (in category order) with the portfolio rules."""
    view = combined_view(
        portfolio.name,
        portfolio.source,
        portfolio.currency,
        list(portfolio.category_names),
        scenarios,
        portfolio.solver,
    )
    return view.with_changes(
        rules=scoped_rules(view, portfolio.rules, portfolio.rule_categories),
        rule_origins=("portfolio",) * len(portfolio.rules),
    )


def joint_award(awards: Sequence[Award]) -> Award:
    """The categories' awards side by side (the view's offers and bundles are in that order)."""
    return Award(
        np.concatenate([a.offer_units for a in awards]),
        np.concatenate([a.bundles for a in awards]),
    )


def check_portfolio(
    portfolio: Portfolio,
    scenarios: Sequence[Scenario],
    awards: Sequence[Award],
    rebates: float,
    total_cost: float | None = None,
    plan: PoolPlan | None = None,
) -> PortfolioCheck:
    """Check the joint award of `scenarios` (the categories, pooled offers priced).

    `rebates` is the categories' rebates together (each verified in its category); the
    total cost is the view's purchase + bundles + fixed costs (once per firm) - `rebates`,
    - the pooled rebates of `plan` (each firm's spend over the categories that have its
    rebate, the percent of the highest tier it reaches), unless `total_cost` is given (the
    categories solved alone pay each fixed cost in each).
    """
    view = joint_view(portfolio, scenarios)
    award = joint_award(awards)
    base = verify(view.with_changes(rules=(), rule_origins=()), award, tolerance=TOLERANCE)
    names = list(portfolio.category_names)
    pooled = _pooled_rebates(view, award, base.unit_prices, names, plan)
    total = base.cost.total_cost - rebates - pooled if total_cost is None else total_cost
    awarded = build_view(view, award, TOLERANCE)
    checks, problems = [], list(base.problems)
    worst = base.max_violation
    for rule in view.rules:
        check, found = check_rule(rule, awarded, total)
        checks.append(check)
        problems += found.problems
        worst = max(worst, found.worst)
    spend, where = _by_firm(view, award, base.unit_prices, names)
    pooled_checks = ("pooled_rebates",) if plan is not None and plan.rebates else ()
    checked = (
        tuple(c for c in base.checked if c != "cost")
        + pooled_checks
        + tuple(f"rule:{c.name}" for c in checks)
    )
    return PortfolioCheck(
        ok=not problems,
        max_violation=worst,
        checked=checked,
        problems=tuple(problems),
        total_cost=total,
        rules=tuple(checks),
        spend=spend,
        categories=where,
    )


def _by_firm(
    view: Scenario, award: Award, prices: np.ndarray, names: list[str]
) -> tuple[dict[str, float], dict[str, list[str]]]:
    """Spend per firm over all categories (offers and accepted bundles) and where it wins."""
    ids = view.suppliers["id"].astype(str).to_numpy()
    off_sup = view.offers["supplier"].to_numpy()
    item_cat = view.items["id"].astype(str).str.split("/", n=1).str[0].to_numpy()
    spend = np.bincount(off_sup, award.offer_units * prices, minlength=len(ids))
    b_sup = view.bundles["supplier"].to_numpy()
    taken = award.bundles
    spend += np.bincount(b_sup[taken], view.bundles["price"].to_numpy(float)[taken], len(ids))
    used = award.offer_units > TOLERANCE
    bu = view.bundle_units
    b_taken = taken[bu["bundle"].to_numpy()] if len(bu) else np.zeros(0, dtype=bool)
    firm = np.r_[off_sup[used], b_sup[bu["bundle"].to_numpy()[b_taken]] if len(bu) else []]
    item = np.r_[view.offers["item"].to_numpy()[used], bu["item"].to_numpy()[b_taken]]
    cat_code = pd.Index(names).get_indexer(pd.Index(item_cat))[item.astype(np.int64)]
    pairs = np.unique(firm.astype(np.int64) * len(names) + cat_code)
    where: dict[str, list[str]] = {}
    for code in pairs.tolist():  # one entry per (firm, category) awarded: never per offer
        where.setdefault(str(ids[code // len(names)]), []).append(names[code % len(names)])
    spend_of = {str(ids[s]): float(spend[s]) for s in range(len(ids))}
    return spend_of, where


def _pooled_rebates(
    view: Scenario, award: Award, prices: np.ndarray, names: list[str], plan: PoolPlan | None
) -> float:
    """The pooled rebates' discount.

    Per firm: its spend (offers and bundles) over the categories that have its rebate, times
    the percent of the highest tier that spend reaches.
    """
    if plan is None or not plan.rebates:
        return 0.0
    ids = view.suppliers["id"].astype(str).to_numpy()
    item_cat = pd.Index(names).get_indexer(
        pd.Index(view.items["id"].astype(str).str.split("/", n=1).str[0])
    )
    off_cat = item_cat[view.offers["item"].to_numpy()]
    off_firm = ids[view.offers["supplier"].to_numpy()]
    b_cat = pd.Index(names).get_indexer(
        pd.Index(view.bundles["id"].astype(str).str.split("/", n=1).str[0])
    )
    b_firm = ids[view.bundles["supplier"].to_numpy()]
    b_price = view.bundles["price"].to_numpy(float)
    discount = 0.0
    for rebate in plan.rebates:
        mine = (off_firm == rebate.supplier) & np.isin(off_cat, rebate.members)
        spend = float(np.dot(award.offer_units[mine], prices[mine]))
        taken = award.bundles & (b_firm == rebate.supplier) & np.isin(b_cat, rebate.members)
        spend += float(b_price[taken].sum())
        percent = 0.0
        for start, pct in rebate.tiers:
            if spend >= start - TOLERANCE * max(1.0, start):
                percent = pct
        discount += percent / 100.0 * spend
    return discount
