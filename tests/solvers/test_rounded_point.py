"""The relaxation's point with its integer columns rounded up, kept only when rows allow it."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import scipy.sparse as sp

from sourceopt.solvers.highs_kept import rounded_point

INF = np.inf


def _program(rows: list[list[float]], lo: list[float], hi: list[float]) -> SimpleNamespace:
    # columns: x (units, continuous, 0..inf) and z (indicator, integer, 0..1)
    a = sp.csr_matrix(np.array(rows, dtype=float))
    return SimpleNamespace(
        A=a,
        row_lo=np.array(lo, dtype=float),
        row_hi=np.array(hi, dtype=float),
        col_lo=np.zeros(2),
        col_hi=np.array([INF, 1.0]),
        integrality=np.array([0, 1]),
    )


def test_a_free_indicator_is_rounded_up_and_its_link_still_holds() -> None:
    # demand x >= 4, link x - 10 z <= 0: the relaxation's z = 0.4 becomes 1 (x - 10 = -6)
    p = _program([[1, 0], [1, -10]], [4, -INF], [INF, 0])
    out = rounded_point(p, p.A.tocsc(), np.array([4.0, 0.4]))
    assert out is not None
    assert out.tolist() == [4.0, 1.0]


def test_a_floor_the_rounding_breaks_refuses_the_point() -> None:
    # as above plus a floor x - 5 z >= 0: z = 1 needs x >= 5, but x = 4 (4 - 5 = -1 < 0)
    p = _program([[1, 0], [1, -10], [1, -5]], [4, -INF, 0], [INF, 0, INF])
    assert rounded_point(p, p.A.tocsc(), np.array([4.0, 0.4])) is None


def test_an_integral_point_is_kept_as_it_is() -> None:
    # z already 1: nothing moves, no row is checked again
    p = _program([[1, 0], [1, -10], [1, -5]], [4, -INF, 0], [INF, 0, INF])
    out = rounded_point(p, p.A.tocsc(), np.array([6.0, 1.0]))
    assert out is not None
    assert out.tolist() == [6.0, 1.0]
