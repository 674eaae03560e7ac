"""One palette (sourceopt.theme) for every picture: report, workbook, desk page, frontier plot."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from sourceopt import theme
from sourceopt.analysis import frontier, plot_frontier
from sourceopt.scenario.load import load_scenario

SRC = Path(__file__).resolve().parents[2] / "src" / "sourceopt"
ROOT = SRC.parents[1]


@pytest.mark.parametrize(
    "css", [SRC / "report" / "templates" / "report.css", SRC / "service" / "ui" / "app.css"]
)
def test_the_stylesheets_accent_is_the_theme_accent(css: Path) -> None:
    found = re.search(r"--accent:\s*(#[0-9a-fA-F]{6})", css.read_text())
    assert found is not None, f"{css.name} defines no --accent"
    assert found.group(1).lower() == theme.ACCENT


def test_no_report_module_spells_a_colour_of_its_own() -> None:
    for module in (SRC / "report").glob("*.py"):
        assert not re.search(r'"#[0-9a-fA-F]{6}"', module.read_text()), module.name
    assert not re.search(r'"#[0-9a-fA-F]{6}"', (SRC / "analysis" / "plot.py").read_text())


def test_the_frontier_plot_draws_in_the_theme_colours(tmp_path: Path) -> None:
    front = frontier(load_scenario(ROOT / "scenarios" / "laptops.yaml"), "max_share", points=3)
    svg = plot_frontier(front, tmp_path / "f.svg").read_text().lower()
    assert theme.ACCENT in svg
