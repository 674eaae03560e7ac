"""explain: minimal conflicts in business words and the cheapest relaxation, on tiny cases.

Every expected answer is derived by hand in the comment above its case.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner

from sourceopt.analysis import conflict as conflict_module
from sourceopt.analysis.explain import explain
from sourceopt.cli import cli
from sourceopt.errors import AnalysisError
from sourceopt.scenario.load import load_scenario
from sourceopt.solvers.base import Status

ROOT = Path(__file__).resolve().parents[2]
SETASIDE = ROOT / "scenarios" / "infeasible-setaside.yaml"


def two_rules(lock_priority: int = 0, share_priority: int = 0) -> dict[str, Any]:
    """Two items of demand 100; S1 bids 10, S2 bids 12 on both; no capacities.

    `lock-s1-a-80` gives S1 at least 80 units of A; `max-half-per-item` allows no supplier more
    than 50 % of an item, i.e. at most 50 units of A. Those two rules alone conflict (the
    share row's bound 0.5 x 100 is a constant, so no demand or capacity is involved).
    """
    return {
        "sourceopt": 1,
        "name": "two-rules",
        "items": [{"id": "A", "demand": 100}, {"id": "B", "demand": 100}],
        "suppliers": [{"id": "S1"}, {"id": "S2"}],
        "offers": [
            {"supplier": "S1", "item": "A", "price": 10},
            {"supplier": "S2", "item": "A", "price": 12},
            {"supplier": "S1", "item": "B", "price": 10},
            {"supplier": "S2", "item": "B", "price": 12},
        ],
        "rules": [
            {
                "type": "award",
                "name": "lock-s1-a-80",
                "supplier": "S1",
                "item": "A",
                "min_units": 80,
                "priority": lock_priority,
            },
            {
                "type": "max_share",
                "name": "max-half-per-item",
                "limit": 0.5,
                "priority": share_priority,
            },
        ],
    }


def test_conflict_is_exactly_the_two_rules() -> None:
    out = explain(load_scenario(two_rules()))
    assert out.status is Status.INFEASIBLE
    assert [m.rule for m in out.conflict] == ["lock-s1-a-80", "max-half-per-item"]
    assert out.minimal
    lock, share = (m.message for m in out.conflict)
    assert "locks S1 on item A to at least 80 units" in lock
    assert "more than 50% of the volume of each item" in share


def test_deletion_filter_alone_finds_the_same_conflict(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(conflict_module, "iis_seed", lambda setup, grouped: None)
    out = explain(load_scenario(two_rules()), relax=False)
    assert out.method == "deletion filter"
    assert [m.rule for m in out.conflict] == ["lock-s1-a-80", "max-half-per-item"]
    assert out.relaxation is None


# Relaxation, equal priorities. Either rule gives way by 30 units (lock 80 -> 50, or the
# share 50 -> 80 units), priced at the top unit price 12: 360 either way. Among those the
# cheaper award wins: S1 80 of A (800) + S2 20 (240), B split 50/50 (500 + 600) = 2,140,
# versus 2,200 with the lock relaxed. Objective 2,140 + 360 = 2,500.
def test_cheapest_relaxation_prices_the_violation() -> None:
    out = explain(load_scenario(two_rules()))
    rel = out.relaxation
    assert rel is not None
    assert [(v.rule, v.amount, v.penalty) for v in rel.violations] == [
        ("max-half-per-item", pytest.approx(30), pytest.approx(360))
    ]
    assert rel.objective == pytest.approx(2500)
    assert rel.result.total_cost == pytest.approx(2140)
    assert out.verified


# With the share rule at priority 1, the lower-priority lock gives way first: S1 50 / S2 50
# on both items = 2,200, plus 30 x 12 = 360 for the lock.
def test_priorities_change_which_rule_is_relaxed() -> None:
    out = explain(load_scenario(two_rules(share_priority=1)))
    rel = out.relaxation
    assert rel is not None
    assert [(v.rule, v.amount) for v in rel.violations] == [("lock-s1-a-80", pytest.approx(30))]
    assert rel.objective == pytest.approx(2560)
    assert rel.result.total_cost == pytest.approx(2200)


# Demand 100 of A; S1 can deliver 60 (its capacity), S2 30 (its offer's capacity): the
# conflict is the demand and both capacities, no rule. Data give way only when rules cannot
# help; 10 units short (priced at the top price 11) is cheaper than buying 10 more.
def test_data_conflict_names_capacities_and_demand() -> None:
    doc = {
        "sourceopt": 1,
        "name": "short",
        "items": [{"id": "A", "demand": 100, "unit": "pallets"}],
        "suppliers": [{"id": "S1", "capacity": 60}, {"id": "S2"}],
        "offers": [
            {"supplier": "S1", "item": "A", "price": 10},
            {"supplier": "S2", "item": "A", "price": 11, "capacity": 30},
        ],
    }
    out = explain(load_scenario(doc))
    assert [m.rule for m in out.conflict] == ["capacity:S1", "capacity:S2", "demand:A"]
    messages = [m.message for m in out.conflict]
    assert "at most 60 units in total" in messages[0]
    assert "at most 30 of A (offer capacities)" in messages[1]
    assert messages[2] == "item A needs exactly 100 pallets"
    rel = out.relaxation
    assert rel is not None
    assert [(v.rule, v.amount, v.penalty) for v in rel.violations] == [
        ("demand:A", pytest.approx(10), pytest.approx(110))
    ]
    assert rel.objective == pytest.approx(600 + 330 + 110)


# A MIP: at least 3 awarded suppliers, but only 2 bid. The rule alone is the conflict.
def test_supplier_count_alone() -> None:
    doc = two_rules()
    doc["rules"] = [{"type": "supplier_count", "name": "three-suppliers", "min": 3}]
    out = explain(load_scenario(doc))
    assert [m.rule for m in out.conflict] == ["three-suppliers"]
    assert "at least 3 awarded suppliers" in out.conflict[0].message
    assert "2 of them bid" in out.conflict[0].message
    rel = out.relaxation
    assert rel is not None
    assert [(v.rule, v.amount) for v in rel.violations] == [("three-suppliers", pytest.approx(1))]


def test_setaside_names_the_rule_and_the_small_businesses() -> None:
    out = explain(load_scenario(SETASIDE))
    names = [m.rule for m in out.conflict]
    assert names[:3] == [
        "small-business-goal-min-40pct-of-spend",
        "capacity:campus-clean",
        "capacity:tri-county-paper",
    ]
    assert "worth at most 282,600 USD" in out.conflict[0].message
    assert out.relaxation is not None
    assert out.verified
    assert [v.rule for v in out.relaxation.violations] == [names[0]]


def test_feasible_scenario_has_nothing_to_explain() -> None:
    doc = two_rules()
    doc["rules"] = []
    out = explain(load_scenario(doc))
    assert out.to_dict() == {
        "scenario": "two-rules",
        "status": "optimal",
        "conflict": [],
        "relaxation": None,
        "final": True,
    }


def test_unknown_variant_lists_the_variants() -> None:
    with pytest.raises(AnalysisError, match=r"unknown variant 'nope'.*variants are: base"):
        explain(load_scenario(two_rules()), variant="nope")


def test_cli_explain_json_and_solve_why(tmp_path: Path) -> None:
    path = tmp_path / "two.yaml"
    path.write_text(yaml.safe_dump(two_rules()))
    runner = CliRunner()
    res = runner.invoke(cli, ["explain", str(path), "--json"])
    assert res.exit_code == 4, res.output
    data = json.loads(res.output)
    assert set(data) == {"scenario", "status", "conflict", "relaxation", "final"}
    assert set(data["relaxation"]) == {"objective", "violations", "cost", "penalty"}
    assert set(data["relaxation"]["violations"][0]) == {"rule", "amount", "penalty"}
    text = runner.invoke(cli, ["explain", str(path)])
    assert "Cheapest relaxation" in text.output
    assert "max-half-per-item" in text.output
    solved = runner.invoke(cli, ["solve", str(path)])
    assert solved.exit_code == 4
    assert "Why: these cannot all hold together" in solved.output
    assert "locks S1 on item A" in solved.output


def no_bid(capacity_on: str = "offer") -> dict[str, Any]:
    """The issue-11 reproduction: X (100) has bids from a @10 and b @11, b unable to deliver.

    With ``capacity_on="offer"`` b's offer has capacity 0 (a no-bid row); with ``"supplier"``
    b's own capacity is 0. Y (100): c @11, a @11. Rule: two awarded suppliers per item.
    """
    b_offer: dict[str, Any] = {"supplier": "b", "item": "X", "price": 11}
    b: dict[str, Any] = {"id": "b"}
    if capacity_on == "offer":
        b_offer["capacity"] = 0
    else:
        b["capacity"] = 0
    return {
        "sourceopt": 1,
        "name": "excl-count",
        "items": [{"id": "X", "demand": 100}, {"id": "Y", "demand": 100}],
        "suppliers": [{"id": "a"}, b, {"id": "c"}],
        "offers": [
            {"supplier": "a", "item": "X", "price": 10},
            b_offer,
            {"supplier": "c", "item": "Y", "price": 11},
            {"supplier": "a", "item": "Y", "price": 11},
        ],
        "rules": [{"type": "supplier_count", "name": "two-per-item", "min": 2, "per": "item"}],
    }


# X has one supplier that can receive units, so the rule and b's capacity conflict (lifting
# b's capacity lets b be X's second supplier). Cheapest relaxation: the rule short by one
# supplier on X, priced at the top unit price x the largest demand = 11 x 100 = 1,100; the
# award X: a 100 @10 = 1,000, Y: a and c at 11 = 1,100 -> total cost 2,100, objective 3,200.
@pytest.mark.parametrize(
    ("where", "data_message"),
    [("offer", "at most 0 of X (offer capacities)"), ("supplier", "at most 0 units in total")],
)
def test_a_supplier_that_cannot_deliver_never_counts(where: str, data_message: str) -> None:
    out = explain(load_scenario(no_bid(where)))
    assert out.status is Status.INFEASIBLE
    assert [m.rule for m in out.conflict] == ["two-per-item", "capacity:b"]
    rule, data = (m.message for m in out.conflict)
    assert "at least 2 awarded suppliers" in rule
    assert "item X has 1 with any capacity (a)" in rule
    assert data == f"supplier b can deliver {data_message}"
    rel = out.relaxation
    assert rel is not None
    assert [(v.rule, v.amount, v.penalty) for v in rel.violations] == [
        ("two-per-item", pytest.approx(1), pytest.approx(1100))
    ]
    assert rel.result.total_cost == pytest.approx(2100)
    assert rel.objective == pytest.approx(3200)
    assert out.verified


# A variant that excludes a supplier: the conflict names the exclusion, not a capacity.
def test_an_excluded_supplier_is_named_as_excluded() -> None:
    doc = no_bid()
    doc["offers"][1].pop("capacity")
    doc["variants"] = [{"name": "no-b", "exclude_suppliers": ["b"]}]
    assert explain(load_scenario(doc)).status is Status.OPTIMAL
    out = explain(load_scenario(doc), variant="no-b", relax=False)
    assert [m.rule for m in out.conflict] == ["two-per-item", "capacity:b"]
    assert (
        out.conflict[1].message == "supplier b is excluded by variant no-b (it can deliver nothing)"
    )


# A commitment holds awarded or not: C (bidding only on Y at 6) is committed 10 units of X.
# The rule alone is the conflict (its row is 0 >= 10), worded with the supplier that bid on
# none of its items. Relaxed: C's 10 units short, priced at the top unit price 6 (60); A
# takes everything at 5 (100). Objective 160.
def test_total_commitment_without_offers_is_the_conflict() -> None:
    sc = {
        "sourceopt": 1,
        "name": "commit-no-offer",
        "items": [{"id": "X", "demand": 10}, {"id": "Y", "demand": 10}],
        "suppliers": [{"id": "A"}, {"id": "C"}],
        "offers": [
            {"supplier": "A", "item": "X", "price": 5},
            {"supplier": "A", "item": "Y", "price": 5},
            {"supplier": "C", "item": "Y", "price": 6},
        ],
        "rules": [
            {"type": "total", "name": "commit-c", "min": 10, "suppliers": ["C"], "items": ["X"]}
        ],
    }
    out = explain(load_scenario(sc))
    assert out.status is Status.INFEASIBLE
    assert [m.rule for m in out.conflict] == ["commit-c"]
    (member,) = out.conflict
    assert "at least 10 units" in member.message
    assert "C bid on none of those items" in member.message
    rel = out.relaxation
    assert rel is not None
    assert [(v.rule, v.amount, v.penalty) for v in rel.violations] == [
        ("commit-c", pytest.approx(10), pytest.approx(60))
    ]
    assert rel.result.total_cost == pytest.approx(100)
    assert rel.objective == pytest.approx(160)
    assert out.verified


# min_award_share against the data: X (100); A can deliver 80 (offer capacity), B 25. B must
# take at least 20 and, once awarded, 30 % (30 units): the rule, the demand and the two
# capacities conflict. Rules give way before data, by the least: B at its 25 is 5 units short
# of its 30 %, priced at the top unit price 12 (60); then A 75 (750) + B 25 (300) = 1050.
# Objective 1110.
def test_min_award_share_gives_way_in_units() -> None:
    sc = {
        "sourceopt": 1,
        "name": "min-award-vs-capacity",
        "items": [{"id": "X", "demand": 100}],
        "suppliers": [{"id": "A"}, {"id": "B"}],
        "offers": [
            {"supplier": "A", "item": "X", "price": 10, "capacity": 80},
            {"supplier": "B", "item": "X", "price": 12, "capacity": 25},
        ],
        "rules": [{"type": "min_award_share", "name": "thirty", "limit": 0.3}],
    }
    out = explain(load_scenario(sc))
    assert out.status is Status.INFEASIBLE
    assert "thirty" in [m.rule for m in out.conflict]
    words = next(m.message for m in out.conflict if m.rule == "thirty")
    assert "awarded anything of each selected item at least 30% of its volume" in words
    rel = out.relaxation
    assert rel is not None
    assert [(v.rule, v.amount, v.penalty) for v in rel.violations] == [
        ("thirty", pytest.approx(5), pytest.approx(60))
    ]
    assert rel.result.total_cost == pytest.approx(1050)
    assert rel.objective == pytest.approx(1110)


def test_a_spent_budget_explains_nothing_and_says_so() -> None:
    out = explain(load_scenario(SETASIDE), analysis_time_limit=1e-9)
    assert (out.status, out.final, out.conflict, out.relaxation) == (
        Status.NO_SOLUTION, False, (), None,
    )  # fmt: skip
    res = CliRunner().invoke(cli, ["explain", str(SETASIDE), "--analysis-time-limit", "1e-9"])
    assert "nothing explained: the solve ended no_solution" in res.output
    assert "has an award" not in res.output  # what it said before, on no award at all


def test_a_budget_spent_after_the_status_solve_claims_no_conflict(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # the status solve proves infeasibility; then nothing is left: no conflict is proven (none
    # is claimed, as in a solve's result), the relaxation is not sought, not final
    import importlib

    explain_module = importlib.import_module("sourceopt.analysis.explain")
    calls = {"n": 0}
    real = explain_module.budgeted

    def once(setup: Any, deadline: Any) -> Any:
        calls["n"] += 1
        return real(setup, None) if calls["n"] == 1 else None

    full = explain(load_scenario(SETASIDE))
    monkeypatch.setattr(explain_module, "budgeted", once)
    monkeypatch.setattr(conflict_module, "budgeted", lambda setup, deadline: None)
    out = explain(load_scenario(SETASIDE), analysis_time_limit=60)
    assert out.status is Status.INFEASIBLE
    assert not out.minimal
    assert not out.final
    assert out.relaxation is None
    assert out.relaxation_stopped
    assert out.conflict == ()
    assert full.conflict
    assert out.to_dict()["final"] is False
    assert full.to_dict()["final"] is True
    calls["n"] = 0
    res = CliRunner().invoke(cli, ["explain", str(SETASIDE), "--analysis-time-limit", "60"])
    assert "Conflict: not diagnosed in the time allowed" in res.output
    assert "Cheapest relaxation: not found (a time limit stopped the search first)" in res.output


def test_a_relaxation_a_limit_stops_without_an_award_is_not_called_impossible() -> None:
    # before: a relaxation solve stopped by its time limit returned "no relaxation restores
    # feasibility", a claim only an infeasible solve can make
    from dataclasses import replace

    from sourceopt.analysis.diagnose_common import prepare
    from sourceopt.analysis.groups import conflict_groups
    from sourceopt.analysis.relaxation import RelaxationStoppedError, cheapest_relaxation

    setup = prepare(load_scenario(SETASIDE))
    grouped = conflict_groups(setup.scenario, setup.program)
    tiny = replace(setup, options=replace(setup.options, time_limit=1e-9))
    with pytest.raises(RelaxationStoppedError, match="ended no_solution"):
        cheapest_relaxation(tiny, grouped)
    found = cheapest_relaxation(setup, grouped)
    assert found is not None
    assert found.proven


@pytest.mark.parametrize("seeded", [True, False])
def test_progress_counts_every_group_the_search_settles_and_the_relaxation(
    seeded: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    from sourceopt.analysis.groups import conflict_groups
    from sourceopt.analysis.resolve import Progress
    from sourceopt.formulation.build import build_program

    if not seeded:  # the deletion filter from every group
        monkeypatch.setattr(conflict_module, "iis_seed", lambda *a, **k: None)
    sc = load_scenario(SETASIDE)
    counted: list[int] = []

    class Counted(Progress):
        def on_done(self) -> None:
            counted.append(self.finished)

    progress = Counted()
    out = explain(sc, progress=progress)
    assert out.status is Status.INFEASIBLE
    assert progress.finished == progress.total == counted[-1]
    assert counted == sorted(counted)
    groups = len(conflict_groups(sc, build_program(sc)).groups)
    searched = progress.total - 1  # the relaxation counts one
    assert len(out.conflict) <= searched <= groups
    assert seeded or searched == groups  # unseeded: the filter starts from every group
    quiet = Counted()
    explain(sc, progress=quiet, relax=False)
    assert quiet.total == progress.total - 1
