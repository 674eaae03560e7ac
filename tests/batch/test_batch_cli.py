"""`sourceopt batch` end to end: real worker processes, crashes, kills, resume, golden awards."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from click.testing import CliRunner, Result

from batch.scenarios import (
    PAIR,
    PAIR_COST,
    SINGLE,
    SINGLE_COST,
    good_set,
    mixed_set,
    write,
)
from sourceopt.cli import cli

HOOKS = {"SOURCEOPT_TEST_HOOKS": "1"}


def batch(*args: str, env: dict[str, str] | None = None) -> Result:
    return CliRunner().invoke(cli, ["batch", *args], env=env or HOOKS, catch_exceptions=False)


def read(out: Path, rel: str) -> dict[str, Any]:
    return json.loads((out / "results" / rel).read_text())


def test_mixed_batch_records_every_failure_and_keeps_every_result(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    mixed_set(Path("in"))
    write(Path("in"), "g-memory.yaml", PAIR.format(name="test-hook-memory"))
    args = ["in", "--out", "out", "--jobs", "2", "--variants", "all", "--time-limit", "2"]
    args += ["--grace", "1", "--memory-mb", "3000", "--retries", "1"]
    started = time.monotonic()
    run = batch(*args)
    assert run.exit_code == 8, run.output
    assert time.monotonic() - started < 40
    out = Path("out")
    assert read(out, "a-pair.yaml/base.json")["total_cost"] == pytest.approx(PAIR_COST)
    for variant, cost in SINGLE_COST.items():
        doc = read(out, f"b-single.yaml/{variant}.json")
        assert doc["total_cost"] == pytest.approx(cost)
        assert doc["verification"]["ok"]
        assert set(doc) >= {"scenario", "variant", "status", "allocations", "input_sha256"}
    assert read(out, "c-infeasible.yaml/base.json")["status"] == "infeasible"
    failures = {
        "d-malformed": ("invalid", "price"),
        "e-crash": ("crash", "SIGKILL"),
        "f-hang": ("timeout", "killed after"),
        "g-memory": ("memory", "memory limit"),
    }
    for stem, (kind, words) in failures.items():
        doc = read(out, f"{stem}.yaml/base.json")
        assert doc["status"] == "error"
        assert doc["kind"] == kind, doc
        assert words in doc["reason"]
    summary = pd.read_parquet(out / "summary.parquet")
    assert len(summary) == 8
    assert list(pd.read_csv(out / "summary.csv").columns) == list(summary.columns)
    row = summary.set_index(["file", "variant"]).loc[("a-pair.yaml", "base")]
    assert row["status"] == "optimal"
    assert row["total_cost"] == pytest.approx(PAIR_COST)
    assert row["verification"] == "ok"
    index = [json.loads(line) for line in (out / "index.jsonl").read_text().splitlines()]
    attempts = {Path(e["file"]).stem: e["attempts"] for e in index}
    assert attempts["e-crash"] == 2  # retried once, crashed again
    assert attempts["a-pair"] == 1
    # an infeasible scenario is an answer, listed as infeasible; the other four failed
    assert "1 infeasible (no award meets the rules" in run.stdout  # the closing summary
    assert "  c-infeasible.yaml base\n" in run.stdout
    assert "4 failed:" in run.stdout
    assert "c-infeasible.yaml base:" not in run.stdout

    before = {p: p.stat().st_mtime_ns for p in (out / "results").rglob("*.json")}
    again = batch(*args)
    assert again.exit_code == 8
    assert "0 now, 8 from an earlier run" in again.output
    assert {p: p.stat().st_mtime_ns for p in (out / "results").rglob("*.json")} == before


def test_changed_input_or_options_solve_again_and_force_resolves(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    good_set(Path("in"))
    assert batch("in", "--out", "out", "-j", "1").exit_code == 0
    assert "2 now" in batch("in", "--out", "out", "-j", "1", "--gap", "1e-5").output
    write(Path("in"), "b-single.yaml", SINGLE.format(name="single", p1=5))
    run = batch("in", "--out", "out", "-j", "1")
    assert "1 now, 1 from an earlier run" in run.output
    assert read(Path("out"), "b-single.yaml/base.json")["total_cost"] == pytest.approx(40)
    assert "2 now" in batch("in", "--out", "out", "-j", "1", "--force").output


def test_json_prints_one_ndjson_line_per_job(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    good_set(Path("in"))
    run = CliRunner().invoke(
        cli, ["batch", "in/*.yaml", "--out", "o", "--json", "--variants", "all"]
    )
    assert run.exit_code == 0, run.output
    lines = [json.loads(x) for x in run.stdout.splitlines()]
    assert sorted((x["scenario"], x["variant"]) for x in lines) == [
        ("pair", "base"),
        ("single", "base"),
        ("single", "pricey"),
    ]
    assert all(Path(x["result"]).is_file() and x["resumed"] is False for x in lines)


def test_golden_awards_pass_then_report_drift(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    good_set(Path("in"))
    assert batch("in", "--out", "gold", "--variants", "all").exit_code == 0
    same = batch("in", "--out", "new", "--variants", "all", "--expect", "gold")
    assert same.exit_code == 0, same.output
    assert "golden: 3 compared with --expect, 0 drifted" in same.output
    write(Path("in"), "b-single.yaml", SINGLE.format(name="single", p1=5))
    drift = batch("in", "--out", "new", "--variants", "all", "--expect", "gold")
    assert drift.exit_code == 9, drift.output
    assert "total cost 30 -> 40" in drift.output
    report = json.loads(Path("new/golden.json").read_text())
    (moved,) = report["drifts"]
    assert moved["scenario"] == "single"
    assert moved["variant"] == "base"
    assert {(m["supplier"], m["units_from"], m["units_to"]) for m in moved["moves"]} == {
        ("S1", 10.0, 0.0),
        ("S2", 0.0, 10.0),
    }


def test_usage_errors(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert batch("nowhere").exit_code == 2
    Path("empty").mkdir()
    assert "no scenario files" in batch("empty").output
    good_set(Path("in"))
    assert batch("in", "--executor", "dask").exit_code == 2


def test_ctrl_c_keeps_finished_results_and_says_how_to_resume(tmp_path):
    folder = tmp_path / "in"
    good_set(folder)
    write(folder, "z-hang.yaml", PAIR.format(name="test-hook-hang"))
    command = [sys.executable, "-c", "from sourceopt.cli import main; main()", "batch"]
    command += [str(folder), "--out", str(tmp_path / "out"), "-j", "1", "--time-limit", "60"]
    proc = subprocess.Popen(
        command, env=os.environ | HOOKS, stdout=subprocess.PIPE, stderr=subprocess.STDOUT
    )
    index = tmp_path / "out" / "index.jsonl"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if index.is_file() and len(index.read_text().splitlines()) == 2:
            break
        time.sleep(0.1)
    time.sleep(0.3)
    proc.send_signal(signal.SIGINT)
    output, _ = proc.communicate(timeout=20)
    assert proc.returncode == 130, output
    assert b"resume with the same command" in output
    assert len(index.read_text().splitlines()) == 2
    (folder / "z-hang.yaml").unlink()
    again = batch(str(folder), "--out", str(tmp_path / "out"), "-j", "1", "--time-limit", "60")
    assert again.exit_code == 0
    assert "0 now, 2 from an earlier run" in again.output


def test_results_mirror_the_inputs_below_their_common_folder(tmp_path, monkeypatch):
    # inputs two folders up from where the batch runs: no `_up_/_up_/...` in the result paths
    good_set(tmp_path / "data" / "in")
    (tmp_path / "data" / "in" / "b-single.yaml").rename(tmp_path / "data" / "in" / "sub.yaml")
    (tmp_path / "data" / "in" / "deep").mkdir()
    write(tmp_path / "data" / "in" / "deep", "c.yaml", SINGLE.format(name="deep", p1=3))
    work = tmp_path / "work" / "here"
    work.mkdir(parents=True)
    monkeypatch.chdir(work)
    run = batch("../../data/in", "--out", "out", "-j", "1")
    assert run.exit_code == 0, run.output
    found = sorted(
        p.relative_to("out/results").as_posix() for p in Path("out/results").rglob("*.json")
    )
    assert found == ["a-pair.yaml/base.json", "deep/c.yaml/base.json", "sub.yaml/base.json"]
    assert read(Path("out"), "deep/c.yaml/base.json")["total_cost"] == pytest.approx(
        SINGLE_COST["base"]
    )
    files = pd.read_csv("out/summary.csv")["file"].tolist()
    assert sorted(files) == ["a-pair.yaml", "deep/c.yaml", "sub.yaml"]


def test_summary_covers_every_result_in_the_output_folder(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    good_set(Path("in"))
    assert batch("in/a-pair.yaml", "--out", "out", "-j", "1").exit_code == 0
    second = batch("in/b-single.yaml", "--out", "out", "-j", "1", "--variants", "all")
    assert second.exit_code == 0, second.output
    assert "every result in the folder (3, 1 of them from earlier runs)" in second.output
    summary = pd.read_parquet("out/summary.parquet")
    rows = sorted(zip(summary["file"], summary["variant"], summary["total_cost"], strict=True))
    assert rows == [
        ("a-pair.yaml", "base", pytest.approx(PAIR_COST)),
        ("b-single.yaml", "base", pytest.approx(SINGLE_COST["base"])),
        ("b-single.yaml", "pricey", pytest.approx(SINGLE_COST["pricey"])),
    ]
    # a changed input replaces its own row, never adds a second one for the same result
    write(Path("in"), "a-pair.yaml", PAIR.format(name="pair-renamed"))
    assert batch("in/a-pair.yaml", "--out", "out", "-j", "1").exit_code == 0
    summary = pd.read_csv("out/summary.csv")
    assert len(summary) == 3
    assert "pair-renamed" in summary["scenario"].tolist()


def test_an_unknown_variant_fails_its_job_with_the_one_wording(tmp_path, monkeypatch):
    # variants differ between files: a name one file lacks fails that job, worded as in
    # every command ("unknown variant 'x'; its variants are: ...")
    monkeypatch.chdir(tmp_path)
    good_set(Path("in"))
    run = batch("in/b-single.yaml", "--out", "out", "-j", "1", "--variants", "base,nope")
    assert run.exit_code == 8, run.output
    assert "1 failed:" in run.stdout
    assert "unknown variant 'nope'; its variants are: base, pricey" in run.stdout
    assert read(Path("out"), "b-single.yaml/base.json")["total_cost"] == pytest.approx(30.0)
