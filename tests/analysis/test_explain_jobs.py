"""explain --jobs N: the speculative conflict search on real solvers and worker processes.

The conflict (members, method, minimal) and the solves it reports are those of the
sequential run, on the bundled infeasible scenarios and on generated infeasible cases, with
2 and 3 probes at once; a crashed worker leaves a conflict that still conflicts. With jobs
the status solve and the search's opening race, the loser stopped: the status is the
sequential one.
"""

from __future__ import annotations

import importlib
import json
import random
import time
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from click.testing import CliRunner
from tests.analysis.probing import answers_seen, slowed

from sourceopt.analysis import conflict as conflict_module
from sourceopt.analysis.conflict import Conflict, Opening, deletion_filter, find_conflict
from sourceopt.analysis.conflict_parallel import Answer, speculative_filter
from sourceopt.analysis.diagnose_common import feasible
from sourceopt.analysis.explain import explain, explain_setup
from sourceopt.analysis.groups import conflict_groups
from sourceopt.analysis.probe_pool import ProbePool
from sourceopt.cli import cli
from sourceopt.jobs.kinds import run_kind
from sourceopt.jobs.supervise import WorkerHandle
from sourceopt.scenario.load import load_scenario
from sourceopt.scenario.model import Scenario
from sourceopt.solvers import stop
from sourceopt.solvers.base import Status

explain_module = importlib.import_module("sourceopt.analysis.explain")  # (the name is a function)
ROOT = Path(__file__).resolve().parents[2]
SETASIDE = ROOT / "scenarios" / "infeasible-setaside.yaml"
FREIGHT = ROOT / "tests" / "data" / "explain" / "freight50-no-broker" / "freight50.yaml"
CHAIRS = ROOT / "docs" / "examples" / "office-chairs.yaml"
# every infeasible variant of scenarios/ and docs/examples/, and the explain test case
CATALOGUE = [(SETASIDE, "base"), (CHAIRS, "small-business-80pct"), (FREIGHT, "no-broker")]


@pytest.fixture(scope="module")
def workers() -> Iterator[list[WorkerHandle]]:
    """Two warm worker processes, borrowed by every pool of this module (started once)."""
    handles = [WorkerHandle(4096) for _ in range(2)]
    for handle in handles:
        handle.start()
    for handle in handles:
        handle.wait_ready(180)
    yield handles
    for handle in handles:
        handle.shutdown()


def generated(seed: int) -> dict[str, Any]:
    """A small random category with capacities and a few hard rules (maybe infeasible)."""
    rng = random.Random(seed)
    items = [{"id": f"I{k}", "demand": rng.randint(10, 60)} for k in range(rng.randint(3, 6))]
    suppliers = [
        {
            "id": f"S{k}",
            "capacity": rng.randint(20, 120),
            "tags": ["small"] if rng.random() < 0.4 else [],
        }
        for k in range(rng.randint(3, 6))
    ]
    offers = [
        {"supplier": s["id"], "item": i["id"], "price": rng.randint(5, 40)}
        for s in suppliers
        for i in items
        if rng.random() < 0.7
    ]
    kinds = [
        lambda: {"type": "max_share", "limit": rng.choice([0.3, 0.4, 0.5])},
        lambda: {"type": "supplier_count", "max": rng.randint(1, 2), "per": "category"},
        lambda: {"type": "supplier_count", "min": rng.randint(2, 3), "per": "item"},
        lambda: {"type": "group_share", "min": 0.5, "suppliers": {"tags": ["small"]}},
        lambda: {"type": "max_items_per_supplier", "max": rng.randint(1, 2)},
        lambda: {"type": "budget", "max": rng.randint(500, 3000)},
    ]
    rules = [dict(rng.choice(kinds)(), name=f"r{k}") for k in range(rng.randint(2, 5))]
    return {
        "sourceopt": 1,
        "name": f"generated-{seed}",
        "items": items,
        "suppliers": suppliers,
        "offers": offers,
        "rules": rules,
    }


def infeasible_cases(n: int) -> list[Scenario]:
    """The first `n` generated categories that are infeasible."""
    out = []
    for seed in range(500):
        sc = load_scenario(generated(seed))
        setup = explain_setup(sc)
        if feasible(setup, setup.program) is Status.INFEASIBLE:
            out.append(sc)
        if len(out) == n:
            return out
    raise AssertionError("too few infeasible generated cases")


def both_ways(
    sc: Scenario, handles: list[WorkerHandle], variant: str = "base"
) -> tuple[Conflict, Conflict]:
    """The sequential conflict, and the speculative one with the borrowed workers."""
    setup = explain_setup(sc, variant=variant)
    grouped = conflict_groups(setup.scenario, setup.program)
    one = find_conflict(setup, grouped)
    pool = ProbePool(sc, {"variant": variant}, len(handles), handles=handles)
    try:
        while pool.idle() < len(handles):  # warm workers: ready at once
            time.sleep(0.01)
        many = find_conflict(setup, grouped, None, pool)
    finally:
        pool.close()
    return one, many


def same(one: Conflict, many: Conflict) -> None:
    assert (many.members, many.method, many.minimal, many.solves) == (
        one.members,
        one.method,
        one.minimal,
        one.solves,
    )


@pytest.mark.parametrize("jobs", [2, 3])
@pytest.mark.parametrize("iis", [True, False])
def test_the_bundled_infeasible_scenarios_give_the_sequential_conflict(
    workers: list[WorkerHandle], jobs: int, iis: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    if not iis:  # the deletion filter from every group: many more trials to guess
        monkeypatch.setattr(conflict_module, "iis_seed", lambda setup, grouped: None)
    for path, variant in CATALOGUE:
        one, many = both_ways(load_scenario(path), workers[: jobs - 1], variant)
        assert one.members
        same(one, many)
        assert many.probes >= 1


@pytest.mark.parametrize("iis", [True, False])
def test_generated_infeasible_cases_give_the_sequential_conflict(
    workers: list[WorkerHandle], iis: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    if not iis:
        monkeypatch.setattr(conflict_module, "iis_seed", lambda setup, grouped: None)
    for k, sc in enumerate(infeasible_cases(6)):
        one, many = both_ways(sc, workers[: 1 + k % 2])  # jobs 2 and 3 in turn
        same(one, many)


def test_explain_with_jobs_equals_the_sequential_explanation() -> None:
    # fresh workers of its own, started and killed by the explanation
    sc = load_scenario(FREIGHT)
    one = explain(sc, variant="no-broker")
    two = explain(sc, variant="no-broker", jobs=2)
    assert two.to_dict() == one.to_dict()
    assert (two.method, two.minimal, two.solves) == (one.method, one.minimal, one.solves)


def test_a_crashed_worker_leaves_a_conflict_that_still_conflicts(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # a scenario named test-hook-crash kills every worker process that runs a job of it:
    # each probe handed to the worker is undecided (if the filter needs it, the group stays),
    # never an error; the caller's probes are slowed down so that the worker gets some
    monkeypatch.setenv("SOURCEOPT_TEST_HOOKS", "1")  # before the worker starts: it inherits it
    sc = load_scenario(SETASIDE).with_changes(name="test-hook-crash")
    setup = explain_setup(sc)
    grouped = conflict_groups(setup.scenario, setup.program)
    start = list(range(len(grouped.groups)))
    one = deletion_filter(
        start, lambda t: feasible(setup, grouped.with_only(t)) is Status.INFEASIBLE
    )

    pool = ProbePool(sc, {}, 1)
    seen = answers_seen(pool)
    try:
        while not pool.idle():
            time.sleep(0.01)
        many = speculative_filter(start, slowed(setup, grouped, 0.1), pool, lambda: True)
    finally:
        pool.close()
    assert Answer.UNDECIDED in seen
    assert Answer.INFEASIBLE not in seen
    assert Answer.FEASIBLE not in seen
    enforced = grouped.with_only(many.members)
    assert feasible(setup, enforced) is Status.INFEASIBLE
    assert many.undecided or many.members == one


def test_an_explain_probes_job_answers_as_the_calling_process() -> None:
    sc = load_scenario(SETASIDE)
    setup = explain_setup(sc)
    grouped = conflict_groups(setup.scenario, setup.program)
    n = len(grouped.groups)
    sets = [list(range(n)), [], list(range(n // 2))]
    answer = run_kind("explain-probes", sc, {"sets": sets, "tag": "t"})
    expected = [feasible(setup, grouped.with_only(s)).value for s in sets]
    assert answer["statuses"] == expected
    assert answer["statuses"][:2] == ["infeasible", "optimal"]


def test_cli_explain_with_jobs() -> None:
    runner = CliRunner()
    one = runner.invoke(cli, ["explain", str(SETASIDE), "--json"])
    two = runner.invoke(cli, ["explain", str(SETASIDE), "--json", "--jobs", "2"])
    assert two.exit_code == one.exit_code == 4, two.output
    assert json.loads(two.output) == json.loads(one.output)
    text = runner.invoke(cli, ["explain", str(SETASIDE), "--jobs", "2"])
    assert "Conflict (minimal, found by iis)" in text.output
    bad = runner.invoke(cli, ["explain", str(SETASIDE), "--executor", "dask"])
    assert bad.exit_code == 2
    assert "--scheduler" in bad.output


def test_a_cancelled_guess_frees_its_worker_at_once(monkeypatch: pytest.MonkeyPatch) -> None:
    # a scenario named test-hook-hang hangs every worker job past every limit: only the
    # cancel (the worker killed) frees the slot, and the lost guess is reported undecided
    monkeypatch.setenv("SOURCEOPT_TEST_HOOKS", "1")
    sc = load_scenario(SETASIDE).with_changes(name="test-hook-hang")
    pool = ProbePool(sc, {}, 1)
    try:
        while not pool.idle():
            time.sleep(0.01)
        pool.submit((0, 1))
        give_up = time.monotonic() + 30
        while not pool.cancel((0, 1)):  # once the slot has handed it to its worker
            assert time.monotonic() < give_up
            time.sleep(0.01)
        while not pool.idle():
            assert time.monotonic() < give_up
            time.sleep(0.01)
        assert pool.finished(wait=True) == [((0, 1), Answer.UNDECIDED)]
    finally:
        pool.close()


def test_with_jobs_the_status_and_the_first_question_race_and_the_loser_is_stopped(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # explain --jobs asks the status solve and the conflict search's opening at once; the
    # one whose answer settles the status stops the other (here: fakes that run until
    # stopped, as a HiGHS solve under a Stop does)
    setup = explain_setup(load_scenario(SETASIDE))
    grouped = conflict_groups(setup.scenario, setup.program)
    proven = Opening([0, 1], "deletion filter", 1, False)
    stopped: list[str] = []

    def until_stopped(name: str, value: Any) -> Any:
        signal = stop.current()
        assert signal is not None
        deadline = time.monotonic() + 30
        while not signal.is_set and time.monotonic() < deadline:
            time.sleep(0.01)
        stopped.append(name)
        return value

    interrupted = SimpleNamespace(raw=SimpleNamespace(status=Status.NO_SOLUTION))
    monkeypatch.setattr(explain_module, "run", lambda *a: until_stopped("status", interrupted))
    monkeypatch.setattr(explain_module, "opening", lambda *a: proven)
    assert explain_module._raced(setup, setup, grouped, None) == (Status.INFEASIBLE, proven)
    assert stopped == ["status"]

    optimal = SimpleNamespace(raw=SimpleNamespace(status=Status.OPTIMAL))
    monkeypatch.setattr(explain_module, "run", lambda *a: optimal)
    monkeypatch.setattr(explain_module, "opening", lambda *a: until_stopped("opening", proven))
    assert explain_module._raced(setup, setup, grouped, None) == (Status.OPTIMAL, None)
    assert stopped == ["status", "opening"]


def test_with_jobs_an_oracle_that_disagrees_with_the_status_gives_the_sequential_answer(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # the opening does not find every group infeasible while the status solve says
    # infeasible: as sequentially, no conflict is claimed (empty, not minimal)
    disagrees = Opening(None, "deletion filter", 1, False)
    monkeypatch.setattr(explain_module, "opening", lambda *a: disagrees)
    monkeypatch.setattr(conflict_module, "opening", lambda *a: disagrees)
    sc = load_scenario(SETASIDE)
    one, two = explain(sc, relax=False), explain(sc, relax=False, jobs=2)
    assert one.status is two.status is Status.INFEASIBLE
    assert two.to_dict() == one.to_dict()
    assert (one.conflict, one.minimal, one.solves) == ((), False, 1)
    assert (two.conflict, two.minimal, two.solves) == ((), False, 1)


def test_with_jobs_a_feasible_scenario_reports_the_sequential_status() -> None:
    sc = load_scenario(CHAIRS)
    one, two = explain(sc), explain(sc, jobs=2)
    assert one.status is two.status is Status.OPTIMAL
    assert two.to_dict() == one.to_dict()
