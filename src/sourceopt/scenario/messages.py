"""Turn pydantic validation errors into Problems with key paths and plain messages."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from pydantic import ValidationError

from sourceopt.errors import Problem
from sourceopt.scenario import hints
from sourceopt.scenario.schema import MAX_MAGNITUDE, RULE_TYPES

_UNION_BRANCH_FOR_INPUT: dict[type, str] = {dict: "model", list: "list", str: "literal"}


def magnitude_text(bound: object) -> str:
    """A bound as messages write it; the format's magnitude limit says what it is."""
    if not isinstance(bound, int | float):
        return str(bound)
    if abs(bound) == MAX_MAGNITUDE:
        return f"{bound:g} (no number in a scenario may exceed {MAX_MAGNITUDE:g} in magnitude)"
    return f"{bound:g}"


def key_path(parts: Sequence[str | int]) -> str:
    """``("rules", 2, "limit")`` -> ``rules[2].limit``."""
    out = ""
    for part in parts:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out


def _walk(data: Any, loc: Sequence[str | int]) -> tuple[list[str | int], list[str]]:
    """Split a pydantic location into the real path in `data` and the union tags on the way."""
    path: list[str | int] = []
    tags: list[str] = []
    node = data
    for part in loc:
        in_dict = isinstance(node, dict) and part in node
        in_list = isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node)
        if in_dict or in_list:
            path.append(part)
            node = node[part]
        elif isinstance(part, str) and _looks_like_tag(part):
            tags.append(part)  # a union branch, not a key of the document
        else:
            path.append(part)  # a missing key, or an index past the end
    return path, tags


def _looks_like_tag(part: str) -> bool:
    return "[" in part or part[:1].isupper() or part.endswith("Rule") or part in _RULE_TAGS


_RULE_TAGS = frozenset(RULE_TYPES)


def _describe(err: dict[str, Any], root: str = "") -> str:
    kind = err["type"]
    got = err.get("input")
    ctx = err.get("ctx") or {}
    if kind == "extra_forbidden":
        key, rule = err["loc"][-1], _rule_type(err["loc"])
        if key == "each" and rule is not None:
            return (
                f"unknown key 'each' on a {rule} rule: only group_share rules take `each` "
                f"(country, region or tag)"
            )
        return hints.unknown_key(key, root, err["loc"])
    if kind == "missing":
        if tuple(err["loc"]) == ("sourceopt",):
            return hints.missing_version()
        return f"missing required key {err['loc'][-1]!r}"
    if kind == "finite_number":
        return f"expected a finite number, got {got!r}"
    if kind == "union_tag_invalid":
        return f"unknown type {ctx.get('tag')!r}; valid types are: {ctx.get('expected_tags')}"
    if kind == "union_tag_not_found":
        return "missing required key 'type'"
    if kind in ("greater_than_equal", "greater_than", "less_than_equal", "less_than"):
        sign = {
            "greater_than_equal": ">=",
            "greater_than": ">",
            "less_than_equal": "<=",
            "less_than": "<",
        }[kind]
        bound = next(iter(ctx.values()), "?")
        hint = hints.share_hint(got, bound) if kind == "less_than_equal" else ""
        return f"expected a number {sign} {magnitude_text(bound)}, got {got!r}{hint}"
    if kind == "literal_error":
        if err["loc"][-1] == "each":
            return (
                f"expected {ctx.get('expected')} (the supplier field whose every value the "
                f"bounds apply to separately), got {got!r}"
            )
        return f"expected {ctx.get('expected')}, got {got!r}"
    if kind == "string_pattern_mismatch":
        return f"expected text matching {ctx.get('pattern')}, got {got!r}"
    if kind in ("float_type", "int_type", "float_parsing", "int_parsing", "int_from_float"):
        what = "a whole number" if kind.startswith("int") else "a number"
        hint = hints.percent_text_hint(got, err["loc"][-1])
        return f"expected {what}, got {got!r} ({type(got).__name__}){hint}"
    if kind == "string_type":
        return f"expected text, got {got!r} ({type(got).__name__})"
    if kind in ("list_type", "dict_type", "model_type", "model_attributes_type"):
        want = {"list_type": "a list", "dict_type": "a mapping"}.get(kind, "a mapping")
        hint = hints.list_hint(got) if kind == "list_type" else ""
        return f"expected {want}, got {type(got).__name__} {_short(got)}{hint}"
    if kind in ("too_short", "string_too_short"):
        return f"expected at least {ctx.get('min_length', 1)} entries/characters, got {_short(got)}"
    if kind == "value_error":
        return str(ctx.get("error", err["msg"]))
    return f"{err['msg'][:1].lower()}{err['msg'][1:]}, got {_short(got)}"


def _rule_type(loc: Sequence[Any]) -> str | None:
    """The rule type a pydantic location passes through (its union tag), if any."""
    return next((str(p) for p in loc if isinstance(p, str) and p in _RULE_TAGS), None)


def _forms(errs: list[tuple[list[str], dict[str, Any]]]) -> str:
    tags = {t for tags, _ in errs for t in tags}
    if any(t.startswith("literal['all']") for t in tags):
        return "'all', a list of ids, or a filter such as {tags: [...]}"
    return "one of the allowed forms"


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def problems_from(exc: ValidationError, data: Any, file: str, prefix: str = "") -> list[Problem]:
    """Problems for every error of `exc`, with key paths into `data` (prefixed by `prefix`)."""
    grouped: dict[str, list[tuple[list[str], dict[str, Any]]]] = {}
    for details in exc.errors(include_url=False):
        err: dict[str, Any] = dict(details)
        path, tags = _walk(data, err["loc"])
        if err["type"] in ("union_tag_invalid", "union_tag_not_found"):
            path = [*path, "type"]
        place = key_path(path)
        if prefix:
            place = f"{prefix}.{place}" if place and not place.startswith("[") else prefix + place
        grouped.setdefault(place, []).append((tags, dict(err)))
    problems: list[Problem] = []
    for place, errs in grouped.items():
        deeper = any(p != place and p.startswith((place + ".", place + "[")) for p in grouped)
        if deeper and all(tags for tags, _ in errs):
            continue  # a union's other branches; the deeper complaint says what is wrong
        for err in _pick_union_branch(errs, data):
            problems.append(Problem(file, place, _describe(err, exc.title)))
    return problems


def _pick_union_branch(
    errs: list[tuple[list[str], dict[str, Any]]], data: Any
) -> list[dict[str, Any]]:
    """Among errors from several union branches at one place, keep the branch that fits."""
    if len(errs) == 1 or not any(tags for tags, _ in errs):
        return [e for _, e in errs]
    got = errs[0][1].get("input")
    want = _UNION_BRANCH_FOR_INPUT.get(type(got))
    if isinstance(got, dict) and any(not tags for tags, _ in errs):
        return [e for tags, e in errs if not tags] or [errs[0][1]]

    def branch(tags: list[str]) -> str:
        tag = tags[-1] if tags else ""
        if tag.startswith("literal"):
            return "literal"
        if tag.startswith(("list", "tuple")):
            return "list"
        return "model"

    chosen = [e for tags, e in errs if branch(tags) == want]
    if isinstance(got, dict):  # a mapping: report the filter's own complaints
        chosen = [e for tags, e in errs if branch(tags) == "model"] or chosen
    return chosen or [
        {
            "type": "value_error",
            "loc": errs[0][1]["loc"],
            "msg": "",
            "ctx": {"error": f"expected {_forms(errs)}, got {_short(got)}"},
        }
    ]
