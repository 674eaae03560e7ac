"""frontier, price-to-win and explain with ``--executor dask``: chunks (explain: probes) on a
real Dask LocalCluster give the sequential figures (the caller takes the first round-robin
chunk, the cluster the rest)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from tests.analysis.probing import answers_seen, slowed

from sourceopt import load_scenario
from sourceopt.analysis import explain, frontier, price_to_win
from sourceopt.analysis.conflict import deletion_filter
from sourceopt.analysis.conflict_parallel import Answer, speculative_filter
from sourceopt.analysis.diagnose_common import feasible
from sourceopt.analysis.explain import explain_setup
from sourceopt.analysis.groups import conflict_groups
from sourceopt.analysis.probe_pool import ProbePool
from sourceopt.solvers.base import Status

distributed = pytest.importorskip("distributed")


@pytest.fixture(scope="module")
def scheduler() -> Iterator[str]:
    cluster = distributed.LocalCluster(
        n_workers=1, threads_per_worker=1, processes=True, dashboard_address=":0"
    )
    with cluster:
        yield cluster.scheduler_address


def test_frontier_and_price_to_win_on_a_dask_cluster_equal_the_sequential_run(
    scheduler: str,
) -> None:
    sc = load_scenario("scenarios/laptops.yaml")
    one = frontier(sc, "max_share", points=5)
    two = frontier(sc, "max_share", points=5, jobs=2, executor="dask", scheduler=scheduler)
    assert two.to_dict() == one.to_dict()
    assert [p.verified for p in two.points] == [p.verified for p in one.points]
    chairs = load_scenario("docs/examples/office-chairs.yaml")
    alone = price_to_win(chairs, tolerance=1e-3)
    shared = price_to_win(chairs, tolerance=1e-3, jobs=2, executor="dask", scheduler=scheduler)
    assert shared.offers == alone.offers


def test_explain_on_a_dask_cluster_equals_the_sequential_run(scheduler: str) -> None:
    sc = load_scenario("scenarios/infeasible-setaside.yaml")
    one = explain(sc, relax=False)
    two = explain(sc, relax=False, jobs=2, executor="dask", scheduler=scheduler)
    assert two.to_dict() == one.to_dict()
    assert (two.method, two.minimal, two.solves) == (one.method, one.minimal, one.solves)
    # the filter from every group, this process's probes slowed so that the cluster's count
    setup = explain_setup(sc)
    grouped = conflict_groups(setup.scenario, setup.program)
    start = list(range(len(grouped.groups)))

    pool = ProbePool(sc, {}, 1, executor="dask", scheduler=scheduler)
    answered = answers_seen(pool)
    try:
        got = speculative_filter(start, slowed(setup, grouped, 0.3), pool, lambda: True)
    finally:
        pool.close()
    expected = deletion_filter(
        start, lambda t: feasible(setup, grouped.with_only(t)) is Status.INFEASIBLE
    )
    assert got.members == expected
    assert not got.undecided
    assert {Answer.INFEASIBLE, Answer.FEASIBLE} & set(answered)  # the cluster answered
