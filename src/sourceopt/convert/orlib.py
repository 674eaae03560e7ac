"""OR-Library capacitated warehouse location (cap41 ... cap134) as sourcing scenarios.

The reader (:func:`read_cap`) knows nothing of sourceopt: it parses Beasley's whitespace
separated format (``m n``; ``m`` lines ``capacity fixed_cost``; per customer its demand and
``m`` costs, possibly wrapped over several lines). :func:`scenario_dict` turns an instance into
a scenario of docs/format.md: each warehouse a supplier with its capacity and fixed cost,
each customer an item with its demand, every (warehouse, customer) pair an offer at unit price
``cost / demand`` (the cost is that of serving the customer's whole demand), demand splittable.
The scenario's optimal objective is then the published optimum of the instance.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np


@dataclass(frozen=True)
class CapInstance:
    """One instance: per warehouse capacity and fixed cost; per customer demand and costs."""

    name: str
    capacity: np.ndarray  # (m,)
    fixed_cost: np.ndarray  # (m,)
    demand: np.ndarray  # (n,)
    cost: np.ndarray  # (n, m): cost of serving customer j's whole demand from warehouse i


def parse_cap(text: str, name: str = "cap") -> CapInstance:
    """Parse the text of a cap*.txt file; ValueError if it is not in that format."""
    tokens = text.split()
    if len(tokens) < 2:
        raise ValueError(f"{name}: expected 'm n' at the start")
    m, n = int(tokens[0]), int(tokens[1])
    needed = 2 + 2 * m + n * (1 + m)
    if len(tokens) < needed:
        raise ValueError(f"{name}: expected {needed} numbers for m={m}, n={n}, got {len(tokens)}")
    head = np.array(tokens[2 : 2 + 2 * m], dtype=float).reshape(m, 2)
    body = np.array(tokens[2 + 2 * m : needed], dtype=float).reshape(n, 1 + m)
    return CapInstance(name, head[:, 0], head[:, 1], body[:, 0], body[:, 1:])


def read_cap(path: str | Path) -> CapInstance:
    """Read one cap*.txt file."""
    path = Path(path)
    return parse_cap(path.read_text(), path.stem)


def read_optima(path: str | Path) -> dict[str, float]:
    """The published optima (``optima.tsv``: instance name, tab, optimal total cost)."""
    out: dict[str, float] = {}
    for line in Path(path).read_text().splitlines():
        if line.strip():
            name, value = line.split()[:2]
            out[name] = float(value)
    return out


def scenario_dict(instance: CapInstance) -> dict[str, Any]:
    """The instance as a scenario dict (tables inline as ``{columns: {...}}``)."""
    m, n = len(instance.capacity), len(instance.demand)
    if np.any(instance.demand <= 0):
        raise ValueError(f"{instance.name}: every customer needs a positive demand")
    sup_ids = [f"W{i + 1:03d}" for i in range(m)]
    item_ids = [f"C{j + 1:04d}" for j in range(n)]
    price = instance.cost / instance.demand[:, None]  # (n, m) unit prices
    return {
        "sourceopt": 1,
        "name": instance.name,
        "category": "OR-Library capacitated warehouse location",
        "items": {"columns": {"id": item_ids, "demand": instance.demand.tolist()}},
        "suppliers": {
            "columns": {
                "id": sup_ids,
                "capacity": instance.capacity.tolist(),
                "fixed_cost": instance.fixed_cost.tolist(),
            }
        },
        "offers": {
            "columns": {
                "supplier": [sup_ids[i] for i in range(m)] * n,
                "item": [item for item in item_ids for _ in range(m)],
                "price": price.ravel().tolist(),
            }
        },
    }
