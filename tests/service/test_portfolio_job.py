"""The `portfolio` job kind on the real server: the portfolio file and its category files
(and their tables) uploaded as multipart parts; the result is `PortfolioResult.to_dict()`,
the same as the library's on the same files."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from .conftest import Server, wait_for

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks.portfolio_gen import write_portfolio  # noqa: E402

from sourceopt.portfolio import load_portfolio, solve_portfolio  # noqa: E402


def _parts(folder: Path, skip: str = "") -> list[tuple[str, tuple[str, bytes]]]:
    files = [("scenario", ("portfolio.yaml", (folder / "portfolio.yaml").read_bytes()))]
    for path in sorted(folder.iterdir()):
        if path.name != "portfolio.yaml" and path.name != skip:
            files.append((path.name, (path.name, path.read_bytes())))
    return files


def test_portfolio_job_runs_the_uploaded_portfolio(server: Server, tmp_path: Path) -> None:
    path = write_portfolio(2, 200, tmp_path)
    options = json.dumps({"method": "decomposed", "time_limit": 60})
    with server.client() as client:
        answer = client.post(
            "/v1/jobs", files=_parts(tmp_path), data={"kind": "portfolio", "options": options}
        )
        assert answer.status_code == 202, answer.text
        job = wait_for(client, answer.json()["id"], seconds=120)
    assert job["status"] == "succeeded", job
    result = job["result"]
    assert isinstance(result, dict)
    local = solve_portfolio(load_portfolio(path)).to_dict()
    assert result["portfolio"] == local["portfolio"] == "portfolio-2x200-s0"
    assert result["status"] == "optimal"
    assert result["objective"] == pytest.approx(local["objective"], rel=1e-9)
    assert [g["met"] for g in result["goals"]] == [g["met"] for g in local["goals"]]
    assert result["coordination"]["cost_of_goals"] == pytest.approx(
        local["coordination"]["cost_of_goals"], rel=1e-9
    )
    assert set(result) == set(local)


def test_a_category_not_uploaded_is_422_naming_it(server: Server, tmp_path: Path) -> None:
    write_portfolio(2, 200, tmp_path)
    with server.client() as client:
        answer = client.post(
            "/v1/jobs", files=_parts(tmp_path, skip="cat-001.yaml"), data={"kind": "portfolio"}
        )
    assert answer.status_code == 422, answer.text
    (problem,) = answer.json()["problems"]
    assert problem["file"] == "portfolio.yaml"
    assert problem["place"] == "categories[1]"
    assert "category file 'cat-001.yaml' was not uploaded" in problem["message"]


def test_a_missing_table_of_a_category_is_422(server: Server, tmp_path: Path) -> None:
    write_portfolio(2, 200, tmp_path)
    with server.client() as client:
        answer = client.post(
            "/v1/jobs",
            files=_parts(tmp_path, skip="cat-000.offers.parquet"),
            data={"kind": "portfolio"},
        )
    assert answer.status_code == 422, answer.text
    (problem,) = answer.json()["problems"]
    assert problem["file"] == "cat-000.yaml"
    assert problem["place"] == "offers.file"


def test_a_scenario_sent_as_a_portfolio_job_is_422(server: Server, tmp_path: Path) -> None:
    write_portfolio(2, 200, tmp_path)
    cat = tmp_path / "cat-000.yaml"
    with server.client() as client:
        answer = client.post(
            "/v1/jobs",
            files=[("scenario", (cat.name, cat.read_bytes()))],
            data={"kind": "portfolio", "options": json.dumps({"method": "fastest"})},
        )
    assert answer.status_code == 422, answer.text
    places = [p["place"] for p in answer.json()["problems"]]
    assert places == ["options.method"]
