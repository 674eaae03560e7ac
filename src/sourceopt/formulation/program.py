"""The backend-neutral mathematical program and the labels that map it back.

    minimise    (c + tie_break) . x + offset
    subject to  row_lo <= A x <= row_hi
                col_lo <=   x <= col_hi
                x_j integer where integrality[j]

``c`` is the true objective (money); ``tie_break`` is a tiny, documented preference among
equal-cost awards (see models/README.md) that backends add to ``c``; results are always
evaluated with ``c`` alone. Labels are tables with one row per column / row of the program:

- ``columns``: ``kind`` (see :data:`COLUMN_KINDS`), ``supplier``, ``item``, ``ref`` (offer,
  bundle, rule or rebate-tier code, -1 if none), ``scenario``
- ``rows``: ``family`` (``demand``, ``capacity``, ..., or a rule type), ``rule`` (rule name or
  ``""``), ``group`` (for a rule with ``each``: the value of the field the row is about, e.g.
  ``CN``; else ``""``), ``supplier``, ``item``, ``scenario``. Every row of a rule carries its
  name in ``rule``, so dropping or pricing a rule by name takes all its groups; reports name
  a group's rows ``<rule>[<group>]``.

Codes are row positions in the scenario's tables; ``-1`` means "not about one".
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import scipy.sparse as sp

COLUMN_KINDS: tuple[str, ...] = (
    "offer_units",  # units bought through one price segment of an offer (ref = offer)
    "offer_segment",  # binary: that segment is the one in use (ref = offer)
    "bundle",  # binary: bundle accepted (ref = bundle)
    "awarded",  # binary: supplier receives > 0 units of the items of its indicator (ref = set)
    "rebate_spend",  # supplier spend falling in one rebate tier (ref = rebate row)
    "rebate_tier",  # binary: that rebate tier is the one reached (ref = rebate row)
    "slack",  # violation of a soft rule row (ref = rule position)
    "auxiliary",  # modelling helper (ref = rule position)
)


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
        is_demand = (self.rows["family"] == "demand").to_numpy()
        d_item = self.rows["item"].to_numpy()[is_demand]
        d_hi = self.row_hi[is_demand]
        keep = (d_item >= 0) & (d_item < n_items)
        np.minimum.at(demand, d_item[keep], np.abs(d_hi[keep]))
        tight = np.where(np.isfinite(demand), worst * demand, np.inf)
        return total + float(np.minimum(per_item, tight).sum())

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
        tb, c = np.abs(self.tie_break), self.c
        rebate = (self.columns["kind"] == "rebate_spend").to_numpy()
        rho = float(max(0.0, -c[rebate].min())) if rebate.any() else 0.0
        others = ~rebate & (c != 0)
        nonneg = bool(np.all(c[~rebate] >= 0) and np.all(self.col_lo[others] >= 0))
        covered = bool(np.all(c[tb > 0] > 0))
        if not (nonneg and covered) or objective < 0 or rho >= 1.0:
            return worst
        ratio = float(np.max(tb[tb > 0] / c[tb > 0])) if (tb > 0).any() else 0.0
        return min(worst, ratio * objective / (1.0 - rho))

    def objective_value(self, x: np.ndarray) -> float:
        """The true objective of a point (without the tie-break)."""
        return float(self.c @ x + self.offset)
