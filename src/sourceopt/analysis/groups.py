"""Conflict groups: the program's rows gathered into what a sourcing lead can change.

A *group* is one hard rule (all rows labelled with its name), one item's demand
(``demand:<item>``) or one supplier's capacity (``capacity:<supplier>``: its capacity row and
its offers' capacities). Everything else (price segments, award indicators, rebates) is
structure and always holds.

Switching a group *off* frees its rows. A capacity is also carried by column bounds and
big-M coefficients; :func:`~sourceopt.formulation.lift.lift_capacities` (the formulation
knows where they live) appends lifted copies of the rows that carry them, once, free, and
switching a capacity off swaps them in by bounds (every copy is a ``<= 0`` row), so that
every feasibility test is a bounds edit of one program.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from sourceopt.formulation.lift import lift_capacities
from sourceopt.formulation.program import Program, RowFamily
from sourceopt.scenario.model import Scenario

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
    empty = np.zeros(0, dtype=np.int64)
    groups: list[Group] = []
    item_ids = scenario.items["id"].to_numpy()
    row_item = rows["item"].to_numpy()
    for r in program.rows_of(RowFamily.DEMAND):  # one per item
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


def _capacity_groups(scenario: Scenario, program: Program) -> tuple[Program, list[Group]]:
    """One group per supplier whose capacity (own or on an offer) binds anything."""
    lift = lift_capacities(scenario, program)
    col_sup = program.columns["supplier"].to_numpy()
    own_rows, own_sup = lift.supplier_rows()
    swap_sup = lift.swap_supplier()
    sup_ids = scenario.suppliers["id"].to_numpy()
    groups = []
    for s in range(scenario.n_suppliers):
        own = own_rows[own_sup == s]
        cols = lift.lifted[col_sup[lift.lifted] == s]
        if not len(own) and not len(cols):
            continue
        mine = np.flatnonzero(swap_sup == s)
        groups.append(
            Group(
                f"capacity:{sup_ids[s]}",
                "capacity",
                s,
                DATA_PRIORITY,
                own,
                lift.swaps[mine],
                lift.copies[mine],
                cols,
                lift.hi[cols],
            )
        )
    return lift.program, groups
