"""The difference between two solved variants: allocations that moved, and why the cost changed.

The objective change B - A is split into a *price effect* (A's award priced with B's prices
minus A's own total cost: the same units, the new prices) and a *rule effect* (the rest: the
award moved because rules, demand or availability changed, or because new prices made another
award cheaper). See models/README.md, "Variants side by side". When either variant
maximises a score (format 1.1) the split is of the total-cost change instead, and the
objective change is given only when both objectives are of one kind (a score minus a cost
means nothing).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from sourceopt.award import Award
from sourceopt.result import SolveResult
from sourceopt.scenario.model import Scenario
from sourceopt.verify import verify

UNITS_TOLERANCE = 1e-6


@dataclass(frozen=True)
class VariantDiff:
    """What changed from variant ``a`` to variant ``b``.

    ``moves``: supplier, item, units_from, units_to (every pair whose units differ);
    ``suppliers``: units and spend per supplier in both; the objective change and its split.
    """

    a: str
    b: str
    objective_change: float | None
    price_effect: float | None
    rule_effect: float | None
    moves: pd.DataFrame
    suppliers: pd.DataFrame
    objective_kind: str | None = None  # both objectives' kind; None if they differ

    def to_dict(self) -> dict[str, Any]:
        """The ``compare --diff`` JSON of docs/results.md, with two added keys.

        ``price_effect`` and ``rule_effect`` split the objective change (models/README.md);
        ``objective_kind: score`` (format 1.1, present only when both variants maximise a score)
        says the change is in points (the split is then of total cost, in money).
        """
        kind = {"objective_kind": "score"} if self.objective_kind == "score" else {}
        return {
            "from": self.a,
            "to": self.b,
            **kind,
            "objective_change": self.objective_change,
            "price_effect": self.price_effect,
            "rule_effect": self.rule_effect,
            "moves": [
                {
                    "supplier": str(s),
                    "item": str(i),
                    "units_from": float(f),
                    "units_to": float(t),
                }
                for s, i, f, t in zip(
                    self.moves["supplier"],
                    self.moves["item"],
                    self.moves["units_from"].to_numpy(float),
                    self.moves["units_to"].to_numpy(float),
                    strict=True,
                )
            ],
        }


def _by(result: SolveResult, keys: list[str]) -> pd.DataFrame:
    alloc = result.allocations
    return alloc.groupby(keys, sort=False)[["units", "spend"]].sum()


def _both(a: SolveResult, b: SolveResult, keys: list[str]) -> pd.DataFrame:
    """Units and spend per key in A and in B (``*_from``, ``*_to``; 0 where absent)."""
    both = pd.merge(
        _by(a, keys),
        _by(b, keys),
        how="outer",
        left_index=True,
        right_index=True,
        suffixes=("_from", "_to"),
    )
    return both.fillna(0.0).reset_index()


def diff_results(
    scenario_a: Scenario, scenario_b: Scenario, a: SolveResult, b: SolveResult
) -> VariantDiff:
    """Compare two verified results of variants of one scenario (see the module)."""
    pairs = _both(a, b, ["supplier", "item"])
    delta = pairs["units_to"].to_numpy(float) - pairs["units_from"].to_numpy(float)
    moved = np.abs(delta) > UNITS_TOLERANCE
    order = _file_order(scenario_a, pairs)
    moves = pairs.loc[moved].assign(_o=order[moved]).sort_values("_o")
    moves = moves[["supplier", "item", "units_from", "units_to"]].reset_index(drop=True)
    sups = _both(a, b, ["supplier"])
    s_pos = {s: k for k, s in enumerate(scenario_a.suppliers["id"])}
    sups = sups.assign(_o=sups["supplier"].map(s_pos)).sort_values("_o", kind="stable")
    sups["spend_change"] = sups["spend_to"] - sups["spend_from"]
    sups = sups[["supplier", "units_from", "units_to", "spend_from", "spend_to", "spend_change"]]
    sups = sups.reset_index(drop=True)
    change = price = rule = kind = None
    if a.has_award and b.has_award:
        kinds = (a.document.objective_kind, b.document.objective_kind)
        kind = kinds[0] if kinds[0] == kinds[1] else None
        # a score minus a cost means nothing: no change then; a score's split is of total cost
        change = b.objective - a.objective if kinds[0] == kinds[1] else None
        price = _priced_at(scenario_a, scenario_b, a) - a.total_cost
        moved = change if kinds == ("total_cost", "total_cost") else b.total_cost - a.total_cost
        rule = None if moved is None else moved - price
    return VariantDiff(
        scenario_a.variant, scenario_b.variant, change, price, rule, moves, sups, kind
    )


def _file_order(scenario: Scenario, pairs: pd.DataFrame) -> np.ndarray:
    """Sort key: supplier then item, in the scenario's file order."""
    s_pos = {s: k for k, s in enumerate(scenario.suppliers["id"])}
    i_pos = {i: k for k, i in enumerate(scenario.items["id"])}
    s = pairs["supplier"].map(s_pos).to_numpy(float)
    i = pairs["item"].map(i_pos).to_numpy(float)
    return np.asarray(s * (len(i_pos) + 1) + i)


def _offer_positions(scenario: Scenario, by_offer: pd.DataFrame) -> np.ndarray:
    """Row of each offer allocation's offer in `scenario` (-1: the scenario has no such offer).

    An offer is its (supplier, item, id), "" for no id (alternates each have one).
    """
    offers = scenario.offers
    sup_ids = scenario.suppliers["id"].to_numpy(dtype=object)
    item_ids = scenario.items["id"].to_numpy(dtype=object)
    keys = pd.Series(
        np.arange(len(offers)),
        index=pd.MultiIndex.from_arrays(
            [
                sup_ids[offers["supplier"].to_numpy()],
                item_ids[offers["item"].to_numpy()],
                pd.Series(scenario.offer_ids(), dtype=object).fillna(""),
            ]
        ),
    )
    ids = by_offer["offer"] if "offer" in by_offer else pd.Series([None] * len(by_offer))
    idx = pd.MultiIndex.from_arrays(
        [by_offer["supplier"], by_offer["item"], ids.astype(object).fillna("").to_numpy()]
    )
    return np.asarray(keys.reindex(idx).fillna(-1).to_numpy(), dtype=np.int64)


def award_of(scenario: Scenario, result: SolveResult) -> Award:
    """The result's award as units per offer and accepted bundles of `scenario`.

    Units through an offer `scenario` does not have (a variant took it out) are left out.
    """
    alloc = result.allocations
    by_offer = alloc[alloc["source"] == "offer"]
    units = np.zeros(scenario.n_offers)
    if len(by_offer):
        pos = _offer_positions(scenario, by_offer)
        units[pos[pos >= 0]] = by_offer["units"].to_numpy(float)[pos >= 0]
    taken = set(alloc.loc[alloc["source"] != "offer", "source"])
    bundles = scenario.bundles["id"].isin(taken).to_numpy()
    return Award(units, bundles)


def _priced_at(scenario_a: Scenario, scenario_b: Scenario, a: SolveResult) -> float:
    """Total cost of A's award at B's prices.

    Bundles and offers that B no longer has keep A's price.
    """
    check = verify(scenario_b, award_of(scenario_b, a))
    b_ids = set(scenario_b.bundles["id"])
    alloc = a.allocations
    gone = alloc[(alloc["source"] != "offer") & ~alloc["source"].isin(b_ids)]
    by_offer = alloc[alloc["source"] == "offer"]
    lost = by_offer[_offer_positions(scenario_b, by_offer) < 0] if len(by_offer) else by_offer
    return float(check.cost.total_cost + gone["spend"].sum() + lost["spend"].sum())
