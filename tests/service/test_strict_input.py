"""Bad request bodies get a structured 422 at submit, never a 500 and never a job that fails later.

Over the real HTTP server: nesting deeper than 64, repeated JSON keys, every kind's options
checked at submit, numbers beyond 1e12, text that is not Unicode, and ``model:`` files read
from the models folder only and named by the model, never by a server path.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from .conftest import Server, make_server
from .scenarios import small

ROOT = Path(__file__).resolve().parents[2]
OWN_MODEL = {
    "sourceopt_model": 1,
    "name": "own",
    "description": "excludes a supplier the scenario does not have",
    "rules": [{"type": "exclude", "name": "no-nobody", "suppliers": ["nobody"]}],
}


@pytest.fixture(scope="module")
def strict(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Server, Path]]:
    """A server with a models folder, started in a working folder holding stray model files."""
    folder = tmp_path_factory.mktemp("strict")
    models, work = folder / "models", folder / "work"
    models.mkdir()
    work.mkdir()
    shutil.copy(ROOT / "models" / "resilient.yaml", models / "resilient.yaml")
    (models / "own.json").write_text(json.dumps(OWN_MODEL))
    (models / "broken.yaml").write_text("sourceopt_model: 1\nname: broken\nsecret: 1\n")
    (work / "own.json").write_text(json.dumps({**OWN_MODEL, "from_the_working_folder": 1}))
    (work / "stray.json").write_text(json.dumps({**OWN_MODEL, "leaked_key": 1}))
    running = make_server(folder, "--models", str(models), "--workers", "1", cwd=work)
    yield running, models
    running.stop()


def _problems(answer: httpx.Response) -> list[dict[str, str]]:
    assert answer.status_code == 422, answer.text
    body = answer.json()
    assert body["error"] == "invalid"
    assert body["problems"], body
    return list(body["problems"])


def _post_raw(server: Server, path: str, body: str | bytes) -> httpx.Response:
    with server.client() as client:
        return client.post(path, content=body, headers={"content-type": "application/json"})


def _alive(server: Server) -> None:
    assert httpx.get(f"{server.url}/healthz", timeout=10).status_code == 200


def test_deep_nesting_is_422_naming_the_limit(strict: tuple[Server, Path]) -> None:
    server, _ = strict
    deep = "[" * 1000 + "]" * 1000
    for path in ("/v1/validate", "/v1/jobs", "/v1/solve"):
        (problem,) = _problems(_post_raw(server, path, deep))
        assert "nested more than 64 deep" in problem["message"]
    nested: object = "x"
    for _ in range(500):
        nested = [nested]
    body = {"scenario": small(), "kind": "frontier", "options": {"against": nested}}
    (problem,) = _problems(_post_raw(server, "/v1/jobs", json.dumps(body)))
    assert "the limit is 64 levels" in problem["message"]
    files = [("scenario", ("s.json", json.dumps(small()).encode()))]
    with server.client() as client:
        answer = client.post("/v1/jobs", files=files, data={"options": json.dumps(nested)})
    (problem,) = _problems(answer)
    assert problem["place"] == "options"
    assert "64" in problem["message"]
    _alive(server)


@pytest.mark.parametrize(
    ("kind", "options", "place", "words"),
    [
        ("frontier", {"against": "max_share", "points": "abc"}, "options.points", "whole number"),
        ("frontier", {"points": 3}, "options.against", "missing required key 'against'"),
        ("frontier", {"against": "max_share", "direction": "up"}, "options.direction", "at_most"),
        ("solve", {"points": 3}, "options.points", "its options are: backend"),
        ("compare", {"variants": "base"}, "options.variants", "expected a list"),
        ("stress", {"keep": "yes"}, "options.keep", "valid boolean"),
        ("price-to-win", {"tolerance": 0}, "options.tolerance", "> 0"),
        ("rules", {"time_limit": -1}, "options.time_limit", "> 0"),
    ],
)
def test_every_kinds_options_are_checked_at_submit(
    strict: tuple[Server, Path], kind: str, options: dict[str, object], place: str, words: str
) -> None:
    server, _ = strict
    with server.client() as client:
        answer = client.post(
            "/v1/jobs", json={"scenario": small(), "kind": kind, "options": options}
        )
    problems = _problems(answer)
    assert [p["place"] for p in problems] == [place], problems
    assert words in problems[0]["message"], problems


def test_options_with_dashes_still_run(strict: tuple[Server, Path]) -> None:
    server, _ = strict
    body = {"scenario": small(), "kind": "solve", "options": {"mip-gap": 0.0, "time_limit": 30}}
    with server.client() as client:
        assert client.post("/v1/jobs", json=body).status_code == 202


def test_repeated_json_keys_are_422_with_their_path(strict: tuple[Server, Path]) -> None:
    server, _ = strict
    scenario = json.dumps(small())
    twice = scenario.replace('"demand": 100', '"demand": 100, "demand": 1')
    assert twice != scenario
    (problem,) = _problems(_post_raw(server, "/v1/validate", twice))
    assert problem["place"] == "items[0].demand"
    assert "'demand' appears more than once" in problem["message"]
    body = f'{{"scenario": {twice}, "kind": "solve", "kind": "rules"}}'
    places = {p["place"] for p in _problems(_post_raw(server, "/v1/jobs", body))}
    assert places == {"kind", "scenario.items[0].demand"}


def test_numbers_beyond_1e12_are_422_on_every_route(strict: tuple[Server, Path]) -> None:
    server, _ = strict
    huge = small()
    huge["items"][0]["demand"] = 1e200
    with server.client() as client:
        for path, body in (
            ("/v1/validate", huge),
            ("/v1/solve", {"scenario": huge}),
            ("/v1/jobs", {"scenario": huge}),
        ):
            (problem,) = _problems(client.post(path, json=body))
            assert problem["place"] == "items[0].demand"
            assert "<= 1e+12" in problem["message"], problem
    text = json.dumps(small()).replace('"price": 1.0', '"price": NaN')
    (problem,) = _problems(_post_raw(server, "/v1/validate", text))
    assert problem["place"] == "offers[0].price"
    assert "finite" in problem["message"]
    _alive(server)


def test_text_that_is_not_unicode_is_422_with_its_place(strict: tuple[Server, Path]) -> None:
    server, _ = strict
    scenario = json.dumps(small())
    text = scenario.replace('"id": "acme"', '"id": "\\ud800"')
    assert text != scenario
    (problem,) = _problems(_post_raw(server, "/v1/validate", text))
    assert problem["place"] == "suppliers[0].id"
    assert "U+D800" in problem["message"]
    body = f'{{"scenario": {scenario}, "kind": "\\udfff"}}'
    (problem,) = _problems(_post_raw(server, "/v1/jobs", body))
    assert problem["place"] == "kind"
    _alive(server)


def test_a_model_file_is_read_from_the_models_folder_only(strict: tuple[Server, Path]) -> None:
    server, models = strict
    with server.client() as client:
        stray = client.post("/v1/validate", json={**small(), "model": "stray.json"})
        own = client.post("/v1/validate", json={**small(), "model": "own.json"})
    (problem,) = _problems(stray)
    assert problem["place"] == "model"
    assert "leaked_key" not in stray.text
    (problem,) = _problems(own)  # the folder's own.json, not the working folder's
    assert problem["place"].startswith("model 'own.json' rules[0]"), problem
    assert "nobody" in problem["message"]
    assert "from_the_working_folder" not in own.text
    assert str(models) not in stray.text + own.text


def test_model_places_name_the_model_never_a_server_path(strict: tuple[Server, Path]) -> None:
    server, models = strict
    with server.client() as client:
        adopted = client.post("/v1/validate", json={**small(), "model": "resilient.yaml"})
        broken = client.post("/v1/validate", json={**small(), "model": "broken.yaml"})
    problems = _problems(adopted)
    assert any(p["place"].startswith("model 'resilient.yaml' rules[") for p in problems), problems
    problems = _problems(broken)
    assert {p["file"] for p in problems} == {"model 'broken.yaml'"}, problems
    assert any("'secret'" in p["message"] for p in problems), problems
    for answer in (adopted, broken):
        assert str(models) not in answer.text
        assert str(ROOT) not in answer.text
