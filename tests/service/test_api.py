"""The service over HTTP: happy paths, error classes, idempotency, cancellation, client."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from sourceopt import ScenarioError, SolveResult, load_scenario, solve
from sourceopt.cli import cli
from sourceopt.client import Client
from sourceopt.jobs.kinds import run_kind

from .conftest import Server, wait_for, wait_running
from .scenarios import slow, small

ROOT = Path(__file__).resolve().parents[2]


def _same_award(served: dict[str, object], local: dict[str, object]) -> None:
    for key in ("scenario", "variant", "status", "objective", "total_cost", "allocations"):
        assert served[key] == local[key], key


def test_health_ready_and_metrics(server: Server) -> None:
    anonymous = server.client(None)
    assert anonymous.get("/healthz").json() == {"status": "ok", "checks": {}}
    assert anonymous.get("/readyz").json()["status"] == "ready"
    text = anonymous.get("/metrics").text
    assert "sourceopt_queue_depth" in text
    assert "sourceopt_solve_seconds_bucket" in text


def test_solve_job_happy_path(server: Server) -> None:
    with server.client() as client:
        answer = client.post("/v1/jobs", json={"scenario": small(), "kind": "solve"})
        assert answer.status_code == 202, answer.text
        job = answer.json()
        assert answer.headers["location"] == f"/v1/jobs/{job['id']}"
        assert job["status"] in ("queued", "running")
        done = wait_for(client, job["id"])
    assert done["status"] == "succeeded", done
    assert done["started_at"]
    assert done["finished_at"]
    _same_award(done["result"], solve(load_scenario(small())).to_dict())  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("kind", "options"),
    [
        ("rules", {}),
        ("compare", {}),
        ("frontier", {"against": "max_share", "points": 3}),
        ("frontier", {"against": "max_share", "points": 4, "jobs": 2}),
        ("price-to-win", {"jobs": 2, "tolerance": 1e-3}),
        ("explain", {"jobs": 2}),
    ],
)
def test_analysis_jobs(server: Server, kind: str, options: dict[str, object]) -> None:
    scenario = small()
    if kind == "explain":  # something to explain: globex locked on 80 % of the nuts
        lock = {"type": "award", "name": "lock", "supplier": "globex", "item": "nut"}
        scenario["rules"].append(lock | {"min_units": 40})  # type: ignore[union-attr]
    with server.client() as client:
        kinds = client.post("/v1/jobs", json={"scenario": small(), "kind": "no-such"}).json()
        assert kind in kinds["problems"][0]["message"].split("this server runs: ")[1].split(", ")
        body = {"scenario": scenario, "kind": kind, "options": options}
        job = client.post("/v1/jobs", json=body).json()
        done = wait_for(client, job["id"])
    assert done["status"] == "succeeded", done
    assert done["result"]["scenario"] == "small"  # type: ignore[index]
    if options.get("jobs"):  # shared with the worker's own workers: the sequential figures
        sequential = run_kind(kind, load_scenario(scenario), {**options, "jobs": 1})
        assert done["result"] == sequential
    if kind == "explain":
        assert [m["rule"] for m in done["result"]["conflict"]] == ["cap", "lock"]  # type: ignore[index]


def test_sync_solve(server: Server) -> None:
    with server.client() as client:
        answer = client.post("/v1/solve", json={"scenario": small()})
    assert answer.status_code == 200, answer.text
    _same_award(answer.json(), solve(load_scenario(small())).to_dict())


def test_validate_gives_the_cli_messages(server: Server, tmp_path: Path) -> None:
    bad = small("bad")
    bad["offers"][0]["price"] = "n/a"  # type: ignore[index]
    bad["offers"][1]["supplier"] = "nobody"  # type: ignore[index]
    with server.client() as client:
        assert client.post("/v1/validate", json=small()).json()["offers"] == 4
        answer = client.post("/v1/validate", json=bad)
    assert answer.status_code == 422
    served = {(p["place"], p["message"]) for p in answer.json()["problems"]}
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(bad))
    printed = CliRunner().invoke(cli, ["validate", str(path)]).output
    assert len(served) == 2
    for place, message in served:
        assert f"{path}: {place}: {message}" in printed
    assert "Traceback" not in answer.text


def test_401_without_or_with_a_wrong_key(server: Server) -> None:
    for client in (server.client(None), server.client("so_nope_nope")):
        for method, path in (("GET", "/v1/jobs"), ("POST", "/v1/jobs"), ("GET", "/v1/models")):
            answer = client.request(method, path, json={"scenario": small()})
            assert answer.status_code == 401
            assert answer.json()["error"] == "unauthorized"


def test_404_for_another_keys_job(server: Server) -> None:
    with server.client(0) as mine, server.client(1) as theirs:
        job = mine.post("/v1/jobs", json={"scenario": small()}).json()
        assert theirs.get(f"/v1/jobs/{job['id']}").status_code == 404
        assert theirs.delete(f"/v1/jobs/{job['id']}").status_code == 404
        assert job["id"] not in {j["id"] for j in theirs.get("/v1/jobs").json()["jobs"]}
        assert mine.get(f"/v1/jobs/{job['id']}").status_code == 200


def test_413_over_the_body_limit(server: Server) -> None:
    big = small()
    big["category"] = "x" * (1024 * 1024 + 10)
    with server.client() as client:
        answer = client.post("/v1/jobs", json={"scenario": big})
    assert answer.status_code == 413
    assert "limit" in answer.json()["message"]


def test_422_with_places_and_bad_options(server: Server) -> None:
    bad = small()
    del bad["items"]
    with server.client() as client:
        answer = client.post("/v1/jobs", json={"scenario": bad, "options": {"mip_gap": 7}})
        assert answer.status_code == 422
        places = {p["place"] for p in answer.json()["problems"]}
        assert "options.mip_gap" in places
        answer = client.post("/v1/jobs", json={"scenario": bad})
        assert answer.json()["problems"][0]["place"] == "items"
        answer = client.post("/v1/jobs", content=b"{not json", headers={"content-type": "x"})
        assert answer.status_code == 422


def test_references_are_confined(server: Server) -> None:
    for key, value in (("model", "../models/resilient.yaml"), ("model", "/etc/passwd")):
        scenario = {**small(), key: value}
        with server.client() as client:
            answer = client.post("/v1/validate", json=scenario)
        assert answer.status_code == 422
        assert answer.json()["problems"][0]["place"] == "model"
    scenario = {**small(), "offers": {"file": "/etc/passwd"}}
    with server.client() as client:
        answer = client.post("/v1/validate", json=scenario)
    assert answer.status_code == 422
    assert answer.json()["problems"][0]["place"] == "offers.file"


def test_multipart_upload_of_a_scenario_and_its_tables(server: Server) -> None:
    folder = ROOT / "scenarios" / "freight-lanes"
    scenario = next(folder.glob("*.yaml"))
    with Client(server.url, server.keys[0]) as client:
        served = client.solve(scenario, timeout=60)
    local = solve(load_scenario(scenario))
    assert isinstance(served, SolveResult)
    assert served.objective == pytest.approx(local.objective)
    assert served.document.input_sha256 == local.document.input_sha256


def test_idempotency_key(server: Server) -> None:
    with server.client() as client:
        headers = {"Idempotency-Key": f"order-{time.time()}"}
        first = client.post("/v1/jobs", json={"scenario": small()}, headers=headers)
        again = client.post("/v1/jobs", json={"scenario": small()}, headers=headers)
        assert first.status_code == again.status_code == 202
        assert first.json()["id"] == again.json()["id"]
        other = client.post("/v1/jobs", json={"scenario": small("other")}, headers=headers)
        assert other.status_code == 409


def test_list_is_paged_and_filtered(server: Server) -> None:
    with server.client(1) as client:
        ids = [client.post("/v1/jobs", json={"scenario": small()}).json()["id"] for _ in range(3)]
        for job_id in ids:
            wait_for(client, job_id)
        page = client.get("/v1/jobs", params={"limit": 2}).json()
        assert [j["id"] for j in page["jobs"]] == ids[::-1][:2]
        rest = client.get("/v1/jobs", params={"limit": 2, "cursor": page["next_cursor"]}).json()
        assert ids[0] in {j["id"] for j in rest["jobs"]}
        done = client.get("/v1/jobs", params={"status": "succeeded"}).json()["jobs"]
        assert all(j["status"] == "succeeded" for j in done)


def test_cancel_stops_a_running_solve_within_2_seconds(server: Server) -> None:
    with server.client() as client:
        job = client.post("/v1/jobs", json={"scenario": slow()}).json()
        wait_running(client, job["id"])
        time.sleep(0.5)
        asked = time.monotonic()
        assert client.delete(f"/v1/jobs/{job['id']}").status_code == 200
        done = wait_for(client, job["id"], seconds=10)
        took = time.monotonic() - asked
    assert done["status"] == "cancelled"
    assert took < 2.0


def test_client_round_trip(server: Server) -> None:
    with Client(server.url, server.keys[0]) as client:
        result = client.solve(small(), timeout=60, mip_gap=1e-6)
        assert isinstance(result, SolveResult)
        assert result.objective == pytest.approx(solve(load_scenario(small())).objective)
        bad = small()
        del bad["offers"]
        with pytest.raises(ScenarioError) as caught:
            client.submit(bad)
        assert caught.value.problems[0].place == "offers"
        job_id = client.submit(slow())
        assert client.cancel(job_id)["id"] == job_id


def test_models(server: Server) -> None:
    with server.client() as client:
        names = {m["name"] for m in client.get("/v1/models").json()["models"]}
        assert "resilient" in names
        assert client.get("/v1/models/resilient").json()["name"] == "resilient"
        assert client.get("/v1/models/nope").status_code == 404


def test_long_poll_answers_when_the_job_ends(server: Server) -> None:
    with server.client() as client:
        job = client.post("/v1/jobs", json={"scenario": small()}).json()
        done = client.get(f"/v1/jobs/{job['id']}", params={"wait": 30}).json()
        assert done["status"] == "succeeded", done
        assert done["result"]["scenario"] == "small"
        slow_job = client.post("/v1/jobs", json={"scenario": slow()}).json()
        asked = time.monotonic()
        still = client.get(f"/v1/jobs/{slow_job['id']}", params={"wait": 0.3}).json()
        assert still["status"] in ("queued", "running")
        assert 0.25 < time.monotonic() - asked < 5
        client.delete(f"/v1/jobs/{slow_job['id']}")
        assert client.get(f"/v1/jobs/{job['id']}", params={"wait": 31}).status_code == 422
