"""A server's ``model:`` file is read from its models folder and named by the model."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from sourceopt.errors import ScenarioError
from sourceopt.scenario.sourcing_models import confined_model_file, find_model
from sourceopt.service.intake import load_request

MODEL = {
    "sourceopt_model": 1,
    "name": "own",
    "description": "caps every supplier at 60 %",
    "rules": [{"type": "max_share", "name": "cap-60", "limit": 0.6}],
}
SCENARIO = {
    "sourceopt": 1,
    "name": "tiny",
    "items": [{"id": "A", "demand": 10}],
    "suppliers": [{"id": "S"}, {"id": "T"}],
    "offers": [
        {"supplier": "S", "item": "A", "price": 1.0},
        {"supplier": "T", "item": "A", "price": 2.0},
    ],
}


def test_confined_model_file(tmp_path: Path) -> None:
    (tmp_path / "own.json").write_text(json.dumps(MODEL))
    assert confined_model_file("own.json", tmp_path) == tmp_path / "own.json"
    for ref in ("../own.json", "/etc/own.json", "sub/own.json", "own.txt", "missing.json"):
        assert confined_model_file(ref, tmp_path) is None
    assert confined_model_file("own.json", None) is None


def test_a_served_json_model_is_the_folders_not_the_working_folders(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    models, work = tmp_path / "models", tmp_path / "work"
    models.mkdir()
    work.mkdir()
    (models / "own.json").write_text(json.dumps(MODEL))
    (work / "own.json").write_text(json.dumps({**MODEL, "stray": 1}))
    monkeypatch.chdir(work)
    scenario = load_request({**SCENARIO, "model": "own.json"}, {}, models)
    assert scenario.rule_names == ("cap-60",)


def test_a_broken_served_model_is_named_not_located(tmp_path: Path) -> None:
    (tmp_path / "bad.yaml").write_text("sourceopt_model: 1\nname: bad\ndescription: x\nextra: 1\n")
    with pytest.raises(ScenarioError) as caught:
        load_request({**SCENARIO, "model": "bad.yaml"}, {}, tmp_path)
    (problem,) = caught.value.problems
    assert problem.file == "model 'bad.yaml'"
    assert str(tmp_path) not in str(caught.value)


def test_the_cli_keeps_the_path_as_written(tmp_path: Path) -> None:
    with pytest.raises(ScenarioError, match=r"model file not found: .*nope\.yaml"):
        find_model("nope.yaml", tmp_path, "s.yaml")
