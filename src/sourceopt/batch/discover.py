"""Find the scenario files of a batch: files, folders (searched recursively) and globs.

A file named explicitly is always taken (if it is not a scenario, its job fails and says
why). In a folder or a glob match, only ``.yaml``/``.yml``/``.json`` documents that mention
``sourceopt`` (the format's version key) are taken, so table and model files beside the
scenarios are left alone.
"""

from __future__ import annotations

import glob
from collections.abc import Iterable
from pathlib import Path

from sourceopt.batch.jobs import BatchError

SUFFIXES = (".yaml", ".yml", ".json")
_GLOB_CHARS = set("*?[")


def discover(paths: Iterable[str]) -> list[Path]:
    """Every scenario file under `paths`, in the order given (folders sorted), once each."""
    found: dict[Path, None] = {}
    for arg in paths:
        if _GLOB_CHARS & set(arg):
            matches = sorted(glob.glob(arg, recursive=True))
            if not matches:
                raise BatchError(f"no file matches {arg!r}")
            for match in matches:
                _add_all(found, _walk(Path(match)))
            continue
        path = Path(arg)
        if path.is_dir():
            _add_all(found, _walk(path))
        elif path.is_file():
            _add_all(found, [path])
        else:
            raise BatchError(f"{arg}: no such file or folder")
    if not found:
        raise BatchError(
            "no scenario files found (looked for .yaml, .yml and .json files declaring "
            "'sourceopt:')"
        )
    return list(found)


def _add_all(found: dict[Path, None], paths: Iterable[Path]) -> None:
    for path in paths:
        found.setdefault(path.resolve(), None)


def _walk(path: Path) -> list[Path]:
    if path.is_file():
        return [path] if _is_scenario(path) else []
    return [
        p
        for p in sorted(path.rglob("*"))
        if p.is_file()
        and not any(part.startswith(".") for part in p.relative_to(path).parts)
        and _is_scenario(p)
    ]


def _is_scenario(path: Path) -> bool:
    if path.suffix.lower() not in SUFFIXES:
        return False
    try:
        return b"sourceopt" in path.read_bytes()
    except OSError:
        return False
