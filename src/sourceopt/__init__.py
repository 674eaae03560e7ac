"""sourceopt: supplier-sourcing optimisation, from scenario file to verified award.

>>> from sourceopt import load_scenario, solve
>>> result = solve(load_scenario("scenarios/laptops.yaml"))  # doctest: +SKIP

Importing sourceopt imports no solver; backends load when first used.
"""

from sourceopt.award import Award
from sourceopt.errors import (
    AnalysisError,
    BackendError,
    Problem,
    ScenarioError,
    SolutionUnavailableError,
    SourceoptError,
)
from sourceopt.formulation.build import build_program
from sourceopt.formulation.program import Program
from sourceopt.result import ResultDocument, SolveResult
from sourceopt.scenario.load import load_scenario
from sourceopt.scenario.model import Scenario
from sourceopt.scenario.schema import ScenarioDocument
from sourceopt.scenario.variants import apply_variant, variant_names
from sourceopt.solve import solve
from sourceopt.solvers.base import Status
from sourceopt.solvers.registry import available_backends, backend_names
from sourceopt.verify import Verification, verify

__version__ = "0.1.0"

__all__ = [
    "AnalysisError",
    "Award",
    "BackendError",
    "Problem",
    "Program",
    "ResultDocument",
    "Scenario",
    "ScenarioDocument",
    "ScenarioError",
    "SolutionUnavailableError",
    "SolveResult",
    "SourceoptError",
    "Status",
    "Verification",
    "__version__",
    "apply_variant",
    "available_backends",
    "backend_names",
    "build_program",
    "load_scenario",
    "solve",
    "variant_names",
    "verify",
]
