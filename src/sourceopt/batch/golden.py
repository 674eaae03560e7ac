"""Golden awards: compare a batch's awards with those stored by an earlier run (``--expect``).

Results are matched by (scenario name, variant). A status change, a total cost that moved by
more than the tolerance (relative), or any (supplier, item) whose awarded units moved by more
than the tolerance (relative to the larger of the two, at least one unit) is drift.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sourceopt.batch.jobs import BatchError
from sourceopt.batch.store import read_index


@dataclass(frozen=True)
class Drift:
    """How one (scenario, variant) differs from its stored award."""

    scenario: str
    variant: str
    changes: tuple[str, ...]
    cost_change: float | None = None
    moves: tuple[dict[str, Any], ...] = ()


@dataclass
class GoldenReport:
    """The comparison of a batch with a stored one."""

    compared: int = 0
    drifts: list[Drift] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)  # "scenario/variant" with nothing stored

    def to_dict(self) -> dict[str, Any]:
        """Plain data, as written to ``golden.json``."""
        return {
            "compared": self.compared,
            "missing": self.missing,
            "drifts": [d.__dict__ | {"changes": list(d.changes)} for d in self.drifts],
        }


def load_expected(expect_dir: str | Path) -> dict[tuple[str, str], Path]:
    """The stored results of an earlier ``--out`` folder, by (scenario, variant)."""
    root = Path(expect_dir)
    entries = read_index(root)
    if not entries:
        raise BatchError(f"--expect {root}: no index.jsonl with results (an earlier --out folder)")
    found = {}
    for entry in entries.values():
        row = entry.get("row") or {}
        found[(str(row.get("scenario")), str(row.get("variant")))] = root / entry["result"]
    return found


def compare(
    expected: dict[tuple[str, str], Path],
    records: Iterable[dict[str, Any]],
    tolerance: float,
) -> GoldenReport:
    """Compare each record with its stored counterpart."""
    report = GoldenReport()
    for record in records:
        name = _name(record)
        path = expected.get(name)
        if path is None or not path.is_file():
            report.missing.append("/".join(name))
            continue
        report.compared += 1
        drift = compare_awards(json.loads(path.read_text()), record, tolerance)
        if drift is not None:
            report.drifts.append(drift)
    return report


def compare_awards(old: dict[str, Any], new: dict[str, Any], tolerance: float) -> Drift | None:
    """The drift from a stored record to a new one, or None if they agree within tolerance."""
    changes: list[str] = []
    if old.get("status") != new.get("status"):
        changes.append(f"status {old.get('status')} -> {new.get('status')}")
    cost_change = None
    a, b = old.get("total_cost"), new.get("total_cost")
    if a is not None and b is not None and abs(b - a) > tolerance * max(1.0, abs(a)):
        cost_change = b - a
        pct = f", {100 * cost_change / a:+.4g} %" if a else ""
        changes.append(f"total cost {a:,.6g} -> {b:,.6g} ({cost_change:+,.6g}{pct})")
    changes += _score_change(old, new, tolerance)
    moves = _moves(_units(old), _units(new), tolerance)
    if moves:
        changes.append(f"{len(moves)} allocation(s) moved")
    if not changes:
        return None
    return Drift(*_name(new), tuple(changes), cost_change, moves)


def _name(record: dict[str, Any]) -> tuple[str, str]:
    """(scenario, variant) of a result; a portfolio result is (its name, ``portfolio``)."""
    if "portfolio" in record and "scenario" not in record:
        return str(record.get("portfolio")), "portfolio"
    return str(record.get("scenario")), str(record.get("variant"))


def _score_change(old: dict[str, Any], new: dict[str, Any], tolerance: float) -> list[str]:
    """Format 1.1: a score that moved (or an objective that changed kind), in points."""
    kinds = (old.get("objective_kind"), new.get("objective_kind"))
    if "score" not in kinds:
        return []
    if kinds[0] != kinds[1]:
        return [f"objective kind {kinds[0] or 'total_cost'} -> {kinds[1] or 'total_cost'}"]
    a, b = old.get("objective"), new.get("objective")
    if a is None or b is None or abs(b - a) <= tolerance * max(1.0, abs(a)):
        return []
    return [f"score {a:,.6g} -> {b:,.6g} points ({b - a:+,.6g})"]


def _units(record: dict[str, Any], prefix: str = "") -> dict[tuple[str, str], float]:
    """Awarded units by (supplier, item); a portfolio's items as ``<category>/<item>``."""
    units: dict[tuple[str, str], float] = {}
    for row in record.get("allocations") or []:
        key = (str(row["supplier"]), prefix + str(row["item"]))
        units[key] = units.get(key, 0.0) + float(row["units"])
    for category in record.get("categories") or []:
        if isinstance(category, dict):
            units.update(_units(category, f"{category.get('scenario')}/"))
    return units


def _moves(
    old: dict[tuple[str, str], float], new: dict[tuple[str, str], float], tolerance: float
) -> tuple[dict[str, Any], ...]:
    moves = []
    for key in sorted(set(old) | set(new)):
        a, b = old.get(key, 0.0), new.get(key, 0.0)
        if abs(b - a) > tolerance * max(1.0, abs(a), abs(b)):
            moves.append({"supplier": key[0], "item": key[1], "units_from": a, "units_to": b})
    return tuple(moves)
