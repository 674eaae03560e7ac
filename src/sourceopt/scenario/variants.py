"""What-if variants: the base scenario with a variant's changes applied.

Edits apply in the documented order (docs/format.md, "Variants"): exclude_suppliers,
exclude_offers, add_offers, scale_prices, price_scale, set_demand, scale_demand, demand_scale,
drop_rules, add_rules, objective. Each step below is one or a few of them, in that order.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from sourceopt.errors import ScenarioError
from sourceopt.scenario.model import Scenario
from sourceopt.scenario.offer_edits import apply_offer_edits
from sourceopt.scenario.rulecheck import default_names
from sourceopt.scenario.schema import Variant
from sourceopt.scenario.variant_edits import edited_demand, scale_prices


def variant_names(scenario: Scenario) -> tuple[str, ...]:
    """``base`` and every variant's name, in file order."""
    return ("base", *(v.name for v in scenario.variants))


def apply_variant(scenario: Scenario, name: str) -> Scenario:
    """The scenario as the named variant describes it (``base`` is the scenario itself)."""
    if name == "base":
        return scenario
    variant = next((v for v in scenario.variants if v.name == name), None)
    if variant is None:
        raise ScenarioError.single(
            scenario.source,
            "variants",
            f"unknown variant {name!r}; its variants are: {', '.join(variant_names(scenario))}",
        )
    out = _offer_edits(_exclude_suppliers(scenario, variant), variant)
    out = _prices(out, variant)
    out = out.with_changes(items=_demands(out, variant))
    out = _rules(out, variant)
    if variant.objective is not None:
        out = out.with_changes(objective=variant.objective)
    return out.with_changes(variant=name)


def _exclude_suppliers(scenario: Scenario, variant: Variant) -> Scenario:
    """Excluded suppliers stay listed (rules may name them) but offer nothing."""
    if not variant.exclude_suppliers:
        return scenario
    sup_ids = scenario.suppliers["id"].to_numpy()
    excluded = np.isin(sup_ids, variant.exclude_suppliers)
    offers = scenario.offers.copy()
    offers.loc[excluded[offers["supplier"].to_numpy()], "capacity"] = 0.0
    bundles = scenario.bundles
    keep_b = ~excluded[bundles["supplier"].to_numpy()]
    new_code = np.cumsum(keep_b) - 1
    units = scenario.bundle_units
    units = units[keep_b[units["bundle"].to_numpy()]].copy()
    units["bundle"] = new_code[units["bundle"].to_numpy()]
    return scenario.with_changes(
        offers=offers,
        bundles=bundles[keep_b].reset_index(drop=True),
        bundle_units=units.reset_index(drop=True),
    )


def _offer_edits(scenario: Scenario, variant: Variant) -> Scenario:
    """``exclude_offers`` then ``add_offers``; an excluded supplier's added offers stay out."""
    if not variant.exclude_offers and not variant.add_offers:
        return scenario
    offers, tiers = apply_offer_edits(scenario, variant)
    excluded = np.isin(scenario.suppliers["id"].to_numpy(), variant.exclude_suppliers)
    offers = offers.copy()
    offers.loc[excluded[offers["supplier"].to_numpy()], "capacity"] = 0.0
    return scenario.with_changes(offers=offers, tiers=tiers)


def _prices(scenario: Scenario, variant: Variant) -> Scenario:
    """``scale_prices`` (offers and tiers of selected pairs), then ``price_scale`` (suppliers)."""
    offers, tiers = scale_prices(scenario, variant, scenario.offers, scenario.tiers)
    if not variant.price_scale:
        return scenario.with_changes(offers=offers, tiers=tiers)
    sup_ids = scenario.suppliers["id"].to_numpy()
    factor = np.array([variant.price_scale.get(s, 1.0) for s in sup_ids], dtype=float)
    offers = offers.copy()
    offers["price"] = offers["price"] * factor[offers["supplier"].to_numpy()]
    tiers = tiers.copy()
    tiers["price"] = (
        tiers["price"] * factor[offers["supplier"].to_numpy()[tiers["offer"].to_numpy()]]
    )
    bundles = scenario.bundles.copy()
    bundles["price"] = bundles["price"] * factor[bundles["supplier"].to_numpy()]
    return scenario.with_changes(offers=offers, tiers=tiers, bundles=bundles)


def _demands(scenario: Scenario, variant: Variant) -> pd.DataFrame:
    """Items with ``set_demand``, ``scale_demand`` and ``demand_scale`` applied."""
    items = scenario.items.copy()
    items["demand"] = edited_demand(scenario, variant)
    return items


def _rules(scenario: Scenario, variant: Variant) -> Scenario:
    """``drop_rules`` then ``add_rules`` (added rules' origin: ``variant:<name>``)."""
    keep = [k for k, r in enumerate(scenario.rules) if r.name not in set(variant.drop_rules)]
    added = default_names(variant.add_rules, {str(r.name) for r in scenario.rules})
    origins = tuple(scenario.rule_origins[k] for k in keep)
    return scenario.with_changes(
        rules=tuple(scenario.rules[k] for k in keep) + tuple(added),
        rule_origins=origins + (f"variant:{variant.name}",) * len(added),
    )
