"""The backend-neutral mathematical program and the labels that map it back.

    minimise    (c + tie_break) . x + offset
    subject to  row_lo <= A x <= row_hi
                col_lo <=   x <= col_hi
                x_j integer where integrality[j]

``c`` is the true objective (money); ``tie_break`` is a tiny, documented preference among
equal-cost awards (see models/README.md) that backends add to ``c``; results are always
evaluated with ``c`` alone. Labels are tables with one row per column / row of the program:

- ``columns``: ``kind`` (a :class:`ColumnKind`), ``supplier``, ``item``, ``ref`` (offer,
  bundle, rule or rebate-tier code, -1 if none), ``scenario``
- ``rows``: ``family`` (a :class:`RowFamily`, or for a rule's measured rows its type),
  ``rule`` (rule name or ``""``), ``group`` (for a rule with ``each``: the value of the
  field the row is about, e.g. ``CN``; else ``""``), ``supplier``, ``item``, ``scenario``.
  Every row of a rule carries its name in ``rule``, so dropping or pricing a rule by name
  takes all its groups; reports name a group's rows ``<rule>[<group>]``.

Codes are row positions in the scenario's tables; ``-1`` means "not about one".
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from enum import StrEnum

import numpy as np
import pandas as pd
import scipy.sparse as sp

from sourceopt.formulation.provenance import Provenance


class ColumnKind(StrEnum):
    """What a program column is (its ``kind`` label; the text is the label users see)."""

    OFFER_UNITS = "offer_units"  # units bought through one price segment (ref = offer)
    OFFER_SEGMENT = "offer_segment"  # binary: that segment is the one in use (ref = offer)
    OFFER_LOTS = "offer_lots"  # integer: whole lots or packs through one offer (ref = offer)
    BUNDLE = "bundle"  # binary: bundle accepted (ref = bundle)
    AWARDED = "awarded"  # binary: supplier receives > 0 units of the items of its indicator
    REBATE_SPEND = "rebate_spend"  # supplier spend falling in one rebate tier (ref = rebate row)
    REBATE_TIER = "rebate_tier"  # binary: that rebate tier is the one reached (ref = rebate row)
    REBATE_UNITS = "rebate_units"  # units falling in one from_units rebate tier (ref = tier)
    SLACK = "slack"  # violation of a soft rule row (ref = rule position)
    AUXILIARY = "auxiliary"  # modelling helper (ref = rule position)


class RowFamily(StrEnum):
    """What a program row is (its ``family`` label), other than a rule's measured rows.

    A rule's measured rows carry the rule's type as family; rows a rule needs to define a
    helper (``backup_coverage_total``) have a family of their own here. The text is the label
    users see.
    """

    DEMAND = "demand"
    CAPACITY = "capacity"
    SEGMENT_UPPER = "segment_upper"  # x - H y <= 0 (H: the segment's top, a capacity)
    SEGMENT_LOWER = "segment_lower"
    ONE_SEGMENT = "one_segment"
    WHOLE_LOTS = "whole_lots"  # units through an offer - q k = 0 (q: lot or pack size)
    ONE_ALTERNATE = "one_alternate"  # at most one alternate offer of a (supplier, item) in use
    AWARDED_LINK = "awarded_link"  # units - M z <= 0 (M: a big-M from capacities and demand)
    AWARDED_FLOOR = "awarded_floor"  # units - q z >= 0 (q: the award quantum)
    AWARDED_COVER = "awarded_cover"  # sum M z >= demand the suppliers without z cannot carry
    REBATE_SPEND = "rebate_spend"
    REBATE_TIER = "rebate_tier"
    BACKUP_COVERAGE_TOTAL = "backup_coverage_total"  # the backup_coverage helper's definition
    # rows the analyses add to a built program
    CAPACITY_LIFTED = "capacity_lifted"
    OFFER_CAPACITY = "offer_capacity"
    BACKUP_USED_CAPACITY = "backup_used_capacity"
    RELAXATION_BUDGET = "relaxation_budget"
    EPSILON = "epsilon"
    EPSILON_TOTAL = "epsilon_total"
    EPSILON_SPEND = "epsilon_spend"
    EPSILON_TANGENT = "epsilon_tangent"
    STRESS_KEEP = "stress_keep"
    SCORE_FLOOR = "score_floor"  # a score solve's second stage: score >= best - tolerance


@dataclass(frozen=True)
class Program:
    """A linear or mixed-integer program in matrix form, with labels."""

    c: np.ndarray
    A: sp.csr_matrix
    row_lo: np.ndarray
    row_hi: np.ndarray
    col_lo: np.ndarray
    col_hi: np.ndarray
    integrality: np.ndarray
    columns: pd.DataFrame
    rows: pd.DataFrame
    tie_break: np.ndarray
    offset: float = 0.0
    name: str = ""
    provenance: Provenance = field(default_factory=Provenance.empty)
    total_cost: np.ndarray | None = None
    """A score program's (format 1.1) total-cost coefficients: ``c`` is then minus the score
    (plus soft-rule penalties in score points) and a second stage minimises this among the
    best-scoring awards (see sourceopt.lexicographic). None for a cost program."""

    @property
    def maximizes_score(self) -> bool:
        """Whether ``c`` is minus a score to maximise (a score objective, format 1.1)."""
        return self.total_cost is not None

    @property
    def n_cols(self) -> int:
        """Number of variables."""
        return int(self.c.shape[0])

    @property
    def n_rows(self) -> int:
        """Number of constraints."""
        return int(self.A.shape[0])

    @property
    def is_mip(self) -> bool:
        """Whether any variable must be integral."""
        return bool(self.integrality.any())

    def rows_of(self, family: RowFamily) -> np.ndarray:
        """The rows of one structural family (e.g. the ``demand`` rows, one per item)."""
        return np.flatnonzero((self.rows["family"] == family).to_numpy())

    def rule_rows(self, name: str, *, measured: bool = False) -> np.ndarray:
        """The rows a rule owns (by name); with `measured`, only those that measure the rule.

        A rule's other rows define its helper columns (``backup_coverage_total``): they hold
        whatever the rule's bound, so a relaxation or a dual does not measure them.
        """
        mine = self.rows["rule"].to_numpy() == name
        if measured:
            mine &= self.measured_rows()
        return np.flatnonzero(mine)

    def measured_rows(self) -> np.ndarray:
        """Mask of the rows that measure a rule (a rule's rows other than its definitions)."""
        structure = self.rows["family"].isin([f.value for f in RowFamily]).to_numpy()
        return np.asarray((self.rows["rule"].to_numpy() != "") & ~structure, dtype=bool)

    def rule_columns(self, position: int) -> np.ndarray:
        """The slack and auxiliary columns of the rule at `position` in the scenario's rules."""
        kind = self.columns["kind"].to_numpy()
        own = np.isin(kind, (ColumnKind.SLACK, ColumnKind.AUXILIARY))
        return np.flatnonzero(own & (self.columns["ref"].to_numpy() == position))

    def solver_objective(self) -> np.ndarray:
        """The objective vector handed to backends: true cost plus the tie-break."""
        return np.asarray(self.c + self.tie_break, dtype=float)

    def tie_break_bound(self) -> float:
        """Largest amount the tie-break can add to the objective of any feasible point.

        Per item, the perturbed columns carry at most the item's demand (its ``demand`` row's
        upper bound) in total, so their effect is at most the largest perturbation times the
        demand; it is also at most the sum over those columns of perturbation x upper bound.
        The smaller of the two, summed over items (columns of no item: the second).
        """
        hi = np.where(np.isfinite(self.col_hi), np.abs(self.col_hi), 0.0)
        tb = np.abs(self.tie_break)
        touched = np.flatnonzero(tb)
        if len(touched) == 0:
            return 0.0
        item = self.columns["item"].to_numpy()[touched]
        n_items = int(item.max()) + 1 if len(item) else 0
        loose = tb[touched] * hi[touched]
        alone = item < 0
        total = float(loose[alone].sum())
        if n_items == 0:
            return total
        on, it = touched[~alone], item[~alone]
        per_item = np.bincount(it, loose[~alone], minlength=n_items)
        worst = np.zeros(n_items)
        np.maximum.at(worst, it, tb[on])
        demand = np.full(n_items, np.inf)
        is_demand = (self.rows["family"] == RowFamily.DEMAND).to_numpy()
        d_item = self.rows["item"].to_numpy()[is_demand]
        d_hi = self.row_hi[is_demand]
        keep = (d_item >= 0) & (d_item < n_items)
        np.minimum.at(demand, d_item[keep], np.abs(d_hi[keep]))
        tight = np.where(np.isfinite(demand), worst * demand, np.inf)
        return total + float(np.minimum(per_item, tight).sum())

    def solver_gap(self, mip_gap: float) -> float:
        """The relative gap to ask the solver for, so that the reported gap stays within `mip_gap`.

        The reported bound is the solver's bound lowered by the tie-break's largest effect
        (:meth:`tie_break_allowance`). Where that effect is at most a fraction ``a`` of the
        objective (:meth:`_tie_break_fraction`), the solver's objective is within a factor
        ``1 + a`` of the true one and a solver gap ``g`` reports at most ``g (1 + a) + a``; so
        ``g = (mip_gap - a) / (1 + a)``, less a margin of 0.1 %. Where it is not (a score,
        negative penalties), or where that would be less, half of `mip_gap`.
        """
        half = mip_gap / 2
        a = None if self.maximizes_score else self._tie_break_fraction()
        if a is None:
            return half
        return max(half, (mip_gap - a) / (1.0 + a) * 0.999)

    def for_gap(self, mip_gap: float) -> Program:
        """The program to solve at `mip_gap`: without its tie-break where that would use it all.

        The reported bound is lowered by the tie-break's largest effect, a fraction ``a`` of
        the objective (:meth:`solver_gap`); at ``mip_gap <= a`` (``mip_gap: 0``) no solve
        could then be reported optimal. So the tie-break is dropped there: the bound is the
        true objective's, and ties between equally cheap awards are left to the solver
        (deterministic for a seed) instead of the file's order.
        """
        a = None if self.maximizes_score else self._tie_break_fraction()
        if a is None or mip_gap > a or not np.any(self.tie_break):
            return self
        return replace(self, tie_break=np.zeros_like(self.tie_break))

    def _tie_break_fraction(self) -> float | None:
        """A fraction ``a``: the tie-break adds at most ``a`` x the objective at any award.

        Each perturbation is at most ``ratio`` times its column's cost, so its effect is at
        most ``ratio`` x purchase; when every other cost is >= 0 on columns >= 0 and rebates
        take at most a fraction ``rho`` of spend, the objective is at least ``(1 - rho)`` x
        purchase, so ``a = ratio / (1 - rho)``. None where that does not hold.
        """
        tb, c = np.abs(self.tie_break), self.c
        rebate = (self.columns["kind"] == ColumnKind.REBATE_SPEND).to_numpy()
        rho = float(max(0.0, -c[rebate].min())) if rebate.any() else 0.0
        others = ~rebate & (c != 0)
        nonneg = bool(np.all(c[~rebate] >= 0) and np.all(self.col_lo[others] >= 0))
        covered = bool(np.all(c[tb > 0] > 0))
        if not (nonneg and covered) or rho >= 1.0:
            return None
        ratio = float(np.max(tb[tb > 0] / c[tb > 0])) if (tb > 0).any() else 0.0
        return ratio / (1.0 - rho)

    def tie_break_allowance(self, objective: float) -> float:
        """A valid bound on the tie-break's effect at an optimum of true value <= `objective`.

        Each perturbation is at most ``ratio`` times its column's cost, so its effect is at
        most ``ratio`` x purchase. When every other cost is >= 0 on columns >= 0 and rebates
        take at most a fraction ``rho`` of spend, objective >= (1 - rho) x purchase; so at an
        optimum (true value <= `objective`, the value of any feasible award) the effect is at
        most ``ratio * objective / (1 - rho)``. Otherwise (negative penalties) the worst case
        over the columns' bounds, :meth:`tie_break_bound`.
        """
        worst = self.tie_break_bound()
        a = self._tie_break_fraction()
        if a is None or objective < 0:
            return worst
        return min(worst, a * objective)

    def objective_value(self, x: np.ndarray) -> float:
        """The true objective of a point (without the tie-break)."""
        return float(self.c @ x + self.offset)
