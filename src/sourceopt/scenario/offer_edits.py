"""A variant's offer edits (format 1.1): ``exclude_offers``, then ``add_offers``.

``exclude_offers`` takes out every offer of a ``{supplier, item}`` or the offer with an id.
An added offer without an ``id`` replaces every offer of its (supplier, item); with the id of
an offer in force it replaces that offer; with a new id it is one more alternate. Edits apply
in the order written. Removed offers leave the tables (the tier table is renumbered); offers
of a supplier the variant excludes stay excluded (variants.py zeroes their capacity after).
"""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd

from sourceopt.errors import Problem, SourceoptError
from sourceopt.scenario.intake import _from_records
from sourceopt.scenario.landed import convert_added, currency_of_added
from sourceopt.scenario.model import Scenario
from sourceopt.scenario.schema import OfferPair, OfferRecord, Variant


def check_offer_edits(variant: Variant, scenario: Scenario, file: str, place: str) -> list[Problem]:
    """The suppliers, items and offer ids a variant's offer edits name exist."""
    problems: list[Problem] = []
    sups, items = set(scenario.suppliers["id"]), set(scenario.items["id"])
    ids = {str(i) for i in scenario.offer_ids() if i is not None}
    for k, entry in enumerate(variant.exclude_offers):
        where = f"{place}.exclude_offers[{k}]"
        if isinstance(entry, OfferPair):
            problems += _unknown(entry, sups, items, file, where)
        elif entry not in ids:
            known = ", ".join(sorted(ids)[:8]) or "none (no offer has an id)"
            message = f"unknown offer id {entry!r}; offer ids are: {known}"
            problems.append(Problem(file, where, message))
    rates = dict(scenario.exchange_rates) or {scenario.currency: 1.0}
    sup_code = {s: n for n, s in enumerate(scenario.suppliers["id"])}
    for k, record in enumerate(variant.add_offers):
        where = f"{place}.add_offers[{k}]"
        problems += _unknown(record, sups, items, file, where)
        if record.supplier in sup_code:
            code = currency_of_added(scenario, sup_code[record.supplier], record.currency)
            if code not in rates:
                message = (
                    f"no exchange rate for currency {code!r}; add it to exchange_rates "
                    f"(the value of one {code} in {scenario.currency})"
                )
                problems.append(Problem(file, f"{where}.currency", message))
        starts = [t.from_ for t in record.tiers]
        if any(b <= a for a, b in itertools.pairwise(starts)):
            problems.append(Problem(file, f"{where}.tiers", "tier thresholds must increase"))
    return problems


def _unknown(
    entry: OfferPair | OfferRecord, sups: set[str], items: set[str], file: str, where: str
) -> list[Problem]:
    out = []
    if entry.supplier not in sups:
        out.append(Problem(file, f"{where}.supplier", f"unknown supplier {entry.supplier!r}"))
    if entry.item not in items:
        out.append(Problem(file, f"{where}.item", f"unknown item {entry.item!r}"))
    return out


def apply_offer_edits(scenario: Scenario, variant: Variant) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The offers and tiers tables after the variant's exclude_offers and add_offers."""
    if not variant.exclude_offers and not variant.add_offers:
        return scenario.offers, scenario.tiers
    offers = scenario.offers
    sup_code = {s: n for n, s in enumerate(scenario.suppliers["id"])}
    item_code = {s: n for n, s in enumerate(scenario.items["id"])}
    sup, item = offers["supplier"].to_numpy(), offers["item"].to_numpy()
    ids = scenario.offer_ids()
    keep = np.ones(len(offers), dtype=bool)
    for entry in variant.exclude_offers:
        if isinstance(entry, OfferPair):
            keep &= ~((sup == sup_code[entry.supplier]) & (item == item_code[entry.item]))
        else:
            keep &= ids != entry
    added: list[OfferRecord] = []
    for record in variant.add_offers:
        s, i = sup_code[record.supplier], item_code[record.item]
        if record.id is None:
            keep &= ~((sup == s) & (item == i))
            added = [a for a in added if (a.supplier, a.item) != (record.supplier, record.item)]
        else:
            keep &= ids != record.id
            added = [a for a in added if a.id != record.id]
        added.append(record)
    return _tables(scenario, keep, added, sup_code, item_code)


def _tables(
    scenario: Scenario,
    keep: np.ndarray,
    added: list[OfferRecord],
    sup_code: dict[str, int],
    item_code: dict[str, int],
) -> tuple[pd.DataFrame, pd.DataFrame]:
    new_code = np.cumsum(keep) - 1
    tiers = scenario.tiers[keep[scenario.tiers["offer"].to_numpy()]].copy()
    tiers["offer"] = new_code[tiers["offer"].to_numpy()]
    kept = scenario.offers[keep]
    if not added:
        return kept.reset_index(drop=True), tiers.reset_index(drop=True)
    dumped = [r.model_dump(by_alias=True) for r in added]
    intake, _ = _from_records("offers", dumped, scenario.source)
    if intake is None:  # the Variant type validated these records already
        raise SourceoptError(f"added offers of variant could not be tabled: {dumped!r}")
    new = intake.frame.copy()
    new["supplier"] = [sup_code[r.supplier] for r in added]
    new["item"] = [item_code[r.item] for r in added]
    new["capacity"] = new["capacity"].fillna(np.inf)
    codes = [currency_of_added(scenario, sup_code[r.supplier], r.currency) for r in added]
    new, nested = convert_added(
        scenario, new, intake.nested_tiers[["offer", "from", "price"]], codes
    )
    nested["offer"] = nested["offer"].to_numpy() + int(keep.sum())
    out = pd.concat([kept, new], ignore_index=True)
    for col in out.columns:  # keep the kept table's dtypes where the new rows allow it
        if col in kept and kept[col].dtype.kind in "iuf" and out[col].dtype == object:
            out[col] = pd.to_numeric(out[col], errors="coerce")
    all_tiers = pd.concat([tiers, nested], ignore_index=True)
    return out, all_tiers.sort_values(["offer", "from"], kind="stable").reset_index(drop=True)
