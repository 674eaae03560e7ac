"""Checks of rules, penalties and variants against the scenario's tables."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from sourceopt.errors import Problem
from sourceopt.scenario.model import Scenario
from sourceopt.scenario.schema import (
    MAX_MAGNITUDE,
    AverageAttributeRule,
    AwardRule,
    BackupCoverageRule,
    Rule,
    Selector,
    Variant,
)
from sourceopt.scenario.selectors import (
    FILTER_KEYS,
    filter_ids,
    item_mask,
    misplaced_filters,
    supplier_mask,
)


def default_names(rules: Sequence[Rule], taken: set[str]) -> list[Rule]:
    """Give every unnamed rule the name ``<type>-<n>`` (n counts rules of that type)."""
    counts: dict[str, int] = {}
    named: list[Rule] = []
    for rule in rules:
        counts[rule.type] = counts.get(rule.type, 0) + 1
        named_rule = rule
        if rule.name is None:
            name = f"{rule.type}-{counts[rule.type]}"
            while name in taken:
                name += "'"
            named_rule = rule.model_copy(update={"name": name})
        taken.add(str(named_rule.name))
        named.append(named_rule)
    return named


def _unknown_ids(
    selector: Selector, known: set[str], what: str, file: str, place: str
) -> list[Problem]:
    if not isinstance(selector, list):
        return []
    listing = ", ".join(sorted(known)[:8]) + (
        f", ... ({len(known)} in all)" if len(known) > 8 else ""
    )
    return [
        Problem(file, f"{place}[{k}]", f"unknown {what} {v!r}; known {what}s: {listing}")
        for k, v in enumerate(selector)
        if v not in known
    ]


_A_KEY_OF = {"suppliers": "a supplier key", "items": "an item key"}


def _misplaced(rule: Rule, file: str, place: str) -> list[Problem]:
    """Filter keys of the rule's selectors that do not apply to what they select."""
    problems = []
    for kind, other in (("suppliers", "items"), ("items", "suppliers")):
        selector: Selector = getattr(rule, kind, "all")
        for path in misplaced_filters(selector, kind):
            key = path.rsplit(".", 1)[-1]
            where = f" (it is {_A_KEY_OF[other]})" if key in FILTER_KEYS[other] else ""
            known = ", ".join(FILTER_KEYS[kind])
            problems.append(
                Problem(
                    file,
                    f"{place}.{kind}.{path}",
                    f"filter {key!r} does not apply to {kind}{where}, so it would match "
                    f"nothing; filters of {kind} are: {known}",
                )
            )
    return problems


def check_rule(rule: Rule, scenario: Scenario, file: str, place: str) -> list[Problem]:
    """Every id a rule names exists; filters apply; attributes needed are defined; capacities."""
    suppliers = set(scenario.suppliers["id"])
    items = set(scenario.items["id"])
    problems: list[Problem] = []
    if isinstance(rule, AwardRule):
        if rule.supplier not in suppliers:
            problems += _unknown_ids(
                [rule.supplier], suppliers, "supplier", file, f"{place}.supplier"
            )
        if rule.item not in items:
            problems += _unknown_ids([rule.item], items, "item", file, f"{place}.item")
        return [Problem(p.file, p.place.removesuffix("[0]"), p.message) for p in problems]
    for kind, known, what in (("suppliers", suppliers, "supplier"), ("items", items, "item")):
        if hasattr(rule, kind):
            selector: Selector = getattr(rule, kind)
            problems += _unknown_ids(selector, known, what, file, f"{place}.{kind}")
            for inner, ids in filter_ids(selector):
                problems += _unknown_ids(ids, known, what, file, f"{place}.{kind}.{inner}")
    problems += _misplaced(rule, file, place)
    if problems:
        return problems
    if isinstance(rule, AverageAttributeRule):
        problems += _attribute_defined(scenario, rule.attribute, rule, file, f"{place}.attribute")
    if isinstance(rule, BackupCoverageRule):
        problems += _finite_capacity(scenario, rule, file, place)
    return problems


def _selected_offers(scenario: Scenario, rule: Rule) -> np.ndarray:
    s = supplier_mask(scenario, getattr(rule, "suppliers", "all"))
    i = item_mask(scenario, getattr(rule, "items", "all"))
    offers = scenario.offers
    return np.asarray(s[offers["supplier"].to_numpy()] & i[offers["item"].to_numpy()])


def _attribute_defined(
    scenario: Scenario, name: str, rule: Rule | None, file: str, place: str
) -> list[Problem]:
    selected = (
        _selected_offers(scenario, rule) if rule is not None else np.ones(scenario.n_offers, bool)
    )
    values = scenario.offer_attribute(name)
    missing = np.flatnonzero(selected & np.isnan(values))
    bundle_sup = scenario.bundles["supplier"].to_numpy()
    if rule is not None:
        bundle_sup = bundle_sup[
            supplier_mask(scenario, getattr(rule, "suppliers", "all"))[bundle_sup]
        ]
    missing_sup = sorted(
        {int(s) for s in bundle_sup if np.isnan(scenario.supplier_attribute(name)[s])}
    )
    if len(missing) == 0 and not missing_sup:
        return []
    sup_ids = scenario.suppliers["id"].to_numpy()
    item_ids = scenario.items["id"].to_numpy()
    o_sup, o_item = scenario.offers["supplier"].to_numpy(), scenario.offers["item"].to_numpy()
    pairs = [f"{sup_ids[o_sup[r]]}/{item_ids[o_item[r]]}" for r in missing[:5]]
    pairs += [f"{sup_ids[s]} (bundles)" for s in missing_sup[:5]]
    more = f" and {len(missing) - 5} more" if len(missing) > 5 else ""
    return [
        Problem(
            file,
            place,
            f"attribute {name!r} is not defined for every selected offer: missing for "
            f"{', '.join(pairs)}{more} (set it on the offer or its supplier; "
            "missing values are never taken as 0)",
        )
    ]


def _finite_capacity(
    scenario: Scenario, rule: BackupCoverageRule, file: str, place: str
) -> list[Problem]:
    sel = supplier_mask(scenario, rule.suppliers)
    cap = scenario.capacity_on(item_mask(scenario, rule.items))
    bad = np.flatnonzero(sel & ~np.isfinite(cap))
    if len(bad) == 0:
        return []
    names = ", ".join(str(scenario.suppliers["id"].iat[s]) for s in bad[:8])
    return [
        Problem(
            file,
            place,
            f"backup_coverage needs a finite capacity for every selected supplier; "
            f"set `capacity` on these suppliers or their offers: {names}",
        )
    ]


def check_penalties(scenario: Scenario, file: str) -> list[Problem]:
    """Every attribute an objective penalty uses is defined for every offer."""
    problems: list[Problem] = []
    for k, penalty in enumerate(scenario.objective.penalties):
        problems += _attribute_defined(
            scenario, penalty.attribute, None, file, f"objective.penalties[{k}].attribute"
        )
    return problems


def check_variant(variant: Variant, scenario: Scenario, file: str, place: str) -> list[Problem]:
    """A variant names rules and suppliers that exist."""
    problems: list[Problem] = []
    rules = set(scenario.rule_names)
    for k, name in enumerate(variant.drop_rules):
        if name not in rules:
            problems.append(
                Problem(
                    file,
                    f"{place}.drop_rules[{k}]",
                    f"unknown rule {name!r}; rules are: {', '.join(sorted(rules)) or 'none'}",
                )
            )
    suppliers = set(scenario.suppliers["id"])
    problems += _unknown_ids(
        variant.exclude_suppliers, suppliers, "supplier", file, f"{place}.exclude_suppliers"
    )
    for sup in variant.price_scale:
        if sup not in suppliers:
            problems.append(
                Problem(file, f"{place}.price_scale.{sup}", f"unknown supplier {sup!r}")
            )
    return problems + _scaled_too_far(variant, scenario, file, place)


def _scaled_too_far(variant: Variant, scenario: Scenario, file: str, place: str) -> list[Problem]:
    """A variant's scales may not carry a demand or price beyond the magnitude limit."""
    limit = f"over the limit of {MAX_MAGNITUDE:g} on any number in a scenario"
    problems = []
    demand = float(scenario.items["demand"].max()) if scenario.n_items else 0.0
    if demand * variant.demand_scale > MAX_MAGNITUDE:
        scaled = demand * variant.demand_scale
        message = f"scales the largest demand, {demand:g}, to {scaled:g}: {limit}"
        problems.append(Problem(file, f"{place}.demand_scale", message))
    codes = {sup: n for n, sup in enumerate(scenario.suppliers["id"])}
    offers = scenario.offers
    for sup, factor in variant.price_scale.items():
        if sup not in codes:
            continue
        mine = offers["supplier"].to_numpy() == codes[sup]
        tiers = scenario.tiers["price"].to_numpy()[mine[scenario.tiers["offer"].to_numpy()]]
        bundles = scenario.bundles["price"].to_numpy()[
            scenario.bundles["supplier"].to_numpy() == codes[sup]
        ]
        prices = np.concatenate([offers["price"].to_numpy()[mine], tiers, bundles])
        top = float(prices.max()) if len(prices) else 0.0
        if top * factor > MAX_MAGNITUDE:
            message = f"scales the highest price of {sup!r}, {top:g}, to {top * factor:g}: {limit}"
            problems.append(Problem(file, f"{place}.price_scale.{sup}", message))
    return problems
