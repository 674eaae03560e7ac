"""Backup capacity in the cheapest relaxation: measured with the capacities the award uses.

``backup_coverage`` counts each awarded supplier t's capacity on the rule's items,
c_t = min(cap_t, sum of t's offer capacities there), as a constant of the program. When the
relaxation exceeds a capacity, the relaxed scenario moves it to what the award uses, and the
verifier then counts c'_t = min(cap_t + o_t, sum_o (cap_o + o_o)) with o the overflows. For
the relaxed award to verify (a relaxed or soft backup rule is priced by its violation), the
elastic program counts the same: an extra e_t >= 0 joins c_t z_t in the rule's rows, with

    e_t - o_t <= cap_t - c_t                    (t's own capacity, if finite)
    e_t - sum_o o_o <= sum_o cap_o - c_t        (its offers on the items, if all capacitated)

where o_t and o_o are the overflow slacks of t's capacity row and of its offers' capacity
rows. One of the right-hand sides is 0 (c_t is the smaller), so e_t > 0 needs an overflow,
which needs units: t is awarded (z_t = 1) whenever e_t counts.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace

import numpy as np
import scipy.sparse as sp

from sourceopt.formulation.edits import with_columns, with_rows
from sourceopt.formulation.program import ColumnKind, Program, RowFamily
from sourceopt.scenario.model import Scenario
from sourceopt.scenario.schema import BackupCoverageRule
from sourceopt.scenario.selectors import item_mask


def backup_of_used_capacity(
    scenario: Scenario, program: Program, over: Mapping[int, int]
) -> Program:
    """The program with e_t in every backup_coverage rule (`over`: row -> its overflow slack)."""
    for rule in scenario.rules:
        if isinstance(rule, BackupCoverageRule):
            program = _one_rule(scenario, program, rule, over)
    return program


def _overflow_slacks(
    program: Program, over: Mapping[int, int]
) -> tuple[dict[int, int], dict[int, int]]:
    """Overflow slack columns per supplier (its capacity row) and per offer (offer_capacity)."""
    rows = program.rows
    capacity = set(program.rows_of(RowFamily.CAPACITY).tolist())
    offer_capacity = set(program.rows_of(RowFamily.OFFER_CAPACITY).tolist())
    supplier = rows["supplier"].to_numpy()
    ref = program.columns["ref"].to_numpy()
    by_supplier: dict[int, int] = {}
    by_offer: dict[int, int] = {}
    for row, col in over.items():
        if row in capacity:
            by_supplier[int(supplier[row])] = col
        elif row in offer_capacity:
            entries = program.A.indices[program.A.indptr[row] : program.A.indptr[row + 1]]
            offer_cols = entries[entries != col]
            if len(offer_cols):
                by_offer[int(ref[offer_cols[0]])] = col
    return by_supplier, by_offer


def _one_rule(
    scenario: Scenario, program: Program, rule: BackupCoverageRule, over: Mapping[int, int]
) -> Program:
    rows = program.rows
    name = str(rule.name)
    own = program.rule_rows(name, measured=True)
    define = np.setdiff1d(program.rule_rows(name), own)
    if not len(define) or not len(own):
        return program
    by_supplier, by_offer = _overflow_slacks(program, over)
    items = item_mask(scenario, rule.items)
    c = scenario.capacity_on(items)
    cap = scenario.suppliers["capacity"].to_numpy(float)
    offers = scenario.offers
    o_sup, o_cap = offers["supplier"].to_numpy(), offers["capacity"].to_numpy(float)
    on = items[offers["item"].to_numpy()]
    row_supplier = rows["supplier"].to_numpy()
    at_rows: list[int] = []
    at_cols: list[int] = []
    for row in own:
        t = int(row_supplier[row])
        mine = np.flatnonzero(on & (o_sup == t))
        limits: list[tuple[list[int], float]] = []
        if np.isfinite(cap[t]):
            limits.append(([by_supplier[t]] if t in by_supplier else [], cap[t] - c[t]))
        if np.all(np.isfinite(o_cap[mine])):
            slacks = [by_offer[int(o)] for o in mine if int(o) in by_offer]
            limits.append((slacks, float(o_cap[mine].sum()) - c[t]))
        if not any(cols for cols, _ in limits):
            continue  # no overflow can raise t's backup capacity
        program, e = with_columns(program, 1, kind=ColumnKind.AUXILIARY, supplier=t)
        for cols, room in limits:
            where = np.r_[e, np.asarray(cols, dtype=np.int64)]
            m = sp.csr_matrix(
                (np.r_[1.0, -np.ones(len(cols))], (np.zeros(len(where), np.int64), where)),
                shape=(1, program.n_cols),
            )
            program = with_rows(
                program,
                m,
                lo=-np.inf,
                hi=max(room, 0.0),
                family=RowFamily.BACKUP_USED_CAPACITY,
                rule=name,
            )
        # G = sum_t (c_t z_t + e_t - V_t); t's own row subtracts what G holds of t
        at_rows += [int(define[0]), int(row)]
        at_cols += [int(e[0])] * 2
    if not at_rows:
        return program
    extra = sp.csr_matrix((-np.ones(len(at_rows)), (at_rows, at_cols)), shape=program.A.shape)
    return replace(program, A=(program.A + extra).tocsr())
