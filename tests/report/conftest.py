"""Shared fixtures: the laptops scenario reported once with every section (session-wide)."""

from __future__ import annotations

from pathlib import Path

import pytest

from sourceopt import load_scenario
from sourceopt.report.collect import Collected, collect

ROOT = Path(__file__).resolve().parents[2]
LAPTOPS = ROOT / "scenarios" / "laptops.yaml"
DIFF = ("base", "single-source-allowed")


@pytest.fixture(scope="session")
def laptops_report() -> Collected:
    """Every variant, rule costs, the base -> single-source-allowed diff and a frontier."""
    scenario = load_scenario(LAPTOPS)
    return collect(scenario, rule_costs=True, diff=DIFF, frontier="max_share")
