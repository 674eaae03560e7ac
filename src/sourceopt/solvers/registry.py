"""The lazy backend registry: names to adapter modules, imported only when asked for.

:data:`BACKENDS` is the one list of backend names: the scenario schema's ``BackendName``,
the CLI's ``--backend`` choices and the service's documents follow it (a test checks that
they agree). Asking whether a backend is installed imports no solver package.
"""

from __future__ import annotations

import importlib
import importlib.util
from dataclasses import dataclass

from sourceopt.errors import BackendError
from sourceopt.solvers.base import Backend


@dataclass(frozen=True)
class BackendEntry:
    """Where a backend lives and what it needs installed."""

    module: str
    factory: str
    requires: str  # the Python module the backend needs
    install: str  # how to get it


BACKENDS: dict[str, BackendEntry] = {
    "highs": BackendEntry(
        "sourceopt.solvers.highs", "HighsBackend", "highspy", "pip install highspy"
    ),
    "cbc": BackendEntry(
        "sourceopt.solvers.cbc", "CbcBackend", "pulp", "pip install 'sourceopt[cbc]'"
    ),
    "scip": BackendEntry(
        "sourceopt.solvers.scip", "ScipBackend", "ortools", "pip install 'sourceopt[ortools]'"
    ),
    "cpsat": BackendEntry(
        "sourceopt.solvers.cpsat", "CpSatBackend", "ortools", "pip install 'sourceopt[ortools]'"
    ),
}

DEFAULT_BACKEND = "highs"


def backend_names() -> tuple[str, ...]:
    """Every backend name sourceopt knows, installed or not."""
    return tuple(BACKENDS)


def is_available(name: str) -> bool:
    """Whether the backend's solver package is installed here (found, not imported)."""
    entry = BACKENDS.get(name)
    if entry is None:
        return False
    try:
        return importlib.util.find_spec(entry.requires) is not None
    except (ImportError, ValueError):  # a broken install, or a module without a spec
        return False


def available_backends() -> tuple[str, ...]:
    """The backends whose solver package is installed."""
    return tuple(n for n in BACKENDS if is_available(n))


def get_backend(name: str) -> Backend:
    """The backend called `name`; a clear error if it is unknown or not installed."""
    entry = BACKENDS.get(name)
    if entry is None:
        raise BackendError(f"unknown backend {name!r}; valid backends are: {', '.join(BACKENDS)}")
    if not is_available(name):
        raise BackendError(
            f"backend {name!r} needs the Python package {entry.requires!r}, which is not "
            f"installed; install it with: {entry.install} (installed backends: "
            f"{', '.join(available_backends()) or 'none'})"
        )
    try:
        module = importlib.import_module(entry.module)
        backend: Backend = getattr(module, entry.factory)()
    except ImportError as exc:  # installed (found) but it does not import
        raise BackendError(
            f"backend {name!r} needs the Python package {entry.requires!r}, which is installed "
            f"but does not import ({exc}); reinstall it with: {entry.install}"
        ) from exc
    return backend
