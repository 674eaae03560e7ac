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


MODEL_SUFFIXES = (".yaml", ".yml", ".json")


def confined_model_file(ref: str, models_dir: str | Path | None) -> Path | None:
    """The file a served ``model: FILE`` names: a plain file name of `models_dir`, or None.

    A server reads a model file only from its own models folder: no folders, no ``..``, no
    home, no absolute path; the same function checks and finds it, so what is read is what
    was checked.
    """
    plain = not any(c in ref for c in "/\\") and ".." not in ref and not ref.startswith("~")
    if models_dir is None or not plain or not ref.endswith(MODEL_SUFFIXES):
        return None
    path = Path(models_dir) / ref
    return path if path.is_file() else None


def find_model(
    ref: str,
    base_dir: Path,
    file: str,
    models_dir: str | Path | None = None,
    *,
    confined: bool = False,
) -> Path:
    """The file of a ``model:`` reference, or a ScenarioError naming the valid choices.

    `confined` (a server): a file name is looked up in `models_dir` only
    (:func:`confined_model_file`) and messages never show a server path.
    """
    looks_like_path = "/" in ref or ref.endswith(MODEL_SUFFIXES)
    if looks_like_path and confined:
        found = confined_model_file(ref, models_dir)
        if found is not None:
            return found
        raise ScenarioError.single(
            file, "model", f"model file {ref!r} is not in the server's models folder"
        )
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


def read_model(path: Path, label: str | None = None) -> ModelDocument:
    """Read and validate a model file; problems name it `label` (default: its path)."""
    name = label or str(path)
    try:
        data, _ = read_document(path)
    except ScenarioError as exc:
        if label is None:
            raise
        raise ScenarioError([Problem(name, p.place, p.message) for p in exc.problems]) from None
    if not isinstance(data, dict):
        raise ScenarioError.single(name, "", "expected a mapping (a sourcing model document)")
    try:
        return ModelDocument.model_validate(data)
    except ValidationError as exc:
        raise ScenarioError(problems_from(exc, data, name)) from None


def load_model(
    ref: str,
    base_dir: Path,
    file: str,
    models_dir: str | Path | None = None,
    *,
    confined: bool = False,
) -> tuple[ModelDocument, Path]:
    """Find and read the model a scenario refers to (`confined`: see :func:`find_model`)."""
    path = find_model(ref, base_dir, file, models_dir, confined=confined)
    return read_model(path, f"model {ref!r}" if confined else None), path


__all__ = [
    "Problem",
    "available_models",
    "confined_model_file",
    "find_model",
    "load_model",
    "model_dirs",
    "read_model",
]
