"""Conflict members in business words: what each rule demands, what the data allow.

One sentence per member of a conflict. Rule sentences say what the rule requires of whom
(with the figures the data give, e.g. what the selected suppliers can deliver at most at their
offered prices); data sentences say what a supplier can deliver or an item needs.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from sourceopt.analysis.groups import Group
from sourceopt.formulation.family import family_of
from sourceopt.formulation.rules.wording import SHOWN, num, share
from sourceopt.scenario.model import Scenario

__all__ = ["describe", "num", "share"]


def describe(group: Group, scenario: Scenario) -> str:
    """One sentence on a conflict member."""
    if group.kind == "demand":
        return _demand(scenario, group.code)
    if group.kind == "capacity":
        return _capacity(scenario, group.code)
    rule: Any = scenario.rules[group.code]
    text = family_of(rule).words(scenario, rule)
    return f"rule {rule.name} {text}"


def _demand(scenario: Scenario, item: int) -> str:
    unit = scenario.items["unit"].to_numpy()[item]
    demand = float(scenario.items["demand"].to_numpy(float)[item])
    unit = unit if isinstance(unit, str) and unit else "units"
    return f"item {scenario.items['id'].to_numpy()[item]} needs exactly {num(demand)} {unit}"


def _capacity(scenario: Scenario, supplier: int) -> str:
    sid = str(scenario.suppliers["id"].to_numpy()[supplier])
    chosen = next((v for v in scenario.variants if v.name == scenario.variant), None)
    if chosen is not None and sid in chosen.exclude_suppliers:
        return f"supplier {sid} is excluded by variant {chosen.name} (it can deliver nothing)"
    cap = float(scenario.suppliers["capacity"].to_numpy(float)[supplier])
    off = scenario.offers
    o_cap = off["capacity"].to_numpy(float)
    o_item = off["item"].to_numpy()
    item_ids = scenario.items["id"].to_numpy()
    mine = np.flatnonzero((off["supplier"].to_numpy() == supplier) & np.isfinite(o_cap))
    capped = [(str(item_ids[o_item[o]]), float(o_cap[o])) for o in mine]
    parts = []
    if np.isfinite(cap):
        parts.append(f"at most {num(cap)} units in total")
    if capped:
        shown = ", ".join(f"{num(c)} of {i}" for i, c in capped[:SHOWN])
        parts.append(f"at most {shown} (offer capacities)")
    return f"supplier {sid} can deliver {'; '.join(parts) or 'nothing more'}"
