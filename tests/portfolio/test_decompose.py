"""The decomposition of a stacked Program is exact: same objective and award as one solve.

The stacked Programs here are made from generated categories (benchmarks/portfolio_gen.py,
4 categories x 200 offers) with linking rows written by hand, so the decomposition is tested
on its own, apart from the portfolio builder: a shared capacity over categories 0 and 1 (it
joins them into one component), and a budget over all four (a wide row: set aside, checked).
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks.portfolio_gen import portfolio_parts  # noqa: E402

from sourceopt.formulation.build import build_program  # noqa: E402
from sourceopt.formulation.program import ColumnKind, Program  # noqa: E402
from sourceopt.portfolio.decompose import blocks_of, solve_decomposed, split  # noqa: E402
from sourceopt.scenario.load import load_scenario  # noqa: E402
from sourceopt.solvers.base import SolveOptions, Status  # noqa: E402
from sourceopt.solvers.registry import get_backend  # noqa: E402


def _programs(n: int = 4, seed: int = 0) -> tuple[list[Program], list[np.ndarray]]:
    """The categories' Programs and, per category, which supplier codes are small businesses."""
    _, parts = portfolio_parts(n, 200, seed=seed)
    out, small = [], []
    for header, frames in parts:
        tables = {k: {"columns": {c: f[c].tolist() for c in f.columns}} for k, f in frames.items()}
        out.append(build_program(load_scenario({**header, **tables})))
        small.append(frames["suppliers"]["tags"].str.contains("small_business").to_numpy())
    return out, small


def _stack(programs: list[Program], extra: list[tuple[np.ndarray, float, float, str]]) -> Program:
    """Block-diagonal stack plus linking rows (coefficients over the stacked columns)."""
    blocks = sp.block_diag([p.A for p in programs], format="csr")
    links = sp.csr_matrix(np.array([row for row, *_ in extra])) if extra else None
    matrix = sp.vstack([blocks, links], format="csr") if links is not None else blocks
    link_rows = pd.DataFrame(
        {
            "family": "budget",
            "rule": [name for *_, name in extra],
            "group": "",
            "supplier": -1,
            "item": -1,
            "scenario": "stack",
        }
    )
    return Program(
        c=np.concatenate([p.c for p in programs]),
        A=matrix,
        row_lo=np.concatenate([*(p.row_lo for p in programs), [lo for _, lo, _, _ in extra]]),
        row_hi=np.concatenate([*(p.row_hi for p in programs), [hi for _, _, hi, _ in extra]]),
        col_lo=np.concatenate([p.col_lo for p in programs]),
        col_hi=np.concatenate([p.col_hi for p in programs]),
        integrality=np.concatenate([p.integrality for p in programs]),
        columns=pd.concat([p.columns for p in programs], ignore_index=True),
        rows=pd.concat([*(p.rows for p in programs), link_rows], ignore_index=True),
        tie_break=np.concatenate([p.tie_break for p in programs]),
        offset=sum(p.offset for p in programs),
        name="stack",
    )


def _links(
    programs: list[Program], small: list[np.ndarray], national_cap: float, sb_min: float
) -> list[tuple[np.ndarray, float, float, str]]:
    """Shared national capacity (categories 0, 1), a budget and a small-business spend share
    of at least `sb_min` over all four categories (wide rows)."""
    units, cost, sb, national = [], [], [], []
    for k, p in enumerate(programs):
        offer = (p.columns["kind"] == ColumnKind.OFFER_UNITS).to_numpy()
        sup = p.columns["supplier"].to_numpy()
        units.append(offer * 1.0)
        cost.append(p.c * offer)
        sb.append(p.c * offer * small[k][np.maximum(sup, 0)])
        national.append(offer * (sup < 4) * (k < 2))
    spend, small_spend = np.concatenate(cost), np.concatenate(sb)
    return [
        (np.concatenate(national), -np.inf, national_cap, "shared-cap"),
        (np.concatenate([p.c for p in programs]), -np.inf, 1e12, "budget"),
        (small_spend - sb_min * spend, 0.0, np.inf, "sb-share"),
    ]


OPTIONS = SolveOptions(mip_gap=1e-9)


def _monolithic(program: Program):
    return get_backend("highs").solve(program, OPTIONS)


def test_split_joins_linked_blocks_and_sets_the_wide_row_aside() -> None:
    programs, small = _programs()
    stacked = _stack(programs, _links(programs, small, 1e12, 0.0))
    parts = split(stacked, blocks_of(stacked))
    assert parts.n_blocks == 4
    # categories 0 and 1 are joined by the shared capacity; 2 and 3 stand alone
    assert parts.n_components == 3
    comp = [set(parts.component[blocks_of(stacked) == b]) for b in range(4)]
    assert len({frozenset(c) for c in comp}) == 3
    assert comp[0] == comp[1]
    assert list(stacked.rows["rule"].to_numpy()[parts.wide_rows]) == ["budget", "sb-share"]


@pytest.mark.parametrize("binding", [False, True])
def test_decomposed_equals_monolithic(binding: bool) -> None:
    """Not binding: the components' award meets the wide rows at once (1 round, 3 components).
    Binding: the small-business share over all four is violated by it, so it is kept and the
    second round is the whole Program (1 component). Either way: the monolithic optimum."""
    programs, small = _programs()
    loose = _stack(programs, _links(programs, small, 1e12, 0.0))
    free = _monolithic(loose)
    national = _links(programs, small, 1e12, 0.0)[0][0] @ free.x
    spend_rows = _links(programs, small, 1e12, 0.0)
    sb_share = (spend_rows[2][0] @ free.x) / (spend_rows[1][0] @ free.x)
    sb_min = 1.05 * sb_share if binding else 0.0
    # the national firms limited to 60 % of what they win alone: that row always binds
    stacked = _stack(programs, _links(programs, small, 0.6 * national, sb_min))
    whole = _monolithic(stacked)
    parts = solve_decomposed(stacked, OPTIONS, "highs")
    assert whole.status == parts.status == Status.OPTIMAL
    assert parts.extra["components"] == (1 if binding else 3)
    assert parts.extra["rounds"] == (2 if binding else 1)
    true = stacked.objective_value
    assert true(parts.x) == pytest.approx(true(whole.x), rel=1e-9)
    assert true(parts.x) > true(free.x)  # the goals cost something
    np.testing.assert_allclose(parts.x, whole.x, atol=1e-6)


def test_an_infeasible_component_makes_the_whole_infeasible() -> None:
    programs, small = _programs()
    stacked = _stack(programs, _links(programs, small, -1.0, 0.0))  # capacity below zero
    assert _monolithic(stacked).status == Status.INFEASIBLE
    assert solve_decomposed(stacked, OPTIONS, "highs").status == Status.INFEASIBLE


def test_auto_decomposes_only_large_programs_that_split() -> None:
    from sourceopt.portfolio import decompose

    programs, small = _programs()
    stacked = _stack(programs, _links(programs, small, 1e12, 0.0))
    blocks = blocks_of(stacked)
    assert stacked.n_cols < decompose.DECOMPOSE_MIN_COLS
    assert not decompose.prefer_decomposed(stacked, blocks)  # small: one stacked solve
    big = decompose.DECOMPOSE_MIN_COLS
    try:
        decompose.DECOMPOSE_MIN_COLS = 1
        assert decompose.prefer_decomposed(stacked, blocks)  # 3 components
        joined = np.where(blocks >= 0, 0, blocks)  # one category: nothing to split
        assert not decompose.prefer_decomposed(stacked, joined)
    finally:
        decompose.DECOMPOSE_MIN_COLS = big


def test_a_total_column_over_every_category_is_set_aside_with_its_rows(tmp_path: Path) -> None:
    """The portfolio builder writes a spend max_share over all categories with one column T
    (T = total spend, an equality over every category; firm spend <= limit T): T and every
    row using it are set aside, T is valued from its equality, the rows checked. One round,
    3 components (the 2 strategic categories, then each other), the monolithic optimum."""
    from benchmarks.portfolio_gen import write_portfolio

    from sourceopt.portfolio import load_portfolio
    from sourceopt.portfolio.build import build_portfolio_program
    from sourceopt.portfolio.decompose import portfolio_blocks

    pp = build_portfolio_program(load_portfolio(write_portfolio(4, 200, tmp_path)))
    blocks = portfolio_blocks(pp.program.n_cols, [b.cols for b in pp.blocks])
    parts = split(pp.program, blocks)
    assert (parts.component < 0).sum() >= 1  # T
    raw = solve_decomposed(pp.program, OPTIONS, "highs", blocks=blocks)
    whole = _monolithic(pp.program)
    assert raw.status == whole.status == Status.OPTIMAL
    assert raw.extra["rounds"] == 1
    assert raw.extra["components"] == 3
    true = pp.program.objective_value
    assert true(raw.x) == pytest.approx(true(whole.x), rel=1e-9)


@pytest.mark.parametrize(
    ("said", "below", "status"),
    [
        (Status.FEASIBLE, 0.5e-4, Status.OPTIMAL),  # a limit came after the gap closed
        (Status.FEASIBLE, 2e-4, Status.FEASIBLE),
        (Status.OPTIMAL, 2e-4, Status.FEASIBLE),  # called optimal outside the gap
        (Status.OPTIMAL, 0.5e-4, Status.OPTIMAL),
    ],
)
def test_a_portfolio_s_status_is_the_gap_s_verdict_both_ways(
    said: Status, below: float, status: Status, tmp_path: Path
) -> None:
    from dataclasses import replace

    from benchmarks.portfolio_gen import write_portfolio

    from sourceopt.portfolio import load_portfolio
    from sourceopt.portfolio.build import build_portfolio_program
    from sourceopt.portfolio.solve import _proven_status

    pp = build_portfolio_program(load_portfolio(write_portfolio(2, 50, tmp_path)))
    raw = _monolithic(pp.program)
    assert raw.status is Status.OPTIMAL
    assert raw.x is not None
    objective = pp.program.objective_value(raw.x)
    # the bound `below` x the objective under it (the tie-break allowance is far smaller)
    claimed = replace(raw, status=said, bound=objective * (1 - below))
    assert _proven_status(pp, claimed, 1e-4) is status
