"""Seeded scenario generators for the benchmark families.

``scenario_dict(family, n_offers, seed)`` returns the scenario structure of docs/format.md
with its tables inline as ``{columns: {...}}``; ``write_scenario`` writes the same scenario as a
YAML file with Parquet tables. Every scenario is feasible by construction: the generator first
fixes a *reference award* (demand split evenly over allowed offers) and then sets capacities and
rule bounds with slack around it, so that the reference award satisfies every rule.

Families (shapes grow with ``n_offers``):

- ``split-lp``: every pair offered, no binaries: supplier and offer capacities, max share per
  item and per category, group shares (small businesses, one country, ISO-certified per item),
  attribute averages (risk, quality) and a budget. 1,000,000 offers = 5,000 items x 200.
- ``award-mip``: fixed costs, supplier minimums, supplier counts (per category and per item on
  one item group), volume tiers on 15 % of the offers. 10,000 offers = 200 items x 50.
- ``freight-loads``: truckload lanes in whole loads (format 1.1 ``lot_size: 1`` on every
  lane), a third of the carriers bid each lane with a lane capacity; carrier network
  capacities, at most 3 carriers and at most 60 % of the loads per lane, a regional cap per
  carrier (``total`` over each item group). 100,000 offers = 5,000 lanes x 60 carriers.
- ``coupa-scale``: 6,000 items x 300 suppliers at 1,080,000 offers, 60 % of the pairs offered,
  400 rules of mixed types over 60 item groups (smaller sizes scale the shape and rule count).
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from benchmarks.draft import ITEMS_PER_GROUP, Draft


def _up(value: float, digits: int = 3) -> float:
    return math.ceil(value * 10**digits) / 10**digits


def _down(value: float, digits: int = 3) -> float:
    return math.floor(value * 10**digits) / 10**digits


def _split_lp(d: Draft) -> tuple[dict[str, pd.DataFrame], list[dict[str, Any]]]:
    d.reference()
    sup_cap = np.ceil(1.3 * d.load()) + 1.0
    offer_cap = np.maximum(
        np.ceil(2 * d.x), np.round(d.demand[d.item] * d.rng.uniform(0.4, 1.0, len(d.item)))
    )
    g1 = d.groups == 1 % d.n_groups
    first = np.flatnonzero(g1)[:50]
    iso = min(d.share(d.iso, "volume", np.arange(d.n_items) == i) for i in first)
    spend_share = d.load("spend") / d.load("spend").sum()
    rules: list[dict[str, Any]] = [
        {"type": "max_share", "name": "max-60pct-per-item", "limit": 0.6},
        {
            "type": "max_share",
            "name": "max-spend-share",
            "limit": min(1.0, _up(1.5 * spend_share.max())),
            "per": "category",
            "measure": "volume",
        },
        {
            "type": "group_share",
            "name": "small-business-setaside",
            "suppliers": {"tags": ["small_business"]},
            "min": _down(0.8 * d.share(d.small, "volume")),
        },
        {
            "type": "group_share",
            "name": "us-spend-cap",
            "suppliers": {"country": ["US"]},
            "max": min(1.0, _up(1.1 * d.share(d.country == "US", "spend"))),
            "measure": "spend",
        },
        {
            "type": "group_share",
            "name": "iso-per-item-g1",
            "suppliers": {"tags": ["iso9001"]},
            "items": d.group_sel(1 % d.n_groups),
            "per": "item",
            "min": _down(0.9 * iso),
        },
        {"type": "average_attribute", "attribute": "risk", "max": _up(d.average(d.risk) + 0.02)},
        {
            "type": "average_attribute",
            "attribute": "quality",
            "min": _down(d.average(d.quality) - 0.005),
        },
        {"type": "budget", "name": "budget", "max": _up(d.cost(), 0)},
    ]
    return d.frames(sup_cap, offer_cap), rules


def _award_mip(d: Draft) -> tuple[dict[str, pd.DataFrame], list[dict[str, Any]]]:
    d.reference(per_item=3)
    load = d.load()
    mean = float(load.mean())
    sup_cap = np.round(np.maximum(load, mean) * d.rng.uniform(1.5, 3.0, d.n_sup))
    min_units = np.round(0.3 * np.where(load > 0, np.minimum(load, sup_cap), sup_cap))
    spend_per_sup = d.cost() / d.n_sup
    fixed = np.round(0.05 * spend_per_sup * d.rng.uniform(0.5, 1.5, d.n_sup), 0)
    frames = d.frames(sup_cap, np.full(len(d.item), np.nan))
    frames["offers"] = frames["offers"].drop(columns="capacity")
    frames["suppliers"]["fixed_cost"] = fixed
    frames["suppliers"]["min_units"] = min_units
    frames["tiers"] = _tiers(d)
    rules: list[dict[str, Any]] = [
        {"type": "max_share", "name": "dual-source", "limit": 0.7},
        {"type": "supplier_count", "name": "at-least-3", "min": 3},
        {
            "type": "supplier_count",
            "name": "g0-max-3-per-item",
            "items": d.group_sel(0),
            "per": "item",
            "max": 3,
        },
    ]
    return frames, rules


def _tiers(d: Draft) -> pd.DataFrame:
    """Volume tiers on 15 % of the offers (two tiers on half of those)."""
    pick = np.flatnonzero(d.rng.random(len(d.item)) < 0.15)
    two = pick[d.rng.random(len(pick)) < 0.5]
    dem = d.demand[d.item]
    rows = [
        (pick, np.round(0.25 * dem[pick]), np.round(0.97 * d.price[pick], 2)),
        (two, np.round(0.5 * dem[two]), np.round(0.94 * d.price[two], 2)),
    ]
    frame = pd.DataFrame(
        {
            "supplier": np.concatenate([d.sup_ids[d.sup[p]] for p, _, _ in rows]),
            "item": np.concatenate([d.item_ids[d.item[p]] for p, _, _ in rows]),
            "from": np.concatenate([np.maximum(f, 1.0) for _, f, _ in rows]),
            "price": np.concatenate([p for _, _, p in rows]),
        }
    )
    return frame.sort_values(["supplier", "item", "from"], kind="stable").reset_index(drop=True)


def _coupa(d: Draft) -> tuple[dict[str, pd.DataFrame], list[dict[str, Any]]]:
    n_g = d.n_groups
    structural = _coupa_structural(d, n_g)
    d.reference()
    sup_cap = np.ceil(1.3 * d.load()) + 1.0
    offer_cap = np.maximum(np.ceil(2 * d.x), np.round(d.demand[d.item] * 0.8))
    rules: list[dict[str, Any]] = []
    us = d.country == "US"
    for g in range(n_g):
        on = d.groups == g
        sel = d.group_sel(g)
        vol = d.load("volume", on[d.item])
        rules += [
            {
                "type": "max_share",
                "items": sel,
                "per": "category",
                "limit": min(1.0, _up(1.5 * vol.max() / vol.sum())),
            },
            {
                "type": "group_share",
                "suppliers": {"tags": ["small_business"]},
                "items": sel,
                "min": _down(0.8 * d.share(d.small, "volume", on)),
            },
            {
                "type": "average_attribute",
                "attribute": "risk",
                "items": sel,
                "max": _up(d.average(d.risk, on) + 0.01),
            },
            {"type": "supplier_count", "items": sel, "min": 2},
            {
                "type": "group_share",
                "suppliers": {"country": ["US"]},
                "items": sel,
                "measure": "spend",
                "max": min(1.0, _up(1.1 * d.share(us, "spend", on))),
            },
        ]
    rules += structural + _coupa_locks(d, (2 * n_g) // 3)
    rules.append({"type": "budget", "max": _up(d.cost(), 0)})
    return d.frames(sup_cap, offer_cap), rules


def _coupa_structural(d: Draft, n_g: int) -> list[dict[str, Any]]:
    """Exclusions and lot caps; they shape the allowed offers of the reference award."""
    rules: list[dict[str, Any]] = []
    for k in range((2 * n_g) // 3):
        g = k % n_g
        banned = d.rng.choice(d.n_sup, 2, replace=False)
        d.allowed &= ~(np.isin(d.sup, banned) & (d.groups[d.item] == g))
        rules.append(
            {"type": "exclude", "suppliers": d.sup_ids[banned].tolist(), "items": d.group_sel(g)}
        )
    for k in range(n_g // 3):
        g = (3 * k + 1) % n_g
        capped = d.rng.choice(d.n_sup, 5, replace=False)
        cap = ITEMS_PER_GROUP // 4
        for s in capped:
            mine = np.flatnonzero((d.sup == s) & (d.groups[d.item] == g) & d.allowed)
            d.allowed[mine[cap:]] = False
        rules.append(
            {
                "type": "max_items_per_supplier",
                "suppliers": d.sup_ids[capped].tolist(),
                "items": d.group_sel(g),
                "max": cap,
            }
        )
    return rules


def _coupa_locks(d: Draft, n: int) -> list[dict[str, Any]]:
    """Manual award locks around the reference award."""
    pick = d.rng.choice(np.flatnonzero(d.x > 0), n, replace=False)
    rules: list[dict[str, Any]] = []
    for k, p in enumerate(pick):
        rule: dict[str, Any] = {
            "type": "award",
            "supplier": str(d.sup_ids[d.sup[p]]),
            "item": str(d.item_ids[d.item[p]]),
            "max_units": _up(2 * d.x[p], 0),
        }
        if k % 2 == 0:
            rule["min_units"] = _down(0.5 * d.x[p], 0)
        rules.append(rule)
    return rules


def _freight_loads(d: Draft) -> tuple[dict[str, pd.DataFrame], list[dict[str, Any]]]:
    """Whole loads: demands of 3k loads, so the reference award (3 carriers a lane) is whole."""
    d.demand = 3.0 * np.ceil(d.demand / 30.0)  # 6 to 102 loads a lane
    d.reference(per_item=3)
    sup_cap = np.ceil(1.25 * d.load()) + 1.0
    offer_cap = np.maximum(
        np.ceil(1.5 * d.x), np.ceil(d.demand[d.item] * d.rng.uniform(0.3, 0.8, len(d.item)))
    )
    frames = d.frames(sup_cap, offer_cap)
    frames["items"]["lot_size"] = 1.0
    rules: list[dict[str, Any]] = [
        {"type": "max_share", "name": "max-60pct-per-lane", "limit": 0.6},
        {"type": "supplier_count", "name": "max-3-per-lane", "max": 3, "per": "item"},
    ]
    for g in range(d.n_groups):
        on = d.groups[d.item] == g
        most = float(d.load(mask=on).max())
        cap = math.ceil(1.1 * most) + 1
        rules.append(
            {"type": "total", "name": f"region-cap-G{g:02d}", "items": d.group_sel(g), "max": cap}
        )
    return frames, rules


_BUILDERS = {
    "split-lp": _split_lp,
    "award-mip": _award_mip,
    "coupa-scale": _coupa,
    "freight-loads": _freight_loads,
}


def scenario_tables(
    family: str, n_offers: int, seed: int = 0
) -> tuple[dict[str, Any], dict[str, pd.DataFrame]]:
    """The scenario's header (everything but tables) and its tables as DataFrames."""
    draft = Draft(family, n_offers, seed)
    frames, rules = _BUILDERS[family](draft)
    header: dict[str, Any] = {
        "sourceopt": 1,
        "name": f"{family}-{n_offers}-s{seed}",
        "category": f"benchmark {family}",
        "rules": rules,
        "solver": {"time_limit": 600},
    }
    return header, frames


def scenario_dict(family: str, n_offers: int, seed: int = 0) -> dict[str, Any]:
    """The scenario as a dict (docs/format.md), tables inline as ``{columns: {...}}``."""
    header, frames = scenario_tables(family, n_offers, seed)
    tables = {
        key: {"columns": {c: frame[c].tolist() for c in frame.columns}}
        for key, frame in frames.items()
    }
    return {**header, **tables}


def _no_alias_dumper() -> type:
    import yaml

    class NoAliases(yaml.SafeDumper):
        def ignore_aliases(self, data: Any) -> bool:
            return True

    return NoAliases


def write_scenario(family: str, n_offers: int, folder: Path, seed: int = 0) -> Path:
    """Write the scenario as ``<folder>/<name>.yaml`` plus Parquet tables; return the YAML path."""
    import yaml

    dumper = _no_alias_dumper()
    header, frames = scenario_tables(family, n_offers, seed)
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    name = header["name"]
    doc = dict(header)
    for key, frame in frames.items():
        file = f"{name}.{key}.parquet"
        frame.to_parquet(folder / file, index=False)
        doc[key] = {"file": file}
    path = folder / f"{name}.yaml"
    path.write_text(yaml.dump(doc, Dumper=dumper, sort_keys=False))
    return path
