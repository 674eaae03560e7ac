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
  ``""``), ``supplier``, ``item``, ``scenario``

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
        """Largest amount the tie-break can add to the objective of any feasible point."""
        hi = np.where(np.isfinite(self.col_hi), self.col_hi, 0.0)
        return float(np.sum(np.abs(self.tie_break) * np.abs(hi)))

    def objective_value(self, x: np.ndarray) -> float:
        """The true objective of a point (without the tie-break)."""
        return float(self.c @ x + self.offset)
