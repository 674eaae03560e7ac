"""Edits of a built Program that the analyses re-solve: drop a rule, add rows or columns, fix.

The formulation owns them because they depend on how it encodes things (which indicators a
rule shares, which rows carry a capacity); the analyses call them and never decode rows.
Every edit returns a new :class:`~sourceopt.formulation.program.Program` whose labels stay
aligned with its matrix (one label row per column and per row); the input is never changed.
An analysis that re-solves an edited program verifies the award against a scenario with the
same rules (:func:`without_rule` gives the scenario that matches :func:`drop_rule`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import Any

import numpy as np
import pandas as pd
import scipy.sparse as sp

from sourceopt.errors import AnalysisError
from sourceopt.formulation.context import award_quantum
from sourceopt.formulation.program import ColumnKind, Program, RowFamily
from sourceopt.scenario.model import Scenario

_LINKS = (RowFamily.AWARDED_LINK, RowFamily.AWARDED_FLOOR, RowFamily.AWARDED_COVER)


def rule_position(scenario: Scenario, name: str) -> int:
    """Position of a rule in the scenario's rules; an unknown name lists the rules there are."""
    names = scenario.rule_names
    if name not in names:
        known = ", ".join(names) if names else "(the scenario has no rules)"
        raise AnalysisError(f"unknown rule {name!r}; the rules in force are: {known}")
    return names.index(name)


def without_rule(scenario: Scenario, name: str) -> Scenario:
    """The scenario without one rule (the scenario a :func:`drop_rule` program verifies against)."""
    pos = rule_position(scenario, name)
    return scenario.with_changes(
        rules=scenario.rules[:pos] + scenario.rules[pos + 1 :],
        rule_origins=scenario.rule_origins[:pos] + scenario.rule_origins[pos + 1 :],
    )


def subset(program: Program, keep_rows: np.ndarray, keep_cols: np.ndarray) -> Program:
    """The program restricted to some rows and columns (boolean masks); labels follow."""
    a = program.A[keep_rows][:, keep_cols].tocsr()
    return replace(
        program,
        c=program.c[keep_cols],
        A=a,
        row_lo=program.row_lo[keep_rows],
        row_hi=program.row_hi[keep_rows],
        col_lo=program.col_lo[keep_cols],
        col_hi=program.col_hi[keep_cols],
        integrality=program.integrality[keep_cols],
        columns=program.columns[keep_cols].reset_index(drop=True),
        rows=program.rows[keep_rows].reset_index(drop=True),
        tie_break=program.tie_break[keep_cols],
        provenance=program.provenance.subset(keep_rows, keep_cols),
        total_cost=None if program.total_cost is None else program.total_cost[keep_cols],
    )


def drop_rule(program: Program, name: str, scenario: Scenario) -> Program:
    """Remove one rule: its rows, its slack and auxiliary columns, and indicators only it used.

    `scenario` is the scenario the program was built from (for the rule's position, which
    labels its slack columns, and for supplier minimums). Later rules' slack labels are
    renumbered so that they match :func:`without_rule`. Dropping rows (rather than freeing
    them) keeps the remaining rows' duals meaningful.
    """
    pos = rule_position(scenario, name)
    keep_rows = np.ones(program.n_rows, dtype=bool)
    keep_rows[program.rule_rows(name)] = False
    own = np.zeros(program.n_cols, dtype=bool)
    own[program.rule_columns(pos)] = True
    used_elsewhere = np.asarray(abs(program.A[keep_rows]).sum(axis=0)).ravel() > 0
    keep_cols = ~(own & ~used_elsewhere)
    edited = subset(program, keep_rows, keep_cols)
    cols = edited.columns.copy()
    later = np.isin(cols["kind"].to_numpy(), (ColumnKind.SLACK, ColumnKind.AUXILIARY)) & (
        cols["ref"] > pos
    )
    cols.loc[later, "ref"] = cols.loc[later, "ref"] - 1
    return prune_indicators(replace(edited, columns=cols), scenario)


def prune_indicators(program: Program, scenario: Scenario) -> Program:
    """Remove ``awarded`` binaries no rule uses any more, with their link rows.

    An indicator that appears only in its own link rows and has no cost is removed; one that
    carries a fixed cost keeps its upper link but loses its floor (the award quantum), unless
    the floor is the supplier's own ``min_units`` (an indicator over all of its items).
    """
    kind = program.columns["kind"].to_numpy()
    awarded = np.flatnonzero(kind == ColumnKind.AWARDED)
    if not len(awarded):
        return program
    family = program.rows["family"].to_numpy()
    link = np.isin(family, _LINKS)
    a_csc = program.A.tocsc()
    in_other = np.asarray(abs(a_csc[~link]).sum(axis=0)).ravel() > 0
    free = awarded[~in_other[awarded]]
    if not len(free):
        return program
    needed = _needed_for_minimum(program, scenario, free)
    drop_cols = free[(program.c[free] == 0) & ~needed]
    lose_floor = free[~needed]
    touch = np.asarray(abs(program.A[:, drop_cols]).sum(axis=1)).ravel() > 0
    floors = np.asarray(abs(program.A[:, lose_floor]).sum(axis=1)).ravel() > 0
    drop_rows = (link & touch) | ((family == RowFamily.AWARDED_FLOOR) & floors)
    keep_cols = np.ones(program.n_cols, dtype=bool)
    keep_cols[drop_cols] = False
    return subset(program, ~drop_rows, keep_cols)


def _needed_for_minimum(program: Program, scenario: Scenario, cols: np.ndarray) -> np.ndarray:
    """Which indicators carry a supplier minimum: over all of a minimum-bound supplier's units."""
    labels = program.columns
    sup = labels["supplier"].to_numpy()[cols]
    item = labels["item"].to_numpy()[cols]
    min_units = scenario.suppliers["min_units"].to_numpy(float)
    has_min = np.asarray((item < 0) & (sup >= 0) & (min_units[np.maximum(sup, 0)] > 0))
    if not has_min.any():
        return has_min
    kind = labels["kind"].to_numpy()
    carries = np.isin(kind, (ColumnKind.OFFER_UNITS, ColumnKind.BUNDLE))
    per_sup = np.bincount(labels["supplier"].to_numpy()[carries], minlength=scenario.n_suppliers)
    family = program.rows["family"].to_numpy()
    upper = program.A[family == RowFamily.AWARDED_LINK].tocsc()
    out = np.zeros(len(cols), dtype=bool)
    for k in np.flatnonzero(has_min):  # one supplier at a time: few indicators, few suppliers
        row = upper[:, [cols[k]]].nonzero()[0]
        if len(row):
            covered = upper[row[:1]].nnz - 1
            out[k] = covered >= per_sup[sup[k]]
    return out


def with_columns(
    program: Program,
    n: int,
    *,
    kind: ColumnKind,
    cost: np.ndarray | float = 0.0,
    lo: np.ndarray | float = 0.0,
    hi: np.ndarray | float = np.inf,
    integer: bool = False,
    supplier: np.ndarray | int = -1,
    item: np.ndarray | int = -1,
    ref: np.ndarray | int = -1,
) -> tuple[Program, np.ndarray]:
    """Append `n` columns (no entries in existing rows); returns the program and their indices."""

    def arr(value: np.ndarray | float, dtype: type = float) -> np.ndarray:
        return np.broadcast_to(np.asarray(value, dtype=dtype), (n,)).copy()

    labels = pd.DataFrame(
        {
            "kind": str(kind),
            "supplier": arr(supplier, np.int64),
            "item": arr(item, np.int64),
            "ref": arr(ref, np.int64),
            "scenario": program.name,
        }
    )
    a = sp.csr_matrix(program.A, copy=True)
    a.resize((program.n_rows, program.n_cols + n))
    edited = replace(
        program,
        c=np.r_[program.c, arr(cost)],
        A=a,
        col_lo=np.r_[program.col_lo, arr(lo)],
        col_hi=np.r_[program.col_hi, arr(hi)],
        integrality=np.r_[program.integrality, np.full(n, integer)],
        columns=pd.concat([program.columns, labels], ignore_index=True),
        tie_break=np.r_[program.tie_break, np.zeros(n)],
        total_cost=None if program.total_cost is None else np.r_[program.total_cost, np.zeros(n)],
    )
    return edited, np.arange(program.n_cols, program.n_cols + n)


def with_rows(
    program: Program,
    m: sp.sparray | sp.spmatrix,
    *,
    lo: np.ndarray | float,
    hi: np.ndarray | float,
    family: RowFamily | str,
    rule: str = "",
    supplier: np.ndarray | int = -1,
    item: np.ndarray | int = -1,
) -> Program:
    """Append rows ``lo <= m x <= hi`` (`m` has one column per program column)."""
    block = sp.csr_matrix(m)
    k = block.shape[0]
    if block.shape[1] != program.n_cols:
        raise ValueError(f"rows have {block.shape[1]} columns, the program {program.n_cols}")
    labels = pd.DataFrame(
        {
            "family": str(family),
            "rule": rule,
            "group": "",
            "supplier": np.broadcast_to(np.asarray(supplier, dtype=np.int64), (k,)),
            "item": np.broadcast_to(np.asarray(item, dtype=np.int64), (k,)),
            "scenario": program.name,
        }
    )
    return replace(
        program,
        A=sp.vstack([program.A, block], format="csr"),
        row_lo=np.r_[program.row_lo, np.broadcast_to(np.asarray(lo, dtype=float), (k,))],
        row_hi=np.r_[program.row_hi, np.broadcast_to(np.asarray(hi, dtype=float), (k,))],
        rows=pd.concat([program.rows, labels], ignore_index=True),
    )


def with_row(
    program: Program,
    coefficients: np.ndarray,
    *,
    lo: float = -np.inf,
    hi: float = np.inf,
    family: RowFamily | str = RowFamily.EPSILON,
    rule: str = "",
) -> Program:
    """Append one row ``lo <= coefficients . x <= hi`` (an epsilon-constraint, say)."""
    row = sp.csr_matrix(np.asarray(coefficients, dtype=float).reshape(1, -1))
    return with_rows(program, row, lo=lo, hi=hi, family=family, rule=rule)


def set_row_bounds(
    program: Program, rows: np.ndarray, lo: np.ndarray | float, hi: np.ndarray | float
) -> Program:
    """The program with new bounds on some rows (e.g. a moved epsilon)."""
    row_lo, row_hi = program.row_lo.copy(), program.row_hi.copy()
    row_lo[rows] = lo
    row_hi[rows] = hi
    return replace(program, row_lo=row_lo, row_hi=row_hi)


def fix_columns(program: Program, cols: np.ndarray, values: np.ndarray | float) -> Program:
    """The program with some columns fixed to values (lower = upper bound)."""
    col_lo, col_hi = program.col_lo.copy(), program.col_hi.copy()
    col_lo[cols] = values
    col_hi[cols] = values
    return replace(program, col_lo=col_lo, col_hi=col_hi)


def with_objective(program: Program, c: np.ndarray, *, keep_tie_break: bool = False) -> Program:
    """The program minimising another objective (the tie-break is dropped unless asked)."""
    tie = program.tie_break if keep_tie_break else np.zeros(program.n_cols)
    return replace(program, c=np.asarray(c, dtype=float), tie_break=tie, offset=0.0)


def spend_rows(program: Program, scenario: Scenario) -> np.ndarray:
    """Mask of the rows whose coefficients include prices (re-pricing an offer changes them).

    Rebate rows, budget rows and the rows of every spend-measured rule.
    """
    rows = program.rows
    priced = {str(r.name) for r in scenario.rules if _measures_spend(r)}
    return np.asarray(
        (rows["family"].isin([RowFamily.REBATE_SPEND]) | rows["rule"].isin(priced)).to_numpy(),
        dtype=bool,
    )


def _measures_spend(rule: Any) -> bool:
    """Whether a rule's rows are in money (a budget, a spend-measured share or average)."""
    return rule.type == "budget" or getattr(rule, "measure", "") == "spend"


def with_award_indicators(
    program: Program,
    units: sp.csr_matrix,
    capacity: np.ndarray,
    suppliers: np.ndarray,
    *,
    floor: bool,
) -> tuple[Program, np.ndarray]:
    """Fresh binaries z "these units are awarded", one per row of `units` (of `suppliers`).

    As the program's own indicators (:func:`~sourceopt.formulation.context.award_quantum`):
    ``units <= M z`` with M = min(capacity, the most the units can be under the column
    bounds), z fixed at 0 where that is no units; with `floor`, also ``units >= q z``.
    Returns the program and the new columns.
    """
    hi = np.where(np.isfinite(program.col_hi), program.col_hi, 0.0)
    upper, big_m, q = award_quantum(np.minimum(capacity, units @ hi[: units.shape[1]]))
    n = len(suppliers)
    program, z = with_columns(
        program, n, kind=ColumnKind.AWARDED, hi=upper, integer=True, supplier=suppliers
    )
    wide = sp.csr_matrix(units, copy=True)
    wide.resize((n, program.n_cols))
    diag = sp.csr_matrix((np.ones(n), (np.arange(n), z)), shape=wide.shape)
    program = with_rows(
        program,
        wide - diag.multiply(big_m[:, None]),
        lo=-np.inf,
        hi=0.0,
        family=RowFamily.AWARDED_LINK,
        supplier=suppliers,
    )
    if floor:
        program = with_rows(
            program,
            wide - diag.multiply(q[:, None]),
            lo=0.0,
            hi=np.inf,
            family=RowFamily.AWARDED_FLOOR,
            supplier=suppliers,
        )
    return program, z


def fix_suppliers_out(program: Program, suppliers: Sequence[int], *, bundles: bool) -> Program:
    """The program with the suppliers' offer columns (with `bundles`, also bundles) at 0.

    Every such column has lower bound 0, so this is "the supplier can deliver nothing".
    """
    labels = program.columns
    kinds = (ColumnKind.OFFER_UNITS, ColumnKind.BUNDLE) if bundles else (ColumnKind.OFFER_UNITS,)
    out = np.flatnonzero(
        np.isin(labels["kind"].to_numpy(), kinds)
        & np.isin(labels["supplier"].to_numpy(), np.asarray(suppliers, dtype=np.int64))
    )
    return fix_columns(program, out, 0.0)
