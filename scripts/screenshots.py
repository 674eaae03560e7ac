"""Regenerate the README's pictures of the report from a bundled scenario.

    python scripts/screenshots.py        # docs/img/: report, report-phone, workbook, desk (.png)
    python scripts/screenshots.py desk   # docs/img/desk.png only

Runs ``sourceopt report scenarios/laptops.yaml`` (every variant, rule costs, the diff base ->
single-source-allowed, the max_share frontier) to an HTML file and photographs it in headless
chromium (Debian's ``chromium``, or SOURCEOPT_CHROMIUM; playwright from the dev extra); the
workbook's Summary sheet is printed with LibreOffice (``soffice``, Debian's
libreoffice-calc-nogui) and ``pdftoppm`` (poppler-utils), skipped with a note without them.
The service's page (docs/img/desk.png) is photographed on a real ``sourceopt serve`` (a
throw-away SQLite store and key): signed in, laptops.yaml uploaded, three variants run.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any

from PIL import Image
from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "docs" / "img"


def _chromium() -> str:
    found = os.environ.get("SOURCEOPT_CHROMIUM") or shutil.which("chromium")
    if not found:
        sys.exit("needs Debian's chromium: apt-get install -y chromium")
    return found


def _report(page: Path) -> Path:
    args = ["report", str(ROOT / "scenarios" / "laptops.yaml"), "--rule-costs"]
    args += ["--diff", "base", "single-source-allowed", "--frontier", "max_share"]
    subprocess.run(
        [sys.executable, "-c", "from sourceopt.cli import main; main()", *args, "--out", str(page)],
        check=True,
        env=os.environ | {"PYTHONPATH": str(ROOT / "src")},
    )
    return page


def _workbook(folder: Path) -> None:
    """docs/img/workbook.png: the Summary sheet as LibreOffice prints it."""
    soffice, pdftoppm = shutil.which("soffice"), shutil.which("pdftoppm")
    if not soffice or not pdftoppm:
        sys.stderr.write("note: no soffice or pdftoppm; docs/img/workbook.png not redrawn\n")
        return
    book = _report(folder / "award.xlsx")
    convert = [soffice, "--headless", "--convert-to", "pdf", "--outdir", str(folder), str(book)]
    subprocess.run(convert, check=True, capture_output=True)
    first = [pdftoppm, "-r", "110", "-png", "-f", "1", "-l", "1", "-singlefile"]
    subprocess.run([*first, str(folder / "award.pdf"), str(folder / "page")], check=True)
    _save((folder / "page.png").read_bytes(), OUT / "workbook.png")


def _save(png: bytes, path: Path) -> None:
    """Write the screenshot as a palette PNG (a few hundred KB instead of a few MB)."""
    with tempfile.TemporaryFile() as raw:
        raw.write(png)
        raw.seek(0)
        img = Image.open(raw).convert("RGB")
        img.quantize(colors=128, method=Image.Quantize.MEDIANCUT).save(path, optimize=True)


def _serve(folder: Path) -> tuple[subprocess.Popen[bytes], str, str]:
    """A `sourceopt serve` on a free port with a new store; its process, URL and a key."""
    sys.path.insert(0, str(ROOT / "src"))
    from sourceopt.service.auth import create_key
    from sourceopt.service.store import Store

    url = f"sqlite:///{folder / 'jobs.db'}"
    store = Store(url)
    key = create_key(store, "screenshots")[0]
    store.close()
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = int(sock.getsockname()[1])
    command = [sys.executable, "-c", "from sourceopt.cli import main; main()", "serve"]
    command += ["--port", str(port), "--store", url]
    env = os.environ | {"PYTHONPATH": str(ROOT / "src")}
    process = subprocess.Popen(command, env=env, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    for _ in range(300):
        try:
            with urllib.request.urlopen(f"{base}/readyz", timeout=2) as answer:
                if answer.status == 200:
                    return process, base, key
        except OSError:
            time.sleep(0.2)
    process.kill()
    sys.exit("the server did not start")


def _desk(browser: Any, folder: Path) -> None:
    """docs/img/desk.png: the service's page after a run of three variants."""
    process, base, key = _serve(folder)
    try:
        page = browser.new_page(viewport={"width": 1280, "height": 1400})
        page.goto(base + "/")
        page.fill("#key", key)
        page.click("#sign-in-form button[type=submit]")
        page.set_input_files("#scenario", str(ROOT / "scenarios" / "laptops.yaml"))
        page.wait_for_selector("#inspected", state="visible", timeout=60_000)
        page.click("#no-variants")
        for name in ("base", "single-source-allowed", "northbridge-bafo"):
            page.check(f"#variants input[value='{name}']")
        page.click("#run")
        page.wait_for_selector("#report", state="visible", timeout=300_000)
        page.wait_for_timeout(500)
        page.evaluate("window.scrollTo(0, 0)")
        _save(page.screenshot(full_page=True, clip=_top(page, 1700)), OUT / "desk.png")
    finally:
        process.terminate()
        process.wait(30)


def _top(page: Any, height: int) -> dict[str, float]:
    width = page.viewport_size["width"]
    full = page.evaluate("document.documentElement.scrollHeight")
    return {"x": 0, "y": 0, "width": width, "height": min(height, full)}


def main() -> None:
    """Write docs/img/report.png (laptop), report-phone.png, workbook.png and desk.png."""
    OUT.mkdir(parents=True, exist_ok=True)
    if sys.argv[1:] == ["desk"]:
        with tempfile.TemporaryDirectory() as tmp, sync_playwright() as p:
            browser = p.chromium.launch(executable_path=_chromium())
            _desk(browser, Path(tmp))
            browser.close()
        sys.stdout.write(f"wrote {OUT / 'desk.png'}\n")
        return
    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as p:
        url = _report(Path(tmp) / "report.html").as_uri()
        browser = p.chromium.launch(executable_path=_chromium())
        page = browser.new_page(viewport={"width": 1280, "height": 1500})
        page.goto(url)
        _save(page.screenshot(), OUT / "report.png")
        phone = browser.new_page(
            viewport={"width": 390, "height": 844}, is_mobile=True, device_scale_factor=2
        )
        phone.goto(url)
        _save(phone.screenshot(), OUT / "report-phone.png")
        _desk(browser, Path(tmp))
        browser.close()
        _workbook(Path(tmp))
    sys.stdout.write(f"wrote the pictures in {OUT}\n")


if __name__ == "__main__":
    main()
