"""The browser page at `/`, end to end: the real server, headless chromium (Debian's), playwright.

Sign in with a key, upload a scenario, pick variants, run, watch the jobs, read the report and
download the workbook; the page asks nothing of any host but the server and logs no console
error. The report routes are also called directly (their errors). Without chromium these tests
fail saying so (they do not skip), as the HTML report's.
"""

from __future__ import annotations

import io
import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import openpyxl
import pytest
from click.testing import CliRunner

from sourceopt.cli import cli

from .conftest import Server, wait_for

ROOT = Path(__file__).resolve().parents[2]
LAPTOPS = ROOT / "scenarios" / "laptops.yaml"
TINY = """\
sourceopt: 1
name: tiny-bids
currency: EUR
items:
  - {id: A, demand: 100, baseline_price: 11}
  - {id: B, demand: 50, baseline_price: 21}
suppliers:
  - {id: s1, name: First}
  - {id: s2, name: Second}
offers:
  - {supplier: s1, item: A, price: 99}
rules:
  - {type: max_share, name: cap-60, limit: 0.6, per: item, measure: volume}
"""


def chromium() -> str:
    """Debian's chromium (or SOURCEOPT_CHROMIUM); a clear failure when there is none."""
    given = os.environ.get("SOURCEOPT_CHROMIUM")
    found = given or next(
        (p for p in map(shutil.which, ("chromium", "chromium-browser")) if p), None
    )
    if not found or not Path(found).is_file():
        pytest.fail("the page is tested in a real browser: apt-get install -y chromium")
    return found


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.fail("playwright is needed for the page's tests: pip install -e '.[dev]'")
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=chromium())
        yield b
        b.close()


class Desk:
    """The page opened in a fresh context; requests off the server and console errors noted."""

    def __init__(self, browser: Any, server: Server, **context: Any) -> None:
        self.server = server
        self.foreign: list[str] = []
        self.errors: list[str] = []
        self.context = browser.new_context(accept_downloads=True, **context)
        self.page = self.context.new_page()
        self.page.route("**/*", self._route)
        self.page.on("console", self._console)
        self.page.on("pageerror", lambda exc: self.errors.append(str(exc)))
        self.page.goto(server.url + "/", wait_until="load")

    def _route(self, route: Any) -> None:
        url = route.request.url
        if url.startswith((self.server.url + "/", "blob:", "data:", "about:")):
            route.continue_()
        else:
            self.foreign.append(url)
            route.abort()

    def _console(self, msg: Any) -> None:
        if msg.type in ("error", "warning"):
            self.errors.append(f"{msg.type}: {msg.text}")

    def sign_in(self, key: str) -> None:
        self.page.fill("#key", key)
        self.page.click("#sign-in-form button[type=submit]")

    def upload(self, *files: Path) -> None:
        if len(files) > 1:  # the tables first: the scenario alone would be checked without them
            self.page.set_input_files("#tables", [str(f) for f in files[1:]])
        self.page.set_input_files("#scenario", str(files[0]))
        self.page.wait_for_selector("#inspected", state="visible", timeout=30_000)

    def run(self, variants: list[str]) -> None:
        self.page.click("#no-variants")
        for name in variants:
            self.page.check(f"#variants input[value='{name}']")
        self.page.click("#run")
        self.page.wait_for_selector("#report", state="visible", timeout=180_000)
        self.page.wait_for_function(
            "document.getElementById('report-frame').contentDocument"
            " && document.getElementById('report-frame').contentDocument.getElementById("
            "'kpi-total-cost')",
            timeout=30_000,
        )

    def close(self) -> None:
        self.context.close()


def test_upload_run_report_download(browser: Any, server: Server, tmp_path: Path) -> None:
    desk = Desk(browser, server, viewport={"width": 1280, "height": 900})
    page = desk.page
    assert page.is_visible("#sign-in")
    assert not page.is_visible("#upload")
    desk.sign_in(server.keys[0])
    page.wait_for_selector("#upload", state="visible")
    desk.upload(LAPTOPS)
    facts = page.text_content("#facts") or ""
    assert "laptops-fy2026" in facts
    assert "6 items, 5 suppliers, 22 offers, 3 rules" in facts
    names = page.eval_on_selector_all("#variants input", "els => els.map(e => e.value)")
    assert names == [
        "base",
        "single-source-allowed",
        "headcount-plus-15pct",
        "northbridge-bafo",
        "fast-delivery",
    ]
    page.screenshot(path=str(tmp_path / "desk-upload.png"))
    desk.run(["base", "northbridge-bafo"])
    assert page.text_content("#bar-text") == "2 of 2 done"
    statuses = page.eval_on_selector_all("#jobs .status", "els => els.map(e => e.textContent)")
    assert statuses == ["succeeded", "succeeded"]
    frame = page.frame_locator("#report-frame")
    # laptops base (docs: `sourceopt solve scenarios/laptops.yaml`): total cost 2,024,929
    assert frame.locator("#kpi-total-cost").text_content() == "2,024,929.00"
    assert frame.locator("#scenarios-table tbody tr").count() == 2  # the two variants run
    assert "northbridge-bafo" in (frame.locator("#scenarios-table").text_content() or "")
    assert "2,024,929.00 USD" in (page.text_content("#jobs") or "")
    page.screenshot(path=str(tmp_path / "desk-report.png"), full_page=True)
    with page.expect_download() as got:
        page.click("#download")
    download = got.value
    assert download.suggested_filename == "laptops-fy2026-base-award.xlsx"
    book = openpyxl.load_workbook(io.BytesIO(Path(download.path()).read_bytes()))
    assert "Summary" in book.sheetnames
    variants = [c.value for c in book["Scenarios"]["A"][1:]]
    assert variants == ["base", "northbridge-bafo"]
    totals = [c.value for c in book["Scenarios"]["C"][1:]]
    assert totals[0] == pytest.approx(2_024_929)
    assert desk.foreign == []
    assert desk.errors == []
    # a reload keeps the tab signed in (sessionStorage), sign out forgets the key
    page.reload()
    page.wait_for_selector("#upload", state="visible")
    page.click("#sign-out")
    assert page.is_visible("#sign-in")
    assert page.evaluate("sessionStorage.getItem('sourceopt.key')") is None
    desk.close()


def _filled_tiny(tmp_path: Path) -> Path:
    source = tmp_path / "tiny.yaml"
    source.write_text(TINY)
    bids = tmp_path / "bids.xlsx"
    made = CliRunner().invoke(cli, ["template", "--from", str(source), "--out", str(bids)])
    assert made.exit_code == 0, made.output
    book = openpyxl.load_workbook(bids)
    for row in (["s1", "A", 10], ["s1", "B", 20], ["s2", "A", 12], ["s2", "B", 19]):
        book["Offers"].append(row)
    book["Tiers"].append(["s2", "A", 60, 9])
    book.save(bids)
    return bids


def test_a_filled_bid_workbook_runs_from_the_page(
    browser: Any, server: Server, tmp_path: Path
) -> None:
    desk = Desk(browser, server, viewport={"width": 390, "height": 844})  # a phone
    page = desk.page
    desk.sign_in(server.keys[0])
    desk.upload(_filled_tiny(tmp_path))
    assert "tiny-bids: 2 items, 2 suppliers, 4 offers, 1 rule;" in (
        page.text_content("#facts") or ""
    )
    desk.run(["base"])
    # test_template's hand derivation: A 60 x 9 + 40 x 10 = 940, B 30 x 19 + 20 x 20 = 970
    total = page.frame_locator("#report-frame").locator("#kpi-total-cost").text_content()
    assert total == "1,910.00"
    page.screenshot(path=str(tmp_path / "desk-phone.png"), full_page=True)
    assert desk.foreign == []
    assert desk.errors == []
    desk.close()


def test_bad_key_and_bad_upload_say_why(browser: Any, server: Server, tmp_path: Path) -> None:
    desk = Desk(browser, server)
    page = desk.page
    desk.sign_in("not-a-key")
    page.wait_for_selector("#sign-in-msg.bad")
    assert "unknown or revoked API key" in (page.text_content("#sign-in-msg") or "")
    desk.sign_in(server.keys[0])
    page.wait_for_selector("#upload", state="visible")
    broken = tmp_path / "broken.yaml"
    broken.write_text(TINY.replace("demand: 100", "demand: -1"))
    page.set_input_files("#scenario", str(broken))
    page.wait_for_selector("#upload-msg.bad")
    message = page.text_content("#upload-msg") or ""
    assert "1 problem in the input" in message
    assert "items[0].demand" in message
    assert not page.is_visible("#inspected")
    # the only console errors: the browser's own lines for the 401 and 422 answers
    assert all("status of 401" in e or "status of 422" in e for e in desk.errors), desk.errors
    assert desk.foreign == []
    desk.close()


def test_report_routes_answer_like_job_routes(server: Server) -> None:
    client = server.client()
    files = {"scenario": ("tiny.yaml", TINY.encode())}
    solve = client.post("/v1/jobs", files=files, data={"kind": "solve"}).json()
    compare = client.post("/v1/jobs", files=files, data={"kind": "compare"}).json()
    assert wait_for(client, solve["id"])["status"] == "succeeded"
    wait_for(client, compare["id"])
    html = client.get(f"/v1/jobs/{solve['id']}/report.html")
    assert html.status_code == 200
    assert "default-src 'none'" in html.headers["content-security-policy"]
    assert "tiny-bids" in html.text
    xlsx = client.get(f"/v1/jobs/{solve['id']}/report.xlsx")
    assert xlsx.headers["content-disposition"] == 'attachment; filename="tiny-bids-base-award.xlsx"'
    assert openpyxl.load_workbook(io.BytesIO(xlsx.content))["Summary"] is not None
    assert httpx.get(f"{server.url}/v1/jobs/{solve['id']}/report.html").status_code == 401
    assert server.client(1).get(f"/v1/jobs/{solve['id']}/report.html").status_code == 404
    other = client.get(f"/v1/jobs/{compare['id']}/report.html")
    assert other.status_code == 422
    assert other.json()["error"] == "not-a-solve"
    both = client.get(f"/v1/jobs/{solve['id']}/report.html", params={"with": compare["id"]})
    assert both.status_code == 422
    assert client.get("/ui/../app.py").status_code == 404
    assert client.get("/ui/app.js").headers["content-type"].startswith("text/javascript")


def test_a_scenario_with_its_excel_tables(browser: Any, server: Server) -> None:
    folder = ROOT / "scenarios" / "laptops-workbook"
    desk = Desk(browser, server)
    page = desk.page
    desk.sign_in(server.keys[0])
    desk.upload(folder / "laptops-workbook.yaml", folder / "bids.xlsx")
    facts = page.text_content("#facts") or ""
    assert "laptops-fy2026-workbook" in facts
    assert "6 items, 5 suppliers, 22 offers" in facts
    names = page.eval_on_selector_all("#variants input", "els => els.map(e => e.value)")
    assert names == ["base", "single-source-allowed", "northbridge-bafo"]
    assert desk.errors == []
    desk.close()
