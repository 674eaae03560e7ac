"""Write small portfolios (category scenario files + portfolio.yaml) into a directory."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml


def _dump(data: Any) -> str:
    return yaml.safe_dump(json.loads(json.dumps(data)), sort_keys=False)  # no YAML aliases


def category(
    name: str,
    items: list[dict[str, Any]],
    suppliers: list[dict[str, Any]],
    offers: list[dict[str, Any]],
    **extra: Any,
) -> dict[str, Any]:
    """A category scenario as a dict."""
    return {
        "sourceopt": 1,
        "name": name,
        "items": items,
        "suppliers": suppliers,
        "offers": offers,
        **extra,
    }


def write(tmp: Path, categories: dict[str, dict[str, Any]], **portfolio: Any) -> Path:
    """Write each category to ``<key>.yaml`` and the portfolio (keys given) to portfolio.yaml."""
    for file, scenario in categories.items():
        (tmp / f"{file}.yaml").write_text(_dump(scenario))
    doc = {"sourceopt_portfolio": 1, "name": "p", "categories": [f"{f}.yaml" for f in categories]}
    doc.update(portfolio)
    path = tmp / "portfolio.yaml"
    path.write_text(_dump(doc))
    return path


def two(
    price_a: dict[str, float],
    price_b: dict[str, float],
    suppliers: list[dict[str, Any]],
    demand: float = 100.0,
    tiers: dict[str, list[dict[str, float]]] | None = None,
) -> dict[str, dict[str, Any]]:
    """Two categories, each buying `demand` of item ``x`` from the given firms' prices."""
    out = {}
    for file, prices in (("a", price_a), ("b", price_b)):
        offers = []
        for s, p in prices.items():
            offer: dict[str, Any] = {"supplier": s, "item": "x", "price": p}
            if tiers and s in tiers:
                offer["tiers"] = tiers[s]
            offers.append(offer)
        used = [dict(s) for s in suppliers if s["id"] in prices]
        out[file] = category(f"cat-{file}", [{"id": "x", "demand": demand}], used, offers)
    return out
