"""Conformance of every backend on tiny programs whose optimum is derived by hand."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp

from sourceopt.errors import BackendError
from sourceopt.formulation.program import Program
from sourceopt.solvers.base import SolveOptions, Status
from sourceopt.solvers.registry import backend_names, get_backend

INF = np.inf
BACKENDS = ["highs", "cbc", "scip", "cpsat"]


def make_program(c, a, row_lo, row_hi, col_lo, col_hi, integer, tie_break=None, offset=0.0):
    """A Program from dense lists, with empty label frames of the documented shape."""
    c = np.asarray(c, dtype=float)
    n = c.shape[0]
    columns = pd.DataFrame({k: [] for k in ("kind", "supplier", "item", "ref", "scenario")})
    rows = pd.DataFrame({k: [] for k in ("family", "rule", "supplier", "item", "scenario")})
    return Program(
        c=c,
        A=sp.csr_matrix(np.asarray(a, dtype=float).reshape(-1, n)),
        row_lo=np.asarray(row_lo, dtype=float),
        row_hi=np.asarray(row_hi, dtype=float),
        col_lo=np.asarray(col_lo, dtype=float),
        col_hi=np.asarray(col_hi, dtype=float),
        integrality=np.asarray(integer, dtype=bool),
        columns=columns,
        rows=rows,
        tie_break=np.zeros(n) if tie_break is None else np.asarray(tie_break, dtype=float),
        offset=offset,
        name="tiny",
    )


def assert_feasible(p: Program, x: np.ndarray, tol: float = 1e-6) -> None:
    act = p.A @ x
    assert np.all(act >= p.row_lo - tol)
    assert np.all(act <= p.row_hi + tol)
    assert np.all(x >= p.col_lo - tol)
    assert np.all(x <= p.col_hi + tol)
    assert np.allclose(x[p.integrality], np.round(x[p.integrality]), atol=tol)


@pytest.fixture(params=BACKENDS)
def backend(request):
    return get_backend(request.param)


# LP: one item, demand 4 units, from two suppliers at 2 and 3 a unit, at most 10 each; a rule
# keeps the cheap supplier at most 1 unit above the other; a fixed 5 is added (offset).
#   min 2x + 3y + 5  s.t.  x + y >= 4,  x - y <= 1,  0 <= x, y <= 10
# Every unit of y costs more, so the cheap side is pushed to its rule limit: x = y + 1, and
# demand binds: 2y + 1 = 4 -> y = 1.5, x = 2.5; cost 5 + 4.5 + 5 = 14.5.
# Duals (c = A'u with both rows binding): u1 + u2 = 2, u1 - u2 = 3 -> u = (2.5, -0.5).
LP = make_program([2, 3], [[1, 1], [1, -1]], [4, -INF], [INF, 1], [0, 0], [10, 10], [0, 0], None, 5)


def test_lp_optimum(backend):
    r = backend.solve(LP, SolveOptions())
    assert r.backend == backend.name
    assert r.version
    assert r.time_s >= 0
    if backend.capabilities.continuous:
        assert r.status is Status.OPTIMAL
        assert r.bound == pytest.approx(14.5, rel=1e-9)
        assert r.gap == pytest.approx(0.0, abs=1e-9)
    else:  # CP-SAT: the optimum lies on its 1/1000 grid, but nothing is proven off it
        assert r.status is Status.FEASIBLE
        assert r.limit == "integer_grid"
        assert r.bound is None
        assert r.gap is None
        assert "grid" in r.message
    assert r.objective == pytest.approx(14.5, rel=1e-9)
    np.testing.assert_allclose(r.x, [2.5, 1.5], rtol=1e-9, atol=1e-9)
    if backend.capabilities.duals:
        np.testing.assert_allclose(r.duals, [2.5, -0.5], rtol=1e-9, atol=1e-9)
    else:
        assert r.duals is None


# MIP: 10 whole units; supplier A at 3 a unit (capacity 6), B at 2 a unit (capacity 10) but with
# a fixed cost of 15 once awarded anything (binary z, b <= 10 z), C at 4 a unit (capacity 10).
#   min 3a + 2b + 4c + 15z  s.t.  a + b + c = 10,  b - 10z <= 0,  integers in their bounds
# Without B (z = 0): c = 10 - a, cost 40 - a, best at a = 6: 18 + 16 = 34.
# With B (z = 1): cost 15 + 2b + ..., cheapest b = 10: 20 + 15 = 35 > 34.
# So the optimum is a = 6, b = 0, c = 4, z = 0 at 34 (the LP relaxation would give 32:
# b = 4 at an effective 3.5 a unit, z = 0.4).
MIP = make_program(
    [3, 2, 4, 15],
    [[1, 1, 1, 0], [0, 1, 0, -10]],
    [10, -INF],
    [10, 0],
    [0, 0, 0, 0],
    [6, 10, 10, 1],
    [1, 1, 1, 1],
)


def test_mip_optimum(backend):
    r = backend.solve(MIP, SolveOptions())
    assert r.status is Status.OPTIMAL
    assert r.objective == pytest.approx(34.0, rel=1e-6)
    np.testing.assert_allclose(r.x, [6, 0, 4, 0], atol=1e-6)
    assert r.bound is not None
    assert r.bound <= r.objective + 1e-9
    assert r.gap is not None
    assert r.gap <= 1e-6 + 1e-12
    assert r.limit is None
    assert r.duals is None


@pytest.mark.parametrize("threads", [2, 64, 65, 256])
def test_every_thread_count_a_scenario_may_ask_for_is_solved(backend, threads):
    """``solver.threads`` is 1 to 256 (docs/format.md): SCIP takes at most 64 (clamped)."""
    r = backend.solve(MIP, SolveOptions(threads=threads))
    assert r.status is Status.OPTIMAL, r.message
    assert r.objective == pytest.approx(34.0, rel=1e-6)


# Demand 10 from two suppliers with capacities 3 and 4: x + y >= 10, x <= 3, y <= 4.
INFEASIBLE_LP = make_program([1, 1], [[1, 1]], [10], [INF], [0, 0], [3, 4], [0, 0])
INFEASIBLE_MIP = make_program([1, 1], [[2, 2]], [3], [3], [0, 0], [10, 10], [1, 1])  # 2(a+b)=3


@pytest.mark.parametrize("program", [INFEASIBLE_LP, INFEASIBLE_MIP], ids=["lp", "mip"])
def test_infeasible(backend, program):
    r = backend.solve(program, SolveOptions())
    if backend.capabilities.continuous or program.integrality.all():
        assert r.status is Status.INFEASIBLE
    else:
        # CP-SAT proves infeasibility only of its grid version of the continuous columns, so
        # it may not call the program infeasible: no award found, limit = the grid.
        assert r.status is Status.NO_SOLUTION
        assert r.limit == "integer_grid"
    assert r.x is None
    assert r.objective is None


# min -x  s.t.  x - y <= 1,  x, y >= 0: x = y + 1 grows without limit.
UNBOUNDED_LP = make_program([-1, 0], [[1, -1]], [-INF], [1], [0, 0], [INF, INF], [0, 0])
UNBOUNDED_MIP = make_program([-1, 0], [[1, -1]], [-INF], [1], [0, 0], [INF, INF], [1, 1])


@pytest.mark.parametrize("program", [UNBOUNDED_LP, UNBOUNDED_MIP], ids=["lp", "mip"])
def test_unbounded(backend, program):
    r = backend.solve(program, SolveOptions())
    # CP-SAT (finite domains only) and SCIP settle OR-Tools' "infeasible or unbounded" (or its
    # failure on an infinite objective) with a feasibility solve and GLOP on the relaxation: a
    # real feasible point plus an unbounded relaxation proves UNBOUNDED.
    assert r.status is Status.UNBOUNDED
    assert r.x is None


def hard_knapsack(n: int = 60, m: int = 8, seed: int = 1) -> Program:
    """A multi-dimensional 0/1 knapsack (maximise value): seconds for every solver here."""
    rng = np.random.default_rng(seed)
    weights = rng.integers(10, 100, size=(m, n)).astype(float)
    value = weights.sum(axis=0) / m + rng.integers(0, 20, size=n)
    return make_program(
        -value,
        weights,
        np.full(m, -INF),
        weights.sum(axis=1) / 2,
        np.zeros(n),
        np.ones(n),
        np.ones(n, dtype=bool),
    )


def test_time_limit_is_never_claimed_optimal(backend):
    p = hard_knapsack()
    options = SolveOptions(time_limit=0.01)
    r = backend.solve(p, options)
    if r.status is Status.OPTIMAL:  # only acceptable if really proven within the gap
        assert r.gap is not None
        assert r.gap <= options.mip_gap
        return
    assert r.status in (Status.FEASIBLE, Status.NO_SOLUTION)
    assert r.limit == "time_limit"
    if r.status is Status.FEASIBLE:
        assert r.x is not None
        assert r.objective is not None
        assert_feasible(p, r.x)
        assert r.objective == pytest.approx(float(p.solver_objective() @ r.x), rel=1e-6)
        if r.bound is not None:
            assert r.bound <= r.objective + 1e-6
            assert r.gap is not None
            assert r.gap > 0
    else:
        assert r.x is None
        assert r.objective is None


# Two suppliers at the same price 5, demand 10, capacity 10 each, plus an offset of 1:
#   min 5a + 5b + 1  s.t.  a + b = 10
# Every split costs 51. The tie-break (0.001, 0.002) prefers a: a = 10, b = 0, and the solver
# objective includes it: 51 + 0.001 * 10 = 51.01, while the true cost stays 51.
@pytest.mark.parametrize("integer", [True, False], ids=["mip", "lp"])
def test_tie_break_is_honoured(backend, integer):
    p = make_program(
        [5, 5], [[1, 1]], [10], [10], [0, 0], [10, 10], [integer] * 2, [0.001, 0.002], 1.0
    )
    r = backend.solve(p, SolveOptions())
    exact = integer or backend.capabilities.continuous
    assert r.status is (Status.OPTIMAL if exact else Status.FEASIBLE)
    np.testing.assert_allclose(r.x, [10, 0], atol=1e-6)
    assert r.objective == pytest.approx(51.01, rel=1e-9)
    assert p.objective_value(r.x) == pytest.approx(51.0, rel=1e-9)


def test_cpsat_reports_artificial_bounds():
    # MIP with its integers unbounded above: CP-SAT finds the optimum 34 but cannot prove it
    # beyond the artificial domain it had to use.
    p = make_program(MIP.c, MIP.A.toarray(), MIP.row_lo, MIP.row_hi, MIP.col_lo,
                     [6, INF, INF, 1], MIP.integrality)  # fmt: skip
    r = get_backend("cpsat").solve(p, SolveOptions())
    assert r.status is Status.FEASIBLE
    assert r.limit == "artificial_bounds"
    assert r.objective == pytest.approx(34.0, rel=1e-6)
    assert r.bound is None


def test_backends_write_nothing_to_stdout(backend, capfd):
    backend.solve(MIP, SolveOptions())
    backend.solve(INFEASIBLE_LP, SolveOptions())
    out, _err = capfd.readouterr()
    assert out == ""


def test_capabilities_are_declared():
    assert get_backend("cpsat").capabilities.continuous is False
    assert get_backend("cpsat").capabilities.duals is False
    assert get_backend("cbc").capabilities.duals is True
    assert get_backend("scip").capabilities.duals is False


def test_unknown_backend_lists_valid_names():
    with pytest.raises(BackendError) as info:
        get_backend("gurobi-please")
    message = str(info.value)
    assert "gurobi-please" in message
    for name in backend_names():
        assert name in message
    assert set(BACKENDS) <= set(backend_names())


def test_importing_sourceopt_imports_no_solver():
    code = (
        "import sys, sourceopt, sourceopt.solvers.registry, sourceopt.solvers.cbc, "
        "sourceopt.solvers.scip, sourceopt.solvers.cpsat\n"
        "loaded = [m for m in ('pulp', 'ortools', 'highspy') if m in sys.modules]\n"
        "assert not loaded, loaded\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
