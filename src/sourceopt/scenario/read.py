"""Reading scenario and model documents: YAML (safely, aliases refused) or JSON, with limits.

Documented limits (README "Limits"): a scenario or model document is at most
:data:`MAX_DOCUMENT_BYTES`; YAML anchors/aliases are refused (they are how "billion laughs"
bombs are built, and scenario files never need them); a mapping key may appear once.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import yaml

from sourceopt.errors import ScenarioError

MAX_DOCUMENT_BYTES = 256 * 1024 * 1024


class _StrictSafeLoader(yaml.SafeLoader):
    """PyYAML's safe loader that refuses aliases and duplicate keys."""

    def compose_node(self, parent: Any, index: Any) -> Any:
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()  # type: ignore[no-untyped-call]
            mark = event.start_mark
            raise yaml.constructor.ConstructorError(
                None,
                None,
                "YAML aliases (*name) are not allowed in scenario files; write the value out",
                mark,
            )
        return super().compose_node(parent, index)

    def construct_mapping(self, node: Any, deep: bool = False) -> Any:
        seen: set[Any] = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=True)
            if isinstance(key, list | dict):
                continue  # unhashable: PyYAML itself reports it
            if key in seen:
                raise yaml.constructor.ConstructorError(
                    None, None, f"duplicate key {key!r}", key_node.start_mark
                )
            seen.add(key)
        return super().construct_mapping(node, deep=deep)


def _yaml_problem_place(exc: yaml.YAMLError) -> str:
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    if mark is None:
        return ""
    return f"line {mark.line + 1}, column {mark.column + 1}"


def _yaml_problem_text(exc: yaml.YAMLError) -> str:
    problem = getattr(exc, "problem", None)
    context = getattr(exc, "context", None)
    text = " ".join(str(p) for p in (context, problem) if p)
    return f"invalid YAML: {text or exc}"


def parse_document(data: bytes, name: str) -> Any:
    """Parse YAML or JSON bytes (by the name's suffix; YAML otherwise) into Python objects."""
    if len(data) > MAX_DOCUMENT_BYTES:
        raise ScenarioError.single(
            name,
            "",
            f"the document is {len(data):,} bytes; the limit is {MAX_DOCUMENT_BYTES:,} bytes "
            "(put large tables in CSV or Parquet files instead)",
        )
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ScenarioError.single(
            name, f"byte {exc.start}", "expected UTF-8 text (is this a binary file?)"
        ) from None
    if "\x00" in text:
        raise ScenarioError.single(name, "", "expected a text file, found NUL bytes (binary?)")
    if name.lower().endswith(".json"):
        try:
            return json.loads(text)
        except json.JSONDecodeError as exc:
            raise ScenarioError.single(
                name, f"line {exc.lineno}, column {exc.colno}", f"invalid JSON: {exc.msg}"
            ) from None
    try:
        return yaml.load(text, Loader=_StrictSafeLoader)
    except yaml.YAMLError as exc:
        raise ScenarioError.single(
            name, _yaml_problem_place(exc), _yaml_problem_text(exc)
        ) from None
    except RecursionError:
        raise ScenarioError.single(name, "", "the document is nested too deeply") from None


def read_document(path: Path) -> tuple[Any, bytes]:
    """Read and parse a document file; returns the parsed data and the raw bytes."""
    name = str(path)
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        raise ScenarioError.single(name, "", "file not found") from None
    except OSError as exc:
        raise ScenarioError.single(name, "", f"cannot read the file: {exc.strerror}") from None
    if size > MAX_DOCUMENT_BYTES:
        raise ScenarioError.single(
            name,
            "",
            f"the file is {size:,} bytes; the limit for a scenario document is "
            f"{MAX_DOCUMENT_BYTES:,} bytes (put large tables in CSV or Parquet files instead)",
        )
    if path.is_dir():
        raise ScenarioError.single(name, "", "expected a scenario file, got a directory")
    data = path.read_bytes()
    return parse_document(data, name), data


def sha256_of(*parts: bytes) -> str:
    """Hex SHA-256 over several byte strings (each length-prefixed, so order and cut matter)."""
    h = hashlib.sha256()
    for part in parts:
        h.update(len(part).to_bytes(8, "little"))
        h.update(part)
    return h.hexdigest()
