"""What an analysis's objective is: money to minimise, or (format 1.1) a score to maximise.

Every analysis that compares objectives reads the direction from here, so that a rule's cost
under a score objective is the score it loses, and analyses that only make sense for money
refuse a score objective with one clear message.
"""

from __future__ import annotations

from sourceopt.errors import AnalysisError
from sourceopt.scenario.model import Scenario


def is_score(scenario: Scenario) -> bool:
    """Whether the scenario (a variant already applied) maximises a score."""
    return scenario.objective.is_score


def kind(scenario: Scenario) -> str:
    """The result's ``objective_kind``: ``score`` or ``total_cost``."""
    return "score" if is_score(scenario) else "total_cost"


def loss(with_all: float, without: float, score: bool) -> float:
    """What a rule costs: the objective it adds (cost) or the score it takes away (score)."""
    return without - with_all if score else with_all - without


def refuse_score(scenario: Scenario, analysis: str, why: str) -> None:
    """Raise an AnalysisError when `analysis` is meaningless under a score objective."""
    if is_score(scenario):
        raise AnalysisError(
            f"{analysis} is not available under a score objective (variant "
            f"{scenario.variant!r}): {why}; use a variant with 'objective: {{minimize: "
            "total_cost}' for it"
        )
