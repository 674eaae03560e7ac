"""The batch command: many scenario files, in parallel worker processes, resumable.

Exit codes beyond the common ones (README "Exit codes"): 8 the batch finished but some job
failed, was infeasible or had no verified award; 9 every job solved but some award drifted
from ``--expect``; 130 interrupted (finished results are kept; the same command resumes).
"""

from __future__ import annotations

import json
import os
import shlex
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from sourceopt.cli.exits import EXIT_BATCH_FAILURES, EXIT_GOLDEN_DRIFT, EXIT_INTERRUPTED, EXIT_OK
from sourceopt.cli.shared import fail
from sourceopt.errors import SourceoptError
from sourceopt.solvers.registry import backend_names

_SHOWN = 10


@click.command("batch")
@click.argument("paths", nargs=-1, required=True)
@click.option("--out", "out_dir", default="batch-out", show_default=True, help="output folder")
@click.option("--jobs", "-j", type=click.IntRange(min=1), default=None, help="worker processes")
@click.option("--variants", default=None, help="'all' or a comma list (default: base)")
@click.option("--backend", type=click.Choice(list(backend_names())), default=None)
@click.option("--time-limit", type=click.FloatRange(min=0, min_open=True), help="seconds")
@click.option("--gap", type=click.FloatRange(0, 1), default=None, help="relative MIP gap")
@click.option("--models", "models_dir", type=click.Path(file_okay=False), default=None)
@click.option("--json", "as_json", is_flag=True, help="print one NDJSON line per finished job")
@click.option("--force", is_flag=True, help="solve again even what an earlier run finished")
@click.option("--retry-failed", is_flag=True, help="solve again what failed in an earlier run")
@click.option("--expect", type=click.Path(file_okay=False), help="compare with this --out folder")
@click.option("--tolerance", type=click.FloatRange(min=0), default=1e-6, show_default=True)
@click.option("--executor", type=click.Choice(["local", "dask"]), default="local")
@click.option("--scheduler", default=None, help="Dask scheduler address (tcp://host:8786)")
@click.option("--memory-mb", type=click.IntRange(min=0), default=4096, show_default=True)
@click.option("--grace", type=click.FloatRange(min=0), default=30.0, show_default=True)
@click.option("--retries", type=click.IntRange(min=0), default=0, show_default=True)
def batch_command(**opts: Any) -> None:
    """Solve every scenario file under PATHS (files, folders, globs), each in a worker process.

    Writes one result JSON per (scenario, variant) to --out as it finishes, plus summary.csv
    and summary.parquet. Re-running the same command skips what is done. A solve is killed
    if it runs past its time limit (--time-limit, else the scenario's, else 600 s) plus
    --grace seconds; a worker may use --memory-mb of memory (0: no cap); a crashed worker's
    job is tried again --retries times. Exit code 8 when any job failed or had no award, 9
    when awards drifted from --expect.
    """
    from sourceopt.batch import BatchConfig, JobOptions, Limits, Progress, executor_for, run_batch

    options = JobOptions(
        backend=opts["backend"],
        time_limit=opts["time_limit"],
        mip_gap=opts["gap"],
        models_dir=str(Path(opts["models_dir"]).resolve()) if opts["models_dir"] else None,
    )
    config = BatchConfig(
        paths=tuple(opts["paths"]),
        out=Path(opts["out_dir"]),
        options=options,
        variants=opts["variants"],
        force=opts["force"],
        retry_failed=opts["retry_failed"],
        expect=Path(opts["expect"]) if opts["expect"] else None,
        tolerance=opts["tolerance"],
    )
    limits = Limits(memory_mb=opts["memory_mb"], grace=opts["grace"], retries=opts["retries"])
    progress = Progress(sys.stderr, 0)

    def observe(entry: dict[str, Any], skipped: bool) -> None:
        progress.update(entry["row"], skipped)
        if opts["as_json"]:
            line = {**entry["row"], "result": str(config.out / entry["result"])}
            click.echo(json.dumps(line | {"resumed": skipped}))

    try:
        jobs = opts["jobs"] or os.cpu_count() or 1
        executor = executor_for(opts["executor"], jobs, opts["scheduler"], limits)
        report = run_batch(config, executor, observe, on_plan=progress.plan)
    except SourceoptError as exc:
        fail(exc)
        return
    progress.close()
    click.echo(_summary(report), err=opts["as_json"])
    sys.exit(_exit_code(report))


def _exit_code(report: Any) -> int:
    if report.interrupted:
        return EXIT_INTERRUPTED
    if report.failed:
        return EXIT_BATCH_FAILURES
    if report.golden is not None and report.golden.drifts:
        return EXIT_GOLDEN_DRIFT
    return EXIT_OK


def _summary(report: Any) -> str:
    """The one-screen summary at the end."""
    counts = ", ".join(f"{status} {n}" for status, n in sorted(report.statuses.items()))
    lines = [
        f"batch: {len(report.rows)} of {report.total} jobs finished "
        f"({report.solved_now} now, {report.skipped} from an earlier run) in "
        f"{report.elapsed:.1f} s; {counts or 'nothing solved'}"
    ]
    problems = [r for r in report.rows if _failed(r)]
    infeasible = [r for r in problems if r["status"] == "infeasible"]
    failed = [r for r in problems if r["status"] != "infeasible"]
    if infeasible:
        lines.append(
            f"{len(infeasible)} infeasible (no award meets the rules; `sourceopt explain FILE "
            "--variant V` says why):"
        )
        lines += _listed(infeasible, lambda r: f"  {r['file']} {r['variant']}")
    if failed:
        lines.append(f"{len(failed)} failed:")
        lines += _listed(
            failed, lambda r: f"  {r['file']} {r['variant']}: {r['error'] or r['status']}"
        )
    golden = report.golden
    if golden is not None:
        lines.append(
            f"golden: {golden.compared} compared with --expect, {len(golden.drifts)} drifted, "
            f"{len(golden.missing)} without a stored award"
        )
        lines += [f"  {d.scenario} {d.variant}: {'; '.join(d.changes)}" for d in golden.drifts]
    earlier = report.in_folder - len(report.rows)
    more = f", {earlier} of them from earlier runs" if earlier > 0 else ""
    lines.append(f"results: {report.out}/results/")
    lines.append(
        f"summary: {report.out}/summary.csv (.parquet), every result in the folder "
        f"({report.in_folder}{more})"
    )
    if report.interrupted:
        lines.append(
            f"interrupted: the {len(report.rows)} finished jobs are kept; resume with the same "
            f"command{_command()} (finished jobs are skipped)"
        )
    return "\n".join(lines)


def _listed(rows: list[dict[str, Any]], line: Callable[[dict[str, Any]], str]) -> list[str]:
    """The first rows of a list, one line each, and how many more there are."""
    out = [line(r) for r in rows[:_SHOWN]]
    if len(rows) > _SHOWN:
        out.append(f"  ... and {len(rows) - _SHOWN} more (see summary.csv)")
    return out


def _failed(row: dict[str, Any]) -> bool:
    from sourceopt.batch.store import is_failure

    return is_failure(row)


def _command() -> str:
    if Path(sys.argv[0]).name == "sourceopt":
        return ": " + shlex.join(["sourceopt", *sys.argv[1:]])
    return ""
