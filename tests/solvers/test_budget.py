"""HiGHS's time limit counts every run of an instance: a kept instance gets a budget from now."""

from __future__ import annotations

import highspy
import numpy as np
import scipy.sparse as sp

from sourceopt.solvers.highs_model import budget, new_highs, set_budget


def _lp() -> highspy.Highs:
    # 300 covering rows over 3,000 columns in [0, 1] (a few milliseconds a solve)
    h = new_highs(highspy)
    n = 3000
    rng = np.random.default_rng(0)
    h.addVars(n, np.zeros(n), np.ones(n))
    h.changeColsCost(n, np.arange(n, dtype=np.int32), rng.random(n))
    a = sp.random(300, n, density=0.02, random_state=1, format="csr")
    for i in range(300):
        row = a.getrow(i)
        h.addRow(1.0, highspy.kHighsInf, row.nnz, row.indices.astype(np.int32), row.data)
    return h


def test_a_kept_instance_runs_within_its_budget_after_many_runs() -> None:
    h = _lp()
    for _ in range(20):
        h.clearSolver()
        h.run()
    spent = h.getRunTime()
    one = spent / 20
    # HiGHS's own limit is the summed run time: half of it stops the next run at once
    h.setOptionValue("time_limit", spent / 2)
    h.clearSolver()
    h.run()
    assert h.getModelStatus() == highspy.HighsModelStatus.kTimeLimit
    # a budget of ten runs' time from now lets the next run finish
    set_budget(h, 10 * one)
    assert 9 * one < budget(h) <= 10 * one
    h.clearSolver()
    h.run()
    assert h.getModelStatus() == highspy.HighsModelStatus.kOptimal
    set_budget(h, np.inf)
    assert budget(h) == np.inf
