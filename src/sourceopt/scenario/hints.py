"""What to write instead: the hints a problem message ends with, for newcomers' first mistakes.

A missing ``sourceopt`` key, a share written as a percent (``60`` or ``'30%'``), a list written
as a string (``tags: small``) and a misspelt key each get a hint naming what to write; an
unknown key lists the keys its place takes (and the closest, "did you mean").
"""

from __future__ import annotations

import difflib
import re
import types
import typing
from collections.abc import Sequence
from typing import Any

from pydantic import BaseModel

from sourceopt.scenario import schema

_PERCENT_TEXT = re.compile(r"^\s*([0-9]+(?:\.[0-9]*)?|\.[0-9]+)\s*%\s*$")
_LIST_OF = re.compile(r"^list\[(\w+)\]$")
_MODELS: dict[str, type[BaseModel]] = {
    name: obj
    for name, obj in vars(schema).items()
    if isinstance(obj, type) and issubclass(obj, BaseModel)
}
# the header is validated without its tables; its keys are the whole document's
_MODELS["ScenarioHeader"] = schema.ScenarioDocument


def missing_version() -> str:
    """The message for a document without the ``sourceopt`` key."""
    return (
        "missing required key 'sourceopt' (the format version): write `sourceopt: 1` as the "
        "first line of the file"
    )


def share_hint(got: Any, bound: Any) -> str:
    """For a number over a bound of 1 that reads as a percent: write the fraction instead."""
    if bound != 1 or isinstance(got, bool) or not isinstance(got, int | float):
        return ""
    if not 1 < got <= 100:
        return ""
    return f": a share is a fraction of 1, write {got / 100:g} for {got:g} %"


def percent_text_hint(got: Any, key: Any) -> str:
    """For text such as ``'30%'`` where a number is expected: the number to write."""
    match = _PERCENT_TEXT.match(got) if isinstance(got, str) else None
    if match is None:
        return ""
    value = float(match.group(1))
    if key == "percent":  # rebate tiers take a percent: the number without the sign
        return f": write {value:g} (without the % sign)"
    return f": a share is a fraction of 1, write {value / 100:g} for {value:g} %"


def list_hint(got: Any) -> str:
    """For text where a list is expected: the list to write (``small`` -> ``[small]``)."""
    if not isinstance(got, str):
        return ""
    parts = [p.strip() for p in re.split(r"[,;]", got) if p.strip()] or [got]
    return f": write a list, e.g. [{', '.join(parts)}]"


def unknown_key(key: Any, root: str, loc: Sequence[str | int]) -> str:
    """The message for an unknown key: the closest known key and the keys its place takes."""
    known = known_keys(root, loc[:-1])
    vocabulary = known or sorted({f for m in _MODELS.values() for f in _names(m)})
    close = difflib.get_close_matches(str(key), vocabulary, n=1, cutoff=0.6)
    did = f"; did you mean {close[0]!r}?" if close else ""
    listing = f" (known keys here: {', '.join(known)})" if known else ""
    return f"unknown key {key!r}{did}{listing}"


def known_keys(root: str, loc: Sequence[str | int]) -> list[str]:
    """The keys of the mapping at `loc` in a document validated as `root` ([] if unknown)."""
    match = _LIST_OF.match(root)
    node: Any = list[_MODELS[match.group(1)]] if match and match.group(1) in _MODELS else None  # type: ignore[misc]
    node = node if node is not None else _MODELS.get(root)
    for part in loc:
        if node is None:
            return []
        node = _step(node, part)
    model = _model_of(node)
    return _names(model) if model is not None else []


def _names(model: type[BaseModel]) -> list[str]:
    return [f.alias or name for name, f in model.model_fields.items()]


def _unwrap(tp: Any) -> Any:
    while typing.get_origin(tp) is typing.Annotated:
        tp = typing.get_args(tp)[0]
    return tp


def _members(tp: Any) -> tuple[Any, ...]:
    tp = _unwrap(tp)
    if isinstance(tp, types.UnionType) or typing.get_origin(tp) is typing.Union:
        return tuple(_unwrap(a) for a in typing.get_args(tp))
    return (tp,)


def _model_of(tp: Any) -> type[BaseModel] | None:
    models = [m for m in _members(tp) if isinstance(m, type) and issubclass(m, BaseModel)]
    return models[0] if len(models) == 1 else None


def _step(tp: Any, part: str | int) -> Any:
    """The type one step down `tp` along a pydantic location part (None if not found)."""
    for member in _members(tp):
        if isinstance(member, type) and issubclass(member, BaseModel):
            if member.__name__ == part or _tag(member) == part:
                return member
            for name, f in member.model_fields.items():
                if part in (name, f.alias):
                    return f.annotation
        origin = typing.get_origin(member)
        args = typing.get_args(member)
        if origin in (list, tuple) and isinstance(part, int) and args:
            return args[0]
        if origin is dict and isinstance(part, str) and len(args) == 2:
            return args[1]
    return None


def _tag(model: type[BaseModel]) -> str | None:
    """The ``type`` literal of a rule model (its union tag), if it has one."""
    field = model.model_fields.get("type")
    if field is None or typing.get_origin(field.annotation) is not typing.Literal:
        return None
    return str(typing.get_args(field.annotation)[0])
