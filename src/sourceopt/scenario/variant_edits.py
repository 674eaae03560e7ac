"""A variant's format-1.1 edits of prices and demands, and their checks.

``scale_prices`` (price and tier prices of the offers of selected suppliers on selected items;
bundles and adders unchanged), ``set_demand`` (item id -> units) and ``scale_demand``
(selected items' demands times a factor). sourceopt.scenario.variants applies them in the
documented order; :func:`check_edits` reports unknown ids and numbers beyond the magnitude
limit, each with its place.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from sourceopt.errors import Problem
from sourceopt.scenario.model import Scenario
from sourceopt.scenario.schema import MAX_MAGNITUDE, Selector, Variant
from sourceopt.scenario.selectors import filter_ids, item_mask, supplier_mask


def price_factors(scenario: Scenario, variant: Variant) -> np.ndarray:
    """Per offer: the product of the ``scale_prices`` factors that select it (1 if none)."""
    offers = scenario.offers
    sup, item = offers["supplier"].to_numpy(), offers["item"].to_numpy()
    factor = np.ones(len(offers))
    for edit in variant.scale_prices:
        picked = (
            supplier_mask(scenario, edit.suppliers)[sup] & item_mask(scenario, edit.items)[item]
        )
        factor[picked] *= edit.factor
    return factor


def scale_prices(
    scenario: Scenario, variant: Variant, offers: pd.DataFrame, tiers: pd.DataFrame
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Offers and tiers with the ``scale_prices`` edits applied (new frames)."""
    if not variant.scale_prices:
        return offers, tiers
    factor = price_factors(scenario.with_changes(offers=offers), variant)
    offers = offers.copy()
    offers["price"] = offers["price"] * factor
    tiers = tiers.copy()
    tiers["price"] = tiers["price"] * factor[tiers["offer"].to_numpy()]
    return offers, tiers


def edited_demand(scenario: Scenario, variant: Variant) -> np.ndarray:
    """Per item: the demand after ``set_demand``, ``scale_demand`` and ``demand_scale``."""
    demand = scenario.items["demand"].to_numpy(float).copy()
    ids = scenario.items["id"].astype(str).tolist()
    for item_id, units in variant.set_demand.items():
        if item_id in ids:
            demand[ids.index(item_id)] = units
    for edit in variant.scale_demand:
        demand[item_mask(scenario, edit.items)] *= edit.factor
    return np.asarray(demand * variant.demand_scale, dtype=float)


def _unknown(
    selector: Selector, known: set[str], what: str, file: str, place: str
) -> list[Problem]:
    """Ids a selector (a list, or a filter's ``id``) names that do not exist."""
    listing = ", ".join(sorted(known)[:8]) + (
        f", ... ({len(known)} in all)" if len(known) > 8 else ""
    )
    if isinstance(selector, list):
        pairs = [("", selector)]
    else:
        pairs = [(f".{path}", ids) for path, ids in filter_ids(selector)]
    return [
        Problem(file, f"{place}{path}[{k}]", f"unknown {what} {v!r}; known {what}s: {listing}")
        for path, ids in pairs
        for k, v in enumerate(ids)
        if v not in known
    ]


def check_edits(variant: Variant, scenario: Scenario, file: str, place: str) -> list[Problem]:
    """Unknown ids in the edits, and demands or prices they carry beyond the limit."""
    items = set(scenario.items["id"].astype(str))
    suppliers = set(scenario.suppliers["id"].astype(str))
    problems = [
        Problem(
            file,
            f"{place}.set_demand.{item_id}",
            f"unknown item {item_id!r}: set_demand maps item ids to units",
        )
        for item_id in variant.set_demand
        if item_id not in items
    ]
    for k, d in enumerate(variant.scale_demand):
        problems += _unknown(d.items, items, "item", file, f"{place}.scale_demand[{k}].items")
    for k, p in enumerate(variant.scale_prices):
        at = f"{place}.scale_prices[{k}]"
        problems += _unknown(p.suppliers, suppliers, "supplier", file, f"{at}.suppliers")
        problems += _unknown(p.items, items, "item", file, f"{at}.items")
    if problems:
        return problems
    return _beyond_limit(variant, scenario, file, place)


def _beyond_limit(variant: Variant, scenario: Scenario, file: str, place: str) -> list[Problem]:
    limit = f"over the limit of {MAX_MAGNITUDE:g} on any number in a scenario"
    problems = []
    if variant.set_demand or variant.scale_demand:
        demand = edited_demand(scenario, variant)
        if len(demand) and float(demand.max()) > MAX_MAGNITUDE:
            at = int(np.argmax(demand))
            message = (
                f"makes the demand of item {scenario.items['id'].iat[at]!r} "
                f"{float(demand.max()):g}: {limit}"
            )
            problems.append(Problem(file, f"{place}.scale_demand", message))
    if variant.scale_prices:
        factor = price_factors(scenario, variant)
        base = scenario.offers["price"].to_numpy(float)
        tier_top = np.zeros(len(base))
        tiers = scenario.tiers
        np.maximum.at(tier_top, tiers["offer"].to_numpy(), tiers["price"].to_numpy(float))
        top = np.maximum(base, tier_top) * factor
        if len(top) and float(top.max()) > MAX_MAGNITUDE:
            message = f"scales a price to {float(top.max()):g}: {limit}"
            problems.append(Problem(file, f"{place}.scale_prices", message))
    return problems
