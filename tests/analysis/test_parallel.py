"""--jobs: analyses in chunks on supervised worker processes give the sequential figures."""

from __future__ import annotations

import json
import time

import pytest
from click.testing import CliRunner

from sourceopt import AnalysisError, load_scenario
from sourceopt.analysis import rule_costs, stress
from sourceopt.analysis.compare import compare_variants
from sourceopt.analysis.parallel import NOT_STARTED, Chunks, chunks, failure_text
from sourceopt.cli import cli
from sourceopt.solvers.base import Status

LAPTOPS = "scenarios/laptops.yaml"


def test_chunks_deal_names_round_robin() -> None:
    assert chunks(["a", "b", "c", "d", "e"], 2) == [["a", "c", "e"], ["b", "d"]]
    assert chunks(["a"], 4) == [["a"]]


def test_rules_with_two_jobs_equal_the_sequential_run() -> None:
    sc = load_scenario(LAPTOPS)
    one, two = rule_costs(sc), rule_costs(sc, jobs=2)
    assert [r.to_dict() for r in two.rules] == [r.to_dict() for r in one.rules]
    assert [r.origin for r in two.rules] == [r.origin for r in one.rules]
    assert all(r.verified for r in two.rules)


def test_stress_with_two_jobs_equals_the_sequential_run() -> None:
    sc = load_scenario(LAPTOPS)
    one, two = stress(sc), stress(sc, jobs=2)
    assert two.to_dict() == one.to_dict()
    assert two.verified


def test_a_crashed_chunk_is_failed_figures_not_a_failed_analysis(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # a scenario named test-hook-crash kills the worker process that runs it (the test hook);
    # laptops is a MIP: the calling process and the worker draw rules from one queue, the
    # worker takes one at once (before it is even started) and every rule it takes fails
    monkeypatch.setenv("SOURCEOPT_TEST_HOOKS", "1")
    sc = load_scenario(LAPTOPS)
    sc = sc.with_changes(name="test-hook-crash")
    costs = rule_costs(sc, jobs=2)
    failed_names = [r.name for r in costs.rules if r.status_without is Status.ERROR]
    assert failed_names
    assert len(failed_names) < len(costs.rules)
    for r in costs.rules:
        if r.name not in failed_names:
            assert r.final
            assert r.status_without is Status.OPTIMAL
    for name in failed_names:
        failed = next(r for r in costs.rules if r.name == name)
        assert failed.status_without is Status.ERROR
        assert not failed.final
        assert failed.objective_without is None
        assert failed.note.startswith("the re-solve failed (crash")


def test_dask_without_a_scheduler_is_refused() -> None:
    sc = load_scenario(LAPTOPS)
    with pytest.raises(AnalysisError, match="needs a scheduler"):
        Chunks(sc, "rules", "rules", [["a"]], {}, executor="dask")
    res = CliRunner().invoke(cli, ["rules", LAPTOPS, "--jobs", "2", "--executor", "dask"])
    assert res.exit_code == 2
    assert "--executor dask needs --scheduler" in res.output


def test_cli_rules_jobs_and_analysis_time_limit() -> None:
    runner = CliRunner()
    res = runner.invoke(cli, ["rules", LAPTOPS, "--jobs", "2", "--json"])
    assert res.exit_code == 0, res.output
    rules = json.loads(res.output)["rules"]
    assert all(r["method"] == "resolve" and r["final"] for r in rules)
    spent = runner.invoke(cli, ["rules", LAPTOPS, "--analysis-time-limit", "1e-9"])
    # the budget is spent before the base solve (a MIP of ~0.1 s) can finish: no award (5)
    assert spent.exit_code == 5, spent.output
    assert "not final (a time limit stopped them)" in spent.output


def test_a_chunk_given_the_base_raw_result_does_not_solve_the_base_again() -> None:
    # a chunk's worker of a MIP gets the base solve's raw result (award vector, objective,
    # status) and takes it as its base: the base in its answer is that very result, and
    # its figures are those of the run that solved the base itself
    sc = load_scenario(LAPTOPS)
    full = rule_costs(sc)
    assert full.base.raw is not None
    assert full.base.raw.x is not None
    given = full.base.raw
    part = rule_costs(sc, rules=list(sc.rule_names), base_raw=given)
    assert part.base.raw is given
    assert [r.to_dict() for r in part.rules] == [r.to_dict() for r in full.rules]
    hurt = stress(sc, base_raw=given)
    assert hurt.to_dict() == stress(sc).to_dict()


def test_the_chunks_of_a_mip_carry_the_base_award_not_a_base_to_solve() -> None:
    from sourceopt.formulation.build import build_program

    sc = load_scenario(LAPTOPS)
    assert build_program(sc).is_mip  # laptops is a MIP: its workers must not re-solve it
    base = rule_costs(sc).base.raw
    assert base is not None
    remote = Chunks(sc, "rules", "rules", [["a"], ["b"]], {}, base=base)
    for job in remote.jobs:
        shipped = job.extra["base_raw"]
        assert shipped.duals is None
        assert shipped.extra == {}
        assert shipped.objective == base.objective
        assert shipped.status is base.status
        assert list(shipped.x) == list(base.x)


def test_compare_with_two_jobs_equals_the_sequential_run() -> None:
    # laptops has 5 variants (base and 4 others): this process solves base, headcount and
    # fast-delivery (chunks' first), one worker process the other two, each a `solve` job
    from sourceopt.analysis import compare_variants

    sc = load_scenario(LAPTOPS)
    one, two = compare_variants(sc), compare_variants(sc, jobs=2)
    assert two.to_dict() == one.to_dict()
    assert [r.verified for r in two.rows] == [True] * 5
    assert [r.soft_violations for r in two.rows] == [r.soft_violations for r in one.rows]
    for name, result in one.results.items():
        assert two.results[name].document.allocations == result.document.allocations


def test_a_crashed_compare_worker_is_an_error_row_not_a_failed_comparison(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from sourceopt.analysis import compare_variants

    monkeypatch.setenv("SOURCEOPT_TEST_HOOKS", "1")
    sc = load_scenario(LAPTOPS).with_changes(name="test-hook-crash")
    rows = {r.variant: r for r in compare_variants(sc, jobs=2).rows}
    mine, theirs = chunks(["base", *[v for v in rows if v != "base"]], 2)
    assert all(rows[n].status is Status.OPTIMAL for n in mine)
    for name in theirs:
        assert rows[name].status is Status.ERROR
        assert rows[name].objective is None


def test_cli_compare_jobs() -> None:
    runner = CliRunner()
    one = runner.invoke(cli, ["compare", LAPTOPS, "--json"])
    two = runner.invoke(cli, ["compare", LAPTOPS, "--jobs", "2", "--json"])
    assert two.exit_code == one.exit_code == 0, two.output
    assert json.loads(two.output) == json.loads(one.output)
    bad = runner.invoke(cli, ["compare", LAPTOPS, "--jobs", "2", "--executor", "dask"])
    assert bad.exit_code == 2
    assert "--executor dask needs --scheduler" in bad.output


def test_a_mip_shares_one_queue_of_single_figures_an_lp_round_robin_chunks() -> None:
    from sourceopt.analysis.parallel import split
    from sourceopt.solvers.base import RawResult

    base = RawResult(Status.OPTIMAL, "highs", "1", 0.0)
    names = ["a", "b", "c", "d", "e"]
    assert split(names, 3, base, "local") == ([], [["a"], ["b"], ["c"], ["d"], ["e"]], 2)
    assert split(names, 2, None, "local") == (["a", "c", "e"], [["b", "d"]], None)
    assert split(names, 2, base, "dask") == (["a", "c", "e"], [["b", "d"]], None)


def test_the_caller_takes_parts_from_the_queue_the_workers_draw_from() -> None:
    sc = load_scenario(LAPTOPS)
    remote = Chunks(sc, "rules", "rules", [["a"], ["b"]], {}, width=1)
    assert remote.take() == ["a"]  # not started: the caller draws every part itself
    assert remote.take() == ["b"]
    assert remote.take() is None
    remote.start()
    assert remote.results() == []  # the worker found nothing left to run


@pytest.mark.parametrize("jobs", [1, 2])
def test_compare_counts_every_variant_in_its_progress(jobs: int) -> None:
    from sourceopt.analysis import compare_variants
    from sourceopt.analysis.resolve import Progress

    seen = Progress()
    compare_variants(load_scenario(LAPTOPS), jobs=jobs, progress=seen)
    assert (seen.finished, seen.total) == (5, 5)  # laptops: base and 4 variants


def test_a_part_started_after_the_deadline_is_not_started() -> None:
    # before: a part drawn from the queue after the analysis' deadline ran with its whole
    # budget again, until the watchdog's grace (30 s) past the deadline, a worker each
    sc = load_scenario(LAPTOPS)
    spent = Chunks(sc, "rules", "rules", [["a"], ["b"]], {}, deadline=time.monotonic() - 1)
    spent.start()
    results = spent.results()
    assert [payload for _, payload in results] == [NOT_STARTED, NOT_STARTED]
    assert failure_text(NOT_STARTED) == "not started: the analysis time limit ran out"


def test_a_part_gets_what_is_left_of_the_budget() -> None:
    sc = load_scenario(LAPTOPS)
    given = {"analysis_time_limit": 600.0, "time_limit": 500.0}
    rules = Chunks(sc, "rules", "rules", [["a"]], given, deadline=time.monotonic() + 20)
    job = rules.budgeted(rules.jobs[0])
    assert job is not None
    assert 0 < job.options["analysis_time_limit"] <= 20  # the budget, not 600 again
    assert job.options["time_limit"] == 500.0  # each solve's own limit stands
    solve = Chunks(sc, "solve", "variant", [["base"]], given, single=True)
    assert solve.budgeted(solve.jobs[0]) is solve.jobs[0]  # no deadline: as given
    late = Chunks(
        sc, "solve", "variant", [["base"]], given, single=True, deadline=time.monotonic() + 20
    )
    job = late.budgeted(late.jobs[0])
    assert job is not None
    assert 0 < job.options["time_limit"] <= 20  # a solve job (compare): its solve's limit


@pytest.mark.parametrize("jobs", [1, 2])
def test_a_spent_comparison_budget_leaves_variants_not_final(jobs: int) -> None:
    sc = load_scenario(LAPTOPS)
    names = ["base", "single-source-allowed"]
    out = compare_variants(sc, variants=names, analysis_time_limit=1e-9, jobs=jobs)
    assert [r.variant for r in out.rows] == names
    for row in out.rows:
        assert (row.status, row.final, row.objective) == (Status.NO_SOLUTION, False, None)
        doc = out.results[row.variant].document
        assert doc.solver.limit == "time_limit"
        assert doc.solver.message == "not started: the analysis time limit ran out"
    full = compare_variants(sc, variants=names, analysis_time_limit=600, jobs=jobs)
    assert all(r.final for r in full.rows)
    assert [r.to_dict() for r in full.rows] == [
        r.to_dict() for r in compare_variants(sc, variants=names).rows
    ]
    res = CliRunner().invoke(cli, ["compare", LAPTOPS, "--analysis-time-limit", "1e-9"])
    assert "not final (a time limit stopped them): " in res.output
