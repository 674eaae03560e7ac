"""Generate the tables of the freight-lanes-loads example (deterministic: seeded numpy).

Writes ``items.csv`` (50 truckload lanes in whole loads, with today's carriers as
``current.<carrier>`` columns), ``suppliers.csv`` (8 carriers) and ``offers.csv`` (lane bids,
some with a dedicated-fleet alternate) beside this file. Run it from anywhere::

    .venv/bin/python scenarios/freight-lanes-loads/generate.py

Lane demands are multiples of 20 loads, so the +15 % variant (x 1.15) keeps whole loads.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

SEED = 20261206
HERE = Path(__file__).resolve().parent
REGIONS = ("midwest", "south", "northeast", "west")
DCS = {"midwest": ("CHI", "IND"), "south": ("DAL", "ATL"), "northeast": ("PHL",), "west": ("LAX",)}
DESTS = ("BNA", "CLT", "CMH", "DEN", "DET", "HOU", "JAX", "KCM", "MEM", "MIA", "MSP", "NYC",
         "PDX", "PHX", "SEA", "SLC", "STL", "BOS")  # fmt: skip

# id, name, home regions, incumbent, onboarding cost (new carriers), rate factor
CARRIERS = [
    ("prairie-line", "Prairie Line Transport", ("midwest",), True, 0, 0.98),
    ("redhawk", "Redhawk Logistics", ("south", "midwest"), True, 0, 0.97),
    ("lone-star", "Lone Star Freightways", ("south",), True, 0, 0.99),
    ("cascade", "Cascade Truckload", ("west",), True, 0, 0.98),
    ("patriot", "Patriot Freight Systems", ("northeast", "midwest"), True, 0, 0.99),
    ("great-lakes", "Great Lakes Haulage", ("midwest", "northeast"), False, 32000, 0.95),
    ("pioneer", "Pioneer Dedicated", ("west", "south"), False, 30000, 0.96),
    ("ironhorse", "Ironhorse Logistics", ("midwest", "south", "northeast"), False, 24000, 0.965),
]
DEDICATED = ("pioneer", "redhawk")  # carriers that also bid a dedicated-fleet alternate


def make_lanes(rng: np.random.Generator) -> pd.DataFrame:
    """50 lanes from the DCs (region = the origin DC's), demand a multiple of 20 loads."""
    origins = [(r, dc) for r in REGIONS for dc in DCS[r]]
    pairs = [(r, o, d) for r, o in origins for d in DESTS]
    chosen = rng.choice(len(pairs), size=50, replace=False)
    rows = []
    for k in sorted(int(c) for c in chosen):
        region, origin, dest = pairs[k]
        miles = float(rng.uniform(250, 1800))
        rows.append(
            {
                "id": f"{origin}-{dest}",
                "demand": 20 * int(rng.integers(1, 11)),
                "unit": "load",
                "lot_size": 1,
                "baseline_price": round(2.35 * miles + 180, 2),
                "group": region,
                "miles": miles,
            }
        )
    return pd.DataFrame(rows)


def make_offers(rng: np.random.Generator, lanes: pd.DataFrame) -> pd.DataFrame:
    """Four to six bids a lane; dedicated alternates cheaper per load with a commitment."""
    rows = []
    for lane in lanes.itertuples(index=False):
        home = [c for c in CARRIERS if lane.group in c[2]]
        away = [c for c in CARRIERS if lane.group not in c[2]]
        n_away = int(rng.integers(max(0, 4 - len(home)), 3))
        picked = home + [away[int(i)] for i in rng.choice(len(away), n_away, replace=False)]
        for cid, _, regions, _, _, factor in picked:
            near = lane.group in regions
            rate = 2.30 * factor * (0.97 if near else 1.06) * rng.uniform(0.95, 1.07)
            price = round(rate * lane.miles + rng.uniform(120, 220), 2)
            cap = int(np.ceil(lane.demand * rng.uniform(0.5, 1.0)))
            row = {"supplier": cid, "item": lane.id, "price": price, "capacity": cap}
            if cid in DEDICATED and near:
                rows.append({**row, "id": f"{cid}:{lane.id}:standard", "min_units": 0})
                dedicated = {"price": round(price * 0.94, 2), "capacity": lane.demand}
                commit = {"min_units": int(np.ceil(0.5 * lane.demand))}
                rows.append({**row, **dedicated, **commit, "id": f"{cid}:{lane.id}:dedicated"})
            else:
                rows.append({**row, "id": None, "min_units": 0})
    return pd.DataFrame(rows)[["supplier", "item", "id", "price", "capacity", "min_units"]]


def add_current(rng: np.random.Generator, lanes: pd.DataFrame) -> pd.DataFrame:
    """Today's award: one or two incumbents per lane (of those strong in its region)."""
    out = lanes.drop(columns=["miles"]).copy()
    incumbents = [c for c in CARRIERS if c[3]]
    for c in incumbents:
        out[f"current.{c[0]}"] = np.nan
    for k, lane in lanes.iterrows():
        mine = [c[0] for c in incumbents if lane["group"] in c[2]] or [incumbents[0][0]]
        first = mine[int(rng.integers(len(mine)))]
        out.loc[k, f"current.{first}"] = lane["demand"]
        others = [m for m in mine if m != first]
        if others and rng.random() < 0.5:
            split = 10 * int(rng.integers(1, lane["demand"] // 10))
            out.loc[k, f"current.{first}"] = lane["demand"] - split
            out.loc[k, f"current.{others[0]}"] = split
    return out


SWITCH_COST = 1_500.0  # per lane a carrier does not haul today: lane set-up and trial loads


def add_switching(offers: pd.DataFrame, items: pd.DataFrame) -> pd.DataFrame:
    """Offer ``fixed_cost``: the switching cost of a bid on a lane its carrier does not haul."""
    hauls = {
        (column.removeprefix("current."), lane)
        for column in items.columns
        if column.startswith("current.")
        for lane, units in zip(items["id"], items[column], strict=True)
        if units > 0
    }
    out = offers.copy()
    today = [(s, i) in hauls for s, i in zip(out["supplier"], out["item"], strict=True)]
    out["fixed_cost"] = np.where(today, 0.0, SWITCH_COST)
    return out


def main() -> None:
    """Write the three tables."""
    rng = np.random.default_rng(SEED)
    lanes = make_lanes(rng)
    offers = make_offers(rng, lanes)
    items = add_current(rng, lanes)
    offers = add_switching(offers, items)
    suppliers = pd.DataFrame(
        [
            {
                "id": cid,
                "name": name,
                "region": regions[0],
                "tags": "incumbent" if inc else "new",
                "fixed_cost": onboard,
            }
            for cid, name, regions, inc, onboard, _ in CARRIERS
        ]
    )
    items.to_csv(HERE / "items.csv", index=False)
    suppliers.to_csv(HERE / "suppliers.csv", index=False)
    offers.to_csv(HERE / "offers.csv", index=False)


if __name__ == "__main__":
    main()
