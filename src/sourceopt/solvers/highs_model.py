"""Handing a Program to HiGHS: a quiet instance, and the whole model in one ``passModel`` call.

highspy has two ``passModel`` forms: a ``HighsLp``/``HighsModel`` object, or the flat
pointer form (sizes, matrix format, sense, offset, then numpy buffers). The flat form copies
each buffer once in C++; filling a ``HighsLp`` attribute by attribute converts each array
separately and costs about five times as much (0.2 s against 0.04 s at 100,000 columns and
830,000 nonzeros), so :func:`pass_model` is the flat form, and it is the only place that
hands a model to HiGHS (the whole program, or the restricted MIP of the warm start).

HiGHS checks ``time_limit`` against the run time an instance has summed over all its runs,
so an instance kept between runs (an analysis' base, sifting's working LP) is given its time
as a budget past what it has run already (:func:`set_budget`, :func:`budget`).
"""

from __future__ import annotations

import os
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from collections.abc import Iterator

    from sourceopt.formulation.program import Program

FEASIBLE_POINT = 2  # HiGHS's kSolutionStatusFeasible


@contextmanager
def quiet_stdout() -> Iterator[None]:
    """Silence file descriptor 1 (HiGHS prints a banner from C++ on its first construction)."""
    try:
        saved = os.dup(1)
    except OSError:  # no stdout at all
        yield
        return
    try:
        with open(os.devnull, "wb") as null:
            os.dup2(null.fileno(), 1)
            yield
    finally:
        os.dup2(saved, 1)
        os.close(saved)


def set_budget(h: Any, seconds: float) -> None:
    """Let the next run of instance `h` take `seconds` (``inf``: no limit) from now on.

    HiGHS stops at ``time_limit`` measured over every run of the instance so far: after 300 s
    of edits, a kept working LP given 300 s stopped at once (``kTimeLimit``), and its edit
    fell back to the whole program.
    """
    h.setOptionValue(
        "time_limit", float(h.getRunTime()) + seconds if np.isfinite(seconds) else np.inf
    )


def budget(h: Any) -> float:
    """The seconds instance `h`'s next run may take under its time limit (:func:`set_budget`)."""
    limit = float(h.getOptionValue("time_limit")[1])
    return limit - float(h.getRunTime()) if np.isfinite(limit) else np.inf


def new_highs(hs: Any) -> Any:
    """A fresh ``highspy.Highs()`` (module `hs`), its banner kept off stdout."""
    with quiet_stdout():
        return hs.Highs()


def pass_model(
    hs: Any,
    h: Any,
    program: Program,
    cost: np.ndarray,
    columns: np.ndarray | None = None,
) -> None:
    """Hand `program` (minimise `cost` x + offset) to the instance `h` in one ``passModel``.

    Without `columns` the whole program goes over row-wise (the CSR matrix as it is); with
    them, only those columns (in that order) go over column-wise, every row kept. `cost` is
    over all the program's columns.
    """
    pick: slice | np.ndarray = slice(None) if columns is None else columns
    if columns is None:
        a, fmt = program.A.tocsr(), hs.MatrixFormat.kRowwise
    else:
        a, fmt = program.A.tocsc()[:, columns], hs.MatrixFormat.kColwise
    h.passModel(
        int(a.shape[1]),
        program.n_rows,
        int(a.nnz),
        int(fmt),
        int(hs.ObjSense.kMinimize),
        float(program.offset),
        np.ascontiguousarray(cost[pick], dtype=np.float64),
        np.ascontiguousarray(program.col_lo[pick], dtype=np.float64),
        np.ascontiguousarray(program.col_hi[pick], dtype=np.float64),
        np.ascontiguousarray(program.row_lo, dtype=np.float64),
        np.ascontiguousarray(program.row_hi, dtype=np.float64),
        a.indptr.astype(np.int32),
        a.indices.astype(np.int32),
        np.ascontiguousarray(a.data, dtype=np.float64),
        program.integrality[pick].astype(np.int32),  # kContinuous = 0, kInteger = 1
    )
