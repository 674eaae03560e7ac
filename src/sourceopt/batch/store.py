"""The output folder of a batch: results written atomically, an index of done jobs, summaries.

Layout of ``DIR``::

    results/<file>/<variant>.json   exactly SolveResult.to_dict(), or a failure record
    index.jsonl                     one line per finished job: key, file, variant, result, row
    summary.csv, summary.parquet    one row per result in the folder (the latest for each)

Every file is written to a temporary name and moved into place (``os.replace``), so a kill
at any moment leaves either the old file or the new one; the index line is appended only
after its result is in place, so whatever the index lists is there.
"""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from sourceopt.batch.jobs import BatchError
from sourceopt.jobs.failures import Failure
from sourceopt.jobs.model import FileJob
from sourceopt.jobs.supervise import Outcome

COLUMNS = (
    "file",
    "scenario",
    "variant",
    "status",
    "total_cost",
    "baseline_cost",
    "savings",
    "savings_pct",
    "suppliers",
    "max_share",
    "hhi",
    "gap",
    "solve_s",
    "wall_s",
    "verification",
    "error",
    "objective",  # format 1.1: money, or a score in points (objective_kind)
    "objective_kind",
    "goals_met",
    "cost_of_goals",
)
SOLVED = ("optimal", "feasible")


def write_atomic(path: Path, data: bytes) -> None:
    """Write `data` to `path` so that readers see the old file or the new one, never a part."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    with open(tmp, "wb") as handle:
        handle.write(data)
    os.replace(tmp, path)


def summary_row(outcome: Outcome[FileJob]) -> dict[str, Any]:
    """The summary table's row for one finished job."""
    job, record, wall_s = outcome.job, outcome.record, outcome.wall_s
    kpis = record.get("kpis") or {}
    solver = record.get("solver") or {}
    verification = record.get("verification")
    verdict = "" if verification is None else "ok" if verification.get("ok") else "failed"
    row = {
        "file": job.name,
        "scenario": record.get("scenario"),
        "variant": record.get("variant", job.variant),
        "status": record.get("status"),
        "total_cost": record.get("total_cost"),
        "baseline_cost": kpis.get("baseline_cost"),
        "savings": kpis.get("savings"),
        "savings_pct": kpis.get("savings_pct"),
        "suppliers": kpis.get("supplier_count"),
        "max_share": kpis.get("max_supplier_share"),
        "hhi": kpis.get("hhi"),
        "gap": solver.get("gap"),
        "solve_s": solver.get("time_s"),
        "wall_s": round(wall_s, 4),
        "verification": verdict,
        "error": _error_text(outcome.failure, record, verdict),
        "objective": record.get("objective"),
        "goals_met": None,
        "cost_of_goals": None,
        "objective_kind": _objective_kind(record),
    }
    if job.kind == "portfolio" and outcome.failure is None:
        from sourceopt.batch.portfolio_jobs import portfolio_row

        row.update(portfolio_row(record))
        row["error"] = _error_text(None, record, str(row["verification"]))
    return row


def _objective_kind(record: dict[str, Any]) -> str:
    """``score`` (points), ``total_cost`` (money), or empty without an objective."""
    if record.get("objective") is None:
        return ""
    return str(record.get("objective_kind") or "total_cost")


def _error_text(failure: Failure | None, record: dict[str, Any], verdict: str) -> str:
    if failure is not None:
        return f"{failure.kind.value}: {failure.reason}"
    if verdict == "failed":
        problems = (record.get("verification") or {}).get("problems") or []
        return "verification failed: " + "; ".join(str(p) for p in problems[:3])
    solver = record.get("solver") or {}
    if record.get("status") not in SOLVED:
        text = str(solver.get("message") or record.get("status") or "")
        conflict = record.get("conflict")  # infeasible: the members of a minimal conflict
        if conflict:
            text += "; conflict: " + ", ".join(str(m.get("rule")) for m in conflict)
        return text
    return ""


def is_failure(row: dict[str, Any]) -> bool:
    """Whether a summary row counts as a failed scenario (not solved, or not verified)."""
    return row.get("status") not in SOLVED or row.get("verification") == "failed"


class ResultStore:
    """An output folder: saves outcomes as they finish and remembers which jobs are done."""

    def __init__(self, out_dir: str | Path) -> None:
        self.root = Path(out_dir)
        try:
            self.root.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise BatchError(f"cannot create the output folder {self.root}: {exc}") from None
        self.index_path = self.root / "index.jsonl"
        self.entries = read_index(self.root)
        self._mend_index()

    def _mend_index(self) -> None:
        """End a torn last index line (a kill mid-append) so the next entry starts afresh."""
        if self.index_path.is_file() and self.index_path.stat().st_size > 0:
            with open(self.index_path, "rb+") as index:
                index.seek(-1, os.SEEK_END)
                if index.read(1) != b"\n":
                    index.write(b"\n")

    def done(self, job: FileJob) -> dict[str, Any] | None:
        """The index entry of `job` if it finished before (and its result is still there)."""
        entry = self.entries.get(job.key)
        if entry is None or not (self.root / entry["result"]).is_file():
            return None
        return entry

    def save(self, outcome: Outcome[FileJob]) -> dict[str, Any]:
        """Write one outcome's result and add it to the index; returns its index entry."""
        job = outcome.job
        write_atomic(self.root / job.result_path, json.dumps(outcome.record, indent=2).encode())
        entry = {
            "key": job.key,
            "file": job.file,
            "variant": job.variant,
            "result": job.result_path,
            "attempts": outcome.attempts,
            "row": summary_row(outcome),
        }
        with open(self.index_path, "a", encoding="utf-8") as index:
            index.write(json.dumps(entry) + "\n")
        self.entries.pop(job.key, None)  # the dict keeps the order of the latest writes
        self.entries[job.key] = entry
        return entry

    def all_rows(self) -> list[dict[str, Any]]:
        """The summary row of every result in the folder, by earlier and this run alike.

        One row per result file that is still there (the latest entry for it), in the order
        the index first lists them.
        """
        latest: dict[str, dict[str, Any]] = {}
        for entry in self.entries.values():
            if (self.root / entry["result"]).is_file():
                latest[str(entry["result"])] = entry["row"]
        return list(latest.values())

    def write_summary(self, rows: Sequence[dict[str, Any]] | None = None) -> None:
        """Write summary.csv and summary.parquet: `rows`, or every result in the folder."""
        rows = self.all_rows() if rows is None else rows
        frame = pd.DataFrame(list(rows), columns=list(COLUMNS))
        for column in COLUMNS[4:14]:
            frame[column] = pd.to_numeric(frame[column], errors="coerce")
        frame["objective"] = pd.to_numeric(frame["objective"], errors="coerce")
        frame["objective_kind"] = frame["objective_kind"].fillna("").astype(str)
        frame["suppliers"] = frame["suppliers"].astype("Int64")
        for column in ("objective", "cost_of_goals"):
            frame[column] = pd.to_numeric(frame[column], errors="coerce")
        write_atomic(self.root / "summary.csv", frame.to_csv(index=False).encode())
        tmp = self.root / f".summary.parquet.{os.getpid()}.tmp"
        frame.to_parquet(tmp, index=False)
        os.replace(tmp, self.root / "summary.parquet")


def read_index(root: Path) -> dict[str, dict[str, Any]]:
    """The index of an output folder: job key -> latest entry (a torn last line is ignored)."""
    entries: dict[str, dict[str, Any]] = {}
    path = root / "index.jsonl"
    if not path.is_file():
        return entries
    with open(path, encoding="utf-8") as index:
        for line in index:
            try:
                entry = json.loads(line)
            except json.JSONDecodeError:
                continue
            if isinstance(entry, dict) and "key" in entry and "result" in entry:
                entries.pop(entry["key"], None)  # latest write last
                entries[entry["key"]] = entry
    return entries
