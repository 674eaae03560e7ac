"""An exact decomposition of a stacked portfolio Program: components apart, wide rows lazily.

A portfolio's Program is block-diagonal (one block per category, its columns labelled with
the category's scenario name) plus linking rows (portfolio rules, a shared firm's capacity,
pooled tiers). :func:`solve_decomposed` solves it in pieces and proves the pieces' award
optimal for the whole:

1. *Split.* A linking row that touches more than ``wide`` of the blocks (a budget over all
   spend, a cap on any firm's share of total spend) is *wide*: it is set aside. The other
   rows join the blocks (and the columns of no block: firm-level indicators, pooled tiers,
   slacks) they touch into connected *components* (``scipy.sparse.csgraph``): categories no
   kept linking row touches are components of their own.
2. *Solve.* Each component's sub-Program (its columns, the rows lying wholly in it) is solved
   alone, up to ``jobs`` at once on threads (HiGHS releases the GIL while it solves). The
   components together are the whole Program without its wide rows: a relaxation, so the
   sum of their objectives (and of their proven bounds) bounds the whole from below.
3. *Check.* If the joined award satisfies every wide row (within the feasibility tolerance),
   it is feasible for the whole Program and reaches the relaxation's bound: optimal for the
   whole, with the components' gaps. Otherwise the violated wide rows, and every wide row of
   the same rules, are kept from then on (their blocks join one component) and step 2 runs
   again: row generation that ends, at worst, in the monolithic solve of everything. Nothing
   is ever approximated.

For LPs the row duals are the components' (a wide row that was never kept has dual 0: with
the other duals it is dual feasible and complementary, so the duals remain a proof).

This module knows only the Program (as the solvers do); :func:`blocks_of` reads the
``scenario`` column labels to find the categories.
"""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace

import numpy as np
import scipy.sparse as sp
from scipy.sparse.csgraph import connected_components

from sourceopt.formulation.program import Program
from sourceopt.formulation.provenance import Provenance
from sourceopt.solvers.base import RawResult, SolveOptions, Status, relative_gap

DECOMPOSE_MIN_COLS = 100_000  # measured: a wash at 100,000 offers, 2x at 1,000,000
WIDE = 0.5  # a linking row over more than half of the blocks is checked, not kept, at first
FEASIBILITY_TOL = 1e-6  # relative to max(1, |bound|), as the verifier's tolerance
_WORST = (
    Status.ERROR,
    Status.INFEASIBLE,
    Status.UNBOUNDED,
    Status.NO_SOLUTION,
    Status.FEASIBLE,
    Status.OPTIMAL,
)


@dataclass(frozen=True)
class Split:
    """How a Program falls apart: a component per column and the rows set aside."""

    component: np.ndarray  # per column: its component (0..n_components-1)
    row_component: np.ndarray  # per row: its component, or -1 for a set-aside (wide) row
    n_components: int
    n_blocks: int

    @property
    def wide_rows(self) -> np.ndarray:
        """The rows set aside (checked against the joined award)."""
        return np.flatnonzero(self.row_component < 0)


def blocks_of(program: Program, categories: list[str] | None = None) -> np.ndarray:
    """Block per column from the ``scenario`` labels (-1: a column of no category).

    With `categories`, a label is a block when it is one of them; without, every label but
    the Program's own name and ``""``.
    """
    labels = program.columns["scenario"].astype(str).to_numpy()
    names = categories if categories is not None else sorted(set(labels) - {program.name, ""})
    index = {name: k for k, name in enumerate(names)}
    return np.array([index.get(label, -1) for label in labels], dtype=np.int64)


def split(program: Program, blocks: np.ndarray, keep: np.ndarray | None = None) -> Split:
    """Components of the Program's columns, wide rows set aside unless in `keep` (a mask)."""
    n_blocks = int(blocks.max()) + 1 if len(blocks) else 0
    shared = np.flatnonzero(blocks < 0)
    node = blocks.copy()
    node[shared] = n_blocks + np.arange(len(shared))  # each shared column its own node
    n_nodes = n_blocks + len(shared)
    matrix = sp.csr_matrix(program.A)
    n_rows = matrix.shape[0]
    row_of = np.repeat(np.arange(n_rows), np.diff(matrix.indptr))
    entry_node = node[matrix.indices]
    entry_block = blocks[matrix.indices]
    wide = _wide_rows(n_rows, row_of, entry_block, n_blocks)
    if keep is not None:
        wide &= ~keep
    # a shared column in a set-aside row (a total over every category, defined by an equality)
    # is set aside with every row that uses it: valued from its definition after the solve
    aside_cols = np.zeros(len(blocks), dtype=bool)
    aside_cols[matrix.indices[wide[row_of] & (entry_block < 0)]] = True
    uses = np.bincount(row_of[aside_cols[matrix.indices]], minlength=n_rows) > 0
    wide |= uses & (np.ones(n_rows, dtype=bool) if keep is None else ~keep)
    on = ~wide[row_of]
    rows_on, nodes_on = row_of[on], entry_node[on]
    graph = sp.coo_matrix(
        (np.ones(len(rows_on)), (n_nodes + rows_on, nodes_on)), shape=(n_nodes + n_rows,) * 2
    )
    _, label = connected_components(graph, directed=False)
    labels, comp_of_node = np.unique(label[:n_nodes], return_inverse=True)
    first = np.full(n_rows, -1, dtype=np.int64)
    first[rows_on[::-1]] = nodes_on[::-1]  # a node of each kept row
    component = comp_of_node[node]
    if aside_cols.any():  # out of every component; renumber the others densely
        component[aside_cols] = -1
        used, component[~aside_cols] = np.unique(component[~aside_cols], return_inverse=True)
        remap = np.full(len(labels), -1, dtype=np.int64)
        remap[used] = np.arange(len(used))
        comp_of_node = remap[comp_of_node]
        labels = used
    row_component = np.full(n_rows, -1, dtype=np.int64)
    has = first >= 0
    row_component[has] = comp_of_node[first[has]]
    row_component[wide] = -1
    empty = ~has & ~wide  # a row with no entries: the first component checks it
    row_component[empty] = 0
    return Split(component, row_component, len(labels), n_blocks)


def value_aside(program: Program, parts: Split, x: np.ndarray) -> bool:
    """Value the set-aside columns from their defining equalities (in place).

    False if one has none, or carries a cost: the set-aside rows are then kept instead.
    """
    aside = np.flatnonzero(parts.component < 0)
    if len(aside) == 0:
        return True
    if np.any(program.c[aside] != 0):  # a cost on it: the components would not bound the whole
        return False
    matrix = sp.csc_matrix(program.A)
    x[aside] = 0.0
    rows_all = sp.csr_matrix(program.A)
    for col in aside:
        rows = matrix.indices[matrix.indptr[col] : matrix.indptr[col + 1]]
        coefs = matrix.data[matrix.indptr[col] : matrix.indptr[col + 1]]
        equal = [
            (r, a)
            for r, a in zip(rows, coefs, strict=True)
            if program.row_lo[r] == program.row_hi[r]
        ]
        if not equal:
            return False
        r, a = equal[0]
        rest = float(np.asarray(rows_all[r] @ x).ravel()[0])  # x[col] and other aside: 0
        x[col] = (program.row_hi[r] - rest) / a
    return True


def _wide_rows(
    n_rows: int, row_of: np.ndarray, entry_block: np.ndarray, n_blocks: int
) -> np.ndarray:
    """Rows touching more than ``WIDE`` of the blocks (and at least 3 of them)."""
    on = entry_block >= 0
    if n_blocks == 0 or not on.any():
        return np.zeros(n_rows, dtype=bool)
    pairs = sp.csr_matrix(
        (np.ones(int(on.sum())), (row_of[on], entry_block[on])), shape=(n_rows, n_blocks)
    )
    pairs.sum_duplicates()
    touched = np.diff(pairs.indptr)
    return np.asarray(touched > max(2, WIDE * n_blocks), dtype=bool)


def sub_program(program: Program, cols: np.ndarray, rows: np.ndarray, name: str) -> Program:
    """The Program restricted to `cols` and `rows` (rows lying wholly in those columns)."""
    matrix = sp.csr_matrix(program.A)[rows][:, cols]
    return Program(
        c=program.c[cols],
        A=sp.csr_matrix(matrix),
        row_lo=program.row_lo[rows],
        row_hi=program.row_hi[rows],
        col_lo=program.col_lo[cols],
        col_hi=program.col_hi[cols],
        integrality=program.integrality[cols],
        columns=program.columns.iloc[cols].reset_index(drop=True),
        rows=program.rows.iloc[rows].reset_index(drop=True),
        tie_break=program.tie_break[cols],
        offset=0.0,
        name=name,
        provenance=Provenance.empty(),
    )


def solve_decomposed(
    program: Program,
    options: SolveOptions,
    backend: str,
    *,
    blocks: np.ndarray | None = None,
    jobs: int = 2,
) -> RawResult:
    """Solve a stacked Program exactly by components (see the module doc); one RawResult."""
    start = time.perf_counter()
    blocks = blocks_of(program) if blocks is None else blocks
    keep = np.zeros(program.n_rows, dtype=bool)
    rounds = 0
    while True:
        rounds += 1
        parts = split(program, blocks, keep)
        raw = _solve_parts(program, parts, options, backend, jobs)
        if raw.x is None or raw.status not in (Status.OPTIMAL, Status.FEASIBLE):
            break
        if not value_aside(program, parts, raw.x):
            keep[parts.wide_rows] = True
            continue
        violated = _violated(program, parts.wide_rows, raw.x)
        aside = parts.component < 0
        bounds_ok = np.all(raw.x[aside] >= program.col_lo[aside] - FEASIBILITY_TOL) and np.all(
            raw.x[aside] <= program.col_hi[aside] + FEASIBILITY_TOL
        )
        if len(violated) == 0 and bounds_ok:
            raw = replace(raw, objective=float(program.solver_objective() @ raw.x + program.offset))
            break
        if aside.any():  # the set-aside columns' rows go back together
            keep[parts.wide_rows] = True
            continue
        keep[violated] = True
        rules = program.rows["rule"].to_numpy()
        named = set(rules[violated]) - {""}
        keep[parts.wide_rows] |= np.isin(rules[parts.wide_rows], list(named))
    extra = {"components": parts.n_components, "rounds": rounds, "wide_rows": len(parts.wide_rows)}
    return replace(raw, time_s=time.perf_counter() - start, extra={**raw.extra, **extra})


def _violated(program: Program, rows: np.ndarray, x: np.ndarray) -> np.ndarray:
    """The `rows` the point `x` breaks by more than the tolerance."""
    if len(rows) == 0:
        return rows
    ax = sp.csr_matrix(program.A)[rows] @ x
    lo, hi = program.row_lo[rows], program.row_hi[rows]
    tol_lo = FEASIBILITY_TOL * np.maximum(1.0, np.abs(np.where(np.isfinite(lo), lo, 0.0)))
    tol_hi = FEASIBILITY_TOL * np.maximum(1.0, np.abs(np.where(np.isfinite(hi), hi, 0.0)))
    return np.asarray(rows[(ax < lo - tol_lo) | (ax > hi + tol_hi)])


def _solve_parts(
    program: Program, parts: Split, options: SolveOptions, backend: str, jobs: int
) -> RawResult:
    """Every component solved alone (threads), joined into one result of the whole."""
    from sourceopt.solvers.registry import get_backend

    cols_of = [np.flatnonzero(parts.component == k) for k in range(parts.n_components)]
    rows_of = [np.flatnonzero(parts.row_component == k) for k in range(parts.n_components)]

    def one(k: int) -> RawResult:
        sub = sub_program(program, cols_of[k], rows_of[k], f"{program.name}#{k}")
        return get_backend(backend).solve(sub, options)

    if jobs > 1 and parts.n_components > 1:
        with ThreadPoolExecutor(max_workers=jobs) as pool:
            results = list(pool.map(one, range(parts.n_components)))
    else:
        results = [one(k) for k in range(parts.n_components)]
    return _join(program, parts, cols_of, rows_of, results)


def _join(
    program: Program,
    parts: Split,
    cols_of: list[np.ndarray],
    rows_of: list[np.ndarray],
    results: list[RawResult],
) -> RawResult:
    """One RawResult of the whole from the components' (the worst status wins)."""
    status = min((r.status for r in results), key=_WORST.index)
    first = results[0]
    if any(r.x is None for r in results):
        message = "; ".join(r.message for r in results if r.x is None and r.message)
        return RawResult(status, first.backend, first.version, 0.0, message=message)
    x = np.zeros(program.n_cols)
    for cols, r in zip(cols_of, results, strict=True):
        x[cols] = r.x
    objective = float(program.solver_objective() @ x + program.offset)
    bounds = [r.bound if r.bound is not None else r.objective for r in results]
    bound = (
        float(sum(b for b in bounds if b is not None)) + program.offset
        if all(b is not None for b in bounds)
        else None
    )
    duals = None
    if all(r.duals is not None for r in results):
        duals = np.zeros(program.n_rows)
        for rows, r in zip(rows_of, results, strict=True):
            duals[rows] = r.duals
    limit = next((r.limit for r in results if r.limit is not None), None)
    return RawResult(
        status,
        first.backend,
        first.version,
        0.0,
        x=x,
        objective=objective,
        bound=bound,
        gap=relative_gap(objective, bound) if bound is not None else None,
        duals=duals,
        limit=limit,
    )


def portfolio_blocks(n_cols: int, cols: list[slice]) -> np.ndarray:
    """Block per column of a stacked Program whose block k has columns ``cols[k]``."""
    blocks = np.full(n_cols, -1, dtype=np.int64)
    for k, part in enumerate(cols):
        blocks[part] = k
    return blocks


def prefer_decomposed(program: Program, blocks: np.ndarray) -> bool:
    """``method="auto"``: whether to decompose (the rule, measured).

    Yes for a Program of at least ``DECOMPOSE_MIN_COLS`` columns whose categories fall into 2
    or more components once the wide rows are set aside. Measured (benchmarks/README.md,
    "Portfolio"): as fast as the stacked solve at 100,000 offers, 2.05x faster at 1,000,000;
    a portfolio whose linking rows join every category gains nothing from it (one
    component: the stacked solve).
    """
    if program.n_cols < DECOMPOSE_MIN_COLS or len(blocks) == 0 or blocks.max() < 1:
        return False
    return split(program, blocks).n_components >= 2
