"""The JSON reader: nesting checked on the text, repeated keys and non-Unicode text refused."""

from __future__ import annotations

import json

import pytest

from sourceopt.errors import ScenarioError
from sourceopt.scenario.read import MAX_NESTING, json_depth, parse_document, parse_json


@pytest.mark.parametrize(
    ("text", "depth"),
    [
        ("1", 0),
        ('{"a": [1, [2]]}', 3),
        ('{"a": "[[[[", "b": [[1]]}', 3),  # brackets in strings do not count
        (r'{"a": "\"[[[", "b": []}', 2),  # nor after an escaped quote
        (r'{"a": "\\", "b": [[[]]]}', 4),  # an escaped backslash ends no string
    ],
)
def test_json_depth(text: str, depth: int) -> None:
    assert json_depth(text) == depth
    json.loads(text)  # each is valid JSON


def test_nesting_over_the_limit_is_refused_before_parsing() -> None:
    ok = "[" * MAX_NESTING + "]" * MAX_NESTING
    assert parse_json(ok, "ok.json") is not None
    for text in ("[" * (MAX_NESTING + 1) + "]" * (MAX_NESTING + 1), "[" * 100_000):
        with pytest.raises(ScenarioError, match="nested more than 64 deep"):
            parse_json(text, "deep.json")


def test_deep_yaml_is_refused_too() -> None:
    text = "a: " + "[" * 70 + "]" * 70 + "\n"
    with pytest.raises(ScenarioError, match="nested more than 64 deep"):
        parse_document(text.encode(), "deep.yaml")


def test_repeated_keys_are_named_by_their_path() -> None:
    text = '{"a": 1, "b": {"c": [{"x": 1, "x": 2}]}, "a": 3}'
    with pytest.raises(ScenarioError) as caught:
        parse_json(text, "twice.json")
    assert [(p.place, p.message) for p in caught.value.problems] == [
        ("a", "the key 'a' appears more than once; write it once"),
        ("b.c[0].x", "the key 'x' appears more than once; write it once"),
    ]


def test_unpaired_surrogates_are_refused_and_pairs_kept() -> None:
    assert parse_json(r'{"smile": "\ud83d\ude00"}', "ok.json") == {"smile": "\U0001f600"}
    with pytest.raises(ScenarioError) as caught:
        parse_json(r'{"ids": ["ok", "a\ud800"]}', "bad.json")
    (problem,) = caught.value.problems
    assert problem.place == "ids[1]"
    assert "U+D800" in problem.message
    problem.message.encode("utf-8")  # the message itself can be sent anywhere
