"""Shared wording for the rule families' conflict sentences (numbers, shares, selectors)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import scipy.sparse as sp
from scipy.optimize import linprog

from sourceopt.scenario.model import Scenario
from sourceopt.scenario.schema import Selector, SelectorFilter
from sourceopt.scenario.selectors import item_mask, supplier_mask

SHOWN = 5  # ids listed in a sentence before "and N more"


def num(value: float) -> str:
    """A number with thousands separators (cents only when it has them)."""
    if abs(value - round(value)) < 1e-6 * max(1.0, abs(value)):
        return f"{round(value):,d}"
    return f"{value:,.2f}"


def share(value: float) -> str:
    """A fraction as a percentage."""
    return f"{value * 100:g}%"


def id_list(ids: list[str]) -> str:
    """Ids, the first few and how many more."""
    more = len(ids) - SHOWN
    return ", ".join(ids[:SHOWN]) + (f" and {more} more" if more > 0 else "")


def who(scenario: Scenario, selector: Selector, suppliers: bool = True) -> str:
    """Suppliers (or items) a selector picks, as words."""
    noun = "suppliers" if suppliers else "items"
    if selector == "all":
        return f"all {noun}"
    table = scenario.suppliers if suppliers else scenario.items
    mask = (supplier_mask if suppliers else item_mask)(scenario, selector)
    ids = [str(v) for v in table["id"].to_numpy()[mask]]
    if isinstance(selector, list):
        return id_list(ids) if ids else f"no {noun}"
    assert isinstance(selector, SelectorFilter)
    found = f" ({id_list(ids)})" if ids else " (none in this scenario)"
    return f"{noun} {_filter_words(selector)}{found}"


def _filter_words(selector: SelectorFilter) -> str:
    """A filter map as words (``tagged a and not (from CN)``)."""
    parts = []
    for key, words in (
        ("id", "named"),
        ("tags", "tagged"),
        ("country", "from"),
        ("region", "in"),
        ("group", "in"),
    ):
        values = getattr(selector, key)
        if values:
            parts.append(f"{words} {' or '.join(values)}")
    if selector.attribute:
        parts.append("with " + ", ".join(f"{k} {v}" for k, v in selector.attribute.items()))
    if selector.not_ is not None:
        parts.append(f"not ({_filter_words(selector.not_)})")
    return " and ".join(parts)


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


def measure_word(rule: Any) -> str:
    """Whether the rule measures "spend" or "volume"."""
    return "spend" if getattr(rule, "measure", "volume") == "spend" else "volume"


def scope(scenario: Scenario, rule: Any) -> str:
    """Which items a share or average is over, as words."""
    items = who(scenario, rule.items, suppliers=False)
    if rule.per == "item":
        return f"of each of {items}" if rule.items != "all" else "of each item"
    return f"of {items} together" if rule.items != "all" else "of the category"


def bounds_text(low: Any, high: Any, fmt: Callable[[Any], str]) -> str:
    """``at least <low> and at most <high>``, leaving out a missing side."""
    parts = [f"at least {fmt(low)}"] if low is not None else []
    if high is not None:
        parts.append(f"at most {fmt(high)}")
    return " and ".join(parts)
