"""budget: total cost (purchase + bundles + adders + fixed - rebates) <= max."""

from __future__ import annotations

from typing import Any

import numpy as np
import scipy.sparse as sp

from sourceopt.formulation.context import Context
from sourceopt.formulation.family import Bound, Family
from sourceopt.formulation.rules import wording as w
from sourceopt.scenario.model import Scenario
from sourceopt.scenario.schema import BudgetRule


def build(rule: BudgetRule, ctx: Context, ref: int) -> None:
    """Add the budget row over the total-cost coefficients (every cost column exists)."""
    cost = ctx.builder.total_cost()
    cols = np.flatnonzero(cost)
    row = sp.csr_array(
        (cost[cols], (np.zeros(len(cols), dtype=np.int64), cols)), shape=(1, ctx.builder.n_cols)
    )
    ctx.builder.add_rows(
        [row],
        lo=-np.inf,
        hi=rule.max,
        family=rule.type,
        rule=str(rule.name),
        soft=rule.soft,
        rule_ref=ref,
    )


def words(scenario: Scenario, rule: Any) -> str:
    """The rule in a conflict, in business words (after "rule <name>")."""
    off = scenario.offers
    adders = scenario.offer_adders()  # landed: price plus adders (format 1.1)
    cheapest = np.full(scenario.n_items, np.inf)
    np.minimum.at(cheapest, off["item"].to_numpy(), off["price"].to_numpy(float) + adders)
    tiers = scenario.tiers
    if len(tiers):
        t_off = tiers["offer"].to_numpy()
        t_item = off["item"].to_numpy()[t_off]
        np.minimum.at(cheapest, t_item, tiers["price"].to_numpy(float) + adders[t_off])
    demand = scenario.items["demand"].to_numpy(float)
    floor = float(np.sum(np.where(np.isfinite(cheapest), cheapest, 0.0) * demand))
    return (
        f"caps the total cost at {w.num(rule.max)} {scenario.currency}; buying every item at its "
        f"lowest offered (landed) price would already cost {w.num(floor)}"
    )


FAMILY = Family("budget", build, words, bound=Bound.MONEY, bound_word="budget", unit="money")
