"""What every test directory shares: the repository root, and a header saying what ran.

The tests mirror ``src/sourceopt`` (``tests/scenario``, ``tests/formulation``,
``tests/verify``, ``tests/cli``, ...); the files at this level test the whole pipeline
(examples, KPIs, properties, docs, benchmarks' smoke pass).
"""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def pytest_report_header() -> list[str]:
    """The solver backends installed here: a conformance run says which it covered."""
    from sourceopt.solvers.registry import available_backends, backend_names

    installed = set(available_backends())
    states = [f"{n} ({'yes' if n in installed else 'NOT installed'})" for n in backend_names()]
    return ["sourceopt backends: " + ", ".join(states)]


@pytest.fixture(scope="session")
def repo() -> Path:
    """The repository root (scenarios/, models/, docs/, tests/data/)."""
    return ROOT
