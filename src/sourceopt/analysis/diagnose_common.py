"""What explain, price-to-win and stress share: the chosen variant built once, and re-solves.

Every diagnosis builds the scenario's Program once (:func:`prepare`), then edits bounds, rows
or costs and re-solves it (:func:`run`); a re-solve that yields an award is mapped back
through the labels and checked by the independent verifier against a scenario that says the
same thing as the edited program.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from sourceopt.errors import AnalysisError, NoAwardError
from sourceopt.formulation.build import build_program
from sourceopt.formulation.program import ColumnKind, Program
from sourceopt.result import SolveResult
from sourceopt.scenario.model import Scenario
from sourceopt.scenario.variants import apply_variant, variant_names
from sourceopt.solve import solve_options, solve_with, verified
from sourceopt.solvers.base import Backend, RawResult, SolveOptions, Status
from sourceopt.solvers.registry import get_backend

AWARD = (Status.OPTIMAL, Status.FEASIBLE)


@dataclass(frozen=True)
class Setup:
    """The chosen variant, its built program, the solve options and the backend."""

    scenario: Scenario
    program: Program
    options: SolveOptions
    engine: Backend


@dataclass(frozen=True)
class Run:
    """One re-solve: the backend's raw result and, if it has an award, the verified result."""

    raw: RawResult
    result: SolveResult

    @property
    def has_award(self) -> bool:
        """Whether the re-solve found an award (optimal or feasible)."""
        return self.raw.x is not None and self.raw.status in AWARD

    @property
    def verified(self) -> bool:
        """The verifier's verdict (True when there was nothing to verify)."""
        doc = self.result.document
        return doc.verification is None or doc.verification.ok


def budgeted(setup: Setup, deadline: float | None) -> Setup | None:
    """`setup` whose solves end by `deadline` (``time.monotonic()``; None: no budget).

    Each solve gets the smaller of its own time limit and what is left; None when nothing is.
    """
    given = setup.options.within(deadline)
    return None if given is None else replace(setup, options=given)


def need_award(base: Run, what: str) -> Run:
    """`base` if it has an award; else :class:`NoAwardError` saying why there is none.

    `what` is what the analysis would do with the award ("stress", "bid against").
    """
    if base.has_award and base.raw.x is not None:
        return base
    doc, status = base.result.document, base.raw.status
    head = f"no award to {what}: scenario {doc.scenario!r} ({doc.variant}) is {status.value}"
    if status is Status.INFEASIBLE:
        why = "`sourceopt explain` shows why"
    elif status is Status.NO_SOLUTION:
        why = "a limit stopped its solve before it found an award (raise --time-limit)"
    else:
        why = base.raw.message or "see `sourceopt solve`"
    raise NoAwardError(f"{head}; {why}", status.value)


def check_variant(scenario: Scenario, variant: str) -> None:
    """Raise an AnalysisError naming the variants there are if `variant` is not one of them."""
    names = variant_names(scenario)
    if variant not in names:
        raise AnalysisError(
            f"unknown variant {variant!r} of scenario {scenario.name!r}; "
            f"the variants are: {', '.join(names)}"
        )


def prepare(
    scenario: Scenario,
    *,
    variant: str = "base",
    backend: str | None = None,
    time_limit: float | None = None,
    mip_gap: float | None = None,
) -> Setup:
    """Apply the variant, build its program once and find the backend (errors first)."""
    check_variant(scenario, variant)
    engine = get_backend(backend or scenario.solver.backend)
    chosen = apply_variant(scenario, variant)
    options = solve_options(scenario, time_limit=time_limit, mip_gap=mip_gap)
    return Setup(chosen, build_program(chosen).for_gap(options.mip_gap), options, engine)


def run(setup: Setup, scenario: Scenario, program: Program) -> Run:
    """Solve an (edited) program and verify its award against `scenario`.

    As :func:`sourceopt.solve.solve_program` (half the gap to the solver, the rest for the
    tie-break), keeping the raw result so that analyses can read slack and unit values.
    """
    result = solve_with(setup.engine, scenario, program, setup.options)
    assert result.raw is not None  # solve_with always keeps it
    return Run(result.raw, result)


def documented(setup: Setup, scenario: Scenario, program: Program, raw: RawResult) -> Run:
    """A raw result mapped back through the labels and verified against `scenario`."""
    return Run(raw, verified(setup.engine, scenario, program, raw, setup.options))


def feasible(setup: Setup, program: Program) -> Status:
    """The status of the program with a zero objective: a pure feasibility question."""
    zero = replace(
        program, c=np.zeros(program.n_cols), tie_break=np.zeros(program.n_cols), offset=0.0
    )
    return setup.engine.solve(zero, setup.options).status


def supplier_code(scenario: Scenario, supplier: str) -> int:
    """Position of a supplier id; an unknown id lists the suppliers there are."""
    ids = [str(s) for s in scenario.suppliers["id"]]
    if supplier not in ids:
        raise AnalysisError(
            f"unknown supplier {supplier!r} in scenario {scenario.name!r}; "
            f"the suppliers are: {', '.join(ids)}"
        )
    return ids.index(supplier)


def offer_units(program: Program, scenario: Scenario, x: np.ndarray) -> np.ndarray:
    """Units awarded through each offer (summed over its price segments)."""
    kind = program.columns["kind"].to_numpy()
    ref = program.columns["ref"].to_numpy()
    cols = kind == ColumnKind.OFFER_UNITS
    return np.bincount(ref[cols], weights=x[cols], minlength=scenario.n_offers)


def offer_reach(program: Program, scenario: Scenario) -> np.ndarray:
    """The most units each offer can carry in the program (its largest segment bound)."""
    kind = program.columns["kind"].to_numpy()
    ref = program.columns["ref"].to_numpy()
    cols = np.flatnonzero(kind == ColumnKind.OFFER_UNITS)
    out = np.zeros(scenario.n_offers)
    np.maximum.at(out, ref[cols], program.col_hi[cols])
    return out


def close(a: float, b: float, rel: float = 1e-6) -> bool:
    """Whether two amounts agree within a relative tolerance (at least an absolute 1e-6)."""
    return abs(a - b) <= rel * max(1.0, abs(a), abs(b))
