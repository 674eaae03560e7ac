"""Uploaded table files are validated in a short-lived, memory-capped process, never in the API's.

A file that passes the size checks made before reading (:mod:`sourceopt.scenario.sizes`) can
still need much memory to read (a sheet of a million rows). So a request with uploaded files
is loaded in a child process whose address space is capped (``RLIMIT_AS``): a file that
needs more memory than that fails in the child, which ends, and the server answers 413 and
goes on serving. At most `slots` such processes run at once (further requests wait their
turn, at most `seconds`, then get 503), each for at most `seconds`.

Children are forked from a ``forkserver`` that has imported the loader once, so each costs
milliseconds, not an interpreter start; the fork server is started when the service starts.
"""

from __future__ import annotations

import errno
import logging
import multiprocessing
import resource
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from sourceopt.errors import Problem, ScenarioError
from sourceopt.scenario.model import Scenario
from sourceopt.scenario.sizes import TableLimits
from sourceopt.service.errors import ApiError

log = logging.getLogger("sourceopt.service")

_PRELOAD = ["sourceopt.service.intake", "pyarrow.parquet", "openpyxl", "sourceopt.service.uploads"]
_PAGE = resource.getpagesize()


@dataclass(frozen=True)
class Upload:
    """What the child loads: the request's scenario data and its uploaded files."""

    data: Any
    files: Mapping[str, bytes]
    models_dir: Path | None
    file: str
    raw: bytes | None
    limits: TableLimits
    portfolio: bool = False  # a portfolio file and its categories (service/portfolio_intake.py)


class UploadValidator:
    """Loads requests with uploaded files in capped child processes (see the module doc)."""

    def __init__(self, memory_mb: int, slots: int, seconds: float) -> None:
        self.memory_mb, self.seconds = memory_mb, seconds
        self._slots = threading.BoundedSemaphore(max(1, slots))
        self._context = multiprocessing.get_context("forkserver")
        self._context.set_forkserver_preload(_PRELOAD)

    def warm(self) -> None:
        """Start the fork server now (it imports the loader once), not on the first upload."""
        self._run(None)

    def load(self, upload: Upload) -> Scenario:
        """The validated Scenario; ScenarioError for invalid input, ApiError 413 if too big."""
        value = self._load(upload)
        if not isinstance(value, Scenario):
            raise RuntimeError(f"validating an upload gave {type(value).__name__}, not a Scenario")
        return value

    def load_portfolio(self, upload: Upload) -> Any:
        """The validated Portfolio of a ``portfolio=True`` upload (errors as :meth:`load`)."""
        return self._load(upload)

    def _load(self, upload: Upload) -> Any:
        if not self._slots.acquire(timeout=self.seconds):
            raise ApiError(
                503,
                "busy",
                f"every upload validator was busy for {self.seconds:g} s; retry shortly",
                headers={"Retry-After": "5"},
            )
        try:
            kind, value = self._run(upload)
        finally:
            self._slots.release()
        if kind == "ok" and value is not None:
            return value
        if kind == "invalid":
            raise ScenarioError([Problem(*p) for p in value])
        if kind == "memory":
            raise _too_large(f"reading the uploaded files needs more than {self.memory_mb:,} MB")
        if kind == "slow":
            raise _too_large(str(value))
        raise RuntimeError(f"validating an upload failed: {value}")

    def _run(self, upload: Upload | None) -> tuple[str, Any]:
        receive, send = self._context.Pipe(duplex=False)
        child = self._context.Process(
            target=_child, args=(send, upload, self.memory_mb), daemon=True
        )
        child.start()
        send.close()
        try:
            if receive.poll(self.seconds):
                return receive.recv()  # type: ignore[no-any-return]
            return "slow", f"reading the uploaded files took longer than {self.seconds:g} s"
        except EOFError:  # the child died: out of memory (the cap) or killed
            log.warning("an upload's validation process ended (exit %s)", child.exitcode)
            return "memory", None
        finally:
            receive.close()
            if child.is_alive():
                child.kill()
            child.join()


_VALIDATORS: dict[tuple[int, int, float], UploadValidator] = {}
_VALIDATORS_LOCK = threading.Lock()


def validator_for(memory_mb: int, slots: int, seconds: float) -> UploadValidator:
    """The process's validator for these settings (one per setting, shared by requests)."""
    key = (memory_mb, slots, seconds)
    with _VALIDATORS_LOCK:
        if key not in _VALIDATORS:
            _VALIDATORS[key] = UploadValidator(memory_mb, slots, seconds)
        return _VALIDATORS[key]


def _too_large(why: str) -> ApiError:
    message = f"{why}, this server's limit for validating an upload (--upload-memory-mb); "
    return ApiError(413, "too-large", message + "split the tables or send smaller files")


def _child(send: Connection, upload: Upload | None, memory_mb: int) -> None:
    """In the child: cap the address space, load, send back the outcome."""
    if upload is None:
        send.send(("ok", None))
        return
    from sourceopt.jobs.worker import die_with_parent

    die_with_parent()  # the fork server: it ends with the service
    _cap_memory(memory_mb)
    from sourceopt.service.intake import load_request
    from sourceopt.service.portfolio_intake import load_portfolio_request

    try:
        if upload.portfolio:
            send.send(("ok", _portfolio(upload, load_portfolio_request)))
            return
        scenario = load_request(
            upload.data,
            upload.files,
            upload.models_dir,
            file=upload.file,
            raw=upload.raw,
            limits=upload.limits,
        )
    except ScenarioError as exc:
        send.send(("invalid", [(p.file, p.place, p.message) for p in exc.problems]))
        return
    except MemoryError:
        send.send(("memory", None))
        return
    except OSError as exc:
        send.send(("memory", None) if exc.errno == errno.ENOMEM else ("error", repr(exc)))
        return
    except Exception as exc:  # a bug: the parent logs it and answers 500
        send.send(("error", repr(exc)))
        return
    send.send(("ok", scenario))


def _portfolio(upload: Upload, load: Any) -> Any:
    """A portfolio upload loaded (in the child, under the same cap)."""
    return load(upload.data, upload.files, upload.models_dir, upload.file, upload.raw)


def _cap_memory(memory_mb: int) -> None:
    """Allow this process `memory_mb` of address space beyond what it holds now."""
    try:
        with open("/proc/self/statm") as statm:
            baseline = int(statm.read().split()[0]) * _PAGE
    except OSError:  # not Linux: the cap is on the whole address space
        baseline = 0
    cap = baseline + memory_mb * 1024 * 1024
    hard = resource.getrlimit(resource.RLIMIT_AS)[1]
    if hard != resource.RLIM_INFINITY:
        cap = min(cap, hard)
    resource.setrlimit(resource.RLIMIT_AS, (cap, hard))
