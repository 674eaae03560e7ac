"""The HiGHS warm start on every MIP of the conformance catalogue.

Forced on (LP relaxation, indicators rounded up, fixed re-solve, then the MIP), it must give
the hand-derived status and objective.
"""

from __future__ import annotations

import pytest

from sourceopt import load_scenario
from sourceopt.formulation.build import build_program
from sourceopt.scenario.variants import apply_variant
from sourceopt.solution import document
from sourceopt.solvers.base import SolveOptions
from sourceopt.solvers.highs import HighsBackend

from .cases import CASES

MIP_CASES = [
    c for c in CASES if build_program(apply_variant(load_scenario(c.scenario), c.variant)).is_mip
]


def test_the_catalogue_has_mips() -> None:
    assert len(MIP_CASES) >= 10


@pytest.mark.parametrize("case", MIP_CASES, ids=[c.name for c in MIP_CASES])
def test_warm_start_forced_on_keeps_the_optimum(case) -> None:
    scenario = apply_variant(load_scenario(case.scenario), case.variant)
    program = build_program(scenario)
    backend = HighsBackend(warm_start="on")
    assert backend.uses_warm_start(program)
    raw = backend.solve(program, SolveOptions(mip_gap=5e-7))
    doc = document(scenario, program, raw, seed=0, mip_gap=1e-6)
    assert doc.status.value == case.status
    if case.objective is not None:
        assert doc.objective == pytest.approx(case.objective, rel=1e-6, abs=1e-6)
        assert doc.verification is not None
        assert doc.verification.ok


def test_warm_start_off_and_auto_on_small_programs() -> None:
    program = build_program(load_scenario(MIP_CASES[0].scenario))
    assert not HighsBackend(warm_start="off").uses_warm_start(program)
    assert not HighsBackend().uses_warm_start(program)  # "auto": only large MIPs
    with pytest.raises(ValueError, match="warm_start"):
        HighsBackend(warm_start="sometimes")
