"""Cost of each rule: the objective with and without every rule, and LP duals of rule rows.

The scenario's program is built once; each rule is dropped from it
(:func:`~sourceopt.formulation.edits.drop_rule`), the edited program re-solved and its award
verified against the scenario without that rule. See models/README.md, "Analyses".
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from sourceopt.analysis.sense import is_score, kind, loss
from sourceopt.formulation.build import build_program
from sourceopt.formulation.edits import drop_rule, rule_position, without_rule
from sourceopt.formulation.family import family_of
from sourceopt.formulation.program import Program
from sourceopt.result import SolveResult
from sourceopt.scenario.model import Scenario
from sourceopt.scenario.schema import Rule
from sourceopt.scenario.variants import apply_variant
from sourceopt.solve import solve_options, solve_program
from sourceopt.solvers.base import Status
from sourceopt.solvers.registry import get_backend

SAME = 1e-6  # relative difference below which a rule "changes nothing"


@dataclass(frozen=True)
class RuleCost:
    """One rule priced: objective without it, the difference, binding, dual and a note."""

    name: str
    type: str
    origin: str
    binding: bool
    objective_without: float | None
    rule_cost: float | None
    rule_cost_pct: float | None
    status_without: Status
    dual: float | None
    note: str
    verified: bool

    def to_dict(self) -> dict[str, Any]:
        """The rule's entry of the ``rules`` analysis JSON (docs/results.md), plus a key.

        The added ``note`` says, e.g., "changes nothing" or "without it ... unbounded".
        """
        return {
            "name": self.name,
            "type": self.type,
            "binding": self.binding,
            "objective_without": self.objective_without,
            "rule_cost": self.rule_cost,
            "rule_cost_pct": self.rule_cost_pct,
            "status_without": self.status_without.value,
            "dual": self.dual,
            "note": self.note,
        }


@dataclass(frozen=True)
class RuleCosts:
    """The cost of each rule of one scenario variant.

    ``rules`` has one :class:`RuleCost` per rule (model rules first); ``row_duals`` lists, for
    LP-class scenarios, every rule row with a non-zero dual in business terms.
    """

    scenario: str
    variant: str
    currency: str
    base: SolveResult
    rules: tuple[RuleCost, ...]
    row_duals: pd.DataFrame
    objective_kind: str = "total_cost"  # "score": objectives and rule costs are score points

    @property
    def objective(self) -> float | None:
        """The objective with every rule (None without an award)."""
        return self.base.document.objective

    @property
    def frame(self) -> pd.DataFrame:
        """One row per rule (every field of :class:`RuleCost`)."""
        cols = list(RuleCost.__dataclass_fields__)
        return pd.DataFrame([[getattr(r, c) for c in cols] for r in self.rules], columns=cols)

    def to_dict(self) -> dict[str, Any]:
        """Exactly the ``rules`` analysis JSON of docs/results.md."""
        out: dict[str, Any] = {
            "scenario": self.scenario,
            "variant": self.variant,
            "objective": self.objective,
        }
        if self.objective_kind == "score":  # format 1.1: absent means total_cost
            out["objective_kind"] = "score"
        return {**out, "rules": [r.to_dict() for r in self.rules]}


def rule_costs(
    scenario: Scenario,
    *,
    variant: str = "base",
    rules: Sequence[str] | None = None,
    backend: str | None = None,
    time_limit: float | None = None,
    mip_gap: float | None = None,
) -> RuleCosts:
    """The objective with and without each rule (all rules, or the named ones).

    The program is built once; every re-solve drops one rule's block from it and is verified
    against the scenario without that rule. Duals are those of the solve with every rule
    (LP-class scenarios on a backend with duals; otherwise None).
    """
    chosen = apply_variant(scenario, variant)
    names = list(chosen.rule_names if rules is None else rules)
    for name in names:
        rule_position(chosen, name)  # unknown names fail before any solve
    options = solve_options(scenario, time_limit=time_limit, mip_gap=mip_gap)
    get_backend(backend or scenario.solver.backend)
    program = build_program(chosen)
    base = solve_program(chosen, program, options, backend)
    by_name = {r.name: r for r in base.document.rules}
    origins = dict(zip(chosen.rule_names, chosen.rule_origins, strict=True))
    duals = _row_duals(chosen, program, base.duals)
    out = []
    for name in names:
        rule = chosen.rules[rule_position(chosen, name)]
        less = without_rule(chosen, name)
        # a score's offers in force depend on the rules (exclude): rebuild, never edit
        edited = build_program(less) if is_score(chosen) else drop_rule(program, name, chosen)
        without = solve_program(less, edited, options, backend)
        doc = by_name.get(name)
        rule_dual = None
        if base.duals is not None:
            rule_dual = float(duals.loc[duals["rule"] == name, "dual"].sum())
        binding = doc is not None and doc.binding
        out.append(
            _priced(rule, origins[name], base, without, binding, rule_dual, is_score(chosen))
        )
    return RuleCosts(
        chosen.name, chosen.variant, chosen.currency, base, tuple(out), duals, kind(chosen)
    )


def _priced(
    rule: Rule,
    origin: str,
    base: SolveResult,
    without: SolveResult,
    binding: bool,
    dual: float | None,
    score: bool = False,
) -> RuleCost:
    """Compare the solve with the rule and the solve without it (`score`: points lost)."""
    with_obj, without_obj = base.document.objective, without.document.objective
    cost = pct = None
    note = ""
    if with_obj is not None and without_obj is not None:
        cost = loss(with_obj, without_obj, score)
        pct = cost / abs(without_obj) * 100.0 if without_obj != 0 else None
        if abs(cost) <= SAME * max(1.0, abs(with_obj)):
            same = "scores" if score else "costs"
            note = f"changes nothing: the award {same} the same without it"
    elif without.status is Status.UNBOUNDED:
        note = "without it the problem is unbounded"
    elif with_obj is None and without_obj is not None:
        note = "without it the scenario has an award"
    elif without_obj is None:
        note = f"without it: {without.status.value}"
    verified = without.document.verification is None or without.document.verification.ok
    if not verified:
        note = (note + "; " if note else "") + "the award without it FAILED verification"
    return RuleCost(
        name=str(rule.name),
        type=rule.type,
        origin=origin,
        binding=binding,
        objective_without=without_obj,
        rule_cost=cost,
        rule_cost_pct=pct,
        status_without=without.status,
        dual=dual,
        note=note,
        verified=verified,
    )


def row_unit(rule: Rule, currency: str = "money") -> str:
    """What one unit of a rule row's bound is, in business words (units, money, ...)."""
    return family_of(rule).row_unit(rule, currency)


def _row_duals(scenario: Scenario, program: Program, duals: np.ndarray | None) -> pd.DataFrame:
    """Rule rows with a non-zero dual: rule, group, supplier, item, dual (per unit of bound).

    ``group`` is the value a row of a rule with ``each`` is about (``CN``), else "".
    """
    cols = ["rule", "type", "group", "supplier", "item", "dual", "per"]
    if duals is None:
        return pd.DataFrame(columns=cols)
    rows, measured = program.rows, program.measured_rows()
    rule_of = {str(r.name): r for r in scenario.rules}
    types = rows["rule"].map({n: r.type for n, r in rule_of.items()}).to_numpy(dtype=object)
    mine = measured & pd.notna(types)
    pick = np.flatnonzero(mine & (np.abs(duals) > 1e-9))
    sup_ids = np.append(scenario.suppliers["id"].to_numpy(dtype=object), "")  # code -1: ""
    item_ids = np.append(scenario.items["id"].to_numpy(dtype=object), "")
    names = rows["rule"].to_numpy()[pick]
    return pd.DataFrame(
        {
            "rule": names,
            "type": types[pick],
            "group": (
                rows["group"].fillna("").to_numpy(dtype=object)[pick]
                if "group" in rows
                else np.full(len(pick), "", dtype=object)
            ),
            "supplier": sup_ids[rows["supplier"].to_numpy()[pick]],
            "item": item_ids[rows["item"].to_numpy()[pick]],
            "dual": duals[pick],
            "per": [row_unit(rule_of[n], scenario.currency) for n in names],
        },
        columns=cols,
    )
