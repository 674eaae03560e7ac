"""What runs inside a worker process: one job payload in, one outcome out (plain data).

A payload is ``{kind, scenario, options, files, models_dir}`` (the stored request, loaded
here) or ``{kind, options, loaded}`` (the Scenario the API process validated at submit); an
outcome is ``{"status": "succeeded", "result": ...}`` or ``{"status": "failed", "error":
{reason, message, problems?}}``. Nothing here raises: every failure becomes an outcome.
"""

from __future__ import annotations

import logging
import traceback
from pathlib import Path
from typing import Any

from sourceopt.errors import BackendError, ScenarioError, SourceoptError

log = logging.getLogger("sourceopt.service.worker")


def failure(reason: str, message: str, **extra: Any) -> dict[str, Any]:
    """A failed outcome."""
    return {"status": "failed", "error": {"reason": reason, "message": message, **extra}}


def execute(payload: dict[str, Any]) -> dict[str, Any]:
    """Load the scenario with the service's loader, run the job's kind, report the outcome."""
    from sourceopt.service.intake import load_request
    from sourceopt.service.kinds import run_kind

    models_dir = payload.get("models_dir")
    try:
        scenario = payload.get("loaded")  # validated at submit by the API process
        if scenario is None:
            scenario = load_request(
                payload["scenario"],
                payload.get("files") or {},
                Path(models_dir) if models_dir else None,
                file=payload.get("file") or "<scenario>",
                raw=payload.get("raw"),
            )
        result = run_kind(payload["kind"], scenario, dict(payload.get("options") or {}))
    except ScenarioError as exc:
        problems = [{"file": p.file, "place": p.place, "message": p.message} for p in exc.problems]
        return failure("invalid", str(exc).split(":", 1)[0], problems=problems)
    except BackendError as exc:
        return failure("backend", str(exc))
    except SourceoptError as exc:
        return failure("invalid-options", str(exc))
    except MemoryError:
        return failure("memory", "the job ran out of its memory limit")
    except Exception as exc:  # a bug: log it here, never send a traceback to the client
        log.error("job failed with an internal error:\n%s", traceback.format_exc())
        return failure("internal", f"internal error ({type(exc).__name__}); see the server log")
    return {"status": "succeeded", "result": result}


def serve_forever(connection: Any, memory_mb: int) -> None:
    """A worker process' loop: set the memory limit, then answer payloads until EOF."""
    import resource

    _die_with_parent()
    limit = memory_mb * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    import sourceopt.solve  # warm the imports before the first job  # noqa: F401
    from sourceopt.solvers.registry import get_backend

    get_backend("highs")
    connection.send({"status": "ready"})
    while True:
        try:
            payload = connection.recv()
        except (EOFError, OSError):
            return
        connection.send(execute(payload))


def _die_with_parent() -> None:
    """On Linux, have the kernel kill this worker when the server process dies."""
    import contextlib
    import ctypes
    import signal
    import sys

    if sys.platform.startswith("linux"):
        with contextlib.suppress(OSError):
            ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
