"""The scenario's own facts a report shows beside the result: items, suppliers, bids as received.

:func:`scenario_facts` turns a (variant's) :class:`~sourceopt.scenario.model.Scenario` into
plain JSON-able data, so that the report model is built from documents only (a result
document, the analyses' JSON and these facts) and any shell (CLI, service) can produce them.
"""

from __future__ import annotations

import math
from typing import Any

from sourceopt.scenario.model import CURRENT_PREFIX, Scenario


def _num(value: Any) -> float | None:
    """A float, or None for NaN and infinity (no bound, no baseline)."""
    x = float(value)
    return None if math.isnan(x) or math.isinf(x) else x


def _text(value: Any) -> str | None:
    """A text cell, or None when empty (None or NaN)."""
    return value if isinstance(value, str) and value else None


def _current(items: Any) -> list[dict[str, float] | None]:
    """Each item's ``current`` map (format 1.1: supplier id -> units today), when it has one.

    The scenario holds it as ``current.<supplier>`` columns (NaN where an item names none).
    """
    cols = [str(c) for c in items.columns if str(c).startswith(CURRENT_PREFIX)]
    out: list[dict[str, float] | None] = []
    for k in range(len(items)):
        cells = {c[len(CURRENT_PREFIX) :]: items[c].iat[k] for c in cols}
        known = {s: float(v) for s, v in cells.items() if not math.isnan(float(v))}
        out.append(known or None)
    return out


def _items(scenario: Scenario) -> list[dict[str, Any]]:
    items = scenario.items
    cols = {c: items[c].tolist() for c in ("id", "demand", "unit", "baseline_price", "group")}
    current = _current(items)
    return [
        {
            "id": str(cols["id"][k]),
            "demand": float(cols["demand"][k]),
            "unit": _text(cols["unit"][k]),
            "baseline_price": _num(cols["baseline_price"][k]),
            "group": _text(cols["group"][k]),
            "current": current[k],
        }
        for k in range(len(items))
    ]


def _suppliers(scenario: Scenario) -> list[dict[str, Any]]:
    sups = scenario.suppliers
    rows: list[tuple[Any, Any, Any, Any]] = list(
        sups[["id", "name", "country", "tags"]].itertuples(index=False, name=None)
    )
    return [
        {
            "id": str(sid),
            "name": str(name) if isinstance(name, str) and name else str(sid),
            "country": str(country) if isinstance(country, str) else None,
            "tags": sorted(str(t) for t in tags),
        }
        for sid, name, country, tags in rows
    ]


def _offers(scenario: Scenario) -> list[dict[str, Any]]:
    offers = scenario.offers
    sup_ids = scenario.suppliers["id"].tolist()
    item_ids = scenario.items["id"].tolist()
    tiers: dict[int, list[dict[str, float]]] = {}
    for offer, start, price in scenario.tiers[["offer", "from", "price"]].itertuples(index=False):
        tiers.setdefault(int(offer), []).append({"from": float(start), "price": float(price)})
    adders, fixed = scenario.offer_adders(), scenario.offer_fixed_costs()
    return [
        {
            "supplier": str(sup_ids[int(s)]),
            "item": str(item_ids[int(i)]),
            "price": float(p),
            "capacity": _num(c),
            "min_units": float(m),
            "tiers": tiers.get(k, []),
            "adders": float(adders[k]),  # format 1.1: per unit, in the scenario currency
            "fixed_cost": float(fixed[k]),
        }
        for k, (s, i, p, c, m) in enumerate(
            offers[["supplier", "item", "price", "capacity", "min_units"]].itertuples(index=False)
        )
    ]


def scenario_facts(scenario: Scenario) -> dict[str, Any]:
    """The scenario's items, suppliers and offers (bids as received) as plain data.

    Give the scenario of the variant whose award the report details (``apply_variant``), so
    that demands and prices are that variant's. Unbounded capacities and missing baseline
    prices are None.
    """
    return {
        "scenario": scenario.name,
        "category": scenario.category,
        "currency": scenario.currency,
        "variant": scenario.variant,
        "items": _items(scenario),
        "suppliers": _suppliers(scenario),
        "offers": _offers(scenario),
    }
