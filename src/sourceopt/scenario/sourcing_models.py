"""Named sourcing models (``models/``): find and read the model a scenario adopts.

A ``model:`` value is a name (``resilient``) looked up in the models folders, or a path to a
model file (relative to the scenario). Folders searched, in order: the ``models_dir``
argument (the CLI's ``--models``), ``$SOURCEOPT_MODELS``, the project's ``models/`` folder
(in a source checkout), and the copy shipped inside the package.
"""

from __future__ import annotations

import os
from pathlib import Path

from pydantic import ValidationError

from sourceopt.errors import Problem, ScenarioError
from sourceopt.scenario.messages import problems_from
from sourceopt.scenario.read import read_document
from sourceopt.scenario.schema import ModelDocument

_PACKAGED = Path(__file__).resolve().parent.parent / "_models"
_CHECKOUT = Path(__file__).resolve().parents[3] / "models"


def model_dirs(models_dir: str | Path | None = None) -> list[Path]:
    """The folders searched for named models, in order."""
    dirs: list[Path] = []
    if models_dir is not None:
        dirs.append(Path(models_dir))
    env = os.environ.get("SOURCEOPT_MODELS")
    if env:
        dirs.append(Path(env))
    dirs += [d for d in (_CHECKOUT, _PACKAGED) if d.is_dir()]
    return dirs


def available_models(models_dir: str | Path | None = None) -> dict[str, Path]:
    """Every named model found, name -> file (earlier folders win)."""
    found: dict[str, Path] = {}
    for folder in model_dirs(models_dir):
        for path in sorted(folder.glob("*.yaml")) + sorted(folder.glob("*.yml")):
            found.setdefault(path.stem, path)
    return found


def find_model(ref: str, base_dir: Path, file: str, models_dir: str | Path | None = None) -> Path:
    """The file of a ``model:`` reference, or a ScenarioError naming the valid choices."""
    looks_like_path = "/" in ref or ref.endswith((".yaml", ".yml", ".json"))
    if looks_like_path:
        path = Path(ref) if Path(ref).is_absolute() else base_dir / ref
        if path.is_file():
            return path
        raise ScenarioError.single(file, "model", f"model file not found: {path}")
    models = available_models(models_dir)
    if ref in models:
        return models[ref]
    names = ", ".join(sorted(models)) or "none (no models folder found)"
    raise ScenarioError.single(
        file, "model", f"unknown sourcing model {ref!r}; available models: {names}"
    )


def read_model(path: Path) -> ModelDocument:
    """Read and validate a model file."""
    data, _ = read_document(path)
    if not isinstance(data, dict):
        raise ScenarioError.single(str(path), "", "expected a mapping (a sourcing model document)")
    try:
        return ModelDocument.model_validate(data)
    except ValidationError as exc:
        raise ScenarioError(problems_from(exc, data, str(path))) from None


def load_model(
    ref: str, base_dir: Path, file: str, models_dir: str | Path | None = None
) -> tuple[ModelDocument, Path]:
    """Find and read the model a scenario refers to."""
    path = find_model(ref, base_dir, file, models_dir)
    return read_model(path), path


__all__ = ["Problem", "available_models", "find_model", "load_model", "model_dirs", "read_model"]
