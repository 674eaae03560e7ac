"""Conflict groups: the program's rows gathered into what a sourcing lead can change.

A *group* is one hard rule (all rows labelled with its name), one item's demand
(``demand:<item>``) or one supplier's capacity (``capacity:<supplier>``: its capacity row and
its offers' capacities). Everything else (price segments, award indicators, rebates) is
structure and always holds.

Switching a group *off* frees its rows. A capacity is also carried by the program's column
bounds and big-M coefficients (an offer's column bound is min(offer capacity, demand,
supplier capacity); ``x <= H y`` and ``units <= M z`` use the same numbers), so switching a
capacity off also lifts the supplier's offer columns to their capacity-free bounds (the tier
band, the demand) and swaps its ``segment_upper``, ``awarded_link`` and ``awarded_floor`` rows
for copies with the lifted coefficients (a big-M from the lifted bounds; an award quantum
min(1, M) from it). An award indicator that the capacity fixed at 0 (it could see no units:
:func:`~sourceopt.formulation.context.award_quantum`) is lifted to 1 with them. The copies
are appended to the program once, free, and switched on by bounds (every copy is a ``<= 0``
row), so that every feasibility test is a bounds edit of one program.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
import pandas as pd
import scipy.sparse as sp

from sourceopt.analysis.edits import with_rows
from sourceopt.formulation.context import award_quantum
from sourceopt.formulation.core import segments
from sourceopt.formulation.program import ColumnKind, Program, RowFamily
from sourceopt.scenario.model import Scenario

_SWAPPED = (RowFamily.SEGMENT_UPPER, RowFamily.AWARDED_LINK, RowFamily.AWARDED_FLOOR)
DATA_PRIORITY = float("inf")  # data give way only when relaxing every rule cannot help


@dataclass(frozen=True)
class Group:
    """One switchable group: a hard rule, an item's demand or a supplier's capacity."""

    name: str  # rule name, ``demand:<item>`` or ``capacity:<supplier>``
    kind: str  # "rule", "demand" or "capacity"
    code: int  # rule position, item code or supplier code
    priority: float  # the rule's priority; data: DATA_PRIORITY
    rows: np.ndarray  # rows that define the group (freed when off, elastic in a relaxation)
    swap_off: np.ndarray  # structure rows replaced while the group is off
    swap_on: np.ndarray  # their lifted copies (appended rows, free while the group is on)
    lift_cols: np.ndarray  # offer columns whose bound the group holds
    lift_hi: np.ndarray  # their capacity-free bounds


@dataclass(frozen=True)
class GroupedProgram:
    """The program (with the lifted copies appended, free) and its groups."""

    program: Program
    groups: tuple[Group, ...]
    n_base_rows: int

    def names(self, members: list[int]) -> list[str]:
        """The names of some groups."""
        return [self.groups[k].name for k in members]

    def with_off(self, off: list[int] | np.ndarray) -> Program:
        """The program with some groups switched off (every other group holds)."""
        p = self.program
        row_lo, row_hi, col_hi = p.row_lo.copy(), p.row_hi.copy(), p.col_hi.copy()
        for k in off:
            g = self.groups[int(k)]
            freed = np.r_[g.rows, g.swap_off].astype(np.int64)
            row_lo[freed], row_hi[freed] = -np.inf, np.inf
            self._switch_on(g, row_lo, row_hi)
            col_hi[g.lift_cols] = g.lift_hi
        return replace(p, row_lo=row_lo, row_hi=row_hi, col_hi=col_hi)

    def with_only(self, enforced: list[int]) -> Program:
        """The program with only the given groups holding (and the structure)."""
        keep = set(enforced)
        return self.with_off([k for k in range(len(self.groups)) if k not in keep])

    def lifted(self, g: Group, row_lo: np.ndarray, row_hi: np.ndarray, col_hi: np.ndarray) -> None:
        """Lift a capacity group's bounds in place, keeping its own rows (for elastic use)."""
        row_lo[g.swap_off], row_hi[g.swap_off] = -np.inf, np.inf
        self._switch_on(g, row_lo, row_hi)
        col_hi[g.lift_cols] = g.lift_hi

    def _switch_on(self, g: Group, row_lo: np.ndarray, row_hi: np.ndarray) -> None:
        row_lo[g.swap_on], row_hi[g.swap_on] = -np.inf, 0.0


def conflict_groups(scenario: Scenario, program: Program) -> GroupedProgram:
    """Gather the program's rows into groups (demands, capacities, hard rules: that order)."""
    rows = program.rows
    family = rows["family"].to_numpy()
    empty = np.zeros(0, dtype=np.int64)
    groups: list[Group] = []
    item_ids = scenario.items["id"].to_numpy()
    row_item = rows["item"].to_numpy()
    for r in np.flatnonzero(family == RowFamily.DEMAND):
        i = int(row_item[r])
        groups.append(
            Group(f"demand:{item_ids[i]}", "demand", i, DATA_PRIORITY, np.array([r]), *[empty] * 4)
        )
    program, capacity = _capacity_groups(scenario, program)
    groups += capacity
    rule_of = rows["rule"].to_numpy()
    for pos, rule in enumerate(scenario.rules):
        mine = np.flatnonzero(rule_of == str(rule.name))
        if rule.soft is None and len(mine):
            groups.append(
                Group(str(rule.name), "rule", pos, float(rule.priority), mine, *[empty] * 4)
            )
    return GroupedProgram(program, tuple(groups), len(rows))


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


def _capacity_groups(scenario: Scenario, program: Program) -> tuple[Program, list[Group]]:
    """One group per supplier whose capacity (own or on an offer) binds anything."""
    labels, family = program.columns, program.rows["family"].to_numpy()
    row_sup = program.rows["supplier"].to_numpy()
    hi = _lift_indicators(program, structural_hi(scenario, program))
    lifted = np.flatnonzero(hi > program.col_hi)
    col_sup = labels["supplier"].to_numpy()
    swaps = np.flatnonzero(np.isin(family, _SWAPPED) & np.isin(row_sup, np.unique(col_sup[lifted])))
    copies = _lifted_copies(program, swaps, hi)
    base_rows = program.n_rows
    program = with_rows(
        program,
        copies,
        lo=-np.inf,
        hi=np.inf,
        family=RowFamily.CAPACITY_LIFTED,
        supplier=row_sup[swaps],
    )
    sup_ids = scenario.suppliers["id"].to_numpy()
    groups = []
    for s in range(scenario.n_suppliers):
        own = np.flatnonzero((family == RowFamily.CAPACITY) & (row_sup == s))
        cols = lifted[col_sup[lifted] == s]
        if not len(own) and not len(cols):
            continue
        mine = np.flatnonzero(row_sup[swaps] == s)
        groups.append(
            Group(
                f"capacity:{sup_ids[s]}",
                "capacity",
                s,
                DATA_PRIORITY,
                own,
                swaps[mine],
                base_rows + mine,
                cols,
                hi[cols],
            )
        )
    return program, groups


def _reach(block: sp.csr_matrix, hi: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per row of `block`: the most its positive part can be under bounds `hi`; entry owners."""
    bounded = np.where(np.isfinite(hi), hi, 0.0)
    owner = np.repeat(np.arange(block.shape[0]), np.diff(block.indptr))
    positive = block.data > 0
    reach = np.bincount(
        owner[positive],
        weights=block.data[positive] * bounded[block.indices[positive]],
        minlength=block.shape[0],
    )
    return reach, owner


def _lift_indicators(program: Program, hi: np.ndarray) -> np.ndarray:
    """`hi` with 1 for award indicators fixed at 0 that see units under the lifted bounds."""
    kind = program.columns["kind"].to_numpy()
    barred = np.flatnonzero((kind == ColumnKind.AWARDED) & (program.col_hi < 1.0))
    if not len(barred):
        return hi
    links = program.A[program.rows["family"].to_numpy() == RowFamily.AWARDED_LINK].tocsr()
    reach, owner = _reach(links, hi)
    neg = links.data < 0  # each link row has one negative entry: its indicator's
    seen = np.zeros(program.n_cols)
    np.maximum.at(seen, links.indices[neg], reach[owner[neg]])
    out = hi.copy()
    out[barred] = np.maximum(hi[barred], award_quantum(seen[barred])[0])
    return out


def _lifted_copies(program: Program, rows: np.ndarray, hi: np.ndarray) -> sp.csr_matrix:
    """Copies of ``x - H y <= 0``, ``units - M z <= 0``, ``units - q z >= 0`` rows, lifted.

    The negative entry is the indicator's. In an upper row it becomes minus the largest value
    the row's positive part can take under the lifted column bounds (never less than before);
    in a floor row (an award quantum) minus max(q, min(1, that value)), and the copy is
    negated (``q' z - units <= 0``) so that every copy is switched on as a ``<= 0`` row.
    """
    block = sp.csr_matrix(program.A[rows], copy=True)
    reach, owner = _reach(block, hi)
    neg = block.data < 0
    floor = program.rows["family"].to_numpy()[rows] == RowFamily.AWARDED_FLOOR
    _, big_m, quantum = award_quantum(reach)
    lifted = np.where(floor, quantum, big_m)
    block.data[neg] = -np.maximum(lifted[owner[neg]], -block.data[neg])
    block.data[floor[owner]] *= -1.0
    return block
