"""Tiny scenario files for the batch tests, each with its optimum derived by hand."""

from __future__ import annotations

from pathlib import Path

# 2 items, 2 suppliers. Item B only from S2: 50 x 5 = 250. Item A: S1 (10) is cheaper than
# S2 (12) but S1 holds 60 units: 60 x 10 + 40 x 12 = 1080. Optimum 1330.
PAIR = """\
sourceopt: 1
name: {name}
items:
  - {{id: A, demand: 100, unit: ea, baseline_price: 12}}
  - {{id: B, demand: 50, unit: ea, baseline_price: 6}}
suppliers:
  - {{id: S1, name: Alpha, country: US, capacity: 60}}
  - {{id: S2, name: Beta, country: DE, capacity: 200}}
offers:
  - {{supplier: S1, item: A, price: 10}}
  - {{supplier: S2, item: A, price: 12}}
  - {{supplier: S2, item: B, price: 5}}
"""
PAIR_COST = 1330.0

# 1 item, demand 10: S1 at {p1} vs S2 at 4. With p1 = 3: all 10 from S1 = 30. Variant
# "pricey" scales S1's prices by 2 (6 > 4): all 10 from S2 = 40.
SINGLE = """\
sourceopt: 1
name: {name}
items:
  - {{id: X, demand: 10, unit: ea, baseline_price: 5}}
suppliers:
  - {{id: S1, name: One, country: US}}
  - {{id: S2, name: Two, country: US}}
offers:
  - {{supplier: S1, item: X, price: {p1}}}
  - {{supplier: S2, item: X, price: 4}}
variants:
  - {{name: pricey, price_scale: {{S1: 2.0}}}}
"""
SINGLE_COST = {"base": 30.0, "pricey": 40.0}

# Demand 100 but the only supplier holds 50: infeasible.
INFEASIBLE = """\
sourceopt: 1
name: {name}
items:
  - {{id: X, demand: 100, unit: ea}}
suppliers:
  - {{id: S1, name: One, country: US, capacity: 50}}
offers:
  - {{supplier: S1, item: X, price: 1}}
"""

MALFORMED = """\
sourceopt: 1
name: malformed
items:
  - {id: X, demand: 10, unit: ea}
suppliers:
  - {id: S1, name: One, country: US}
offers:
  - {supplier: S1, item: X, price: n/a}
"""


def write(folder: Path, name: str, text: str) -> Path:
    """Write a scenario file and return its path."""
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def good_set(folder: Path) -> None:
    """Two good scenarios (three jobs with --variants all)."""
    write(folder, "a-pair.yaml", PAIR.format(name="pair"))
    write(folder, "b-single.yaml", SINGLE.format(name="single", p1=3))


def mixed_set(folder: Path) -> None:
    """The good ones plus an infeasible, a malformed, a crashing and a hanging scenario."""
    good_set(folder)
    write(folder, "c-infeasible.yaml", INFEASIBLE.format(name="infeasible"))
    write(folder, "d-malformed.yaml", MALFORMED)
    write(folder, "e-crash.yaml", PAIR.format(name="test-hook-crash"))
    write(folder, "f-hang.yaml", PAIR.format(name="test-hook-hang"))
