"""A new rule family is its schema class, one formulation module and one verify module.

``toy_cap`` (the selected suppliers together receive at most `max` units) is registered here
only, the way a real family is registered in ``formulation/rules`` and ``verify/families``:
the program builds its row, the verifier measures it independently, the result reports it,
a conflict words it and dropping it (rule costs) prices it.
"""

from __future__ import annotations

from typing import Any, Literal

import numpy as np
import pytest

from sourceopt import build_program, load_scenario
from sourceopt.analysis.rule_costs import row_unit
from sourceopt.formulation.context import Context
from sourceopt.formulation.family import Family, family_of
from sourceopt.formulation.rules import FAMILIES
from sourceopt.formulation.rules._shared import total
from sourceopt.scenario.model import Scenario
from sourceopt.scenario.schema import RuleBase, Selector
from sourceopt.scenario.selectors import supplier_mask
from sourceopt.solve import solve_options, solve_program
from sourceopt.verify import rowkit as kit
from sourceopt.verify.families import CHECKS
from sourceopt.verify.view import AwardView


class ToyCapRule(RuleBase):
    """The schema class: the selected suppliers together get at most `max` units."""

    type: Literal["toy_cap"]
    max: float
    suppliers: Selector = "all"


def build(rule: ToyCapRule, ctx: Context, ref: int) -> None:
    """The formulation: one row, sum of the selected suppliers' units <= max."""
    pairs = supplier_mask(ctx.scenario, rule.suppliers)[ctx.pair_supplier]
    ctx.add_rule_rows(rule, ref, [total(ctx, pairs, ctx.V)], lo=-np.inf, hi=rule.max)


def words(scenario: Scenario, rule: Any) -> str:
    """Its conflict sentence."""
    return f"caps the units of the selected suppliers at {rule.max:g}"


def rows(rule: ToyCapRule, view: AwardView, total_cost: float) -> kit.Rows:
    """The verify module: the units the award gives the selected suppliers, measured alone."""
    chosen = supplier_mask(view.scenario, rule.suppliers)[view.supplier]
    units = np.array([float(view.units[chosen].sum())])
    label = kit.always("the selected suppliers")
    return kit.bounded(units, np.ones(1), None, rule.max, label=label, what="units")


TOY = Family("toy_cap", build, words, unit="unit")
TOY_CHECK = kit.RuleChecker("toy_cap", rows, lambda rule: float(rule.max))

SCENARIO: dict[str, Any] = {
    "sourceopt": 1,
    "name": "toy",
    "items": [{"id": "A", "demand": 100}],
    "suppliers": [{"id": "CHEAP"}, {"id": "DEAR"}],
    "offers": [
        {"supplier": "CHEAP", "item": "A", "price": 10},
        {"supplier": "DEAR", "item": "A", "price": 12},
    ],
}


@pytest.fixture
def registered(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(FAMILIES, "toy_cap", TOY)
    monkeypatch.setitem(CHECKS, "toy_cap", TOY_CHECK)


def with_toy(cap: float) -> Scenario:
    rule = ToyCapRule(type="toy_cap", name="cheap-cap", max=cap, suppliers=["CHEAP"])
    return load_scenario(SCENARIO).with_changes(rules=[rule], rule_origins=[""])


@pytest.mark.usefixtures("registered")
def test_toy_family_builds_verifies_and_is_reported() -> None:
    scenario = with_toy(30.0)
    program = build_program(scenario)
    assert list(program.rule_rows("cheap-cap", measured=True)) == [program.n_rows - 1]
    result = solve_program(scenario, program, solve_options(scenario))
    # CHEAP gets its cap of 30 units at 10, DEAR the other 70 at 12: 300 + 840 = 1140
    assert result.objective == pytest.approx(1140.0)
    doc = result.document
    assert doc.verification is not None
    assert doc.verification.ok
    (report,) = [r for r in doc.rules if r.name == "cheap-cap"]
    assert report.type == "toy_cap"
    assert report.value == pytest.approx(30.0)
    assert report.binding
    rule = scenario.rules[0]
    assert family_of(rule).words(scenario, rule).startswith("caps the units")
    assert row_unit(rule) == "unit"


def test_unregistered_toy_family_is_refused() -> None:
    with pytest.raises(Exception, match="toy_cap"):
        build_program(with_toy(30.0))
