"""The bundled portfolio (scenarios/portfolio/): checked by an independent small model.

The model is written here from the business situation (scipy's linprog, sharing no code with
sourceopt): one variable per (category, firm, item) offer; demand met exactly; Keystone's
30,000 hours over custodial, professional services and facilities together; small business
>= 23 %, wosb >= 5 %, sdvosb >= 3 % and every firm <= 60 % of total spend. Metro's pooled
copy-paper tier (36 from 2,500 cases over both departments, else 42) is enumerated: one LP
with the pool below the tier at 42, one with it at or above the tier at 36; the optimum is
the cheaper of the two.
"""

from __future__ import annotations

import numpy as np
import pytest
from scipy.optimize import linprog
from tests.conftest import ROOT

from sourceopt.portfolio import load_portfolio, solve_portfolio

PORTFOLIO = ROOT / "scenarios" / "portfolio" / "portfolio.yaml"
# (category, firm, item, price, tags); metro's price is set per case
OFFERS = [
    ("it", "northwind", "laptop", 900, ()),
    ("it", "bluecrest", "laptop", 940, ("sb",)),
    ("it", "northwind", "monitor", 200, ()),
    ("it", "bluecrest", "monitor", 215, ("sb",)),
    ("cust", "keystone", "cleaning", 28, ()),
    ("cust", "brightpath", "cleaning", 30, ("sb", "wosb")),
    ("cust", "metro", "paper", None, ()),
    ("cust", "paperplus", "paper", 40, ("sb",)),
    ("prof", "keystone", "analyst", 95, ()),
    ("prof", "meridian", "analyst", 105, ("sb", "wosb")),
    ("fac", "keystone", "maintenance", 60, ()),
    ("fac", "harbor", "maintenance", 64, ("sb", "sdvosb")),
    ("fac", "metro", "paper", None, ()),
    ("fac", "paperplus", "paper", 40, ("sb",)),
]
DEMAND = {
    ("it", "laptop"): 400,
    ("it", "monitor"): 500,
    ("cust", "cleaning"): 20000,
    ("cust", "paper"): 1500,
    ("prof", "analyst"): 6000,
    ("fac", "maintenance"): 8000,
    ("fac", "paper"): 1500,
}
GOALS = {"sb": 0.23, "wosb": 0.05, "sdvosb": 0.03}


def independent_optimum() -> float:
    best = np.inf
    for metro_price, pool_lo, pool_hi in ((42.0, 0.0, 2500 * (1 - 1e-5)), (36.0, 2500.0, 3000.0)):
        price = np.array([p if p is not None else metro_price for *_, p, _ in OFFERS], float)
        n = len(OFFERS)
        a_eq = [[1.0 if (o[0], o[2]) == key else 0.0 for o in OFFERS] for key in DEMAND]
        rows, rhs = [], []
        rows.append([1.0 if o[1] == "keystone" else 0.0 for o in OFFERS])
        rhs.append(30000.0)
        for tag, share in GOALS.items():  # share x total spend - tagged spend <= 0
            rows.append([(share - (tag in o[4])) * price[j] for j, o in enumerate(OFFERS)])
            rhs.append(0.0)
        for firm in {o[1] for o in OFFERS}:  # firm spend - 0.6 x total spend <= 0
            rows.append([((o[1] == firm) - 0.6) * price[j] for j, o in enumerate(OFFERS)])
            rhs.append(0.0)
        metro = [1.0 if o[1] == "metro" else 0.0 for o in OFFERS]
        rows += [metro, [-m for m in metro]]
        rhs += [pool_hi, -pool_lo]
        res = linprog(
            price,
            A_ub=rows,
            b_ub=rhs,
            A_eq=a_eq,
            b_eq=list(DEMAND.values()),
            bounds=[(0, None)] * n,
            method="highs",
        )
        if res.status == 0:
            best = min(best, float(res.fun))
    return best


def test_the_example_portfolio_matches_an_independent_model() -> None:
    result = solve_portfolio(load_portfolio(PORTFOLIO))
    doc = result.to_dict()
    assert doc["status"] == "optimal"
    assert doc["verification"]["ok"], doc["verification"]["problems"]
    assert result.total_cost == pytest.approx(independent_optimum(), rel=1e-6)
    assert doc["total_cost"] == pytest.approx(2_206_153.19, abs=0.01)  # pin (checked above)


def test_a_goal_no_category_meets_alone_is_met_jointly_and_priced() -> None:
    doc = solve_portfolio(load_portfolio(PORTFOLIO)).to_dict()
    sb = next(g for g in doc["goals"] if g["rule"] == "small-business-23pct")
    assert sb["met"] is True
    assert sb["met_independent"] is False  # alone: only Paper Plus, 120,000 of 2,190,000
    co = doc["coordination"]
    assert co["independent_cost"] == pytest.approx(2_190_000.0)  # the four pins, by hand
    assert co["independent_goals_met"] is False
    assert co["cost_of_goals"] == pytest.approx(doc["total_cost"] - 2_190_000.0)
    assert co["cost_of_goals"] > 0
    # the shared firm is held to its capacity over the three categories
    hours = sum(
        a["units"]
        for c in doc["categories"]
        for a in c["allocations"]
        if a["supplier"] == "keystone-services"
    )
    assert hours <= 30000 + 1e-6
    keystone = next(s for s in doc["suppliers"] if s["supplier"] == "keystone-services")
    assert keystone["categories"] == ["custodial", "professional-services", "facilities"]
    # the pooled paper reaches Metro's tier: 3,000 cases at 36
    metro = [
        a
        for c in doc["categories"]
        for a in c["allocations"]
        if a["supplier"] == "metro-office-supply"
    ]
    assert sum(a["units"] for a in metro) == pytest.approx(3000.0)
    assert {a["unit_price"] for a in metro} == {36.0}
