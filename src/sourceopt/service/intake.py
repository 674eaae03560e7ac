"""A request's scenario to a validated Scenario: the library's own loader, made safe to serve.

One loader serves the CLI and the service (:func:`sourceopt.scenario.load.build_scenario`), so
the problems and their messages are the same. Before it runs, references are confined: a
table ``{file: ...}`` may only name a file uploaded with the request, and ``model:`` may only
name a model of the server's models folder (no absolute paths, no ``..``). A queued job's
request travels to its worker as a :class:`StoredRequest`, which loads it there.
"""

from __future__ import annotations

import json
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from sourceopt.errors import Problem, ScenarioError
from sourceopt.scenario.load import build_scenario
from sourceopt.scenario.model import Scenario
from sourceopt.scenario.schema import TABLE_KEYS
from sourceopt.scenario.sizes import DEFAULT_LIMITS, TableLimits
from sourceopt.scenario.sourcing_models import MODEL_SUFFIXES, confined_model_file

REQUEST_FILE = "<scenario>"
# the name an uploaded scenario file's own bytes are stored under: never a plain file name
# (safe_name refuses "/"), so no uploaded table can replace it or be replaced by it
STORED_SCENARIO = "/scenario"


def safe_name(name: str) -> bool:
    """Whether an uploaded file name is a plain name (no folders, no ``..``, not hidden)."""
    pure = PurePosixPath(name.replace("\\", "/"))
    return len(pure.parts) == 1 and not name.startswith(".") and 0 < len(name) <= 255


def referenced_files(data: Any) -> set[str]:
    """The table file names a scenario document names (``{file: NAME}`` under a table key)."""
    if not isinstance(data, dict):
        return set()
    found = (data.get(key) for key in TABLE_KEYS)
    return {v["file"] for v in found if isinstance(v, dict) and isinstance(v.get("file"), str)}


def reference_problems(
    data: Any, file: str, uploaded: Mapping[str, bytes], models_dir: Path | None
) -> list[Problem]:
    """Table references outside the uploaded files and model references outside the folder."""
    if not isinstance(data, dict):
        return []
    problems = []
    for key in TABLE_KEYS:
        value = data.get(key)
        if isinstance(value, dict) and isinstance(value.get("file"), str):
            name = value["file"]
            if not safe_name(name) or name not in uploaded:
                names = ", ".join(sorted(uploaded)) or "none"
                problems.append(
                    Problem(
                        file,
                        f"{key}.file",
                        f"table file {name!r} was not uploaded with the request (uploaded: "
                        f"{names}); send the table inline or upload it as multipart form data",
                    )
                )
    model = data.get("model")
    if isinstance(model, str) and not _model_allowed(model, models_dir):
        problems.append(
            Problem(
                file,
                "model",
                f"model {model!r} is not allowed here: name a model of the server's models "
                "folder (GET /v1/models); paths are refused",
            )
        )
    return problems


def _model_allowed(ref: str, models_dir: Path | None) -> bool:
    if "/" in ref or "\\" in ref or ".." in ref or ref.startswith("~"):
        return False
    if ref.endswith(MODEL_SUFFIXES):
        return confined_model_file(ref, models_dir) is not None
    return True


def load_request(
    data: Any,
    uploaded: Mapping[str, bytes] | None = None,
    models_dir: Path | None = None,
    file: str = REQUEST_FILE,
    raw: bytes | None = None,
    limits: TableLimits = DEFAULT_LIMITS,
) -> Scenario:
    """Validate a request's scenario (and its uploaded tables); raises ScenarioError.

    Uploaded table files over `limits` are refused before they are read.
    """
    uploaded = uploaded or {}
    problems = reference_problems(data, file, uploaded, models_dir)
    if problems:
        raise ScenarioError(problems)
    if raw is None:
        raw = json.dumps(data, sort_keys=True, default=str).encode()
    if not uploaded:
        return build_scenario(data, file, Path("."), raw, models_dir, confined=True, limits=limits)
    with tempfile.TemporaryDirectory(prefix="sourceopt-upload-") as folder:
        base = Path(folder)
        for name, content in uploaded.items():
            (base / name).write_bytes(content)
        try:
            return build_scenario(data, file, base, raw, models_dir, confined=True, limits=limits)
        except ScenarioError as exc:
            raise ScenarioError(_strip_folder(exc.problems, folder)) from None


def _strip_folder(problems: tuple[Problem, ...], folder: str) -> list[Problem]:
    prefix = folder.rstrip("/") + "/"
    return [
        Problem(p.file.replace(prefix, ""), p.place, p.message.replace(prefix, ""))
        for p in problems
    ]


@dataclass(frozen=True)
class StoredRequest:
    """A stored job's request, loaded in the worker (a ScenarioSource of sourceopt.jobs.model).

    `file` names the scenario in problems (and among `uploads`); `raw` is the scenario file's
    own bytes when it was uploaded; `models_dir` confines ``model:`` references.
    """

    data: Any
    uploads: Mapping[str, bytes] = field(default_factory=dict)
    file: str = REQUEST_FILE
    raw: bytes | None = None
    models_dir: str | None = None

    def load(self) -> Scenario:
        """The validated Scenario (:func:`load_request`); raises ScenarioError."""
        models = Path(self.models_dir) if self.models_dir else None
        return load_request(self.data, self.uploads, models, file=self.file, raw=self.raw)
