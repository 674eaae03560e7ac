"""Planning a batch: one :class:`~sourceopt.jobs.model.FileJob` per (scenario file, variant).

Each job carries its options, its input hash and its job key (:func:`job_key`). Planning runs
in the parent and stays cheap: it reads each file's bytes once and parses a document only
when it must (``--variants all``, or the file may refer to table or model
files). Planning never validates: the worker loads the file and reports every problem as that
job's failure.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterable, Sequence
from dataclasses import asdict
from pathlib import Path
from typing import Any

import yaml

from sourceopt.errors import SourceoptError
from sourceopt.jobs.model import FileJob, JobOptions
from sourceopt.scenario.read import sha256_of

SCHEMA = 1  # bump when the meaning of a stored result changes: keys then change too
_TABLE_KEYS = ("items", "suppliers", "offers", "tiers")


class BatchError(SourceoptError):
    """A batch cannot start: no scenario files, a bad option, an unusable output folder."""


__all__ = ["BatchError", "FileJob", "JobOptions", "job_key", "parse_variants", "plan_jobs"]


def job_key(file: str, variant: str, input_hash: str, options: JobOptions) -> str:
    """The key of a job: same file, variant, input bytes and options give the same key."""
    from sourceopt import __version__

    payload = {
        "schema": SCHEMA,
        "version": __version__,
        "file": file,
        "variant": variant,
        "input": input_hash,
        "options": asdict(options),
    }
    return hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()


def parse_variants(spec: str | None) -> tuple[str, ...] | None:
    """``--variants``: None (``all``), or the listed names; default: base only."""
    if spec is None or not spec.strip():
        return ("base",)
    if spec.strip() == "all":
        return None
    names = tuple(dict.fromkeys(n.strip() for n in spec.split(",") if n.strip()))
    if not names:
        raise BatchError(f"--variants: expected 'all' or a comma list of names, got {spec!r}")
    return names


def plan_jobs(
    files: Sequence[Path], variants: tuple[str, ...] | None, options: JobOptions
) -> list[FileJob]:
    """Every job of a batch, in file order then variant order."""
    jobs: list[FileJob] = []
    for path, name in zip(files, result_names(files), strict=True):
        raw = path.read_bytes()
        data = _peek(raw, path) if variants is None or _may_refer(raw) else None
        if b"sourceopt_portfolio" in raw:
            data = data if data is not None else _peek(raw, path)
            if data is not None and is_portfolio(raw, data):
                jobs.append(portfolio_job(path, raw, data, name, options))
                continue
        found = variants if variants is not None else _variants_of(data)
        input_hash = sha256_of(raw, *_dependency_bytes(data, path, options.models_dir))
        file = str(path.resolve())
        for variant in found:
            key = job_key(file, variant, input_hash, options)
            jobs.append(FileJob(file, variant, options, input_hash, key, name))
    return jobs


def is_portfolio(raw: bytes, data: dict[str, Any] | None) -> bool:
    """Whether a document is a portfolio file (sourceopt.batch.portfolio_jobs)."""
    from sourceopt.batch.portfolio_jobs import is_portfolio as check

    return check(raw, data)


def portfolio_job(
    path: Path, raw: bytes, data: dict[str, Any], name: str, options: JobOptions
) -> FileJob:
    """The one job of a portfolio file (sourceopt.batch.portfolio_jobs)."""
    from sourceopt.batch.portfolio_jobs import portfolio_job as plan

    return plan(path, raw, data, name, options)


def result_names(files: Sequence[Path]) -> list[str]:
    """A unique, readable name per file: its path below the files' common folder.

    ``in/a.yaml`` and ``in/sub/b.yaml`` give ``a.yaml`` and ``sub/b.yaml`` wherever the batch
    runs from (one file: its own name), so results mirror the inputs' tree.
    """
    resolved = [path.resolve() for path in files]
    if not resolved:
        return []
    common = Path(os.path.commonpath([str(path.parent) for path in resolved]))
    return [path.relative_to(common).as_posix() for path in resolved]


def _may_refer(raw: bytes) -> bool:
    """Whether a document may name other files (tables or a model) its hash must cover."""
    return b"file" in raw or b"model" in raw


def _peek(raw: bytes, path: Path) -> dict[str, Any] | None:
    """Parse a document for planning only (fast loader; None when it does not parse)."""
    try:
        text = raw.decode("utf-8")
        if path.suffix.lower() == ".json":
            data = json.loads(text)
        else:
            loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
            data = yaml.load(text, Loader=loader)  # a safe loader
    except (UnicodeDecodeError, ValueError, yaml.YAMLError, RecursionError):
        return None
    return data if isinstance(data, dict) else None


def _variants_of(data: dict[str, Any] | None) -> tuple[str, ...]:
    names = ["base"]
    variants = data.get("variants") if data else None
    for v in variants if isinstance(variants, list) else []:
        name = v.get("name") if isinstance(v, dict) else None
        if isinstance(name, str) and name not in names:
            names.append(name)
    return tuple(names)


def _dependency_bytes(
    data: dict[str, Any] | None, path: Path, models_dir: str | None
) -> Iterable[bytes]:
    """The bytes of the table and model files a document names (a marker when missing)."""
    if data is None:
        return []
    refs: list[Path] = []
    for key in _TABLE_KEYS:
        value = data.get(key)
        if isinstance(value, dict) and isinstance(value.get("file"), str):
            refs.append(path.parent / value["file"])
    model = data.get("model")
    if isinstance(model, str) and model:
        refs.append(_model_path(model, path, models_dir))
    out = []
    for ref in refs:
        try:
            out.append(ref.read_bytes())
        except OSError:
            out.append(f"missing:{ref}".encode())
    return out


def _model_path(ref: str, path: Path, models_dir: str | None) -> Path:
    from sourceopt.errors import ScenarioError
    from sourceopt.scenario.sourcing_models import find_model

    try:
        return find_model(ref, path.parent, str(path), models_dir)
    except ScenarioError:
        return path.parent / ref
