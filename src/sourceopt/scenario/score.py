"""The score objective (format 1.1): each offer's score, the offers in force, their checks.

An offer's score = ``price_weight`` x (lowest landed unit cost among its item's offers in
force / its own landed unit cost) + the sum over criteria of ``weight`` x attribute / ``max``.
Landed unit costs use the base ``price`` (never tiers). An offer is *in force* when it may
receive units in the variant solved: its capacity and its supplier's are above 0 (a variant's
``exclude_suppliers`` sets them to 0) and no hard ``exclude`` rule bans its supplier from its
item. Criteria read the offer's attribute, else its supplier's (as every attribute does).
The formulation, the verifier and the analyses all read the scores from here.
"""

from __future__ import annotations

import numpy as np

from sourceopt.errors import Problem, ScenarioError
from sourceopt.scenario.landed import landed_unit_cost
from sourceopt.scenario.model import Scenario
from sourceopt.scenario.schema import Objective
from sourceopt.scenario.selectors import item_mask, supplier_mask

SCORE_TIE_TOLERANCE = 0.0
"""Relative: the cost stage of a score solve keeps the score at least the best found, less this
(times max(1, score)). Any slack lets the cost stage buy money with score: near a tie it would
move slack / (score difference per unit) units to a cheaper, worse offer. At 0 the cost stage
returns a vertex on the score row; the solver's own feasibility tolerance is the only slack."""


def offers_in_force(scenario: Scenario) -> np.ndarray:
    """Mask of the offers that may receive units in this (variant of the) scenario."""
    offers = scenario.offers
    sup = offers["supplier"].to_numpy()
    item = offers["item"].to_numpy()
    sup_cap = scenario.suppliers["capacity"].to_numpy(float)[sup]
    force = (offers["capacity"].to_numpy(float) > 0) & (sup_cap > 0)
    for rule in scenario.rules:
        if rule.type == "exclude" and rule.soft is None:
            banned_s = supplier_mask(scenario, rule.suppliers)
            banned_i = item_mask(scenario, rule.items)
            force &= ~(banned_s[sup] & banned_i[item])
    return np.asarray(force, dtype=bool)


def score_problems(
    scenario: Scenario, objective: Objective, file: str, place: str
) -> list[Problem]:
    """What makes a score objective unusable on `scenario` (empty for a cost objective).

    Bundles, an offer in force with a landed unit cost of 0, and an offer in force without a
    criterion's attribute (neither its own nor its supplier's) are problems at `place`.
    """
    if not objective.is_score:
        return []
    problems: list[Problem] = []
    if len(scenario.bundles):
        problems.append(
            Problem(
                file,
                place,
                "a score objective cannot be combined with bundles (a package has no unit "
                "price to score): remove the bundles or use 'minimize: total_cost'",
            )
        )
    force = offers_in_force(scenario)
    cost = landed_unit_cost(scenario)
    free = np.flatnonzero(force & (cost <= 0))
    if len(free):
        problems.append(
            Problem(
                file,
                f"{place}.price_weight",
                f"{_offer_names(scenario, free)} ha{'s' if len(free) == 1 else 've'} a landed "
                "unit cost of 0, so no price score can be computed: give it a price above 0 "
                "(or exclude the offer)",
            )
        )
    for k, criterion in enumerate(objective.criteria):
        missing = np.flatnonzero(force & np.isnan(scenario.offer_attribute(criterion.attribute)))
        if len(missing):
            problems.append(
                Problem(
                    file,
                    f"{place}.criteria[{k}].attribute",
                    f"attribute {criterion.attribute!r} is not set for "
                    f"{_offer_names(scenario, missing)}: give every offer in force (or its "
                    f"supplier) attributes.{criterion.attribute}",
                )
            )
    return problems


def _offer_names(scenario: Scenario, rows: np.ndarray, limit: int = 5) -> str:
    sup_ids = scenario.suppliers["id"].to_numpy()
    item_ids = scenario.items["id"].to_numpy()
    sup = scenario.offers["supplier"].to_numpy()[rows[:limit]]
    item = scenario.offers["item"].to_numpy()[rows[:limit]]
    names = [f"{s}/{i}" for s, i in zip(sup_ids[sup], item_ids[item], strict=True)]
    more = f" and {len(rows) - limit} more" if len(rows) > limit else ""
    return f"offer{'s' if len(rows) > 1 else ''} " + ", ".join(names) + more


def offer_scores(scenario: Scenario) -> np.ndarray:
    """Per offer: its score under the scenario's score objective (NaN for offers not in force).

    Raises :class:`ScenarioError` when the objective cannot be scored (see
    :func:`score_problems`; loading reports the same problems with their place).
    """
    objective = scenario.objective
    problems = score_problems(scenario, objective, scenario.source, "objective")
    if problems:
        raise ScenarioError(problems)
    cost = landed_unit_cost(scenario)
    force = offers_in_force(scenario)
    return scores_at(scenario, cost, force)


def scores_at(scenario: Scenario, cost: np.ndarray, force: np.ndarray) -> np.ndarray:
    """The offers' scores with the given landed unit costs and offers in force (NaN: not)."""
    objective = scenario.objective
    item = scenario.offers["item"].to_numpy()
    lowest = np.full(scenario.n_items, np.inf)
    np.minimum.at(lowest, item[force], cost[force])
    weight = float(objective.price_weight or 0.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        score = weight * lowest[item] / cost
    for criterion in objective.criteria:
        value = scenario.offer_attribute(criterion.attribute)
        score = score + criterion.weight * np.nan_to_num(value) / criterion.max
    return np.asarray(np.where(force, score, np.nan), dtype=float)
