"""The award's units and spend per supplier as rows over a built Program's columns.

An analysis that adds rows (an epsilon-constraint, say) needs "units of supplier s" and
"spend of supplier s" as linear expressions over the program's columns: the per-pair
expressions the program was built with (its provenance), summed per supplier.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from sourceopt.errors import AnalysisError
from sourceopt.formulation.core import segments
from sourceopt.formulation.program import ColumnKind, Program
from sourceopt.scenario.model import Scenario


@dataclass(frozen=True)
class SupplierExpressions:
    """Units and spend (before rebates) of each supplier: ``units @ x``, ``spend @ x``.

    Both are (suppliers x program columns); ``bundle_supplier`` and ``bundle_units`` hold, per
    bundle column, its supplier and its total units (for attribute weights).
    """

    units: sp.csr_matrix
    spend: sp.csr_matrix
    offer_cols: np.ndarray
    offers: np.ndarray
    bundle_cols: np.ndarray
    bundle_supplier: np.ndarray
    bundle_units: np.ndarray

    @property
    def total_spend(self) -> np.ndarray:
        """The award's whole spend as one dense coefficient vector."""
        return np.asarray(self.spend.sum(axis=0)).ravel()

    def measure(self, name: str) -> sp.csr_matrix:
        """``units`` for "volume", ``spend`` for "spend"."""
        return self.units if name == "volume" else self.spend

    def attribute_row(self, scenario: Scenario, attribute: str, measure: str) -> np.ndarray:
        """Coefficients of sum(attribute x weight) over the award, weight = units or spend."""
        if attribute not in scenario.attribute_names():
            known = ", ".join(scenario.attribute_names()) or "(none defined)"
            raise AnalysisError(f"unknown attribute {attribute!r}; attributes are: {known}")
        weight = np.asarray(self.measure(measure).sum(axis=0)).ravel()
        per_col = np.zeros(len(weight))
        per_col[self.offer_cols] = scenario.offer_attribute(attribute)[self.offers]
        per_col[self.bundle_cols] = scenario.supplier_attribute(attribute)[self.bundle_supplier]
        used = np.r_[self.offer_cols, self.bundle_cols]
        if np.isnan(per_col[used]).any():
            raise AnalysisError(
                f"attribute {attribute!r} is not defined for every offer (on the offer or its "
                "supplier), so its average over the award is not known"
            )
        return np.asarray(np.nan_to_num(per_col) * weight)


def supplier_expressions(program: Program, scenario: Scenario) -> SupplierExpressions:
    """Units and spend per supplier over the program's columns (see the class)."""
    labels = program.columns
    kind = labels["kind"].to_numpy()
    ref = labels["ref"].to_numpy()
    sup = labels["supplier"].to_numpy()
    n = program.n_cols
    offer_cols = np.flatnonzero(kind == ColumnKind.OFFER_UNITS)
    seg = segments(scenario)
    if len(seg) != len(offer_cols) or not np.array_equal(seg["offer"].to_numpy(), ref[offer_cols]):
        raise AnalysisError("the program was not built from this scenario (offer columns differ)")
    bundle_cols = np.flatnonzero(kind == ColumnKind.BUNDLE)
    bu = scenario.bundle_units
    b_of = bu["bundle"].to_numpy()
    b_units = bu["units"].to_numpy(float)
    prov = program.provenance
    units = _per_supplier(prov.units(n), prov.pair_supplier, scenario.n_suppliers)
    spend = _per_supplier(prov.spend(n), prov.pair_supplier, scenario.n_suppliers)
    total_units = np.bincount(b_of, weights=b_units, minlength=len(scenario.bundles))
    return SupplierExpressions(
        units=units,
        spend=spend,
        offer_cols=offer_cols,
        offers=ref[offer_cols],
        bundle_cols=bundle_cols,
        bundle_supplier=sup[bundle_cols],
        bundle_units=total_units[ref[bundle_cols]],
    )


def _per_supplier(per_pair: sp.csr_array, pair_supplier: np.ndarray, n: int) -> sp.csr_matrix:
    """Pair rows summed per supplier (entries kept, even a zero price: a supplier offers)."""
    coo = sp.coo_array(per_pair)
    return sp.csr_matrix(
        (coo.data, (pair_supplier[coo.row], coo.col)), shape=(n, per_pair.shape[1])
    )
