"""The cost of an award, recomputed from the scenario: purchase, bundles, fixed, rebates.

- purchase: units through each offer x its effective unit price (the all-units tier reached
  by the offer's own units);
- bundles: the prices of accepted bundles;
- fixed: the fixed cost of every awarded supplier (more than the tolerance in units);
- rebates: per supplier, the percent of the highest rebate tier its spend (offers plus
  bundles, before rebate) reaches, taken off that whole spend;
- penalties: objective penalties (weight x attribute x spend or units, per line; bundle lines
  take their supplier's attribute) plus, added later, soft-rule violations x penalty.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from sourceopt.verify.view import AwardView, rebate_percents


@dataclass(frozen=True)
class CostBreakdown:
    """The money of an award, all in the scenario's currency.

    ``rebates`` is a positive amount taken off; ``total_cost`` = purchase + bundles + fixed
    − rebates; ``objective`` = total_cost + penalties (objective and soft-rule penalties).
    """

    purchase: float
    bundles: float
    fixed: float
    rebates: float
    penalties: float
    total_cost: float
    objective: float


def objective_penalties(view: AwardView) -> float:
    """Sum of weight x attribute x (spend or units) over the objective's penalties."""
    total = 0.0
    for penalty in view.scenario.objective.penalties:
        amount = view.measure(penalty.per)
        attr = view.attribute(penalty.attribute, amount != 0)
        total += penalty.weight * float(np.dot(attr, amount))
    return total


def cost_breakdown(view: AwardView) -> CostBreakdown:
    """The cost breakdown of the award, with the objective's penalties only."""
    sc = view.scenario
    purchase = float(np.sum(view.spend[: view.n_offer_lines]))
    bundles = float(np.sum(sc.bundles["price"].to_numpy(float)[view.bundles_accepted]))
    fixed_cost = sc.suppliers["fixed_cost"].to_numpy(float)
    fixed = float(np.sum(fixed_cost[view.awarded]))
    percent = rebate_percents(sc, view.supplier_spend, view.tolerance)
    rebates = float(np.dot(percent / 100.0, view.supplier_spend))
    penalties = objective_penalties(view)
    total = purchase + bundles + fixed - rebates
    return CostBreakdown(
        purchase=purchase,
        bundles=bundles,
        fixed=fixed,
        rebates=rebates,
        penalties=penalties,
        total_cost=total,
        objective=total + penalties,
    )


def with_soft_penalties(cost: CostBreakdown, amount: float) -> CostBreakdown:
    """The breakdown with soft-rule penalties added to the penalties and the objective."""
    return replace(cost, penalties=cost.penalties + amount, objective=cost.objective + amount)
