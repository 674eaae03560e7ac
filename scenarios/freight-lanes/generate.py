"""Generate the tables of the freight-lanes example (deterministic: seeded numpy).

Writes ``items.csv`` (120 truckload lanes), ``suppliers.csv`` (12 carriers) and
``offers.csv`` (about 900 lane bids) beside this file. Run it from anywhere::

    .venv/bin/python scenarios/freight-lanes/generate.py

Lanes join distribution centres and customer regions of a US consumer-goods shipper; rates are
per load, built from the lane's road distance, the carrier's rate per mile for the mode (dry
van or reefer), its regional strength and some bid noise. Every lane gets at least four bids
whose capacities cover it comfortably, so the 60 % per-lane cap is always satisfiable.
"""

from __future__ import annotations

from pathlib import Path
from typing import NamedTuple

import numpy as np
import pandas as pd

SEED = 20260115
HERE = Path(__file__).resolve().parent

# city code -> (latitude, longitude, region)
CITIES: dict[str, tuple[float, float, str]] = {
    "CHI": (41.88, -87.63, "midwest"),
    "IND": (39.77, -86.16, "midwest"),
    "CMH": (39.96, -83.00, "midwest"),
    "DET": (42.33, -83.05, "midwest"),
    "MSP": (44.98, -93.27, "midwest"),
    "STL": (38.63, -90.20, "midwest"),
    "KCM": (39.10, -94.58, "midwest"),
    "DAL": (32.78, -96.80, "south"),
    "HOU": (29.76, -95.37, "south"),
    "ATL": (33.75, -84.39, "south"),
    "MEM": (35.15, -90.05, "south"),
    "BNA": (36.16, -86.78, "south"),
    "CLT": (35.23, -80.84, "south"),
    "JAX": (30.33, -81.66, "south"),
    "MIA": (25.76, -80.19, "south"),
    "NYC": (40.71, -74.01, "northeast"),
    "PHL": (39.95, -75.17, "northeast"),
    "BOS": (42.36, -71.06, "northeast"),
    "LAX": (34.05, -118.24, "west"),
    "PHX": (33.45, -112.07, "west"),
    "DEN": (39.74, -104.99, "west"),
    "SLC": (40.76, -111.89, "west"),
    "SEA": (47.61, -122.33, "west"),
    "PDX": (45.52, -122.68, "west"),
}
ORIGINS = ["CHI", "DAL", "ATL", "LAX", "MEM", "IND", "PHL", "HOU"]  # the shipper's DCs


class Carrier(NamedTuple):
    """A bidding carrier and what drives its bids."""

    id: str
    name: str
    country: str
    region: str
    home: tuple[str, ...]  # regions where it is strong (bids more often, cheaper)
    reefer: bool  # has refrigerated trailers
    tags: str  # ;-separated, as in the table
    capacity: int  # loads per year over all lanes
    fixed_cost: int  # onboarding cost for a new carrier
    on_time: float
    risk: float
    rate: float  # rate-per-mile factor, 1.0 = market


# fmt: off
CARRIERS = [
    Carrier("prairie-line", "Prairie Line Transport", "US", "midwest", ("midwest",), False,
     "incumbent;asset_based;smartway", 5200, 0, 0.955, 0.15, 0.98),
    Carrier("redhawk", "Redhawk Logistics", "US", "south", ("south", "midwest"), False,
     "incumbent;asset_based", 4800, 0, 0.940, 0.20, 0.97),
    Carrier("lone-star", "Lone Star Freightways", "US", "south", ("south",), True,
     "incumbent;asset_based;reefer;smartway", 4200, 0, 0.950, 0.18, 0.99),
    Carrier("blue-ridge", "Blue Ridge Carriers", "US", "south", ("south", "northeast"), False,
     "incumbent;asset_based;small_business", 2400, 0, 0.965, 0.22, 1.00),
    Carrier("cascade", "Cascade Truckload", "US", "west", ("west",), True,
     "incumbent;asset_based;reefer", 3600, 0, 0.935, 0.20, 0.98),
    Carrier("great-lakes", "Great Lakes Haulage", "US", "midwest", ("midwest", "northeast"), False,
     "asset_based;new", 3000, 32000, 0.925, 0.30, 0.97),
    Carrier("summit-reefer", "Summit Refrigerated Express", "US", "west", ("west", "midwest"), True,
     "asset_based;reefer;new", 2600, 28000, 0.945, 0.25, 0.99),
    Carrier("ironhorse", "Ironhorse Logistics", "US", "midwest", ("midwest", "south", "northeast"),
     False, "broker;new", 6000, 24000, 0.910, 0.35, 0.965),
    Carrier("gulf-coast", "Gulf Coast Trucking", "US", "south", ("south",), True,
     "asset_based;reefer;small_business;new", 2200, 26000, 0.930, 0.28, 0.985),
    Carrier("patriot", "Patriot Freight Systems", "US", "northeast", ("northeast", "midwest"),
     False, "incumbent;asset_based;veteran_owned;small_business", 2800, 0, 0.960, 0.18, 0.99),
    Carrier("northstar", "Northstar Carriers", "CA", "midwest", ("midwest", "west"), False,
     "asset_based;new", 3400, 38000, 0.935, 0.24, 0.975),
    Carrier("pioneer", "Pioneer Dedicated", "US", "west", ("west", "south"), True,
     "asset_based;reefer;smartway;new", 3000, 30000, 0.950, 0.20, 0.99),
]
# fmt: on


def road_miles(a: str, b: str) -> float:
    """Great-circle distance times a road factor of 1.18, in miles."""
    lat1, lon1, _ = CITIES[a]
    lat2, lon2, _ = CITIES[b]
    p1, p2 = np.radians(lat1), np.radians(lat2)
    dl = np.radians(lon2 - lon1)
    cos_angle = np.sin(p1) * np.sin(p2) + np.cos(p1) * np.cos(p2) * np.cos(dl)
    return float(3958.8 * np.arccos(np.clip(cos_angle, -1.0, 1.0)) * 1.18)


def make_lanes(rng: np.random.Generator) -> pd.DataFrame:
    """120 lanes: 100 dry-van and 20 reefer, from the DCs to customer cities."""
    pairs = [(o, d) for o in ORIGINS for d in CITIES if d != o]
    chosen = rng.choice(len(pairs), size=120, replace=False)
    modes = np.array(["FTL"] * 100 + ["REF"] * 20)
    rng.shuffle(modes)
    rows = []
    for k, mode in zip(chosen, modes, strict=True):
        origin, dest = pairs[int(k)]
        miles = max(road_miles(origin, dest), 180.0)
        per_mile = 2.32 if mode == "FTL" else 2.82  # today's contract rates
        loads = int(np.clip(rng.lognormal(np.log(110), 0.7), 12, 600))
        baseline = (per_mile * miles + 160.0) * rng.uniform(0.98, 1.06)
        rows.append(
            {
                "id": f"{origin}-{dest}-{mode}",
                "demand": loads,
                "unit": "load",
                "baseline_price": round(baseline, 2),
                "group": "dry-van" if mode == "FTL" else "reefer",
                "origin": origin,
                "dest": dest,
                "miles": miles,
            }
        )
    lanes = pd.DataFrame(rows)
    return lanes.sort_values("id", kind="stable").reset_index(drop=True)


def make_offers(rng: np.random.Generator, lanes: pd.DataFrame) -> pd.DataFrame:
    """About 900 bids; every lane gets at least four, with enough capacity at a 60 % cap."""
    rows = []
    for lane in lanes.itertuples(index=False):
        reefer = lane.group == "reefer"
        regions = {CITIES[lane.origin][2], CITIES[lane.dest][2]}
        bids = []
        for c, carrier in enumerate(CARRIERS):
            if reefer and not carrier.reefer:
                continue
            home = bool(regions & set(carrier.home))
            p = (0.92 if home else 0.62) if reefer else (0.80 if home else 0.45)
            if rng.random() < p:
                bids.append(c)
        eligible = [c for c, car in enumerate(CARRIERS) if car.reefer or not reefer]
        while len(bids) < 4:
            extra = int(rng.choice([c for c in eligible if c not in bids]))
            bids.append(extra)
        per_mile = 2.30 if not reefer else 2.80
        for c in sorted(bids):
            carrier = CARRIERS[c]
            home = bool(regions & set(carrier.home))
            rate = per_mile * carrier.rate * (0.97 if home else 1.05) * rng.uniform(0.94, 1.08)
            price = rate * lane.miles + rng.uniform(120, 220)
            cap = int(np.ceil(lane.demand * rng.uniform(0.45, 1.0)))
            min_units = 0
            if rng.random() < 0.12:
                min_units = int(max(4, round(0.10 * lane.demand)))
                cap = max(cap, min_units)
            rows.append(
                {
                    "supplier": carrier.id,
                    "item": lane.id,
                    "price": round(price, 2),
                    "capacity": cap,
                    "min_units": min_units,
                }
            )
    offers = pd.DataFrame(rows)
    # every lane must be coverable under the 60 % cap with room to spare
    lane_demand = offers["item"].map(lanes.set_index("id")["demand"])
    usable = np.minimum(offers["capacity"], 0.6 * lane_demand)
    cover = usable.groupby(offers["item"]).sum() / lanes.set_index("id")["demand"]
    short = cover[cover < 1.3].index
    boost = offers["item"].isin(short)
    offers.loc[boost, "capacity"] = np.ceil(lane_demand[boost] * 0.6).astype(int)
    return offers


def make_suppliers() -> pd.DataFrame:
    """The carriers as a table (tags ``;``-separated, attributes as ``attr.*`` columns)."""
    return pd.DataFrame(
        [
            {
                "id": c.id,
                "name": c.name,
                "country": c.country,
                "region": c.region,
                "tags": c.tags,
                "capacity": c.capacity,
                "fixed_cost": c.fixed_cost,
                "attr.on_time": c.on_time,
                "attr.risk": c.risk,
            }
            for c in CARRIERS
        ]
    )


def main() -> None:
    """Write the three tables."""
    rng = np.random.default_rng(SEED)
    lanes = make_lanes(rng)
    offers = make_offers(rng, lanes)
    items = lanes[["id", "demand", "unit", "baseline_price", "group"]]
    items.to_csv(HERE / "items.csv", index=False)
    make_suppliers().to_csv(HERE / "suppliers.csv", index=False)
    offers.to_csv(HERE / "offers.csv", index=False)


if __name__ == "__main__":
    main()
