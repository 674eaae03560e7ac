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


def _offer_currencies(
    column: pd.Series | None, supplier: np.ndarray, supplier_currency: np.ndarray, default: str
) -> tuple[pd.Categorical, np.ndarray]:
    """Per offer: its currency (own, else its supplier's, else `default`) and whether own.

    Vectorised over the few distinct codes: no Python step per offer.
    """
    sup_codes, names_list = pd.factorize(pd.Series(supplier_currency, dtype=object))
    names = [str(n) for n in names_list]
    if default not in names:
        names.append(default)
    sup_idx = np.append(sup_codes, names.index(default))  # index -1: an unknown supplier
    idx = sup_idx[np.where(supplier >= 0, supplier, -1)]
    own = np.zeros(len(supplier), dtype=bool)
    if column is not None and len(column):
        own_codes, own_names = pd.factorize(column)
        own = own_codes >= 0
        extra = [str(n) for n in own_names if str(n) not in names]
        names += extra
        remap = np.array([names.index(str(n)) for n in own_names], dtype=np.int64)
        idx = np.where(own, remap[np.maximum(own_codes, 0)] if len(remap) else idx, idx)
    return pd.Categorical.from_codes(idx, categories=pd.Index(names, dtype=object)), own


def _bad_tier_types(offers: pd.DataFrame, raw: RawTable) -> list[Problem]:
    """Tier_type cells of a table that are neither all_units nor incremental.

    Records were checked by their type already.
    """
    if "tier_type" not in offers or raw.form == "records":
        return []
    kind = offers["tier_type"]
    bad = np.flatnonzero((kind.notna() & ~kind.isin(TIER_TYPES)).to_numpy())
    return [
        Problem(
            raw.file,
            raw.place(int(r), "tier_type"),
            f"unknown tier_type {kind.iat[r]!r}; expected all_units or incremental",
        )
        for r in bad[:10]
    ]


def _no_rate(raw: RawTable, column: str, code: np.ndarray, rows: np.ndarray) -> list[Problem]:
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
    column = offers.get("currency")
    default = next(iter(rates))  # the scenario currency (rates_of puts it first)
    code, own = _offer_currencies(column, sup, supplier_currency, default)
    by_name = np.array([rates.get(str(c), np.nan) for c in code.categories], dtype=float)
    rate = by_name[code.codes]
    missing = np.flatnonzero(np.isnan(rate) & own)
    problems = _no_rate(off_raw, "currency", np.asarray(code, dtype=object), missing)
    problems += _bad_tier_types(offers, off_raw)
    rate = np.where(np.isnan(rate), 1.0, rate)
    out = offers.copy(deep=False)
    out["price"] = out["price"].to_numpy(float) * rate
    fixed = out["fixed_cost"].to_numpy(float) if "fixed_cost" in out else np.zeros(len(out))
    out["fixed_cost"] = np.nan_to_num(fixed) * rate
    kind = out["tier_type"] if "tier_type" in out else pd.Series(np.nan, index=out.index)
    out["tier_type"] = pd.Categorical(kind.astype(object).where(kind.notna(), "all_units"))
    for name in [c for c in out.columns if str(c).startswith(ADDERS_PREFIX)]:
        out[name] = np.nan_to_num(out[name].to_numpy(float)) * rate
    out["currency"], out["rate"] = code, rate
    problems += _too_large(out, off_raw)
    new_tiers = tiers.copy()
    if len(new_tiers):
        t_rate = rate[new_tiers["offer"].to_numpy()]
        new_tiers["price"] = new_tiers["price"].to_numpy(float) * t_rate
        problems += _tiers_too_large(new_tiers, out, off_raw)
    return out, new_tiers, problems


def _tiers_too_large(tiers: pd.DataFrame, offers: pd.DataFrame, raw: RawTable) -> list[Problem]:
    """Converted tier prices beyond the format's largest magnitude, placed at their offer."""
    price = tiers["price"].to_numpy(float)
    offer = tiers["offer"].to_numpy()
    start = tiers["from"].to_numpy(float)
    return [
        Problem(
            raw.file,
            raw.place(int(offer[r]), "tiers"),
            f"the price of the tier from {start[r]:g} converted into the scenario currency is "
            f"{price[r]:g}, beyond {MAX_MAGNITUDE:g}; check the exchange rate of "
            f"{offers['currency'].iat[int(offer[r])]}",
        )
        for r in np.flatnonzero(price > MAX_MAGNITUDE)[:10]
    ]


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
    given = suppliers["currency"] if "currency" in suppliers else pd.Series([None] * len(suppliers))
    code = given.astype(object).where(given.notna(), scenario_currency).to_numpy(object)
    rate = np.array([rates.get(str(c), np.nan) for c in code], dtype=float)
    return code, _no_rate(raw, "currency", code, np.flatnonzero(np.isnan(rate)))


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
    problems += [
        Problem(
            file,
            f"bundles[{b}].price",
            f"converted into the scenario currency it is {out['price'].iat[b]:g}, beyond "
            f"{MAX_MAGNITUDE:g}; check the exchange rate of {codes[b]}",
        )
        for b in np.flatnonzero(out["price"].to_numpy(float) > MAX_MAGNITUDE)[:10]
    ]
    out["currency"] = pd.Series(codes, dtype=object)
    out["rate"] = factor
    return out, problems


def in_own_currency(scenario: Scenario) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The offers and tiers with their money back in each offer's own currency.

    The inverse of the conversion at load (price, fixed cost and adders, tier prices divided
    by the offer's rate): what a table written back out (a workbook template) must hold next
    to its ``currency`` column.
    """
    offers, tiers = scenario.offers.copy(deep=False), scenario.tiers.copy(deep=False)
    if "rate" not in offers:
        return offers, tiers
    rate = offers["rate"].to_numpy(float)
    money = [
        "price",
        "fixed_cost",
        *(c for c in offers.columns if str(c).startswith(ADDERS_PREFIX)),
    ]
    for col in money:
        offers[col] = offers[col].to_numpy(float) / rate
    if len(tiers):
        tiers["price"] = tiers["price"].to_numpy(float) / rate[tiers["offer"].to_numpy()]
    return offers, tiers


def currency_of_added(scenario: Scenario, supplier: int, currency: str | None) -> str:
    """An added offer's currency: its own, else its supplier's, else the scenario's."""
    if currency:
        return currency
    given = scenario.suppliers.get("currency")
    value = None if given is None else given.to_numpy(object)[supplier]
    return str(value) if isinstance(value, str) and value else scenario.currency


def convert_added(
    scenario: Scenario, offers: pd.DataFrame, tiers: pd.DataFrame, codes: list[str]
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Offers a variant adds (and their tiers, ``offer`` = row in `offers`) in the scenario money.

    `codes` is each added offer's currency (:func:`currency_of_added`, checked at load to have
    a rate): price, tier prices, adders and fixed cost times its rate, as the loader converts
    the scenario's own offers.
    """
    rates = dict(scenario.exchange_rates) or {scenario.currency: 1.0}
    rate = np.array([rates[c] for c in codes], dtype=float)
    out = offers.copy()
    out["price"] = out["price"].to_numpy(float) * rate
    fixed = out["fixed_cost"].to_numpy(float) if "fixed_cost" in out else np.zeros(len(out))
    out["fixed_cost"] = np.nan_to_num(fixed) * rate
    for name in [c for c in out.columns if str(c).startswith(ADDERS_PREFIX)]:
        out[name] = np.nan_to_num(out[name].to_numpy(float)) * rate
    kind = out["tier_type"] if "tier_type" in out else pd.Series(np.nan, index=out.index)
    out["tier_type"] = kind.astype(object).where(kind.notna(), "all_units")
    out["currency"], out["rate"] = codes, rate
    converted = tiers.copy()
    converted["price"] = converted["price"].to_numpy(float) * rate[tiers["offer"].to_numpy(int)]
    return out, converted
