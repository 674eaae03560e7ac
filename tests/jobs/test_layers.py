"""The jobs package is neutral: it imports no shell, and the shells share it."""

from __future__ import annotations

import ast
from pathlib import Path

SRC = Path(__file__).parents[2] / "src" / "sourceopt"
SHELLS = ("sourceopt.batch", "sourceopt.service", "sourceopt.cli")


def _imports(path: Path) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
        elif isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
    return found


def test_jobs_imports_no_shell() -> None:
    for path in sorted((SRC / "jobs").glob("*.py")):
        shells = {m for m in _imports(path) if m.startswith(SHELLS)}
        assert not shells, f"{path.name} imports {sorted(shells)}"


def test_batch_and_service_run_their_jobs_through_jobs() -> None:
    batch = set().union(*(_imports(p) for p in (SRC / "batch").glob("*.py")))
    service = set().union(*(_imports(p) for p in (SRC / "service").rglob("*.py")))
    assert {"sourceopt.jobs.model", "sourceopt.jobs.supervise"} <= batch
    assert {"sourceopt.jobs.model", "sourceopt.jobs.supervise", "sourceopt.jobs.kinds"} <= service
    assert not {m for m in service if m.startswith("sourceopt.batch")}  # no batch in service
