"""The usual script: a PuLP model of a generated scenario, written with loops over records.

This is how a sourcing analyst typically writes the model by hand: read the tables with pandas,
turn them into dicts, create one ``LpVariable`` per offer (and per tier segment, per awarded
supplier, per item-supplier indicator), and add constraints in Python loops. It covers the rules
the ``split-lp`` and ``award-mip`` generators emit, with the same mathematics as
models/README.md (same optimum), and serves as the baseline of the "front end" and
"formulation" comparisons. Hand-off = writing the MPS file CBC reads (what ``prob.solve`` does
first); ``solve`` runs CBC through PuLP.
"""

from __future__ import annotations

import tempfile
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

import pandas as pd
import pulp
import yaml


def _read(path: Path) -> tuple[dict[str, Any], dict[str, pd.DataFrame]]:
    doc = yaml.safe_load(path.read_text())
    tables = {
        key: pd.read_parquet(path.parent / doc[key]["file"])
        for key in ("items", "suppliers", "offers", "tiers")
        if key in doc
    }
    return doc, tables


def _suppliers_matching(sel: Any, suppliers: dict[str, dict[str, Any]]) -> set[str]:
    if sel in (None, "all"):
        return set(suppliers)
    if isinstance(sel, list):
        return set(sel)
    out = set()
    for sid, s in suppliers.items():
        tags = set(str(s["tags"]).split(";"))
        if "tags" in sel and not tags & set(sel["tags"]):
            continue
        if "country" in sel and s["country"] not in sel["country"]:
            continue
        out.add(sid)
    return out


def _items_matching(sel: Any, items: dict[str, dict[str, Any]]) -> list[str]:
    if sel in (None, "all"):
        return list(items)
    return [i for i, rec in items.items() if rec["group"] in sel["group"]]


class Model:
    """The PuLP model and the dicts it was built from."""

    def __init__(self, path: Path) -> None:
        doc, tables = _read(path)
        self.items = {r["id"]: r for r in tables["items"].to_dict("records")}
        self.suppliers = {r["id"]: r for r in tables["suppliers"].to_dict("records")}
        self.offers = {(r["supplier"], r["item"]): r for r in tables["offers"].to_dict("records")}
        self.tiers: dict[tuple[str, str], list[tuple[float, float]]] = defaultdict(list)
        if "tiers" in tables:
            for r in tables["tiers"].to_dict("records"):
                self.tiers[(r["supplier"], r["item"])].append((r["from"], r["price"]))
        self.prob = pulp.LpProblem(doc["name"].replace("-", "_"), pulp.LpMinimize)
        self.units: dict[tuple[str, str], Any] = {}
        self.spend: dict[tuple[str, str], Any] = {}
        self.cost: list[Any] = []
        self.awarded: dict[str, Any] = {}
        self._offer_vars()
        self._core()
        for k, rule in enumerate(doc.get("rules", [])):
            getattr(self, "_" + rule["type"])(rule, k)
        self.prob += pulp.lpSum(self.cost)

    def _offer_vars(self) -> None:
        for (s, i), o in self.offers.items():
            d = self.items[i]["demand"]
            cap = o.get("capacity")
            hi = d if cap is None or pd.isna(cap) else min(cap, d)
            tiers = sorted(self.tiers.get((s, i), []))
            if not tiers:
                x = pulp.LpVariable(f"x_{s}_{i}", 0, hi)
                self.units[s, i], self.spend[s, i] = x, o["price"] * x
                self.cost.append(o["price"] * x)
                continue
            segs = [(0.0, tiers[0][0], o["price"])]
            for k, (start, price) in enumerate(tiers):
                end = tiers[k + 1][0] if k + 1 < len(tiers) else hi
                segs.append((start, min(end, hi), price))
            parts, picks, spend = [], [], []
            for k, (lo, up, price) in enumerate(segs):
                if lo > up:
                    continue
                x = pulp.LpVariable(f"x_{s}_{i}_{k}", 0, up)
                y = pulp.LpVariable(f"y_{s}_{i}_{k}", cat="Binary")
                self.prob += x <= up * y
                self.prob += x >= lo * y
                parts.append(x)
                picks.append(y)
                spend.append(price * x)
            self.prob += pulp.lpSum(picks) <= 1
            self.units[s, i], self.spend[s, i] = pulp.lpSum(parts), pulp.lpSum(spend)
            self.cost.append(pulp.lpSum(spend))

    def _core(self) -> None:
        by_item: dict[str, list[Any]] = defaultdict(list)
        by_sup: dict[str, list[Any]] = defaultdict(list)
        for (s, i), x in self.units.items():
            by_item[i].append(x)
            by_sup[s].append(x)
        for i, rec in self.items.items():
            self.prob += pulp.lpSum(by_item[i]) == rec["demand"], f"demand_{i}"
        for s, rec in self.suppliers.items():
            cap = rec.get("capacity")
            fixed = rec.get("fixed_cost", 0.0) or 0.0
            min_u = rec.get("min_units", 0.0) or 0.0
            if fixed > 0 or min_u > 0:
                y = self.awarded[s] = pulp.LpVariable(f"open_{s}", cat="Binary")
                self.prob += pulp.lpSum(by_sup[s]) <= cap * y, f"capacity_{s}"
                self.prob += pulp.lpSum(by_sup[s]) >= max(min_u, 1.0) * y, f"minimum_{s}"
                self.cost.append(fixed * y)
            elif cap is not None and not pd.isna(cap):
                self.prob += pulp.lpSum(by_sup[s]) <= cap, f"capacity_{s}"

    def _measure(self, measure: str) -> dict[tuple[str, str], Any]:
        return self.spend if measure == "spend" else self.units

    def _max_share(self, rule: dict[str, Any], k: int) -> None:
        items = _items_matching(rule.get("items"), self.items)
        sups = _suppliers_matching(rule.get("suppliers"), self.suppliers)
        lim = rule["limit"]
        if rule.get("per", "item") == "item":
            for (s, i), x in self.units.items():
                if s in sups and i in items:
                    self.prob += x <= lim * self.items[i]["demand"]
            return
        total = sum(self.items[i]["demand"] for i in items)
        chosen = set(items)
        mine: dict[str, list[Any]] = defaultdict(list)
        for (s, i), x in self.units.items():
            if s in sups and i in chosen:
                mine[s].append(x)
        for s, xs in mine.items():
            self.prob += pulp.lpSum(xs) <= lim * total, f"share_{k}_{s}"

    def _group_share(self, rule: dict[str, Any], k: int) -> None:
        items = _items_matching(rule.get("items"), self.items)
        sups = _suppliers_matching(rule.get("suppliers"), self.suppliers)
        m = self._measure(rule.get("measure", "volume"))
        groups = [[i] for i in items] if rule.get("per", "category") == "item" else [items]
        by_item: dict[str, list[tuple[str, Any]]] = defaultdict(list)
        for (s, i), v in m.items():
            by_item[i].append((s, v))
        for g, its in enumerate(groups):
            pairs = [(s, v) for i in its for s, v in by_item[i]]
            own = pulp.lpSum(v for s, v in pairs if s in sups)
            if rule.get("measure", "volume") == "spend":
                whole = pulp.lpSum(v for _, v in pairs)
            else:
                whole = sum(self.items[i]["demand"] for i in its)
            if rule.get("min") is not None:
                self.prob += own >= rule["min"] * whole, f"group_min_{k}_{g}"
            if rule.get("max") is not None:
                self.prob += own <= rule["max"] * whole, f"group_max_{k}_{g}"

    def _average_attribute(self, rule: dict[str, Any], k: int) -> None:
        attr = "attr." + rule["attribute"]
        terms = [(self.suppliers[s][attr], x) for (s, i), x in self.units.items()]
        if rule.get("max") is not None:
            self.prob += pulp.lpSum((a - rule["max"]) * x for a, x in terms) <= 0, f"avg_max_{k}"
        if rule.get("min") is not None:
            self.prob += pulp.lpSum((a - rule["min"]) * x for a, x in terms) >= 0, f"avg_min_{k}"

    def _budget(self, rule: dict[str, Any], k: int) -> None:
        self.prob += pulp.lpSum(self.cost) <= rule["max"], f"budget_{k}"

    def _supplier_count(self, rule: dict[str, Any], k: int) -> None:
        items = _items_matching(rule.get("items"), self.items)
        if rule.get("per", "category") == "category":
            picks = [self.awarded[s] for s in self.suppliers]
            self.prob += pulp.lpSum(picks) >= rule.get("min", 0), f"count_{k}"
            return
        for i in items:
            ws = []
            for s in self.suppliers:
                if (s, i) in self.units:
                    w = pulp.LpVariable(f"w_{s}_{i}", cat="Binary")
                    self.prob += self.units[s, i] <= self.items[i]["demand"] * w
                    ws.append(w)
            self.prob += pulp.lpSum(ws) <= rule["max"], f"count_{k}_{i}"


def front_end(path: Path) -> tuple[Model, dict[str, float]]:
    """Read, model and hand off (write the MPS file CBC reads); seconds per step."""
    t0 = time.perf_counter()
    model = Model(path)
    t1 = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        model.prob.writeMPS(str(Path(tmp) / "model.mps"))
    t2 = time.perf_counter()
    return model, {"model": t1 - t0, "handoff": t2 - t1, "front_end": t2 - t0}


def solve(model: Model, *, mip_gap: float, time_limit: float) -> dict[str, Any]:
    """Solve with CBC (one thread); wall seconds of ``prob.solve`` and the outcome."""
    solver = pulp.PULP_CBC_CMD(msg=False, gapRel=mip_gap, timeLimit=time_limit, threads=1)
    start = time.perf_counter()
    model.prob.solve(solver)
    seconds = time.perf_counter() - start
    status = pulp.LpStatus[model.prob.status]
    value = pulp.value(model.prob.objective)
    return {"status": status, "objective": value, "seconds": seconds}
