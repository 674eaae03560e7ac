"""Generate the offer tables of the polymer-resin example (deterministic: seeded numpy).

Writes ``offers.parquet`` (one bid per supplier and resin grade: price per tonne, capacity,
minimum lot, carbon footprint) and ``tiers.csv`` (all-units volume breaks of some bids) beside
this file. Run it from anywhere::

    .venv/bin/python scenarios/raw-material/generate.py

Prices are the grade's market reference price times the supplier's position (producers under
the market, the distributor over it) plus bid noise, rounded to whole dollars per tonne.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

SEED = 7051
HERE = Path(__file__).resolve().parent

# grade -> (market price USD/t, demand t/yr); demand must match resin.yaml
GRADES: dict[str, tuple[float, float]] = {
    "HDPE-BM": (1365.0, 4200.0),
    "HDPE-IM": (1405.0, 1800.0),
    "LLDPE-FILM": (1275.0, 3600.0),
    "LDPE-FILM": (1440.0, 1500.0),
    "PP-HOMO": (1330.0, 3000.0),
    "PP-IMPACT": (1465.0, 1400.0),
    "PET-BOTTLE": (1195.0, 2500.0),
}

# supplier -> (price position vs market, grades offered, min lot per grade (t), kg CO2e/kg)
SUPPLIERS: dict[str, tuple[float, tuple[str, ...], float, float]] = {
    "gulfstream": (
        0.975,
        ("HDPE-BM", "HDPE-IM", "LLDPE-FILM", "LDPE-FILM", "PP-HOMO", "PP-IMPACT"),
        180.0,
        1.85,
    ),
    "rheinland": (0.995, ("HDPE-BM", "HDPE-IM", "LDPE-FILM", "PP-HOMO", "PP-IMPACT"), 90.0, 1.55),
    "al-noor": (0.945, ("HDPE-BM", "LLDPE-FILM", "PP-HOMO", "PET-BOTTLE"), 500.0, 1.70),
    "cascadia": (
        1.035,
        ("HDPE-BM", "HDPE-IM", "LLDPE-FILM", "LDPE-FILM", "PP-HOMO", "PP-IMPACT", "PET-BOTTLE"),
        0.0,
        1.80,
    ),
    "pacific-rim": (0.960, ("LLDPE-FILM", "PP-HOMO", "PP-IMPACT", "PET-BOTTLE"), 250.0, 1.95),
    "polimeros-golfo": (0.955, ("HDPE-BM", "LLDPE-FILM", "PP-HOMO", "PET-BOTTLE"), 180.0, 1.90),
}

# volume breaks (all-units): supplier, grade, [(from tonnes, discount vs base price)]
BREAKS: list[tuple[str, str, list[tuple[float, float]]]] = [
    ("gulfstream", "HDPE-BM", [(1000.0, 0.015), (2500.0, 0.030)]),
    ("gulfstream", "LLDPE-FILM", [(1000.0, 0.020)]),
    ("rheinland", "PP-HOMO", [(800.0, 0.020), (1600.0, 0.035)]),
    ("cascadia", "PET-BOTTLE", [(600.0, 0.015)]),
    ("pacific-rim", "PP-HOMO", [(1200.0, 0.025)]),
]


def make_offers(rng: np.random.Generator) -> pd.DataFrame:
    """One row per (supplier, grade) bid."""
    rows = []
    for supplier, (position, grades, min_lot, co2e) in SUPPLIERS.items():
        for grade in grades:
            market, demand = GRADES[grade]
            price = round(market * position * rng.uniform(0.985, 1.02))
            capacity = float(np.ceil(demand * rng.uniform(0.5, 0.9) / 10.0) * 10.0)
            rows.append(
                {
                    "supplier": supplier,
                    "item": grade,
                    "price": float(price),
                    "capacity": capacity,
                    "min_units": min_lot,
                    "attr.co2e_kg_per_kg": round(co2e * rng.uniform(0.95, 1.05), 3),
                }
            )
    return pd.DataFrame(rows)


def make_tiers(offers: pd.DataFrame) -> pd.DataFrame:
    """The volume breaks as a top-level tiers table: supplier, item, from, price."""
    base = offers.set_index(["supplier", "item"])["price"]
    rows = [
        {
            "supplier": supplier,
            "item": grade,
            "from": start,
            "price": float(round(base[(supplier, grade)] * (1.0 - discount))),
        }
        for supplier, grade, steps in BREAKS
        for start, discount in steps
    ]
    return pd.DataFrame(rows)


def main() -> None:
    """Write offers.parquet and tiers.csv."""
    rng = np.random.default_rng(SEED)
    offers = make_offers(rng)
    offers.to_parquet(HERE / "offers.parquet", index=False)
    make_tiers(offers).to_csv(HERE / "tiers.csv", index=False)


if __name__ == "__main__":
    main()
