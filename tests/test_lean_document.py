"""A lean result document (the analyses' re-solves): the same figures, no award listing."""

from __future__ import annotations

from pathlib import Path

from sourceopt import build_program, load_scenario
from sourceopt.solution import document
from sourceopt.solve import solve_options
from sourceopt.solvers.registry import get_backend

ROOT = Path(__file__).resolve().parents[1]


def test_lean_document_keeps_every_figure_and_drops_the_listing() -> None:
    sc = load_scenario(ROOT / "scenarios" / "laptops.yaml")
    program = build_program(sc)
    options = solve_options(sc)
    raw = get_backend("highs").solve(program, options)
    full = document(sc, program, raw, seed=options.seed, mip_gap=options.mip_gap)
    lean = document(sc, program, raw, seed=options.seed, mip_gap=options.mip_gap, lean=True)
    assert full.allocations
    assert full.suppliers
    assert full.kpis is not None
    assert lean.allocations == []
    assert lean.suppliers == []
    assert lean.kpis is None
    for key in ("status", "objective", "total_cost", "cost", "rules", "verification", "solver"):
        assert getattr(lean, key) == getattr(full, key), key
    assert lean.verification is not None
    assert lean.verification.ok
