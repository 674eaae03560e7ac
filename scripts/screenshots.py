"""Regenerate the README's pictures of the report from a bundled scenario.

    python scripts/screenshots.py   # docs/img/report.png, report-phone.png, workbook.png

Runs ``sourceopt report scenarios/laptops.yaml`` (every variant, rule costs, the diff base ->
single-source-allowed, the max_share frontier) to an HTML file and photographs it in headless
chromium (Debian's ``chromium``, or SOURCEOPT_CHROMIUM; playwright from the dev extra); the
workbook's Summary sheet is printed with LibreOffice (``soffice``, Debian's
libreoffice-calc-nogui) and ``pdftoppm`` (poppler-utils), skipped with a note without them.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

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


def main() -> None:
    """Write docs/img/report.png (laptop), report-phone.png and workbook.png."""
    OUT.mkdir(parents=True, exist_ok=True)
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
        browser.close()
        _workbook(Path(tmp))
    sys.stdout.write(f"wrote the pictures in {OUT}\n")


if __name__ == "__main__":
    main()
