"""Lifting capacities out of a built Program: the column bounds and big-Ms they hold.

A capacity is carried by the supplier's ``capacity`` row, by its offer columns' bounds (an
offer's bound is min(offer capacity, demand, supplier capacity)) and by the switches that use
those bounds (:mod:`sourceopt.formulation.provenance`: ``x <= H y``, ``units <= M z`` and
``units >= q z``). Lifting it raises the offer columns to their capacity-free bounds (the
tier band, the demand) and swaps the supplier's switch rows for copies whose binary
coefficient is recomputed from the lifted bounds (a big-M; an award quantum min(1, M) from
it). An award indicator that the capacity fixed at 0 (it could see no units:
:func:`~sourceopt.formulation.context.award_quantum`) is lifted to 1 with them. The
capacity cover (:mod:`sourceopt.formulation.cover`) is made free: it sums every capacity.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
import pandas as pd
import scipy.sparse as sp

from sourceopt.formulation.context import award_quantum
from sourceopt.formulation.core import segments
from sourceopt.formulation.edits import with_rows
from sourceopt.formulation.program import ColumnKind, Program, RowFamily
from sourceopt.scenario.model import Scenario


@dataclass(frozen=True)
class CapacityLift:
    """A program with the lifted copies of its switch rows appended (free), and what to lift.

    ``swaps[k]`` (a switch row of a supplier whose capacity holds something) has its lifted
    copy at ``copies[k]``, a ``<= 0`` row; ``hi`` is every column's capacity-free upper bound
    and ``lifted`` the columns where it is higher than now.
    """

    program: Program
    hi: np.ndarray
    lifted: np.ndarray
    swaps: np.ndarray
    copies: np.ndarray

    def supplier_rows(self) -> tuple[np.ndarray, np.ndarray]:
        """The base program's ``capacity`` rows and the supplier each is about."""
        rows = self.program.rows
        own = np.flatnonzero((rows["family"] == RowFamily.CAPACITY).to_numpy())
        return own, rows["supplier"].to_numpy()[own]

    def swap_supplier(self) -> np.ndarray:
        """The supplier of each swapped row."""
        return np.asarray(self.program.rows["supplier"].to_numpy()[self.swaps])


def lift_capacities(scenario: Scenario, program: Program) -> CapacityLift:
    """Prepare lifting every supplier's capacity (see the module; nothing is lifted yet)."""
    row_sup = program.rows["supplier"].to_numpy()
    hi = _lift_indicators(program, structural_hi(scenario, program))
    lifted = np.flatnonzero(hi > program.col_hi)
    col_sup = program.columns["supplier"].to_numpy()
    row, col, floor = program.provenance.switches()
    pick = np.isin(row_sup[row], np.unique(col_sup[lifted]))
    swaps = row[pick]
    copies = _lifted_copies(program, swaps, col[pick], floor[pick], hi)
    base = program.n_rows
    program = with_rows(
        _without_covers(program),
        copies,
        lo=-np.inf,
        hi=np.inf,
        family=RowFamily.CAPACITY_LIFTED,
        supplier=row_sup[swaps],
    )
    return CapacityLift(program, hi, lifted, swaps, base + np.arange(len(swaps)))


def _without_covers(program: Program) -> Program:
    """The program with its capacity covers free: they hold only under the capacities."""
    cover = (program.rows["family"] == RowFamily.AWARDED_COVER).to_numpy()
    if not cover.any():
        return program
    row_lo, row_hi = program.row_lo.copy(), program.row_hi.copy()
    row_lo[cover], row_hi[cover] = -np.inf, np.inf
    return replace(program, row_lo=row_lo, row_hi=row_hi)


def capacity_rows(program: Program) -> np.ndarray:
    """Mask of the rows that hold a supplier's capacity (its own, switches, lifted copies)."""
    held = (RowFamily.CAPACITY, RowFamily.CAPACITY_LIFTED)
    mask = np.array(program.rows["family"].isin(held).to_numpy(), dtype=bool)
    mask[program.provenance.switch_row] = True
    return mask


def structural_hi(scenario: Scenario, program: Program) -> np.ndarray:
    """Per column: its upper bound with every capacity lifted (offer columns; others as is)."""
    uncapped = scenario.with_changes(
        offers=scenario.offers.assign(capacity=np.inf),
        suppliers=scenario.suppliers.assign(capacity=np.inf),
    )
    seg = segments(uncapped)
    seg_rank = seg.groupby("offer").cumcount().to_numpy()
    free_hi = pd.Series(
        seg["hi"].to_numpy(float),
        index=pd.MultiIndex.from_arrays([seg["offer"].to_numpy(), seg_rank]),
    )
    out = program.col_hi.copy()
    cols = np.flatnonzero((program.columns["kind"] == ColumnKind.OFFER_UNITS).to_numpy())
    ref = program.columns["ref"].to_numpy()[cols]
    rank = pd.Series(ref).groupby(ref).cumcount().to_numpy()
    found = free_hi.reindex(pd.MultiIndex.from_arrays([ref, rank])).to_numpy(float)
    ok = ~np.isnan(found)
    out[cols[ok]] = np.maximum(out[cols[ok]], found[ok])
    return out


def _reach(
    block: sp.csr_matrix, switch: np.ndarray, hi: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per row of `block`: the most its switched part can be under bounds `hi`.

    Also each entry's row and whether it is the row's switch (the binary's coefficient).
    """
    bounded = np.where(np.isfinite(hi), hi, 0.0)
    owner = np.repeat(np.arange(block.shape[0]), np.diff(block.indptr))
    is_switch = block.indices == switch[owner]
    part = ~is_switch
    reach = np.bincount(
        owner[part],
        weights=block.data[part] * bounded[block.indices[part]],
        minlength=block.shape[0],
    )
    return reach, owner, is_switch


def _lift_indicators(program: Program, hi: np.ndarray) -> np.ndarray:
    """`hi` with 1 for award indicators fixed at 0 that see units under the lifted bounds."""
    kind = program.columns["kind"].to_numpy()
    barred = np.flatnonzero((kind == ColumnKind.AWARDED) & (program.col_hi < 1.0))
    if not len(barred):
        return hi
    row, col, floor = program.provenance.switches()
    link = ~floor & (kind[col] == ColumnKind.AWARDED)
    reach, owner, is_switch = _reach(sp.csr_matrix(program.A[row[link]]), col[link], hi)
    block = sp.csr_matrix(program.A[row[link]])
    seen = np.zeros(program.n_cols)
    np.maximum.at(seen, block.indices[is_switch], reach[owner[is_switch]])
    out = hi.copy()
    out[barred] = np.maximum(hi[barred], award_quantum(seen[barred])[0])
    return out


def _lifted_copies(
    program: Program, rows: np.ndarray, switch: np.ndarray, floor: np.ndarray, hi: np.ndarray
) -> sp.csr_matrix:
    """Copies of ``x - H y <= 0``, ``units - M z <= 0``, ``units - q z >= 0`` rows, lifted.

    In an upper row the switch becomes minus the largest value the row's other part can take
    under the lifted column bounds (never less than before); in a floor row (an award
    quantum) minus max(q, min(1, that value)), and the copy is negated (``q' z - units <= 0``)
    so that every copy is switched on as a ``<= 0`` row.
    """
    block = sp.csr_matrix(program.A[rows], copy=True)
    reach, owner, at = _reach(block, switch, hi)
    _, big_m, quantum = award_quantum(reach)
    lifted = np.where(floor, quantum, big_m)
    block.data[at] = -np.maximum(lifted[owner[at]], -block.data[at])
    block.data[floor[owner]] *= -1.0
    return block
