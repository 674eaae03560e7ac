"""What every rule family builds on: the award's expressions and the awarded indicators.

Pairs are the (supplier, item) combinations that can receive units (through an offer or a
bundle). ``V`` and ``E`` are sparse matrices, one row per pair: ``V @ x`` is the units and
``E @ x`` the spend (before rebates) of each pair. Aggregating pairs (per supplier, per item,
over a selection) is a sparse product with a 0/1 grouping matrix.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import scipy.sparse as sp

from sourceopt.errors import SourceoptError
from sourceopt.formulation.blocks import ProgramBuilder
from sourceopt.formulation.program import ColumnKind, RowFamily
from sourceopt.scenario.model import Scenario
from sourceopt.scenario.schema import Rule
from sourceopt.scenario.selectors import item_mask, supplier_mask

NO_AWARD = 1e-5
"""An indicator that can see at most this many units is fixed at 0 (models/README.md).

Ten times the verifier's tolerance (a supplier is awarded with more than 1e-6 units): below
it the award quantum min(1, M) is within the solvers' feasibility tolerances of 0, so the
binary could be 1 with no real award. Fixing it at 0 also bars those few units.
"""


def award_quantum(big_m: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per indicator with big-M `big_m`: its upper bound, link coefficient M and quantum q.

    An indicator whose units cannot exceed :data:`NO_AWARD` (no bid, a zero capacity, an
    excluded supplier) gets upper bound 0, so it never counts as awarded; its M and q are
    then :data:`NO_AWARD` (any value holds with the binary at 0; a nonzero one keeps the
    binary's entry in its rows for an analysis that lifts a capacity). The others get upper
    bound 1, their M, and q = min(1, M): at least one unit (or all they can have, if less).
    """
    big_m = np.asarray(big_m, dtype=float)
    can = big_m > NO_AWARD
    upper = np.where(can, 1.0, 0.0)
    return upper, np.where(can, big_m, NO_AWARD), np.where(can, np.minimum(1.0, big_m), NO_AWARD)


def grouping(groups: np.ndarray, n_groups: int) -> sp.csr_array:
    """A 0/1 matrix summing the entries with the same group (group -1: left out)."""
    keep = groups >= 0
    n = len(groups)
    return sp.csr_array(
        (np.ones(int(keep.sum())), (groups[keep], np.flatnonzero(keep))), shape=(n_groups, n)
    )


def group_sum(
    groups: np.ndarray, n_groups: int, m: sp.sparray, by_column: sp.csc_array | None = None
) -> sp.csr_array:
    """``grouping(groups, n_groups) @ m``: the rows of `m` summed per group, without a product.

    Few rows picked (a quarter of the entries or less): those rows are gathered (CSR) and
    their entries relabelled with their group, linear in what is picked. Most rows: every
    entry is relabelled column by column (`by_column`, `m` as CSC, if given) and the result
    transposed back to rows, so that its indices come out sorted and nothing is sorted. The
    result is canonical (sorted indices, duplicates summed).
    """
    m = sp.csr_array(m)
    groups = np.asarray(groups, dtype=np.int64)
    rows = np.flatnonzero(groups >= 0)
    if 4 * int((m.indptr[rows + 1] - m.indptr[rows]).sum()) <= m.nnz:
        sub = m if len(rows) == len(groups) else sp.csr_array(m[rows])
        owner = np.repeat(groups[rows], np.diff(sub.indptr))
        out = sp.csr_array(
            (sub.data, (owner, sub.indices)), shape=(n_groups, m.shape[1]), dtype=float
        )
        out.sum_duplicates()
        return out
    csc = sp.csc_array(m) if by_column is None else by_column
    owner = groups[csc.indices]
    data, indptr = np.asarray(csc.data, dtype=float), csc.indptr
    keep = owner >= 0
    if not keep.all():
        kept = np.zeros(len(keep) + 1, dtype=np.int64)
        np.cumsum(keep, out=kept[1:])
        data, owner, indptr = data[keep], owner[keep], kept[indptr]  # kept before each column
    out = sp.csc_array((data, owner, indptr), shape=(n_groups, csc.shape[1])).tocsr()
    out.sum_duplicates()
    return out


@dataclass
class Context:
    """The scenario, the builder and the award expressions shared by all rule families."""

    scenario: Scenario
    builder: ProgramBuilder
    pair_supplier: np.ndarray
    pair_item: np.ndarray
    V: sp.csr_array  # units per pair
    E: sp.csr_array  # spend per pair
    attribute_source: np.ndarray  # per column: offer code (>= 0) or -(supplier code) - 1
    pair_max_units: np.ndarray  # tightest upper bound on each pair's units
    _pair_indicator: np.ndarray | None = None  # per pair: its per-item binary (-1: none)
    _set_indicators: dict[Scope, np.ndarray] = field(default_factory=dict)  # per supplier
    _floored: set[int] = field(default_factory=set)
    _attributes: dict[str, np.ndarray] = field(default_factory=dict)
    _by_column: dict[str, sp.csc_array] = field(default_factory=dict)  # V, E column-wise

    @property
    def n_pairs(self) -> int:
        """Number of (supplier, item) pairs that can receive units."""
        return len(self.pair_supplier)

    def group_sum(self, groups: np.ndarray, n_groups: int, m: sp.csr_array) -> sp.csr_array:
        """:func:`group_sum`; `V` and `E` (grouped again and again) are made column-wise once."""
        for name, source in (("V", self.V), ("E", self.E)):
            if m is source:
                by_column = self._by_column.get(name)
                if by_column is None:
                    by_column = self._by_column[name] = sp.csc_array(m)
                return group_sum(groups, n_groups, m, by_column)
        return group_sum(groups, n_groups, m)

    def widen(self, m: sp.csr_array | sp.sparray) -> sp.csr_array:
        """The matrix with as many columns as the program has now."""
        m = sp.csr_array(m)
        m.resize((m.shape[0], self.builder.n_cols))
        return m

    def selected_pairs(self, rule: Rule) -> np.ndarray:
        """Pairs whose supplier and item the rule's selectors pick."""
        s = supplier_mask(self.scenario, getattr(rule, "suppliers", "all"))
        i = item_mask(self.scenario, getattr(rule, "items", "all"))
        return np.asarray(s[self.pair_supplier] & i[self.pair_item])

    def add_rule_rows(
        self,
        rule: Rule,
        ref: int,
        parts: list[sp.csr_array],
        *,
        lo: np.ndarray | float,
        hi: np.ndarray | float,
        supplier: np.ndarray | int = -1,
        item: np.ndarray | int = -1,
        groups: Sequence[str] = (),
        group: np.ndarray | int = -1,
    ) -> None:
        """Rows of a rule, labelled with its type and name (and group), soft if the rule is."""
        self.builder.add_rows(
            parts,
            lo=lo,
            hi=hi,
            family=rule.type,
            rule=str(rule.name),
            supplier=supplier,
            item=item,
            soft=rule.soft,
            rule_ref=ref,
            groups=groups,
            group=group,
        )

    def selected_items(self, rule: Rule) -> np.ndarray:
        """Items the rule's item selector picks (a mask over items)."""
        return item_mask(self.scenario, getattr(rule, "items", "all"))

    def column_attribute(self, name: str) -> np.ndarray:
        """The attribute per program column (offer's, else supplier's; NaN where undefined)."""
        out = self._attributes.get(name)
        if out is None:
            src = self.attribute_source
            by_offer = self.scenario.offer_attribute(name)
            by_supplier = self.scenario.supplier_attribute(name)
            out = np.full(len(src), np.nan)
            off = src >= 0
            out[off] = by_offer[src[off]]
            sup = src < -1
            out[sup] = by_supplier[-src[sup] - 2]
            self._attributes[name] = out
        return np.pad(out, (0, self.builder.n_cols - len(out)), constant_values=np.nan)

    def declare_indicators(self, needs: Sequence[IndicatorNeed]) -> None:
        """Create every award indicator the program needs, once, before any rule's rows.

        Binaries are 1 iff a supplier receives units of the selected items: one per supplier
        (over the `items` mask together) or, with `per_item`, one per (supplier, item) pair.
        Needs that share a scope share its binaries. All columns come first, then their rows:
        upper link units <= M z with M the tightest bound from capacities and demand; for a
        need with `floor`, also units >= q z, q = min(1, M) (and at least the supplier's
        min_units for a binary over all its items): the binary may be 1 only for a real award
        (models/README.md, "award quantum"). A binary whose M is at most :data:`NO_AWARD` is
        fixed at 0 (:func:`award_quantum`).
        """
        links: list[tuple[sp.csr_array, np.ndarray, np.ndarray, RowFamily, np.ndarray]] = []
        for need in needs:
            links += self._declare(need)
        for units, cols, coef, family, owners in links:
            self._link(units, cols, coef, family, owners)

    def _declare(
        self, need: IndicatorNeed
    ) -> list[tuple[sp.csr_array, np.ndarray, np.ndarray, RowFamily, np.ndarray]]:
        """The columns of one need (those not made yet) and the link rows they want."""
        suppliers = np.asarray(need.suppliers, dtype=np.int64)
        store, slots, groups, owners, item_of = self._slots(suppliers, need.items, need.per_item)
        cols = store[slots].copy()
        units = self.widen(self.group_sum(groups, len(slots), self.V))
        cap = self.scenario.suppliers["capacity"].to_numpy(float)[owners]
        big_m = np.minimum(
            cap,
            np.bincount(
                groups[groups >= 0], self.pair_max_units[groups >= 0], minlength=len(slots)
            ),
        )
        upper, big_m, quantum = award_quantum(big_m)
        out = []
        new = np.flatnonzero(cols < 0)
        if len(new):
            cols[new] = self.builder.add_columns(
                len(new),
                kind=ColumnKind.AWARDED,
                hi=upper[new],
                integer=True,
                supplier=owners[new],
                item=item_of[new],
            )
            store[slots[new]] = cols[new]
            out.append((units[new], cols[new], -big_m[new], RowFamily.AWARDED_LINK, owners[new]))
        if need.floor:
            done = np.fromiter(self._floored, dtype=np.int64, count=len(self._floored))
            todo = np.flatnonzero(~np.isin(cols, done))
            if len(todo):
                self._floored.update(cols[todo].tolist())
                # a supplier's min_units is about all its units: only a whole-supplier binary
                whole = not need.per_item and bool(need.items.all())
                min_u = self.scenario.suppliers["min_units"].to_numpy(float)[owners[todo]]
                q = np.maximum(min_u if whole else 0.0, quantum[todo])
                out.append((units[todo], cols[todo], -q, RowFamily.AWARDED_FLOOR, owners[todo]))
        return out

    def indicators(self, suppliers: np.ndarray, items: np.ndarray, *, per_item: bool) -> np.ndarray:
        """The declared binaries of a scope, in the order of `suppliers` (or of the pairs)."""
        store, slots, *_ = self._slots(np.asarray(suppliers, dtype=np.int64), items, per_item)
        cols = store[slots]
        if (cols < 0).any():
            raise SourceoptError(
                "internal: an award indicator was not declared before the rows that use it "
                "(a rule family's `indicators` must name every binary its `build` uses)"
            )
        return np.asarray(cols, dtype=np.int64)

    def _slots(
        self, suppliers: np.ndarray, items: np.ndarray, per_item: bool
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """Where the indicators live (store, slots), pair groups, owners and items of each."""
        if per_item:
            chosen = np.zeros(self.scenario.n_suppliers, dtype=bool)
            chosen[suppliers] = True
            pairs = np.flatnonzero(chosen[self.pair_supplier] & items[self.pair_item])
            if self._pair_indicator is None:
                self._pair_indicator = np.full(self.n_pairs, -1, dtype=np.int64)
            groups = np.full(self.n_pairs, -1)
            groups[pairs] = np.arange(len(pairs))
            owners, item_of = self.pair_supplier[pairs], self.pair_item[pairs]
            return self._pair_indicator, pairs, groups, owners, item_of
        scope = Scope.of(items)
        if scope not in self._set_indicators:
            self._set_indicators[scope] = np.full(self.scenario.n_suppliers, -1, np.int64)
        slots = np.asarray(suppliers, dtype=np.int64)
        where = np.full(self.scenario.n_suppliers, -1)
        where[slots] = np.arange(len(slots))
        groups = np.where(items[self.pair_item], where[self.pair_supplier], -1)
        return self._set_indicators[scope], slots, groups, slots, np.full(len(slots), -1)

    def _link(
        self,
        units: sp.csr_array,
        cols: np.ndarray,
        coef: np.ndarray,
        family: RowFamily,
        owners: np.ndarray,
    ) -> None:
        """Rows ``units + coef * z <= 0`` (a link) or ``>= 0`` (a floor), recorded as switches."""
        k = len(cols)
        z = sp.csr_array((coef, (np.arange(k), cols)), shape=(k, self.builder.n_cols))
        floor = family == RowFamily.AWARDED_FLOOR
        lo, hi = (0.0, np.inf) if floor else (-np.inf, 0.0)
        self.builder.add_rows(
            [self.widen(units), z],
            lo=lo,
            hi=hi,
            family=family,
            supplier=owners,
            switch=cols,
            floor=floor,
        )

    def supplier_indicators(self, suppliers: np.ndarray) -> np.ndarray:
        """The declared binaries "supplier receives anything", one per supplier given."""
        everything = np.ones(self.scenario.n_items, dtype=bool)
        return self.indicators(np.asarray(suppliers, dtype=np.int64), everything, per_item=False)


@dataclass(frozen=True)
class Scope:
    """The items a whole-supplier indicator is about (its identity among the indicators)."""

    items: tuple[int, ...]

    @staticmethod
    def of(mask: np.ndarray) -> Scope:
        """The scope of an item mask."""
        return Scope(tuple(np.flatnonzero(mask).tolist()))


@dataclass(frozen=True)
class IndicatorNeed:
    """Binaries "supplier receives units of the selected items" that rows will use.

    Declared up front (:meth:`Context.declare_indicators`): one per supplier of `suppliers`
    over the `items` mask together or, with `per_item`, one per (supplier, item) pair; with
    `floor`, only a real award may set them (the award quantum).
    """

    suppliers: np.ndarray
    items: np.ndarray
    per_item: bool
    floor: bool

    @staticmethod
    def whole(suppliers: np.ndarray, n_items: int, *, floor: bool) -> IndicatorNeed:
        """Binaries "supplier receives anything"."""
        return IndicatorNeed(suppliers, np.ones(n_items, dtype=bool), False, floor)
