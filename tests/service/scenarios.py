"""Small scenarios for the service tests: a quick one and a slow (hard MIP) one."""

from __future__ import annotations

from typing import Any

import numpy as np


def small(name: str = "small") -> dict[str, Any]:
    """Two items, three suppliers, one rule: solves in milliseconds."""
    return {
        "sourceopt": 1,
        "name": name,
        "items": [{"id": "bolt", "demand": 100}, {"id": "nut", "demand": 50}],
        "suppliers": [{"id": "acme"}, {"id": "bolt-co"}, {"id": "globex"}],
        "offers": [
            {"supplier": "acme", "item": "bolt", "price": 1.0},
            {"supplier": "bolt-co", "item": "bolt", "price": 1.2},
            {"supplier": "globex", "item": "nut", "price": 0.5},
            {"supplier": "acme", "item": "nut", "price": 0.6},
        ],
        "rules": [{"type": "max_share", "limit": 0.7, "name": "cap"}],
    }


def slow(n: int = 80, seed: int = 1) -> dict[str, Any]:
    """A capacitated facility-location MIP that HiGHS needs many seconds to prove (gap 0)."""
    rng = np.random.default_rng(seed)
    items = [{"id": f"i{j}", "demand": float(rng.integers(10, 40))} for j in range(n)]
    suppliers = [
        {
            "id": f"s{k}",
            "capacity": float(rng.integers(150, 300)),
            "fixed_cost": float(rng.integers(400, 900)),
        }
        for k in range(n)
    ]
    offers = {
        "columns": {
            "supplier": [f"s{k}" for k in range(n) for _ in range(n)],
            "item": [f"i{j}" for _ in range(n) for j in range(n)],
            "price": [float(p) for p in rng.uniform(1, 30, n * n).round(2)],
        }
    }
    return {
        "sourceopt": 1,
        "name": "slow",
        "items": items,
        "suppliers": suppliers,
        "offers": offers,
        "solver": {"mip_gap": 0.0},
    }
