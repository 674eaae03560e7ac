"""Conflict members in business words: what each rule demands, what the data allow.

One sentence per member of a conflict. Rule sentences say what the rule requires of whom
(with the figures the data give, e.g. what the selected suppliers can deliver at most at their
offered prices); data sentences say what a supplier can deliver or an item needs.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import scipy.sparse as sp
from scipy.optimize import linprog

from sourceopt.analysis.groups import Group
from sourceopt.scenario.model import Scenario
from sourceopt.scenario.schema import Selector, SelectorFilter
from sourceopt.scenario.selectors import each_groups, item_mask, supplier_mask

_SHOWN = 5  # ids listed in a sentence before "and N more"


def num(value: float) -> str:
    """A number with thousands separators (cents only when it has them)."""
    if abs(value - round(value)) < 1e-6 * max(1.0, abs(value)):
        return f"{round(value):,d}"
    return f"{value:,.2f}"


def share(value: float) -> str:
    """A fraction as a percentage."""
    return f"{value * 100:g}%"


def describe(group: Group, scenario: Scenario) -> str:
    """One sentence on a conflict member."""
    if group.kind == "demand":
        return _demand(scenario, group.code)
    if group.kind == "capacity":
        return _capacity(scenario, group.code)
    rule: Any = scenario.rules[group.code]
    text = _RULES.get(rule.type, _generic)(scenario, rule)
    return f"rule {rule.name} {text}"


def _ids(ids: list[str]) -> str:
    more = len(ids) - _SHOWN
    return ", ".join(ids[:_SHOWN]) + (f" and {more} more" if more > 0 else "")


def _who(scenario: Scenario, selector: Selector, suppliers: bool = True) -> str:
    """Suppliers (or items) a selector picks, as words."""
    noun = "suppliers" if suppliers else "items"
    if selector == "all":
        return f"all {noun}"
    table = scenario.suppliers if suppliers else scenario.items
    mask = (supplier_mask if suppliers else item_mask)(scenario, selector)
    ids = [str(v) for v in table["id"].to_numpy()[mask]]
    if isinstance(selector, list):
        return _ids(ids) if ids else f"no {noun}"
    assert isinstance(selector, SelectorFilter)
    parts = []
    for key, words in (("tags", "tagged"), ("country", "from"), ("region", "in"), ("group", "in")):
        values = getattr(selector, key)
        if values:
            parts.append(f"{words} {' or '.join(values)}")
    if selector.attribute:
        parts.append("with " + ", ".join(f"{k} {v}" for k, v in selector.attribute.items()))
    found = f" ({_ids(ids)})" if ids else " (none in this scenario)"
    return f"{noun} {' and '.join(parts)}{found}"


def reach(scenario: Scenario, sup: np.ndarray, items: np.ndarray, spend: bool) -> float:
    """The most units (or spend, at offered base prices) the suppliers can deliver on the items.

    A small LP over their offers: offer, supplier and item-demand limits (bundles left out).
    """
    off = scenario.offers
    o_sup, o_item = off["supplier"].to_numpy(), off["item"].to_numpy()
    pick = np.flatnonzero(sup[o_sup] & items[o_item])
    if not len(pick):
        return 0.0
    demand = scenario.items["demand"].to_numpy(float)
    cap = scenario.suppliers["capacity"].to_numpy(float)
    ub = np.minimum(off["capacity"].to_numpy(float)[pick], demand[o_item[pick]])
    weight = off["price"].to_numpy(float)[pick] if spend else np.ones(len(pick))
    s_codes, s_row = np.unique(o_sup[pick], return_inverse=True)
    i_codes, i_row = np.unique(o_item[pick], return_inverse=True)
    finite = np.isfinite(cap[s_codes])
    n, n_fin = len(pick), int(finite.sum())
    on_cap = np.flatnonzero(finite[s_row])
    rows = np.r_[(np.cumsum(finite) - 1)[s_row[on_cap]], n_fin + i_row]
    a = sp.csr_array(
        (np.ones(len(rows)), (rows, np.r_[on_cap, np.arange(n)])), shape=(n_fin + len(i_codes), n)
    )
    b = np.r_[cap[s_codes][finite], demand[i_codes]]
    res = linprog(-weight, A_ub=a, b_ub=b, bounds=np.column_stack([np.zeros(n), ub]))
    return float(-res.fun) if res.status == 0 else float(np.sum(weight * ub))


def _measure(rule: Any) -> str:
    return "spend" if getattr(rule, "measure", "volume") == "spend" else "volume"


def _scope(scenario: Scenario, rule: Any) -> str:
    items = _who(scenario, rule.items, suppliers=False)
    if rule.per == "item":
        return f"of each of {items}" if rule.items != "all" else "of each item"
    return f"of {items} together" if rule.items != "all" else "of the category"


def _group_share(scenario: Scenario, rule: Any) -> str:
    if rule.each is not None:
        return _each_share(scenario, rule)
    who = _who(scenario, rule.suppliers)
    scope = f"the {_measure(rule)} {_scope(scenario, rule)}"
    if rule.min is None:
        return f"allows at most {share(rule.max)} of {scope} to {who}"
    text = f"needs at least {share(rule.min)} of {scope} from {who}"
    if rule.max is not None:
        text += f" (and at most {share(rule.max)})"
    sup = supplier_mask(scenario, rule.suppliers)
    items = item_mask(scenario, rule.items)
    units = reach(scenario, sup, items, spend=False)
    demand = float(scenario.items["demand"].to_numpy(float)[items].sum())
    if _measure(rule) == "volume" and rule.per == "category":
        return (
            text + f": at least {num(rule.min * demand)} of {num(demand)} units, but they can "
            f"deliver at most {num(units)} units"
        )
    spend = reach(scenario, sup, items, spend=True)
    return (
        text + f"; their capacity on those items is at most {num(units)} units, worth at most "
        f"{num(spend)} {scenario.currency} at their offered prices"
    )


_EACH_WORDS = {"country": "from", "region": "in", "tag": "tagged"}
_EACH_PLURAL = {"country": "countries", "region": "regions", "tag": "tags"}


def _each_share(scenario: Scenario, rule: Any) -> str:
    """A group_share rule with ``each``: its bounds per group, and the groups that fall short.

    For a minimum, what each group's suppliers can deliver at most (units, and money at
    their offered prices); the groups that cannot reach the minimum (or, for shares of
    spend, the weakest ones) are named.
    """
    sup = supplier_mask(scenario, rule.suppliers)
    groups = each_groups(scenario, rule.each, sup)
    names = list(groups.values)
    listing = f"{len(names)} {_EACH_PLURAL[rule.each]}: {_ids(names)}" if names else "none"
    who = f"{_who(scenario, rule.suppliers)} ({listing})"
    scope = f"the {_measure(rule)} {_scope(scenario, rule)}"
    if rule.min is None:
        return (
            f"allows at most {share(rule.max)} of {scope} to each {rule.each} among {who}; "
            f"suppliers without a {rule.each} are not limited"
        )
    text = f"needs at least {share(rule.min)} of {scope} from each {rule.each} among {who}"
    if rule.max is not None:
        text += f" (and at most {share(rule.max)})"
    items = item_mask(scenario, rule.items)
    demand = float(scenario.items["demand"].to_numpy(float)[items].sum())
    reached = []
    for g, name in enumerate(names):
        mine = np.zeros(scenario.n_suppliers, dtype=bool)
        mine[groups.supplier[groups.group == g]] = True
        units = reach(scenario, mine, items, spend=False)
        reached.append((units, reach(scenario, mine, items, spend=True), name))
    reached.sort()
    volume = _measure(rule) == "volume" and rule.per == "category"
    short = [r for r in reached if r[0] < rule.min * demand] if volume else reached[:_SHOWN]
    if volume and short:
        text += f": at least {num(rule.min * demand)} of {num(demand)} units each"
    parts = [
        f"the suppliers {_EACH_WORDS[rule.each]} {name} can deliver at most {num(units)} "
        f"units, worth at most {num(spend)} {scenario.currency}"
        for units, spend, name in short[:_SHOWN]
    ]
    return text + ("; " + "; ".join(parts) if parts else "")


def _max_share(scenario: Scenario, rule: Any) -> str:
    who = _who(scenario, rule.suppliers)
    return (
        f"allows no single supplier among {who} more than {share(rule.limit)} of the "
        f"{_measure(rule)} {_scope(scenario, rule)}"
    )


def _supplier_count(scenario: Scenario, rule: Any) -> str:
    who = _who(scenario, rule.suppliers)
    where = "for each selected item" if rule.per == "item" else "in the category"
    sup = supplier_mask(scenario, rule.suppliers)
    items = item_mask(scenario, rule.items)
    off = scenario.offers
    o_sup, o_item = off["supplier"].to_numpy(), off["item"].to_numpy()
    bidders = np.unique(o_sup[items[o_item]])
    offering = int(sup[bidders].sum())
    text = (
        f"needs {_bounds(rule.min, rule.max, str)} awarded suppliers among {who} {where}; "
        f"{offering} of them bid on those items"
    )
    # an offer (or a supplier) with no capacity is a bid that can never be awarded
    own = scenario.suppliers["capacity"].to_numpy(float)[o_sup]
    able = sup[o_sup] & items[o_item] & (np.minimum(off["capacity"].to_numpy(float), own) > 0)
    if rule.per != "item":
        real = len(np.unique(o_sup[able]))
        return text + (f", {real} with any capacity" if real < offering else "")
    pairs = np.unique(o_item[able] * scenario.n_suppliers + o_sup[able])
    count = np.bincount(pairs // scenario.n_suppliers, minlength=scenario.n_items)
    chosen = np.flatnonzero(items)
    if not len(chosen):
        return text
    fewest = chosen[np.argmin(count[chosen])]
    names = scenario.suppliers["id"].to_numpy()[
        pairs[pairs // scenario.n_suppliers == fewest] % scenario.n_suppliers
    ]
    can = f" ({_ids([str(n) for n in names])})" if len(names) else ""
    item_id = scenario.items["id"].iat[int(fewest)]
    return text + f"; item {item_id} has {int(count[fewest])} with any capacity{can}"


def _bounds(low: Any, high: Any, fmt: Callable[[Any], str]) -> str:
    """``at least <low> and at most <high>``, leaving out a missing side."""
    parts = [f"at least {fmt(low)}"] if low is not None else []
    if high is not None:
        parts.append(f"at most {fmt(high)}")
    return " and ".join(parts)


def _exclude(scenario: Scenario, rule: Any) -> str:
    items = _who(scenario, rule.items, suppliers=False)
    return f"bans {_who(scenario, rule.suppliers)} from {items}"


def _award(scenario: Scenario, rule: Any) -> str:
    bounds = _bounds(rule.min_units, rule.max_units, num)
    s, i = scenario.supplier_code(rule.supplier), scenario.item_code(rule.item)
    sup = np.zeros(scenario.n_suppliers, dtype=bool)
    sup[s] = True
    items = np.zeros(scenario.n_items, dtype=bool)
    items[i] = True
    most = reach(scenario, sup, items, spend=False)
    return (
        f"locks {rule.supplier} on item {rule.item} to {bounds} units "
        f"({rule.supplier} can deliver at most {num(most)} units of it)"
    )


def _budget(scenario: Scenario, rule: Any) -> str:
    off = scenario.offers
    cheapest = np.full(scenario.n_items, np.inf)
    np.minimum.at(cheapest, off["item"].to_numpy(), off["price"].to_numpy(float))
    tiers = scenario.tiers
    if len(tiers):
        t_item = off["item"].to_numpy()[tiers["offer"].to_numpy()]
        np.minimum.at(cheapest, t_item, tiers["price"].to_numpy(float))
    demand = scenario.items["demand"].to_numpy(float)
    floor = float(np.sum(np.where(np.isfinite(cheapest), cheapest, 0.0) * demand))
    return (
        f"caps the total cost at {num(rule.max)} {scenario.currency}; buying every item at its "
        f"lowest offered price would already cost {num(floor)}"
    )


def _average(scenario: Scenario, rule: Any) -> str:
    bounds = _bounds(rule.min, rule.max, lambda v: f"{v:g}")
    return (
        f"keeps the {_measure(rule)}-weighted average {rule.attribute} of "
        f"{_who(scenario, rule.suppliers)} {_scope(scenario, rule)} {bounds}"
    )


def _max_items(scenario: Scenario, rule: Any) -> str:
    items = _who(scenario, rule.items, suppliers=False)
    return f"lets each of {_who(scenario, rule.suppliers)} win at most {rule.max} of {items}"


def _backup(scenario: Scenario, rule: Any) -> str:
    return (
        f"requires the spare capacity of the other awarded suppliers among "
        f"{_who(scenario, rule.suppliers)} to cover {share(rule.coverage)} of each one's volume"
    )


def _generic(scenario: Scenario, rule: Any) -> str:
    return f"({rule.type}) cannot hold together with the other members"


_RULES = {
    "group_share": _group_share,
    "max_share": _max_share,
    "supplier_count": _supplier_count,
    "exclude": _exclude,
    "award": _award,
    "budget": _budget,
    "average_attribute": _average,
    "max_items_per_supplier": _max_items,
    "backup_coverage": _backup,
}


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
        shown = ", ".join(f"{num(c)} of {i}" for i, c in capped[:_SHOWN])
        parts.append(f"at most {shown} (offer capacities)")
    return f"supplier {sid} can deliver {'; '.join(parts) or 'nothing more'}"
