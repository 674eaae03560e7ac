"""The typed, columnar Scenario: what every later stage reads.

Items, suppliers and offers are pandas tables with integer codes (row positions) as
references, never a Python object per offer. A Scenario is validated once, when it is
loaded; nothing downstream re-checks it.

Tables and their columns (``attr.<name>`` columns hold numeric attributes, NaN if unset):

- ``items``: ``id, demand, unit, baseline_price (NaN if unset), group, tags (frozenset),
  attr.*, current.*`` (``current.<supplier>``: units that supplier supplies today)
- ``suppliers``: ``id, name, country, region, tags (frozenset), capacity (inf if unset),
  fixed_cost, min_units, attr.*``
- ``offers``: ``supplier, item`` (int codes), ``price, capacity (inf if unset), min_units, attr.*``,
  and (format 1.1) ``tier_type`` (``all_units``/``incremental``), ``currency``, ``rate``,
  ``fixed_cost``, ``adders.*``, ``id`` (None if unset), ``pack_size`` (NaN if unset); items
  also ``lot_size`` (NaN if unset)
- ``tiers``: ``offer`` (int code), ``from, price``; sorted by offer then ``from``
- ``bundles``: ``id, supplier`` (code), ``price``, ``currency``, ``rate``
- ``bundle_units``: ``bundle, item`` (codes), ``units``
- ``rebates``: ``supplier`` (code), ``rebate`` (its position in the file), ``from_spend`` or
  ``from_units`` (the other NaN), ``percent``; sorted by rebate then threshold. The item
  selector of each rebate is ``Scenario.rebate_items`` (None: all items, bundles included)

Money (prices, tier prices, adders, fixed costs, bundle prices) is converted into the scenario
currency when the scenario is loaded (scenario/landed.py); ``currency`` and ``rate`` keep what
it was written in (``rate``: value of one unit of it in the scenario currency).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd

from sourceopt.scenario.schema import Objective, Rule, Selector, SolverSettings, Variant

ATTR_PREFIX = "attr."
CURRENT_PREFIX = "current."  # items: ``current.<supplier>`` columns, today's units (0 if unset)
ADDERS_PREFIX = "adders."  # offers: ``adders.<name>`` columns, money per unit (0 if unset)


@dataclass(frozen=True)
class Scenario:
    """One category's sourcing decision, validated and held column-wise."""

    name: str
    source: str
    items: pd.DataFrame
    suppliers: pd.DataFrame
    offers: pd.DataFrame
    tiers: pd.DataFrame
    bundles: pd.DataFrame
    bundle_units: pd.DataFrame
    rebates: pd.DataFrame
    rules: tuple[Rule, ...]
    objective: Objective
    solver: SolverSettings
    variants: tuple[Variant, ...] = ()
    rule_origins: tuple[str, ...] = ()
    rebate_items: tuple[Selector | None, ...] = ()  # per rebate: its ``items`` (format 1.1)
    category: str | None = None
    currency: str = "USD"
    # format 1.1: currency -> value of one unit in ``currency`` (the scenario's own at 1); the
    # tables are converted already, this serves records a variant adds (``add_offers``)
    exchange_rates: tuple[tuple[str, float], ...] = ()
    model: str | None = None
    variant: str = "base"
    input_sha256: str = ""
    base_dir: str = field(default=".", repr=False)

    # --- sizes and lookups ----------------------------------------------------------------

    @property
    def n_items(self) -> int:
        """Number of items."""
        return len(self.items)

    @property
    def n_suppliers(self) -> int:
        """Number of suppliers."""
        return len(self.suppliers)

    @property
    def n_offers(self) -> int:
        """Number of offers."""
        return len(self.offers)

    @property
    def rule_names(self) -> tuple[str, ...]:
        """Names of the rules in force (model rules first)."""
        return tuple(str(r.name) for r in self.rules)

    def supplier_code(self, supplier_id: str) -> int:
        """Row position of a supplier id (the id must exist)."""
        return int(self._position(self.suppliers["id"], supplier_id))

    def item_code(self, item_id: str) -> int:
        """Row position of an item id (the id must exist)."""
        return int(self._position(self.items["id"], item_id))

    @staticmethod
    def _position(ids: pd.Series, key: str) -> int:
        hits = np.flatnonzero(ids.to_numpy() == key)
        if len(hits) != 1:
            raise KeyError(key)
        return int(hits[0])

    def attribute_names(self) -> tuple[str, ...]:
        """Every attribute name defined on a supplier or an offer."""
        names = {
            c[len(ATTR_PREFIX) :]
            for table in (self.suppliers, self.offers)
            for c in table.columns
            if c.startswith(ATTR_PREFIX)
        }
        return tuple(sorted(names))

    def offer_attribute(self, name: str) -> np.ndarray:
        """The attribute per offer: the offer's own value, else its supplier's (NaN if neither)."""
        col = ATTR_PREFIX + name
        n = self.n_offers
        own = self.offers[col].to_numpy(float) if col in self.offers else np.full(n, np.nan)
        sup = self.supplier_attribute(name)[self.offers["supplier"].to_numpy()]
        return np.where(np.isnan(own), sup, own)

    def supplier_attribute(self, name: str) -> np.ndarray:
        """The attribute per supplier (NaN where unset)."""
        col = ATTR_PREFIX + name
        if col in self.suppliers:
            return self.suppliers[col].to_numpy(float)
        return np.full(self.n_suppliers, np.nan)

    def capacity_on(self, items: np.ndarray) -> np.ndarray:
        """Per supplier: min(its capacity, the sum of its offers' capacities on `items` (mask)).

        Of alternate offers (one supplier, one item) only the largest capacity counts.
        """
        offers = self.offers
        on = items[offers["item"].to_numpy()]
        sup, item = offers["supplier"].to_numpy()[on], offers["item"].to_numpy()[on]
        cap = offers["capacity"].to_numpy(float)[on]
        key = sup.astype(np.int64) * self.n_items + item
        pairs, inverse = np.unique(key, return_inverse=True)
        largest = np.full(len(pairs), -np.inf)
        np.maximum.at(largest, inverse, cap)
        offered = np.bincount(
            pairs // max(self.n_items, 1), weights=largest, minlength=self.n_suppliers
        )
        return np.asarray(np.minimum(self.suppliers["capacity"].to_numpy(float), offered))

    def offer_quantum(self) -> np.ndarray:
        """Per offer: the size its units are whole multiples of, NaN where continuous.

        The offer's pack_size, else its item's lot_size.
        """
        n = self.n_offers
        pack = self.offers["pack_size"].to_numpy(float) if "pack_size" in self.offers else None
        lot = (
            self.items["lot_size"].to_numpy(float)[self.offers["item"].to_numpy()]
            if "lot_size" in self.items
            else np.full(n, np.nan)
        )
        return lot if pack is None else np.asarray(np.where(np.isnan(pack), lot, pack))

    def offer_ids(self) -> np.ndarray:
        """Per offer: its id (None where unset), as an object array."""
        if "id" not in self.offers:
            return np.full(self.n_offers, None, dtype=object)
        ids = self.offers["id"]
        return np.asarray(ids.astype(object).where(ids.notna(), None).to_numpy(), dtype=object)

    def alternate_groups(self) -> np.ndarray:
        """Per offer: a group code shared by the alternates of one (supplier, item).

        -1 for an offer that is its pair's only one; codes run 0..n_groups-1.
        """
        key = self.offers["supplier"].to_numpy(np.int64) * self.n_items + self.offers[
            "item"
        ].to_numpy(np.int64)
        _, inverse, counts = np.unique(key, return_inverse=True, return_counts=True)
        multi = counts[inverse] > 1
        out = np.full(self.n_offers, -1, dtype=np.int64)
        if multi.any():
            _, out[multi] = np.unique(inverse[multi], return_inverse=True)
        return out

    def current_units(self) -> np.ndarray:
        """Today's award: units per (item, supplier), a matrix of zeros where none is given."""
        out = np.zeros((self.n_items, self.n_suppliers))
        ids = self.suppliers["id"].tolist()
        for col in self.items.columns:
            name = str(col)
            if name.startswith(CURRENT_PREFIX) and name[len(CURRENT_PREFIX) :] in ids:
                units = self.items[col].to_numpy(float)
                out[:, ids.index(name[len(CURRENT_PREFIX) :])] = np.nan_to_num(units)
        return out

    def adder_names(self) -> tuple[str, ...]:
        """Names of the offers' adders (``adders.<name>`` columns), in column order."""
        n = len(ADDERS_PREFIX)
        return tuple(str(c)[n:] for c in self.offers.columns if str(c).startswith(ADDERS_PREFIX))

    def offer_adders(self) -> np.ndarray:
        """Per offer: the sum of its adders per unit, in the scenario currency (0 if none)."""
        total = np.zeros(self.n_offers)
        for name in self.adder_names():
            total += np.nan_to_num(self.offers[ADDERS_PREFIX + name].to_numpy(float))
        return total

    def offer_fixed_costs(self) -> np.ndarray:
        """Per offer: its one-off fixed cost in the scenario currency (0 if none)."""
        if "fixed_cost" not in self.offers:
            return np.zeros(self.n_offers)
        return np.asarray(np.nan_to_num(self.offers["fixed_cost"].to_numpy(float)), dtype=float)

    def incremental_offers(self) -> np.ndarray:
        """Per offer: whether its tiers are incremental (bands) rather than all-units."""
        if "tier_type" not in self.offers:
            return np.zeros(self.n_offers, dtype=bool)
        return np.asarray((self.offers["tier_type"] == "incremental").to_numpy(), dtype=bool)

    def rebate_tiers(self) -> pd.DataFrame:
        """The rebates table with ``rebate`` and ``from_units`` columns.

        A table built by hand in version 1's shape may lack them: each supplier's tiers are
        then one rebate by spend.
        """
        reb = self.rebates
        if "rebate" in reb and "from_units" in reb:
            return reb
        return reb.assign(rebate=reb["supplier"].to_numpy(), from_units=np.nan)

    def has_current(self) -> bool:
        """Whether any item states today's award (``current``)."""
        return any(str(c).startswith(CURRENT_PREFIX) for c in self.items.columns)

    def baseline_cost(self) -> float:
        """Demand times today's price, over items that have a baseline price."""
        base = self.items["baseline_price"].to_numpy(float)
        demand = self.items["demand"].to_numpy(float)
        known = ~np.isnan(base)
        return float(np.sum(base[known] * demand[known]))

    def bundle_spend_fractions(self) -> np.ndarray:
        """Share of its bundle's price that each ``bundle_units`` row counts as spend on its item.

        By baseline value (units x baseline price) when every item of the bundle has a positive
        baseline price, otherwise by units. Fractions of one bundle add up to 1.
        """
        bu = self.bundle_units
        if len(bu) == 0:
            return np.zeros(0)
        bundle = bu["bundle"].to_numpy()
        units = bu["units"].to_numpy(float)
        base = self.items["baseline_price"].to_numpy(float)[bu["item"].to_numpy()]
        priced = ~np.isnan(base) & (base > 0)
        n_b = len(self.bundles)
        all_priced = np.bincount(bundle, weights=(~priced).astype(float), minlength=n_b) == 0
        weight = np.where(all_priced[bundle], units * np.where(priced, base, 0.0), units)
        total = np.bincount(bundle, weights=weight, minlength=n_b)
        return np.asarray(weight / total[bundle], dtype=float)

    def with_changes(self, **changes: object) -> Scenario:
        """A copy with some fields replaced (tables are shared, never mutated)."""
        return replace(self, **changes)  # type: ignore[arg-type]
