"""Landed cost (format 1.1): currencies converted at load, adders, offer fixed costs.

Every money figure of a record (an offer's price, tier prices, adders and fixed cost; a
bundle's price) is written in the record's currency: its own ``currency``, else its
supplier's, else the scenario's. The loader converts it once into the scenario currency
with ``exchange_rates`` (value of one unit of the currency in the scenario currency), so the
formulation, the verifier and every analysis read one currency; the offers and bundles
tables keep ``currency`` and ``rate`` so that a figure can be given back in the record's own
money (price-to-win does). A currency without a rate is a problem naming its place.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from sourceopt.errors import Problem
from sourceopt.scenario.model import ADDERS_PREFIX, Scenario
from sourceopt.scenario.schema import MAX_MAGNITUDE, ScenarioHeader
from sourceopt.scenario.tables import RawTable

TIER_TYPES = ("all_units", "incremental")


def landed_unit_cost(scenario: Scenario) -> np.ndarray:
    """Per offer: its landed base unit cost in the scenario currency.

    The base ``price`` (not tiers) plus the sum of its adders, both already converted
    (price x rate + sum of adders x rate in the offer's own money).
    """
    return np.asarray(scenario.offers["price"].to_numpy(float) + scenario.offer_adders())


def rates_of(header: ScenarioHeader, file: str) -> tuple[dict[str, float], list[Problem]]:
    """The known rates: the scenario currency at 1, then ``exchange_rates``."""
    rates = {header.currency: 1.0}
    problems = []
    for code, value in header.exchange_rates.items():
        if code == header.currency and value != 1.0:
            problems.append(
                Problem(
                    file,
                    f"exchange_rates.{code}",
                    f"{code} is the scenario currency: its rate is 1, got {value:g} "
                    "(remove it, or change the scenario currency)",
                )
            )
        rates.setdefault(code, float(value))
    return rates, problems


def _codes(
    values: pd.Series, fallback: np.ndarray, rates: dict[str, float]
) -> tuple[np.ndarray, np.ndarray]:
    """Per row: its currency (own, else the fallback) and its rate (NaN: no rate)."""
    own = values.to_numpy(object) if len(values) else np.zeros(0, object)
    code = np.where(pd.isna(own), fallback, own).astype(object)
    rate = np.array([rates.get(str(c), np.nan) for c in code], dtype=float)
    return code, rate


def _no_rate(
    raw: RawTable, column: str, code: np.ndarray, rate: np.ndarray, rows: np.ndarray
) -> list[Problem]:
    return [
        Problem(
            raw.file,
            raw.place(int(r), column),
            f"no exchange rate for currency {code[r]!r}; add it to exchange_rates "
            f"(exchange_rates: {{{code[r]}: <value of one {code[r]} in the scenario currency>}})",
        )
        for r in rows[:10]
    ]


def convert_offers(
    offers: pd.DataFrame,
    tiers: pd.DataFrame,
    supplier_currency: np.ndarray,
    rates: dict[str, float],
    raw: tuple[RawTable, RawTable],
) -> tuple[pd.DataFrame, pd.DataFrame, list[Problem]]:
    """Offers and tiers with money in the scenario currency, ``currency`` and ``rate`` added.

    `raw` is (offers, suppliers) as read; the offers' table names the places. An offer whose
    supplier is unknown (reported elsewhere) takes the scenario currency.
    """
    off_raw = raw[0]
    sup = offers["supplier"].to_numpy()
    known = np.asarray(sup >= 0, bool)
    fallback: np.ndarray = np.where(known, supplier_currency[np.where(known, sup, 0)], "")
    column = offers["currency"] if "currency" in offers else pd.Series([None] * len(offers))
    code, rate = _codes(column, fallback, rates)
    own = ~pd.isna(column.to_numpy(object))
    missing = np.flatnonzero(np.isnan(rate) & own)
    problems = _no_rate(off_raw, "currency", code, rate, missing)
    kind = offers["tier_type"].to_numpy(object) if "tier_type" in offers else np.zeros(0)
    checked = off_raw.form != "records"  # records were checked by their type already
    bad = np.flatnonzero([checked and not pd.isna(k) and k not in TIER_TYPES for k in kind])
    problems += [
        Problem(
            off_raw.file,
            off_raw.place(int(r), "tier_type"),
            f"unknown tier_type {kind[r]!r}; expected all_units or incremental",
        )
        for r in bad[:10]
    ]
    rate = np.where(np.isnan(rate), 1.0, rate)
    out = offers.copy()
    out["price"] = out["price"].to_numpy(float) * rate
    out["fixed_cost"] = np.nan_to_num(out.get("fixed_cost", pd.Series(0.0, index=out.index)))
    out["fixed_cost"] = out["fixed_cost"].to_numpy(float) * rate
    out["tier_type"] = np.where(pd.isna(kind), "all_units", kind) if len(kind) else "all_units"
    for name in [c for c in out.columns if str(c).startswith(ADDERS_PREFIX)]:
        out[name] = np.nan_to_num(out[name].to_numpy(float)) * rate
    out["currency"], out["rate"] = code, rate
    problems += _too_large(out, off_raw)
    new_tiers = tiers.copy()
    if len(new_tiers):
        t_rate = rate[new_tiers["offer"].to_numpy()]
        new_tiers["price"] = new_tiers["price"].to_numpy(float) * t_rate
    return out, new_tiers, problems


def _too_large(offers: pd.DataFrame, raw: RawTable) -> list[Problem]:
    """Converted money beyond the format's largest magnitude (a rate times a large price)."""
    money = [
        "price",
        "fixed_cost",
        *(c for c in offers.columns if str(c).startswith(ADDERS_PREFIX)),
    ]
    problems = []
    for col in money:
        values = offers[col].to_numpy(float)
        for r in np.flatnonzero(values > MAX_MAGNITUDE)[:10]:
            problems.append(
                Problem(
                    raw.file,
                    raw.place(int(r), str(col)),
                    f"converted into the scenario currency it is {values[r]:g}, beyond "
                    f"{MAX_MAGNITUDE:g}; check the exchange rate of {offers['currency'].iat[r]}",
                )
            )
    return problems


def supplier_currencies(
    suppliers: pd.DataFrame, scenario_currency: str, rates: dict[str, float], raw: RawTable
) -> tuple[np.ndarray, list[Problem]]:
    """Per supplier: its currency (the scenario's if unset); a problem for one without rate."""
    column = (
        suppliers["currency"] if "currency" in suppliers else pd.Series([None] * len(suppliers))
    )
    fallback = np.full(len(suppliers), scenario_currency, dtype=object)
    code, rate = _codes(column, fallback, rates)
    return code, _no_rate(raw, "currency", code, rate, np.flatnonzero(np.isnan(rate)))


def convert_bundles(
    header: ScenarioHeader,
    bundles: pd.DataFrame,
    supplier_currency: np.ndarray,
    rates: dict[str, float],
    file: str,
) -> tuple[pd.DataFrame, list[Problem]]:
    """Bundles with prices in the scenario currency, ``currency`` and ``rate`` added."""
    problems = []
    codes, factors = [], []
    for b, bundle in enumerate(header.bundles):
        s = int(bundles["supplier"].to_numpy()[b])
        code = bundle.currency or (str(supplier_currency[s]) if s >= 0 else header.currency)
        rate = rates.get(code)
        if rate is None and bundle.currency is not None:
            problems.append(
                Problem(
                    file,
                    f"bundles[{b}].currency",
                    f"no exchange rate for currency {code!r}; add it to exchange_rates",
                )
            )
        codes.append(code)
        factors.append(rate or 1.0)
    out = bundles.copy()
    factor = np.array(factors, dtype=float)
    out["price"] = out["price"].to_numpy(float) * factor
    out["currency"] = pd.Series(codes, dtype=object)
    out["rate"] = factor
    return out, problems
