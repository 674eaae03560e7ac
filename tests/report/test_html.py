"""The HTML report in a real browser: Debian's chromium, headless, driven by playwright.

The page must render offline (every request other than the file itself fails the test),
without console errors, with the key figures and the charts drawn, on a laptop and on a
phone, and print. Without chromium these tests fail (they do not skip): CI installs it
(``apt-get install chromium``, see .ci/run).
"""

from __future__ import annotations

import io
import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from sourceopt.report.collect import Collected
from sourceopt.report.html import write_html

CANDIDATES = ("chromium", "chromium-browser")


def chromium() -> str:
    """Debian's chromium (or SOURCEOPT_CHROMIUM); a clear failure when there is none."""
    given = os.environ.get("SOURCEOPT_CHROMIUM")
    found = given or next((p for p in map(shutil.which, CANDIDATES) if p), None)
    if not found or not Path(found).is_file():
        pytest.fail(
            "the HTML report is tested in a real browser: install Debian's chromium "
            "(apt-get install -y chromium) or set SOURCEOPT_CHROMIUM to a chromium binary"
        )
    return found


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.fail("playwright is needed for the HTML report tests: pip install -e '.[dev]'")
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=chromium())
        yield b
        b.close()


@pytest.fixture(scope="module")
def page_file(laptops_report: Collected, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_html(laptops_report.report, tmp_path_factory.mktemp("html") / "report.html")


def test_without_chromium_the_tests_fail_saying_why(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SOURCEOPT_CHROMIUM", raising=False)
    monkeypatch.setenv("PATH", "/nonexistent")
    with pytest.raises(pytest.fail.Exception, match="apt-get install -y chromium"):
        chromium()


class Visit:
    """A page opened offline: every request but the file's own is refused and recorded."""

    def __init__(self, browser: Any, path: Path, **context: Any) -> None:
        self.url = path.as_uri()
        self.foreign: list[str] = []
        self.errors: list[str] = []
        self.context = browser.new_context(**context)
        self.page = self.context.new_page()
        self.page.route("**/*", self._route)
        self.page.on("console", self._console)
        self.page.on("pageerror", lambda exc: self.errors.append(str(exc)))
        self.page.goto(self.url, wait_until="load")

    def _route(self, route: Any) -> None:
        if route.request.url == self.url:
            route.continue_()
        else:
            self.foreign.append(route.request.url)
            route.abort()

    def _console(self, msg: Any) -> None:
        if msg.type in ("error", "warning"):
            self.errors.append(f"{msg.type}: {msg.text}")

    def close(self) -> None:
        self.context.close()


def test_the_network_check_sees_a_request(browser: Any, tmp_path: Path) -> None:
    # the check itself: a page that fetches something is caught (and gets nothing)
    page = tmp_path / "fetches.html"
    page.write_text('<!doctype html><img src="https://example.invalid/logo.png">')
    visit = Visit(browser, page)
    assert visit.foreign == ["https://example.invalid/logo.png"]
    visit.close()


def test_renders_offline_with_the_key_figures(browser: Any, page_file: Path) -> None:
    visit = Visit(browser, page_file, viewport={"width": 1280, "height": 900})
    page = visit.page
    r = page.text_content
    assert visit.foreign == []
    assert visit.errors == []
    # laptops base (docs: the result of `sourceopt solve scenarios/laptops.yaml`):
    # total cost 2,024,929; baseline 2,196,150; savings 171,221 = 7.80 %
    assert r("#kpi-total-cost") == "2,024,929.00"
    assert r("#kpi-baseline") == "2,196,150.00"
    assert r("#kpi-savings") == "171,221.00"
    assert r("#kpi-suppliers") == "5"
    body = page.inner_text("body")
    assert "proven optimal" in body
    assert "verification passed" in body
    assert "892,800.00" in body  # NB-14-STD cost: 630 x 989 + 270 x 999
    assert page.locator("#award-table tbody tr").count() == 12
    assert page.locator("#scenarios-table tbody tr").count() == 5
    assert page.locator("#bids-table tbody tr.win").count() == 12
    visit.close()


def test_charts_are_drawn(browser: Any, page_file: Path, laptops_report: Collected) -> None:
    visit = Visit(browser, page_file, viewport={"width": 1280, "height": 900})
    page = visit.page
    report = laptops_report.report
    # spend by supplier, savings by item, scenarios, frontier
    assert page.locator("svg.chart").count() == 4
    # one bar per supplier, per item and two per variant (total cost, savings)
    bars = len(report.suppliers) + len(report.items) + 2 * len(report.scenarios)
    assert page.locator("svg.chart rect.bar").count() == bars
    assert report.frontier is not None
    assert page.locator("#frontier svg circle").count() == len(report.frontier.points)
    for k in range(4):
        box = page.locator("svg.chart").nth(k).bounding_box()
        assert box is not None
        assert box["width"] > 300
        assert box["height"] > 100
    shot = page.screenshot(full_page=True)
    visit.close()
    from PIL import Image

    img = Image.open(io.BytesIO(shot)).convert("RGB")
    colors = img.getcolors(maxcolors=1 << 22)
    assert colors is not None
    assert len(colors) > 200  # text, tables, charts: not a blank page
    counts = {rgb: n for n, rgb in colors}
    assert counts.get((0x1F, 0x4E, 0x79), 0) > 5000  # the bars' (and header's) blue
    assert counts.get((0x54, 0x82, 0x35), 0) > 500  # the savings bars' green


def test_reads_on_a_phone(browser: Any, page_file: Path) -> None:
    visit = Visit(
        browser,
        page_file,
        viewport={"width": 390, "height": 844},
        is_mobile=True,
        device_scale_factor=2,
    )
    page = visit.page
    assert visit.errors == []
    # nothing wider than the screen: wide tables scroll inside their own box
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    widths = page.eval_on_selector_all("svg.chart", "els => els.map(e => e.clientWidth)")
    assert all(0 < w <= 390 for w in widths)
    columns = page.eval_on_selector(
        ".kpis", "e => getComputedStyle(e).gridTemplateColumns.split(' ').length"
    )
    assert columns == 2
    visit.close()


def test_prints(browser: Any, page_file: Path) -> None:
    visit = Visit(browser, page_file)
    page = visit.page
    page.emulate_media(media="print")
    assert page.eval_on_selector("nav.toc", "e => getComputedStyle(e).display") == "none"
    pdf = page.pdf(format="A4", landscape=True)
    assert pdf.startswith(b"%PDF")
    assert len(pdf) > 20_000
    assert visit.foreign == []
    visit.close()


def test_infeasible_report_says_no_award(browser: Any, tmp_path: Path) -> None:
    from sourceopt import load_scenario
    from sourceopt.report.collect import collect

    root = Path(__file__).resolve().parents[2]
    done = collect(load_scenario(root / "scenarios" / "infeasible-setaside.yaml"))
    visit = Visit(browser, write_html(done.report, tmp_path / "r.html"))
    assert visit.errors == []
    assert "No award: the solve ended infeasible" in visit.page.inner_text("#no-award")
    assert visit.page.locator("svg.chart").count() == 1  # the scenarios side by side only
    visit.close()
