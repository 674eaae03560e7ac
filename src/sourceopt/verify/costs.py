"""The cost of an award, recomputed from the scenario: purchase, bundles, fixed, rebates.

- purchase: units through each offer x its effective unit price (the all-units tier reached
  by the offer's own units);
- bundles: the prices of accepted bundles;
- adders (format 1.1): units through each offer x its adders (each by name);
- fixed: the fixed cost of every awarded supplier (more than the tolerance in units) and of
  every offer that receives more than the tolerance;
- rebates: per rebate, the percent of the highest tier its measure (the supplier's spend, or
  units, on the rebate's items; bundles too without ``items``) reaches, taken off that spend;
- penalties: objective penalties (weight x attribute x spend or units, per line; bundle lines
  take their supplier's attribute) plus, added later, soft-rule violations x penalty.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from sourceopt.scenario.model import ADDERS_PREFIX
from sourceopt.verify.view import AwardView, rebate_discounts


@dataclass(frozen=True)
class CostBreakdown:
    """The money of an award, all in the scenario's currency.

    ``rebates`` is a positive amount taken off; ``total_cost`` = purchase + bundles + adders +
    fixed − rebates; ``objective`` = total_cost + penalties (objective and soft-rule
    penalties). ``adders_by_name`` maps each adder name to its total.
    """

    purchase: float
    bundles: float
    fixed: float
    rebates: float
    penalties: float
    total_cost: float
    objective: float
    adders: float = 0.0
    adders_by_name: tuple[tuple[str, float], ...] = ()


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
    fixed = float(np.sum(fixed_cost[view.awarded])) + offer_fixed(view)
    lines = (view.supplier, view.item, view.units, view.spend)
    rebates = float(np.sum(rebate_discounts(sc, lines, view.tolerance)))
    by_name = adders_by_name(view)
    adders = float(sum(v for _, v in by_name))
    penalties = objective_penalties(view)
    total = purchase + bundles + adders + fixed - rebates
    return CostBreakdown(
        purchase=purchase,
        bundles=bundles,
        fixed=fixed,
        rebates=rebates,
        penalties=penalties,
        total_cost=total,
        objective=total + penalties,
        adders=adders,
        adders_by_name=by_name,
    )


def adders_by_name(view: AwardView) -> tuple[tuple[str, float], ...]:
    """Per adder name (column order): units through each offer x that adder, summed."""
    offers = view.scenario.offers
    units = view.units[: view.n_offer_lines]
    return tuple(
        (
            str(c)[len(ADDERS_PREFIX) :],
            float(np.dot(units, np.nan_to_num(offers[c].to_numpy(float)))),
        )
        for c in offers.columns
        if str(c).startswith(ADDERS_PREFIX)
    )


def offer_fixed(view: AwardView) -> float:
    """The fixed costs of the offers that receive more than the tolerance in units."""
    offers = view.scenario.offers
    if "fixed_cost" not in offers:
        return 0.0
    used = view.units[: view.n_offer_lines] > view.tolerance
    return float(np.sum(np.nan_to_num(offers["fixed_cost"].to_numpy(float))[used]))


def with_soft_penalties(cost: CostBreakdown, amount: float) -> CostBreakdown:
    """The breakdown with soft-rule penalties added to the penalties and the objective."""
    return replace(cost, penalties=cost.penalties + amount, objective=cost.objective + amount)
