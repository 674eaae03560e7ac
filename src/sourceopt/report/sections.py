"""The report's sections as plain rows, read from the documents (see :mod:`.model`).

Keys of format 1.1 (``allocations[].current_units``, the result's ``items`` list,
``kpis.retained_pct``, ``cost.adders``) are used when a result carries them; until then the
per-item figures are derived from the allocations exactly as that ``items`` list defines them.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

Doc = Mapping[str, Any]
COST_KEYS = ("purchase", "bundles", "adders", "fixed", "rebates", "penalties")


def has_current(result: Doc, facts: Doc) -> bool:
    """Whether today's award is known (``kpis.retained_pct``, or items' ``current`` in the facts).

    Allocations carry ``current_units`` (0) even without a today's award, so they do not tell.
    """
    if (result.get("kpis") or {}).get("retained_pct") is not None:
        return True
    return any(item.get("current") for item in facts.get("items", []))


def summary(result: Doc, facts: Doc) -> dict[str, Any]:
    """The Summary section's fields."""
    kpis = result.get("kpis") or {}
    solver = result["solver"]
    verification = result.get("verification")
    cost = result.get("cost") or {}
    return {
        "scenario": str(result["scenario"]),
        "category": facts.get("category"),
        "variant": str(result["variant"]),
        "currency": str(facts.get("currency") or "USD"),
        "status": str(result["status"]),
        "proven_optimal": result["status"] == "optimal",
        "gap": solver.get("gap"),
        "bound": solver.get("bound"),
        "limit": solver.get("limit"),
        "backend": str(solver.get("backend", "")),
        "solve_seconds": float(solver.get("time_s", 0.0)),
        "objective": result.get("objective"),
        "total_cost": result.get("total_cost"),
        "baseline_cost": kpis.get("baseline_cost"),
        "savings": kpis.get("savings"),
        "savings_pct": kpis.get("savings_pct"),
        "cost": {k: float(cost[k]) for k in COST_KEYS if k in cost}
        | {f"adders.{n}": float(v) for n, v in (cost.get("adders_by_name") or {}).items()},
        "supplier_count": kpis.get("supplier_count"),
        "max_supplier_share": kpis.get("max_supplier_share"),
        "hhi": kpis.get("hhi"),
        "retained_pct": kpis.get("retained_pct"),
        "verified": None if verification is None else bool(verification["ok"]),
        "checks": 0 if verification is None else len(verification["checked"]),
        "problems": [] if verification is None else list(verification["problems"]),
        "conflict": [dict(c) for c in result.get("conflict") or []],
        "objective_kind": str(result.get("objective_kind") or "total_cost"),
        "input_sha256": str(result.get("input_sha256") or ""),
    }


def award(result: Doc, names: Mapping[str, str], known: bool = True) -> list[dict[str, Any]]:
    """One row per allocation, in the result's order (today's units blank unless `known`)."""
    return [
        {
            "supplier": str(a["supplier"]),
            "supplier_name": names.get(str(a["supplier"]), str(a["supplier"])),
            "item": str(a["item"]),
            "units": a["units"],
            "unit_price": a["unit_price"],
            "spend": a["spend"],
            "source": str(a["source"]),
            "current_units": a.get("current_units") if known else None,
        }
        for a in result.get("allocations", [])
    ]


def _item_entry(
    entry: Doc, demand: Mapping[str, float], units: Mapping[str, str]
) -> dict[str, Any]:
    item = entry.get("item")
    return {
        "item": item,
        "bundle": entry.get("bundle"),
        "demand": entry.get("demand", demand.get(item) if item is not None else None),
        "unit": units.get(item) if item is not None else None,
        "baseline_cost": entry.get("baseline_cost"),
        "cost": entry["cost"],
        "savings": entry.get("savings"),
        "savings_pct": entry.get("savings_pct"),
        "suppliers": list(entry.get("suppliers") or []),
        "current_units": entry.get("current_units"),
        "retained_units": entry.get("retained_units"),
    }


def _derived_items(result: Doc, facts: Doc) -> list[dict[str, Any]]:
    """Per-item figures as format 1.1's ``items`` defines them, from the allocations."""
    known = [str(i["id"]) for i in facts.get("items", [])]
    allocs = result.get("allocations", [])
    order = list(dict.fromkeys(known + [str(a["item"]) for a in allocs]))
    price = {str(i["id"]): i.get("baseline_price") for i in facts.get("items", [])}
    cost = dict.fromkeys(order, 0.0)
    units = dict.fromkeys(order, 0.0)
    sups: dict[str, list[str]] = {k: [] for k in order}
    bundles: dict[str, dict[str, Any]] = {}
    for a in allocs:
        item, sup = str(a["item"]), str(a["supplier"])
        if sup not in sups[item]:
            sups[item].append(sup)
        if a["source"] == "offer":
            cost[item] += float(a["spend"])
            units[item] += float(a["units"])
        else:
            entry = bundles.setdefault(
                str(a["source"]),
                {"item": None, "bundle": str(a["source"]), "cost": 0.0, "suppliers": [sup]},
            )
            entry["cost"] += float(a["spend"])
    out = []
    for item in order:
        base = None if price.get(item) is None else float(price[item]) * units[item]
        savings = None if base is None else base - cost[item]
        pct = None if base is None or base == 0 or savings is None else 100.0 * savings / base
        row: dict[str, Any] = {"item": item, "baseline_cost": base, "cost": cost[item]}
        out.append(row | {"savings": savings, "savings_pct": pct, "suppliers": sups[item]})
    return out + list(bundles.values())


def items(result: Doc, facts: Doc) -> list[dict[str, Any]]:
    """One row per item (and per accepted bundle): the result's ``items``, else derived.

    Today's and retained units are blank when today's award is not known.
    """
    if not result.get("allocations") and not result.get("items"):
        return []
    demand = {str(i["id"]): float(i["demand"]) for i in facts.get("items", [])}
    units = {str(i["id"]): i.get("unit") for i in facts.get("items", [])}
    entries = result.get("items")
    if entries is None:
        entries = _derived_items(result, facts)
    rows = [_item_entry(e, demand, units) for e in entries]
    if not has_current(result, facts):
        rows = [r | {"current_units": None, "retained_units": None} for r in rows]
    return rows


def _today(facts: Doc) -> dict[str, float]:
    """Units each supplier supplies today (the items' ``current`` maps)."""
    out: dict[str, float] = {}
    for item in facts.get("items", []):
        for sup, n in (item.get("current") or {}).items():
            out[str(sup)] = out.get(str(sup), 0.0) + float(n)
    return out


def _outcome(units: float, today: float) -> str:
    if today <= 0:
        return "new" if units > 0 else "none"
    if units <= 0:
        return "exits"
    return "gains" if units > today else "loses" if units < today else "keeps"


def suppliers(result: Doc, facts: Doc, names: Mapping[str, str]) -> list[dict[str, Any]]:
    """One row per awarded supplier; with today's award, also those that lose everything."""
    known = has_current(result, facts)
    today = _today(facts)
    rows = []
    for s in result.get("suppliers", []):
        sid = str(s["supplier"])
        now = today.get(sid, 0.0) if known else None
        rows.append(
            {
                "supplier": sid,
                "name": names.get(sid, sid),
                "units": s["units"],
                "spend": s["spend"],
                "share_of_spend": s["share_of_spend"],
                "items": list(s["items"]),
                "current_units": now,
                "outcome": None if now is None else _outcome(float(s["units"]), now),
            }
        )
    awarded = {r["supplier"] for r in rows}
    if known and result.get("allocations"):
        for sid, now in today.items():
            if sid not in awarded and now > 0:
                rows.append(
                    {"supplier": sid, "name": names.get(sid, sid), "units": 0.0, "spend": 0.0}
                    | {"share_of_spend": 0.0, "items": [], "current_units": now}
                    | {"outcome": "exits"}
                )
    return rows


def rules(result: Doc, costs: Doc | None) -> list[dict[str, Any]]:
    """One row per rule in force, with the ``rules`` analysis's entry when given."""
    priced = {str(r["name"]): r for r in (costs or {}).get("rules", [])}
    out = []
    for r in result.get("rules", []):
        row = {k: r.get(k) for k in ("name", "type", "origin", "value", "bound", "group")}
        row |= {"soft": bool(r["soft"]), "binding": bool(r["binding"])}
        row["violation"] = float(r["violation"])
        cost = priced.get(str(r["name"]))
        if cost is not None:
            keys = ("objective_without", "rule_cost", "rule_cost_pct", "status_without", "dual")
            row |= {k: cost.get(k) for k in keys} | {"note": str(cost.get("note") or "")}
        out.append(row)
    return out


def scenario_row(doc: Doc) -> dict[str, Any]:
    """A variant's ``compare`` entry (docs/results.md) from its result document."""
    k = doc.get("kpis") or {}
    verification = doc.get("verification")
    return {
        "variant": str(doc["variant"]),
        "status": str(doc["status"]),
        "objective": doc.get("objective"),
        "total_cost": doc.get("total_cost"),
        "savings": k.get("savings"),
        "savings_pct": k.get("savings_pct"),
        "supplier_count": k.get("supplier_count"),
        "max_supplier_share": k.get("max_supplier_share"),
        "hhi": k.get("hhi"),
        "group_shares": dict(k.get("group_shares") or {}),
        "gap": doc["solver"].get("gap"),
        "verified": None if verification is None else bool(verification["ok"]),
        "objective_kind": str(doc.get("objective_kind") or "total_cost"),
    }


def bids(result: Doc, facts: Doc, names: Mapping[str, str]) -> list[dict[str, Any]]:
    """Every offer as received (the facts), with the units and price it won."""
    won: dict[tuple[str, str], tuple[float, float]] = {}
    for a in result.get("allocations", []):
        if a["source"] == "offer":
            key = (str(a.get("offer") or a["supplier"]), str(a["item"]))
            won[key] = (float(a["units"]), float(a["unit_price"]))
    rows = []
    for o in facts.get("offers", []):
        sup = str(o["supplier"])
        units, price = won.get((str(o.get("id") or sup), str(o["item"])), (0.0, None))
        rows.append(
            {"supplier": sup, "supplier_name": names.get(sup, sup), "item": str(o["item"])}
            | {"price": float(o["price"]), "tiers": list(o.get("tiers") or [])}
            | {"capacity": o.get("capacity"), "min_units": float(o.get("min_units") or 0.0)}
            | {"awarded_units": units, "awarded_price": price}
            | {
                "adders": float(o.get("adders") or 0.0),
                "fixed_cost": float(o.get("fixed_cost") or 0.0),
            }
        )
    return rows


def notes(result: Doc) -> list[str]:
    """Footnotes the report prints (how the per-item figures are counted, failures)."""
    out = []
    if result.get("allocations"):
        out.append(
            "Item cost is the item's offer units at landed unit cost (the unit price plus any "
            "adders); baseline cost is its baseline price times those units. Bundles are listed "
            "on their own; fixed costs and rebates are in the total cost only."
        )
    verification = result.get("verification")
    if verification is not None and not verification["ok"]:
        out.append(
            "The award FAILED independent verification: " + "; ".join(verification["problems"])
        )
    return out
