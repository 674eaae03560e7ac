"""Reading scenario and model documents: YAML (safely, aliases refused) or JSON, with limits.

Documented limits (README "Limits"): a scenario or model document is at most
:data:`MAX_DOCUMENT_BYTES`; YAML anchors/aliases are refused (they are how "billion laughs"
bombs are built, and scenario files never need them); a mapping key may appear once, in
YAML and in JSON alike; arrays and mappings nest at most :data:`MAX_NESTING` deep (checked on
the text, before a JSON document becomes Python objects).
"""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path
from typing import Any

import numpy as np
import yaml

from sourceopt.errors import Problem, ScenarioError

MAX_DOCUMENT_BYTES = 256 * 1024 * 1024
MAX_NESTING = 64


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
        return parse_json(text, name)
    try:
        data = yaml.load(text, Loader=_StrictSafeLoader)
    except yaml.YAMLError as exc:
        raise ScenarioError.single(
            name, _yaml_problem_place(exc), _yaml_problem_text(exc)
        ) from None
    except RecursionError:
        raise ScenarioError.single(name, "", _too_deep()) from None
    if _depth_of(data) > MAX_NESTING:
        raise ScenarioError.single(name, "", _too_deep())
    problems = text_problems(data, name)
    if problems:
        raise ScenarioError(problems)
    return data


def _too_deep() -> str:
    return (
        f"arrays and mappings are nested more than {MAX_NESTING} deep; the limit is "
        f"{MAX_NESTING} levels (a scenario needs fewer than ten)"
    )


_NOT_BRACKETS = re.compile(r"[^\[\]{}]+")


def json_depth(text: str) -> int:
    """How deep arrays and objects nest in JSON text, found without parsing it into objects.

    Linear in the text: escaped backslashes and quotes are dropped, then what lies between
    quotes (string contents) is skipped and the brackets left are counted.
    """
    outside = "".join(text.replace("\\\\", "").replace('\\"', "").split('"')[::2])
    brackets = _NOT_BRACKETS.sub("", outside).encode()
    if not brackets:
        return 0
    codes = np.frombuffer(brackets, dtype=np.uint8)
    steps = np.where((codes == ord("[")) | (codes == ord("{")), 1, -1)
    return int(np.cumsum(steps).max())


def _depth_of(data: Any) -> int:
    """How deep lists and mappings nest in parsed data (iterative: never a RecursionError)."""
    deepest, stack = 0, [(data, 1)]
    while stack:
        value, level = stack.pop()
        if isinstance(value, dict):
            value = list(value.values())
        if isinstance(value, list):
            deepest = max(deepest, level)
            if level <= MAX_NESTING:
                stack += [(v, level + 1) for v in value if isinstance(v, list | dict)]
    return deepest


class _Repeated(dict[str, Any]):
    """A JSON object in which a key appeared more than once (the repeated keys kept)."""

    repeated: list[str]


def _pairs(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    found = dict(pairs)
    if len(found) == len(pairs):
        return found
    marked = _Repeated(found)
    seen: set[str] = set()
    marked.repeated = [k for k, _ in pairs if k in seen or seen.add(k)]  # type: ignore[func-returns-value]
    return marked


def _repeated_places(data: Any) -> list[tuple[str, str]]:
    """(key path, key) of every repeated key in parsed JSON."""
    found: list[tuple[str, str]] = []
    stack: list[tuple[Any, str]] = [(data, "")]
    while stack:
        value, path = stack.pop()
        if isinstance(value, _Repeated):
            found += [(f"{path}.{k}" if path else k, k) for k in value.repeated]
        if isinstance(value, dict):
            stack += [(v, f"{path}.{k}" if path else str(k)) for k, v in value.items()]
        elif isinstance(value, list):
            stack += [(v, f"{path}[{n}]") for n, v in enumerate(value) if not _plain(v)]
    return sorted(found)


def text_problems(data: Any, file: str) -> list[Problem]:
    r"""Text that is not Unicode (an unpaired surrogate such as ``"\ud800"``), with its place.

    JSON's ``\uD800`` escapes and Python strings can hold such text; no file, database or
    answer can, so it is refused where it is read. One encode finds out; the place is looked
    for only when there is one.
    """
    try:
        json.dumps(data, ensure_ascii=False, default=str, skipkeys=True).encode("utf-8")
    except UnicodeEncodeError:
        pass
    else:
        return []
    found: list[Problem] = []
    stack: list[tuple[Any, str]] = [(data, "")]
    while stack and len(found) < 20:
        value, path = stack.pop()
        if isinstance(value, str) and not is_unicode(value):
            found.append(Problem(file, path, f"the text {_not_unicode(value)}"))
        elif isinstance(value, dict):
            for key, item in value.items():
                place = f"{path}.{key}" if path else str(key)
                if isinstance(key, str) and not is_unicode(key):
                    found.append(Problem(file, path, f"the key {_not_unicode(key)}"))
                    continue
                stack.append((item, place))
        elif isinstance(value, list):
            stack += [(v, f"{path}[{n}]") for n, v in enumerate(value) if not _plain(v)]
    return sorted(found, key=lambda p: p.place)


def _plain(value: Any) -> bool:
    return isinstance(value, int | float | bool) or value is None


def is_unicode(text: str) -> bool:
    """Whether `text` can be written as UTF-8 (holds no unpaired surrogate)."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _not_unicode(text: str) -> str:
    bad = next(c for c in text if 0xD800 <= ord(c) <= 0xDFFF)
    shown = ascii(text) if len(text) <= 40 else ascii(text[:40]) + "..."
    return (
        f"{shown} is not Unicode (it holds the unpaired surrogate U+{ord(bad):04X}); "
        "write it as Unicode text"
    )


def parse_json(text: str | bytes, name: str) -> Any:
    """Parse JSON text strictly: nesting at most :data:`MAX_NESTING` deep, no repeated key.

    Raises a :class:`ScenarioError` naming the place (the key path of a repeated key, the
    line and column of a syntax error).
    """
    if isinstance(text, bytes):
        try:
            text = text.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise ScenarioError.single(name, f"byte {exc.start}", "expected UTF-8 text") from None
    if json_depth(text) > MAX_NESTING:
        raise ScenarioError.single(name, "", _too_deep())
    repeated = False

    def pairs(items: list[tuple[str, Any]]) -> dict[str, Any]:
        nonlocal repeated
        found = _pairs(items)
        repeated = repeated or isinstance(found, _Repeated)
        return found

    try:
        data = json.loads(text, object_pairs_hook=pairs)
    except json.JSONDecodeError as exc:
        raise ScenarioError.single(
            name, f"line {exc.lineno}, column {exc.colno}", f"invalid JSON: {exc.msg}"
        ) from None
    if repeated:
        raise ScenarioError(
            [
                Problem(name, place, f"the key {key!r} appears more than once; write it once")
                for place, key in _repeated_places(data)
            ]
        )
    problems = text_problems(data, name)
    if problems:
        raise ScenarioError(problems)
    return data


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
