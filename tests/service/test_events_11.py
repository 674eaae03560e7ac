"""Format 1.1 events through the real server: a score and landed cost in results and reports.

The two files are ``tests/data/valid/score-event.yaml`` and ``landed-event.yaml``; their optima
are derived by hand in their header comments (and pinned through the CLI in
``tests/test_events_11.py``).
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import openpyxl
import pytest
import yaml

from .conftest import Server, wait_for
from .test_ui import Desk, browser  # noqa: F401 (the real-browser fixture)

DATA = Path(__file__).resolve().parents[1] / "data" / "valid"


def scenario(name: str) -> dict[str, Any]:
    """A scenario file of tests/data/valid as the JSON body's ``scenario``."""
    doc: dict[str, Any] = yaml.safe_load((DATA / name).read_text(encoding="utf-8"))
    return doc


def test_sync_solve_of_a_score_and_of_landed_cost(server: Server) -> None:
    with server.client() as client:
        score = client.post("/v1/solve", json={"scenario": scenario("score-event.yaml")})
        landed = client.post("/v1/solve", json={"scenario": scenario("landed-event.yaml")})
    assert score.status_code == 200, score.text
    doc = score.json()
    # MEAT 70/30 under a budget of 1900: L1 a 90 / b 10, L2 c 40 / a 10 (the file's comment)
    assert (doc["objective_kind"], doc["objective"]) == ("score", pytest.approx(180.6))
    assert doc["total_cost"] == pytest.approx(1900.0)
    assert landed.status_code == 200, landed.text
    cost = landed.json()["cost"]
    assert landed.json()["total_cost"] == pytest.approx(3716.0)
    assert cost["adders_by_name"] == pytest.approx({"freight": 240.0, "duty": 40.0})
    assert cost["fixed"] == pytest.approx(65.0)  # 50 USD x 0.8 + 20 GBP x 1.25


def test_job_reports_label_a_score_in_points(server: Server) -> None:
    with server.client() as client:
        job = client.post(
            "/v1/jobs", json={"scenario": scenario("score-event.yaml"), "kind": "solve"}
        ).json()
        done = wait_for(client, job["id"])
        assert done["status"] == "succeeded", done
        assert done["result"]["objective_kind"] == "score"  # type: ignore[index]
        html = client.get(f"/v1/jobs/{job['id']}/report.html")
        xlsx = client.get(f"/v1/jobs/{job['id']}/report.xlsx")
    assert html.status_code == 200
    assert 'id="kpi-score">180.6<' in html.text
    assert "Objective (EUR)" not in html.text
    book = openpyxl.load_workbook(io.BytesIO(xlsx.content))
    summary = {r[0]: r[1] for r in book["Summary"].iter_rows(values_only=True) if r[0]}
    assert summary["Score (points)"] == pytest.approx(180.6)
    assert summary["Total cost (EUR)"] == pytest.approx(1900.0)


def test_job_report_of_landed_cost_shows_adders_and_landed_bids(server: Server) -> None:
    with server.client() as client:
        job = client.post(
            "/v1/jobs", json={"scenario": scenario("landed-event.yaml"), "kind": "solve"}
        ).json()
        assert wait_for(client, job["id"])["status"] == "succeeded"
        xlsx = client.get(f"/v1/jobs/{job['id']}/report.xlsx")
    book = openpyxl.load_workbook(io.BytesIO(xlsx.content))
    summary = {r[0]: r[1] for r in book["Summary"].iter_rows(values_only=True) if r[0]}
    assert summary["Cost: adders.duty (EUR)"] == pytest.approx(40.0)  # 400 x 0.125 USD x 0.8
    rows = list(book["Bids"].iter_rows(values_only=True))
    bids = {(r[0], r[2]): dict(zip(rows[0], r, strict=True)) for r in rows[1:]}
    # uk's nuts: 0.78 GBP x 1.25 = 0.975 EUR + 0.04 GBP x 1.25 = 0.05 of freight
    assert bids[("uk", "nuts")]["Landed unit cost (EUR)"] == pytest.approx(1.025)


def test_the_desk_shows_a_score_next_to_the_cost(browser: Any, server: Server) -> None:  # noqa: F811
    desk = Desk(browser, server)
    desk.sign_in(server.keys[0])
    desk.page.wait_for_selector("#upload", state="visible")
    desk.upload(DATA / "score-event.yaml")
    desk.run(["base", "lowest-price"])
    jobs = desk.page.text_content("#jobs") or ""
    # base: MEAT score 180.6 at a cost of 1900; lowest-price: a cost objective, 1700
    assert "1,900.00 EUR \u00b7 score 180.6000 points" in jobs
    assert "1,700.00 EUR" in jobs
    assert jobs.count("score") == 1
    frame = desk.page.frame_locator("#report-frame")
    assert frame.locator("#kpi-score").text_content() == "180.6"
    desk.close()
