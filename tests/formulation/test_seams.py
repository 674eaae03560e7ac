"""The analyses do not decode the formulation: no row-family labels, no coefficient signs."""

from __future__ import annotations

import re
from pathlib import Path

ANALYSIS = Path(__file__).resolve().parents[2] / "src" / "sourceopt" / "analysis"
FAMILIES = (
    "demand", "capacity", "segment_upper", "segment_lower", "one_segment", "awarded_link",
    "awarded_floor", "rebate_spend", "rebate_tier", "backup_coverage_total", "capacity_lifted",
)  # fmt: skip


def test_analysis_reads_no_row_family_label() -> None:
    for path in sorted(ANALYSIS.glob("*.py")):
        text = path.read_text(encoding="utf-8")
        assert '["family"]' not in text, path.name
        for family in FAMILIES:
            assert f'"{family}"' not in text or family in ("demand", "capacity"), path.name
        assert not re.search(r'family\s*==\s*"', text), path.name


def test_analysis_reads_no_coefficient_sign() -> None:
    for path in sorted(ANALYSIS.glob("*.py")):
        text = path.read_text(encoding="utf-8")
        assert not re.search(r"\.data\s*[<>]", text), path.name
        assert "negative entry" not in text, path.name
