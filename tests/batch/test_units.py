"""The batch engine's pieces without processes: discovery, job keys, golden, progress, store."""

from __future__ import annotations

import io

import pytest

from batch.scenarios import PAIR, SINGLE, write
from sourceopt.batch.discover import discover
from sourceopt.batch.golden import compare_awards
from sourceopt.batch.jobs import BatchError, JobOptions, parse_variants, plan_jobs
from sourceopt.batch.progress import Progress, clock
from sourceopt.batch.store import read_index


def test_discover_files_folders_and_globs(tmp_path):
    a = write(tmp_path, "a.yaml", PAIR.format(name="a"))
    write(tmp_path, "sub/b.json", '{"sourceopt": 1}')
    write(tmp_path, "sub/model.yaml", "name: not-a-scenario\n")
    write(tmp_path, "sub/offers.csv", "supplier,item,price\n")
    write(tmp_path, ".hidden/c.yaml", "sourceopt: 1\n")
    found = discover([str(tmp_path), str(a), str(tmp_path / "**" / "*.json")])
    assert [p.name for p in found] == ["a.yaml", "b.json"]
    with pytest.raises(BatchError, match="no such file"):
        discover([str(tmp_path / "missing.yaml")])
    with pytest.raises(BatchError, match="no file matches"):
        discover([str(tmp_path / "*.xlsx")])


def test_job_keys_follow_input_bytes_tables_and_options(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    single = write(tmp_path, "s.yaml", SINGLE.format(name="s", p1=3))
    tabled = write(tmp_path, "t.yaml", "sourceopt: 1\nname: t\noffers: {file: offers.csv}\n")
    write(tmp_path, "offers.csv", "supplier,item,price\nS1,X,1\n")
    jobs = plan_jobs([single, tabled], None, JobOptions())
    assert [(j.name, j.variant) for j in jobs] == [
        ("s.yaml", "base"),
        ("s.yaml", "pricey"),
        ("t.yaml", "base"),
    ]
    assert jobs[0].result_path == "results/s.yaml/base.json"
    again = plan_jobs([single, tabled], None, JobOptions())
    assert [j.key for j in again] == [j.key for j in jobs]
    gap = plan_jobs([single], ("base",), JobOptions(mip_gap=1e-4))
    assert gap[0].key != jobs[0].key
    write(tmp_path, "offers.csv", "supplier,item,price\nS1,X,2\n")
    changed = plan_jobs([single, tabled], None, JobOptions())
    assert changed[0].key == jobs[0].key
    assert changed[2].key != jobs[2].key


def test_parse_variants():
    assert parse_variants(None) == ("base",)
    assert parse_variants("all") is None
    assert parse_variants("base, high ,base") == ("base", "high")
    with pytest.raises(BatchError):
        parse_variants(",")


def award(cost: float, units: dict[tuple[str, str], float]) -> dict:
    rows = [{"supplier": s, "item": i, "units": u} for (s, i), u in units.items()]
    return {
        "scenario": "x",
        "variant": "base",
        "status": "optimal",
        "total_cost": cost,
        "allocations": rows,
    }


def test_golden_tolerates_noise_and_reports_moves():
    old = award(1000.0, {("S1", "A"): 60.0, ("S2", "A"): 40.0})
    assert (
        compare_awards(old, award(1000.0 + 1e-7, {("S1", "A"): 60.0, ("S2", "A"): 40.0}), 1e-6)
        is None
    )
    drift = compare_awards(old, award(1010.0, {("S1", "A"): 50.0, ("S2", "A"): 50.0}), 1e-6)
    assert drift is not None
    assert drift.cost_change == pytest.approx(10.0)
    assert {m["supplier"] for m in drift.moves} == {"S1", "S2"}
    failed = dict(old, status="error", total_cost=None, allocations=[])
    assert "status optimal -> error" in compare_awards(old, failed, 1e-6).changes


def test_progress_lines_and_bar():
    stream = io.StringIO()
    progress = Progress(stream, 0, interactive=False)
    progress.plan(3)
    ok = {
        "file": "a.yaml",
        "variant": "base",
        "status": "optimal",
        "total_cost": 1330.0,
        "wall_s": 0.1,
        "error": "",
        "verification": "ok",
    }
    bad = dict(ok, status="error", error="invalid: x")
    infeasible = dict(ok, status="infeasible", error="Infeasible", total_cost=None)
    progress.update(ok)
    progress.update(bad)
    progress.update(infeasible)
    assert stream.getvalue().splitlines() == [
        "[1/3] a.yaml base: optimal 1,330.00 (0.10 s)",
        "[2/3] a.yaml base: error: invalid: x",
        "[3/3] a.yaml base: infeasible (0.10 s)",
    ]
    assert "3/3 done, 1 failed, 1 infeasible" in progress.bar()
    assert clock(75) == "1:15"
    assert clock(3725) == "1:02:05"


def test_index_ignores_a_torn_line(tmp_path):
    (tmp_path / "index.jsonl").write_text('{"key": "k", "result": "r.json"}\n{"key": "k2", "res')
    assert list(read_index(tmp_path)) == ["k"]
