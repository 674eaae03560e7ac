"""Portfolio files in a batch: recognised by their ``sourceopt_portfolio`` key, one job each.

A portfolio file found among a batch's inputs becomes one
:class:`~sourceopt.jobs.model.FileJob` of kind ``portfolio`` (variant ``portfolio``: a
portfolio has no variants), its result at ``results/<file>/portfolio.json``. Its input hash
covers the portfolio's bytes, every category file its ``categories`` name (globs expanded as
the loader does, relative to the portfolio file) and those files' tables and models, so an
edit to any category re-runs the portfolio on resume.
"""

from __future__ import annotations

import glob
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from sourceopt.jobs.model import FileJob, JobOptions
from sourceopt.scenario.read import sha256_of

KIND = "portfolio"
VARIANT = "portfolio"
KEY = "sourceopt_portfolio"


def is_portfolio(raw: bytes, data: dict[str, Any] | None) -> bool:
    """Whether a document is a portfolio file (it has a top-level ``sourceopt_portfolio``)."""
    return KEY.encode() in raw and data is not None and KEY in data


def category_files(data: dict[str, Any], path: Path) -> list[Path]:
    """The category files a portfolio document names (globs expanded, sorted), in order."""
    entries = data.get("categories")
    out: list[Path] = []
    for entry in entries if isinstance(entries, list) else []:
        ref = entry.get("file") if isinstance(entry, dict) else entry
        if not isinstance(ref, str):
            continue
        pattern = str(path.parent / ref)
        if set("*?[") & set(ref):
            out.extend(Path(p) for p in sorted(glob.glob(pattern, recursive=True)))
        else:
            out.append(Path(pattern))
    return out


def portfolio_job(
    path: Path, raw: bytes, data: dict[str, Any], name: str, options: JobOptions
) -> FileJob:
    """The one job of a portfolio file, keyed by every byte it depends on."""
    from sourceopt.batch.jobs import job_key

    input_hash = sha256_of(raw, *_category_bytes(data, path, options))
    file = str(path.resolve())
    key = job_key(file, VARIANT, input_hash, options)
    return FileJob(file, VARIANT, options, input_hash, key, name, kind=KIND)


def _category_bytes(data: dict[str, Any], path: Path, options: JobOptions) -> Iterable[bytes]:
    from sourceopt.batch.jobs import _dependency_bytes, _peek

    out: list[bytes] = []
    for file in category_files(data, path):
        try:
            raw = file.read_bytes()
        except OSError:
            out.append(f"missing:{file}".encode())
            continue
        out.append(raw)
        out.extend(_dependency_bytes(_peek(raw, file), file, options.models_dir))
    return out


def portfolio_row(record: dict[str, Any]) -> dict[str, Any]:
    """The summary columns a portfolio result fills beyond the common ones."""
    goals = record.get("goals") or []
    coordination = record.get("coordination") or {}
    cats = record.get("categories") or []
    solvers = [c.get("solver") or {} for c in cats]
    verdicts = [record.get("verification")] + [c.get("verification") for c in cats]
    checked = [v for v in verdicts if v is not None]
    verdict = "" if not checked else "ok" if all(v.get("ok") for v in checked) else "failed"
    return {
        "scenario": record.get("portfolio"),
        "suppliers": len(record.get("suppliers") or []) or None,
        "gap": max((s.get("gap") or 0.0 for s in solvers), default=None),
        "solve_s": max((s.get("time_s") or 0.0 for s in solvers), default=None),
        "verification": verdict,
        "goals_met": f"{sum(bool(g.get('met')) for g in goals)}/{len(goals)}",
        "cost_of_goals": coordination.get("cost_of_goals"),
    }
