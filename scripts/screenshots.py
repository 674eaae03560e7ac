"""Regenerate the README's pictures of the report from a bundled scenario.

    python scripts/screenshots.py          # writes docs/img/report.png and report-phone.png

Runs ``sourceopt report scenarios/laptops.yaml`` (every variant, rule costs, the diff base ->
single-source-allowed, the max_share frontier) to an HTML file and photographs it in headless
chromium (Debian's ``chromium``, or SOURCEOPT_CHROMIUM; playwright from the dev extra).
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


def _report(folder: Path) -> Path:
    page = folder / "report.html"
    args = ["report", str(ROOT / "scenarios" / "laptops.yaml"), "--rule-costs"]
    args += ["--diff", "base", "single-source-allowed", "--frontier", "max_share"]
    subprocess.run(
        [sys.executable, "-c", "from sourceopt.cli import main; main()", *args, "--out", str(page)],
        check=True,
        env=os.environ | {"PYTHONPATH": str(ROOT / "src")},
    )
    return page


def _save(png: bytes, path: Path) -> None:
    """Write the screenshot as a palette PNG (a few hundred KB instead of a few MB)."""
    with tempfile.TemporaryFile() as raw:
        raw.write(png)
        raw.seek(0)
        img = Image.open(raw).convert("RGB")
        img.quantize(colors=128, method=Image.Quantize.MEDIANCUT).save(path, optimize=True)


def main() -> None:
    """Write docs/img/report.png (laptop) and docs/img/report-phone.png."""
    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as p:
        url = _report(Path(tmp)).as_uri()
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
    sys.stdout.write(f"wrote {OUT / 'report.png'} and {OUT / 'report-phone.png'}\n")


if __name__ == "__main__":
    main()
