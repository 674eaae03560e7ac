"""What-if variants: the base scenario with a variant's changes applied."""

from __future__ import annotations

import numpy as np

from sourceopt.errors import ScenarioError
from sourceopt.scenario.model import Scenario
from sourceopt.scenario.offer_edits import apply_offer_edits
from sourceopt.scenario.rulecheck import default_names


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
    keep = [k for k, r in enumerate(scenario.rules) if r.name not in set(variant.drop_rules)]
    added = default_names(variant.add_rules, {str(r.name) for r in scenario.rules})
    rules = tuple(scenario.rules[k] for k in keep) + tuple(added)
    origins = tuple(scenario.rule_origins[k] for k in keep) + (f"variant:{name}",) * len(added)

    items = scenario.items.copy()
    items["demand"] = items["demand"] * variant.demand_scale
    sup_ids = scenario.suppliers["id"].to_numpy()
    factor = np.array([variant.price_scale.get(s, 1.0) for s in sup_ids], dtype=float)
    excluded = np.isin(sup_ids, variant.exclude_suppliers)

    edited_offers, edited_tiers = apply_offer_edits(scenario, variant)  # before any pricing
    offers = edited_offers.copy()
    offers["price"] = offers["price"] * factor[offers["supplier"].to_numpy()]
    tiers = edited_tiers.copy()
    tiers["price"] = (
        tiers["price"] * factor[offers["supplier"].to_numpy()[tiers["offer"].to_numpy()]]
    )
    bundles = scenario.bundles.copy()
    bundles["price"] = bundles["price"] * factor[bundles["supplier"].to_numpy()]
    # excluded suppliers stay listed (rules may name them) but offer nothing
    offers.loc[excluded[offers["supplier"].to_numpy()], "capacity"] = 0.0
    keep_b = ~excluded[bundles["supplier"].to_numpy()]
    new_code = np.cumsum(keep_b) - 1
    units = scenario.bundle_units
    units = units[keep_b[units["bundle"].to_numpy()]].copy()
    units["bundle"] = new_code[units["bundle"].to_numpy()]
    return scenario.with_changes(
        variant=name,
        rules=rules,
        rule_origins=origins,
        items=items,
        offers=offers,
        tiers=tiers,
        bundles=bundles[keep_b].reset_index(drop=True),
        bundle_units=units.reset_index(drop=True),
    )
