"""A HiGHS solve stopped from another thread (sourceopt.solvers.stop), as explain races one.

A MIP that takes HiGHS several seconds (award-mip at 2,000 offers) run under a Stop in a
thread: set while it runs, the solve ends within a second or two and reports the interrupt as
a limit, never a proof; set before it starts, it ends at once; a solve under a Stop nobody
sets runs to its proof, and one outside any Stop is not watched; an instance once stopped
runs unwatched again.
"""

from __future__ import annotations

import threading
import time
from dataclasses import replace
from pathlib import Path

import pytest
from benchmarks.generators import scenario_dict

from sourceopt import build_program, load_scenario
from sourceopt.formulation.program import Program
from sourceopt.solvers import highs_threads, stop
from sourceopt.solvers.base import Limit, RawResult, SolveOptions, Status
from sourceopt.solvers.registry import get_backend

LAPTOPS = Path(__file__).resolve().parents[2] / "scenarios" / "laptops.yaml"


@pytest.fixture(scope="module")
def long_mip() -> Program:
    return build_program(load_scenario(scenario_dict("award-mip", 2000, 0)))


def in_thread(signal: stop.Stop, program: Program) -> tuple[threading.Thread, list[RawResult]]:
    out: list[RawResult] = []
    engine = get_backend("highs")
    options = SolveOptions(time_limit=120.0)

    def solve() -> None:
        out.append(signal.run(lambda: engine.solve(program, options)))

    thread = threading.Thread(target=solve)
    thread.start()
    return thread, out


def test_a_stop_set_while_highs_runs_ends_the_solve_as_a_limit(long_mip: Program) -> None:
    signal = stop.Stop()
    thread, out = in_thread(signal, long_mip)
    time.sleep(1.0)
    assert thread.is_alive()  # still solving: the stop is what ends it
    began = time.monotonic()
    signal.set()
    thread.join(30)
    assert not thread.is_alive()
    assert time.monotonic() - began < 10  # about 1 s; generous on a loaded machine
    (raw,) = out
    assert raw.limit is Limit.INTERRUPTED
    assert raw.status is not Status.OPTIMAL


def test_a_stop_set_before_the_solve_ends_it_at_once(long_mip: Program) -> None:
    signal = stop.Stop()
    signal.set()
    thread, out = in_thread(signal, long_mip)
    thread.join(30)
    assert not thread.is_alive()
    (raw,) = out
    assert raw.limit is Limit.INTERRUPTED
    assert raw.time_s < 5


def test_a_stop_nobody_sets_changes_nothing() -> None:
    program = build_program(load_scenario(LAPTOPS))
    plain = get_backend("highs").solve(program, SolveOptions())
    signal = stop.Stop()
    thread, out = in_thread(signal, program)
    thread.join(60)
    (watched,) = out
    assert watched.status is plain.status is Status.OPTIMAL
    assert watched.objective == pytest.approx(plain.objective, rel=1e-9)
    assert stop.current() is None  # only the thread's code ran under it


def test_an_unwatched_solve_is_left_alone() -> None:
    program = build_program(load_scenario(LAPTOPS))
    signal = stop.Stop()
    signal.set()  # set, but the solve does not run under it
    raw = get_backend("highs").solve(replace(program), SolveOptions())
    assert raw.status is Status.OPTIMAL


def test_an_instance_stopped_once_runs_unwatched_again(long_mip: Program) -> None:
    # the interrupt is a callback subscribed for the watched run only: the same HiGHS
    # instance run again outside the Stop ends on its own limit, not interrupted
    h = get_backend("highs").prepare(long_mip, SolveOptions(time_limit=1.5))
    signal = stop.Stop()
    signal.set()
    signal.run(lambda: highs_threads.run(h))
    assert h.getModelStatus().name == "kInterrupt"
    highs_threads.run(h)
    assert h.getModelStatus().name == "kTimeLimit"
