"""What an award amounts to, recomputed from the scenario alone.

An award is flattened into *lines*: one per offer row (units through the offer) followed by
one per ``bundle_units`` row (the bundle's units of that item if the bundle is accepted, else
0). Each line has a supplier, an item, units and spend (money before rebates). Lines of the
same (supplier, item) are summed into *pairs*. Every rule and cost is a bincount over these.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from sourceopt._arrays import unique_inverse
from sourceopt.award import Award
from sourceopt.errors import SourceoptError
from sourceopt.scenario.model import Scenario
from sourceopt.scenario.selectors import item_mask
from sourceopt.verify.scope import Scope


def _last_reached(
    group: np.ndarray, threshold: np.ndarray, amount: np.ndarray, tolerance: float
) -> np.ndarray:
    """Rows (sorted by group, then threshold) that are their group's highest threshold reached.

    A threshold counts as reached within the relative tolerance, so that an amount a solver
    returns as 99.9999999 for a tier from 100 is priced at that tier.
    """
    reached = np.asarray(amount >= threshold - np.maximum(1.0, threshold) * tolerance, bool)
    if len(group) == 0:
        return reached
    new_group_next = np.r_[group[1:] != group[:-1], True]
    not_reached_next = ~np.r_[reached[1:], False]
    return np.asarray(reached & (new_group_next | not_reached_next), dtype=bool)


def tier_prices(scenario: Scenario, units: np.ndarray, tolerance: float) -> np.ndarray:
    """Effective unit price per offer.

    All-units: the price of the highest tier reached by the offer's own units (a tier is
    reached when units >= from, within tolerance; below the first tier, or with no units, the
    base price). Incremental: the offer's band cost divided by its units (the base price with
    no units).
    """
    prices = scenario.offers["price"].to_numpy(float).copy()
    tiers = scenario.tiers
    if len(tiers) == 0:
        return prices
    offer = tiers["offer"].to_numpy(np.int64)
    start = tiers["from"].to_numpy(float)
    order = np.lexsort((start, offer))
    offer, start = offer[order], start[order]
    tier_price = tiers["price"].to_numpy(float)[order]
    inc = scenario.incremental_offers()
    all_units = ~inc[offer]
    last = _last_reached(offer[all_units], start[all_units], units[offer][all_units], tolerance)
    prices[offer[all_units][last]] = tier_price[all_units][last]
    if inc.any():
        cost = band_cost(scenario, units)
        paid = inc & (units > 0)
        prices[paid] = cost[paid] / units[paid]
    return prices


def band_cost(scenario: Scenario, units: np.ndarray) -> np.ndarray:
    """Per offer: what its units cost band by band (incremental offers; 0 for the others).

    Units in [0, from_1) cost the base price, units in [from_k, from_k+1) tier k's price.
    """
    inc = scenario.incremental_offers()
    base = scenario.offers["price"].to_numpy(float)
    tiers = scenario.tiers
    offer = tiers["offer"].to_numpy(np.int64)
    mine = inc[offer]
    offer = offer[mine]
    start = tiers["from"].to_numpy(float)[mine]
    price = tiers["price"].to_numpy(float)[mine]
    first = np.full(scenario.n_offers, np.inf)
    np.minimum.at(first, offer, start)
    u = np.where(inc, units, 0.0)
    cost = base * np.minimum(u, first)
    for k in range(len(offer)):  # one term per incremental tier: its band's units x its price
        o = offer[k]
        later = start[(offer == o) & (start > start[k])]
        end = float(later.min()) if len(later) else np.inf
        cost[o] += price[k] * max(0.0, min(float(u[o]), end) - float(start[k]))
    return np.asarray(np.where(inc, cost, 0.0))


def rebate_discounts(
    scenario: Scenario,
    view_lines: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray],
    tolerance: float,
) -> np.ndarray:
    """Per rebate (in file order): the money it takes off.

    `view_lines` is (supplier, item, units, spend) per award line (offers, then bundle rows).
    A rebate counts its supplier's lines on its items (bundle lines only without ``items``);
    the highest tier whose threshold (spend, or units) is reached gives the percent of that
    counted spend taken off.
    """
    reb = scenario.rebate_tiers()
    if len(reb) == 0:
        return np.zeros(0)
    supplier, item, units, spend = view_lines
    n_s = scenario.n_suppliers
    whole_spend = np.bincount(supplier, weights=spend, minlength=n_s)
    whole_units = np.bincount(supplier, weights=units, minlength=n_s)
    code = reb["rebate"].to_numpy(np.int64)
    n_r = int(code.max()) + 1
    owner = np.zeros(n_r, dtype=np.int64)
    owner[code] = reb["supplier"].to_numpy(np.int64)
    base, measure_units = whole_spend[owner], whole_units[owner]
    offer_line = np.arange(len(supplier)) < scenario.n_offers
    for r, selector in enumerate(scenario.rebate_items[:n_r]):
        if selector is not None:  # its supplier's offers on its items only
            lines = (supplier == owner[r]) & offer_line & item_mask(scenario, selector)[item]
            base[r], measure_units[r] = np.sum(spend[lines]), np.sum(units[lines])
    by_units = reb["from_units"].notna().to_numpy()
    amount = np.where(by_units, measure_units[code], base[code])
    start = np.where(by_units, reb["from_units"].to_numpy(float), reb["from_spend"].to_numpy(float))
    order = np.lexsort((start, code))
    last = _last_reached(code[order], start[order], amount[order], tolerance)
    percent = np.zeros(n_r)
    percent[code[order][last]] = reb["percent"].to_numpy(float)[order][last]
    return np.asarray(percent / 100.0 * base)


@dataclass(frozen=True)
class AwardView:
    """An award as lines and (supplier, item) pairs, with totals per supplier and item.

    ``scope`` finds the lines and pairs a rule selects and keeps what rules share
    (verify/scope.py).
    """

    scenario: Scenario
    tolerance: float
    supplier: np.ndarray
    item: np.ndarray
    units: np.ndarray
    spend: np.ndarray
    unit_prices: np.ndarray
    bundle_item_spend: np.ndarray
    bundles_accepted: np.ndarray
    pair: np.ndarray
    pair_supplier: np.ndarray
    pair_item: np.ndarray
    pair_units: np.ndarray
    pair_spend: np.ndarray
    supplier_units: np.ndarray
    supplier_spend: np.ndarray
    item_units: np.ndarray
    item_spend: np.ndarray
    scope: Scope = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "scope", Scope(self))

    @property
    def awarded(self) -> np.ndarray:
        """Suppliers that receive more than the tolerance in units of anything."""
        return np.asarray(self.supplier_units > self.tolerance, dtype=bool)

    @property
    def n_offer_lines(self) -> int:
        """Number of lines that are offers (the rest are bundle rows)."""
        return self.scenario.n_offers

    def measure(self, kind: str) -> np.ndarray:
        """Units (``volume``) or money before rebates (``spend``) per line."""
        return self.units if kind == "volume" else self.spend

    def pair_measure(self, kind: str) -> np.ndarray:
        """Units or spend per (supplier, item) pair."""
        return self.pair_units if kind == "volume" else self.pair_spend

    def item_total(self, kind: str) -> np.ndarray:
        """Share denominators per item: demand for volume, awarded spend for spend."""
        if kind == "volume":
            return self.scenario.items["demand"].to_numpy(float)
        return self.item_spend

    def attribute(self, name: str, used: np.ndarray) -> np.ndarray:
        """The attribute per line (bundle lines take their supplier's); 0 where not used.

        Raises :class:`SourceoptError` if it is undefined on a line that matters, which
        loading should have rejected.
        """
        return self.attribute_at(name, np.arange(len(self.item)), used)

    def attribute_at(self, name: str, lines: np.ndarray, used: np.ndarray) -> np.ndarray:
        """:meth:`attribute` on the given lines only (ascending; `used` is per given line)."""
        values = self.scope.attribute(name, lines)
        missing = np.flatnonzero(used & np.isnan(values))
        if len(missing):
            k = int(lines[missing[0]])
            raise SourceoptError(
                f"attribute {name!r} is not defined for {self.pair_label(int(self.pair[k]))} "
                f"({len(missing)} awarded line(s) lack it); define it on the offer or the "
                "supplier, the scenario should have been rejected when loaded"
            )
        return np.where(used, values, 0.0)

    def supplier_label(self, code: int) -> str:
        """``supplier <id>``."""
        return f"supplier {self.scenario.suppliers['id'].iat[code]}"

    def item_label(self, code: int) -> str:
        """``item <id>``."""
        return f"item {self.scenario.items['id'].iat[code]}"

    def pair_label(self, pair: int) -> str:
        """``supplier <id>, item <id>``."""
        s, i = int(self.pair_supplier[pair]), int(self.pair_item[pair])
        return f"{self.supplier_label(s)}, {self.item_label(i)}"


def _check_shapes(scenario: Scenario, award: Award) -> None:
    if award.offer_units.shape != (scenario.n_offers,):
        raise SourceoptError(
            f"the award has {award.offer_units.shape} offer units but scenario "
            f"{scenario.name!r} has {scenario.n_offers} offers; give one value per offer row"
        )
    if award.bundles.shape != (len(scenario.bundles),):
        raise SourceoptError(
            f"the award has {award.bundles.shape} bundle flags but scenario "
            f"{scenario.name!r} has {len(scenario.bundles)} bundles; give one per bundle"
        )


def build_view(scenario: Scenario, award: Award, tolerance: float) -> AwardView:
    """Flatten an award into lines and pairs (non-finite units count as 0; checks flag them)."""
    _check_shapes(scenario, award)
    x = np.where(np.isfinite(award.offer_units), award.offer_units, 0.0)
    prices = tier_prices(scenario, x, tolerance)
    bu = scenario.bundle_units
    bundle = bu["bundle"].to_numpy(np.int64)
    accepted = award.bundles[bundle]
    b_price = scenario.bundles["price"].to_numpy(float)[bundle]
    b_spend = np.where(accepted, b_price * scenario.bundle_spend_fractions(), 0.0)
    supplier = np.concatenate(
        [
            scenario.offers["supplier"].to_numpy(np.int64),
            scenario.bundles["supplier"].to_numpy(np.int64)[bundle],
        ]
    )
    item = np.concatenate(
        [scenario.offers["item"].to_numpy(np.int64), bu["item"].to_numpy(np.int64)]
    )
    units = np.concatenate([x, np.where(accepted, bu["units"].to_numpy(float), 0.0)])
    spend = np.concatenate([x * prices, b_spend])
    n_s, n_i = scenario.n_suppliers, scenario.n_items
    keys, pair = unique_inverse(supplier * n_i + item, n_s * n_i)
    return AwardView(
        scenario=scenario,
        tolerance=tolerance,
        supplier=supplier,
        item=item,
        units=units,
        spend=spend,
        unit_prices=prices,
        bundle_item_spend=b_spend,
        bundles_accepted=award.bundles,
        pair=pair,
        pair_supplier=keys // n_i,
        pair_item=keys % n_i,
        pair_units=np.bincount(pair, weights=units, minlength=len(keys)),
        pair_spend=np.bincount(pair, weights=spend, minlength=len(keys)),
        supplier_units=np.bincount(supplier, weights=units, minlength=n_s),
        supplier_spend=np.bincount(supplier, weights=spend, minlength=n_s),
        item_units=np.bincount(item, weights=units, minlength=n_i),
        item_spend=np.bincount(item, weights=spend, minlength=n_i),
    )
