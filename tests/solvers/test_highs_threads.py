"""HiGHS runs with different thread counts in one process (HiGHS's global scheduler).

HiGHS sizes one process-wide scheduler at its first run; before
:mod:`sourceopt.solvers.highs_threads`, a later solve asking for another count ended with
status ``error`` ("Not Set"), in a batch worker or the service as much as in a script.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from batch.scenarios import PAIR, PAIR_COST, write
from solvers.test_backends import INF, make_program
from sourceopt.cli import cli
from sourceopt.solvers.base import SolveOptions, Status
from sourceopt.solvers.registry import get_backend

# One item, demand 7. A: 2 a unit, at most 5, fixed cost 4; B: 3 a unit, at most 10, fixed
# cost 1. A alone cannot cover 7; B alone: 21 + 1 = 22; both: 5 x 2 + 2 x 3 + 4 + 1 = 21.
#   min 2 xa + 3 xb + 4 ya + yb  s.t.  xa + xb >= 7,  xa <= 5 ya,  xb <= 10 yb
FIXED = make_program(
    [2, 3, 4, 1],
    [[1, 1, 0, 0], [1, 0, -5, 0], [0, 1, 0, -10]],
    [7, -INF, -INF],
    [INF, 0, 0],
    [0, 0, 0, 0],
    [INF, INF, 1, 1],
    [False, False, True, True],
)


def solved(threads: int) -> tuple[Status, float | None, np.ndarray | None]:
    raw = get_backend("highs").solve(FIXED, SolveOptions(threads=threads))
    return raw.status, raw.objective, raw.x


def test_one_process_solves_with_one_thread_count_after_another():
    for threads in (1, 2, 1, 3, 2):
        status, objective, x = solved(threads)
        assert status is Status.OPTIMAL, threads
        assert objective == pytest.approx(21.0)
        assert x is not None
        assert np.allclose(x, [5, 2, 1, 1], atol=1e-6)


def test_solves_in_threads_with_different_thread_counts_all_finish():
    counts = [1, 2, 2, 1, 3, 1, 2, 2]
    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(solved, counts))
    assert [r[0] for r in results] == [Status.OPTIMAL] * len(counts)
    assert [r[1] for r in results] == pytest.approx([21.0] * len(counts))


def test_a_batch_worker_solves_scenarios_asking_for_different_thread_counts(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    folder = Path("in")
    for k, threads in enumerate((1, 2, 1)):
        text = PAIR.format(name=f"pair-{k}") + f"solver: {{threads: {threads}}}\n"
        write(folder, f"p{k}.yaml", text)
    run = CliRunner().invoke(cli, ["batch", "in", "--out", "out", "--jobs", "1"])
    assert run.exit_code == 0, run.output
    for k in range(3):
        doc = (Path("out") / "results" / f"p{k}.yaml" / "base.json").read_text()
        assert '"status": "optimal"' in doc
        assert f'"total_cost": {PAIR_COST}' in doc
