"""Every bundled example (every file in scenarios/, every variant): status and objective pinned.

The objectives below were taken from a run (HiGHS, default gap 1e-6) and are REGRESSION PINS
ONLY: they say "this did not change", not "this is right". What is right is established by
the hand-derived cases (tests/conformance/, tests/test_kpis.py) and, for the examples, by the
cross-checks at the end of this file: the infeasible set-aside by hand, and the plain
lowest-cost award of the semiconductor scenario by an independent small model (scipy's
MILP on a formulation written here from the YAML, sharing no code with sourceopt). A pin
that moves must be explained (a bug fixed, a deliberate change of a scenario), never just
re-recorded. Two optimal answers may differ by the relative gap, so pins hold to 2e-6.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest
import yaml
from scipy.optimize import Bounds, LinearConstraint, milp

from sourceopt import load_scenario, solve
from sourceopt.scenario.variants import variant_names

ROOT = Path(__file__).resolve().parents[1]
SCENARIOS = ROOT / "scenarios"

PINS: dict[tuple[str, str], tuple[str, float | None]] = {
    # derived by hand in the file's comment (and by test_eu_lots_award_by_hand below)
    ("eu-it-lots.yaml", "base"): ("optimal", 454 + 10 / 11),
    ("eu-it-lots.yaml", "lowest-price"): ("optimal", 810_000.0),
    ("freight-lanes/freight-lanes.yaml", "base"): ("optimal", 47_072_149.574),
    # freight-lanes-loads: base cross-checked by an independent MILP (test at the end)
    ("freight-lanes-loads/freight-lanes-loads.yaml", "base"): ("optimal", 14_038_695.58),
    ("freight-lanes-loads/freight-lanes-loads.yaml", "volume-plus-15pct"): (
        "optimal",
        16_250_563.73,
    ),
    ("freight-lanes-loads/freight-lanes-loads.yaml", "redhawk-late-bid"): (
        "optimal",
        14_034_771.72,
    ),
    ("freight-lanes-loads/freight-lanes-loads.yaml", "no-dedicated"): ("optimal", 14_458_711.41),
    ("freight-lanes/freight-lanes.yaml", "incumbents-keep-60pct"): ("optimal", 47_232_164.674),
    ("freight-lanes/freight-lanes.yaml", "no-broker"): ("optimal", 47_241_136.334),
    ("freight-lanes/freight-lanes.yaml", "carrier-base-max-7"): ("optimal", 47_258_597.6),
    ("freight-lanes/freight-lanes.yaml", "peak-season-plus-10pct"): ("optimal", 51_791_829.3524),
    ("freight-lanes/freight-lanes.yaml", "on-time-94pct"): ("optimal", 47_142_552.774560),
    ("infeasible-setaside.yaml", "base"): ("infeasible", None),
    ("infeasible-setaside.yaml", "goal-18pct"): ("optimal", 1_198_311.926606),
    ("infeasible-setaside.yaml", "soft-goal"): ("optimal", 1_253_365.0),
    ("laptops-workbook/laptops-workbook.yaml", "base"): ("optimal", 2_024_929.0),
    ("laptops-workbook/laptops-workbook.yaml", "single-source-allowed"): (
        "optimal",
        2_007_642.0784,
    ),
    ("laptops-workbook/laptops-workbook.yaml", "northbridge-bafo"): ("optimal", 1_995_180.8),
    ("landed-cost.yaml", "base"): ("optimal", 32_230.0),  # derived by hand in the file
    ("laptops.yaml", "base"): ("optimal", 2_024_929.0),
    ("laptops.yaml", "single-source-allowed"): ("optimal", 2_007_642.0784),
    ("laptops.yaml", "headcount-plus-15pct"): ("optimal", 2_317_479.35),
    ("laptops.yaml", "northbridge-bafo"): ("optimal", 1_995_180.8),
    ("laptops.yaml", "fast-delivery"): ("optimal", 2_028_164.727272),
    # the categories of scenarios/portfolio/ solved alone: all at the lowest price (by hand:
    # 400 x 900 + 500 x 200; 20000 x 28 + 1500 x 40; 6000 x 95; 8000 x 60 + 1500 x 40)
    ("portfolio/it-hardware.yaml", "base"): ("optimal", 460_000.0),
    ("portfolio/custodial.yaml", "base"): ("optimal", 620_000.0),
    ("portfolio/professional-services.yaml", "base"): ("optimal", 570_000.0),
    ("portfolio/facilities.yaml", "base"): ("optimal", 540_000.0),
    ("public-services.yaml", "base"): ("optimal", 2_245_435.741048),
    ("public-services.yaml", "no-socioeconomic-goals"): ("optimal", 2_241_350.0),
    ("public-services.yaml", "small-business-35pct"): ("optimal", 2_255_827.484991),
    ("public-services.yaml", "debarment-ignored"): ("optimal", 2_110_124.782369),
    ("raw-material/resin.yaml", "base"): ("optimal", 22_461_937.471549),
    ("raw-material/resin.yaml", "no-concentration-cap"): ("optimal", 22_437_493.85),
    ("raw-material/resin.yaml", "feedstock-spike"): ("optimal", 23_803_653.719842),
    ("raw-material/resin.yaml", "low-carbon"): ("optimal", 22_607_429.326259),
    ("resilient-chips.yaml", "base"): ("optimal", 2_099_568.2672231),
    ("resilient-chips.yaml", "no-resilience-policy"): ("optimal", 1_959_800.0),
    ("resilient-chips.yaml", "export-control-xinda"): ("optimal", 2_197_630.7486721),
    ("resilient-chips.yaml", "risk-max-0.25"): ("optimal", 2_220_082.79648614),
    ("resilient-chips.yaml", "build-plan-plus-20pct"): ("optimal", 2_533_400.02920936),
}


def scenario_files() -> list[Path]:
    """Every scenario file (portfolio files, which name scenario files, are pinned apart)."""
    return sorted(
        p
        for p in SCENARIOS.rglob("*")
        if p.suffix in (".yaml", ".yml", ".json") and "sourceopt_portfolio:" not in p.read_text()
    )


def test_every_example_and_every_variant_is_pinned() -> None:
    found = {
        (path.relative_to(SCENARIOS).as_posix(), variant)
        for path in scenario_files()
        for variant in variant_names(load_scenario(path))
    }
    assert found == set(PINS), "pin the new example (and say how its optimum was checked)"


@pytest.mark.parametrize(
    ("file", "variant"), sorted(PINS), ids=[f"{f}:{v}" for f, v in sorted(PINS)]
)
def test_example_status_and_objective(file: str, variant: str) -> None:
    status, objective = PINS[file, variant]
    result = solve(load_scenario(SCENARIOS / file), variant=variant, diagnose=False)
    assert result.status.value == status
    if objective is None:
        assert not result.has_award
        return
    assert result.objective == pytest.approx(objective, rel=2e-6)
    assert result.verification.ok, result.verification.problems


def test_setaside_is_infeasible_by_hand() -> None:
    """40 % of spend cannot go to the small businesses, whatever the award.

    Every unit of an item costs at least the item's lowest bid, so the category's spend is at
    least sum(demand x lowest price) = 9,000 x 38.90 + 7,000 x 51.90 + 5,000 x 34.70 +
    3,000 x 61.50 + 2,500 x 44.80 = 1,183,400, and 40 % of it is 473,360. The two small
    businesses hold 2,500 + 2,000 = 4,500 units at most, at no more than 66 each: at most
    297,000 < 473,360.
    """
    doc: dict[str, Any] = yaml.safe_load((SCENARIOS / "infeasible-setaside.yaml").read_text())
    lowest: dict[str, float] = {}
    for offer in doc["offers"]:
        lowest[offer["item"]] = min(lowest.get(offer["item"], np.inf), offer["price"])
    least_spend = sum(item["demand"] * lowest[item["id"]] for item in doc["items"])
    assert least_spend == pytest.approx(1_183_400)
    small = {s["id"]: s["capacity"] for s in doc["suppliers"] if "small_business" in s["tags"]}
    dearest = max(o["price"] for o in doc["offers"] if o["supplier"] in small)
    assert sum(small.values()) * dearest == pytest.approx(297_000)
    assert sum(small.values()) * dearest < 0.40 * least_spend
    assert PINS["infeasible-setaside.yaml", "base"] == ("infeasible", None)


def independent_lowest_cost(doc: dict[str, Any]) -> float:
    """The plain lowest-cost award of a rule-free scenario without tiers, bundles or rebates.

    Columns: units per offer, then one 0/1 "awarded" per supplier. Rows: demand met exactly;
    units of a supplier <= capacity x awarded (its capacity, else all demand) and
    >= min_units x awarded. Objective: price x units + fixed cost x awarded.
    """
    items = {i["id"]: float(i["demand"]) for i in doc["items"]}
    sups = [s["id"] for s in doc["suppliers"]]
    info = {s["id"]: s for s in doc["suppliers"]}
    offers = doc["offers"]
    assert not any("tiers" in o for o in offers)
    assert not doc.get("bundles")
    assert not doc.get("rebates")
    total = sum(items.values())
    n_o, n_s = len(offers), len(sups)
    c = np.r_[[o["price"] for o in offers], [info[s].get("fixed_cost", 0.0) for s in sups]]
    rows, lo, hi = [], [], []
    for item, demand in items.items():
        rows.append(np.r_[[o["item"] == item for o in offers], np.zeros(n_s)])
        lo.append(demand)
        hi.append(demand)
    for j, s in enumerate(sups):
        mine = np.array([o["supplier"] == s for o in offers], dtype=float)
        awarded = np.eye(n_s)[j]
        rows.append(np.r_[mine, -min(info[s].get("capacity", total), total) * awarded])
        lo.append(-np.inf)
        hi.append(0.0)
        rows.append(np.r_[mine, -info[s].get("min_units", 0.0) * awarded])
        lo.append(0.0)
        hi.append(np.inf)
    upper = np.r_[[o.get("capacity", total) for o in offers], np.ones(n_s)]
    found = milp(
        c,
        constraints=LinearConstraint(np.array(rows), lo, hi),
        bounds=Bounds(0, upper),
        integrality=np.r_[np.zeros(n_o), np.ones(n_s)],
        options={"mip_rel_gap": 1e-9},
    )
    assert found.status == 0, found.message
    return float(found.fun)


def test_semiconductors_lowest_cost_by_an_independent_model() -> None:
    # `no-resilience-policy` drops every rule of the `resilient` model: what is left is the
    # plain lowest-cost award with supplier capacities, minimum commitments and one fixed
    # cost (Xinda's 25,000 qualification), which the small MILP above states directly
    doc: dict[str, Any] = yaml.safe_load((SCENARIOS / "resilient-chips.yaml").read_text())
    assert not doc.get("rules")
    model_rules = {
        r["name"] for r in yaml.safe_load((ROOT / "models" / "resilient.yaml").read_text())["rules"]
    }
    dropped = next(v for v in doc["variants"] if v["name"] == "no-resilience-policy")
    assert set(dropped["drop_rules"]) == model_rules
    expected = independent_lowest_cost(doc)
    assert expected == pytest.approx(1_959_800.0, rel=1e-9)
    pinned = PINS["resilient-chips.yaml", "no-resilience-policy"][1]
    assert pinned == pytest.approx(expected, rel=2e-6)


def test_eu_lots_award_by_hand() -> None:
    """The MEAT award and the lowest-price award of eu-it-lots.yaml, as its comment derives.

    MEAT (score 454 + 10/11, cost 835,000): L1 Atlas, L2 Brio, L3 Cobalt, L4 Brio, L5 Atlas.
    Lowest price (810,000): L1 Cobalt, L2 Brio, L3 Eon, L4 Eon, L5 Atlas. Each lot whole.
    """
    scenario = load_scenario(SCENARIOS / "eu-it-lots.yaml")
    expected = {
        "base": ("score", 835_000.0, ["atlas", "brio", "cobalt", "brio", "atlas"]),
        "lowest-price": ("total_cost", 810_000.0, ["cobalt", "brio", "eon", "eon", "atlas"]),
    }
    for variant, (kind, cost, winners) in expected.items():
        result = solve(scenario, variant=variant)
        assert result.document.objective_kind == kind
        assert result.total_cost == pytest.approx(cost, rel=1e-9)
        alloc = result.allocations
        won = alloc[alloc["units"] > 1e-9]
        assert won["units"].tolist() == pytest.approx([1.0] * 5)
        lots = dict(zip(won["item"], won["supplier"], strict=True))
        assert [lots[i] for i in sorted(lots)] == winners


def test_landed_cost_example_as_derived_by_hand() -> None:
    """scenarios/landed-cost.yaml: the award and every cost figure derived in its comment."""
    result = solve(load_scenario(SCENARIOS / "landed-cost.yaml"))
    cost = result.to_dict()["cost"]
    assert result.total_cost == pytest.approx(32_230.0, rel=1e-9)
    assert cost["purchase"] == pytest.approx(28_180.0, rel=1e-9)
    assert cost["adders"] == pytest.approx(3_300.0, rel=1e-9)
    assert cost["adders_by_name"] == pytest.approx({"duty": 1_325.0, "freight": 1_975.0})
    assert cost["fixed"] == pytest.approx(1_500.0, rel=1e-9)
    assert cost["rebates"] == pytest.approx(750.0, rel=1e-9)
    units = result.allocations.groupby(["supplier", "item"])["units"].sum().to_dict()
    assert {k: round(v, 6) for k, v in units.items() if v > 1e-6} == {
        ("sz-tech", "housing"): 2000,
        ("sz-tech", "pcb"): 1500,
        ("sz-tech", "cable"): 1500,
        ("eu-plast", "cable"): 1500,
    }


def independent_freight_loads(scale: float = 1.0) -> float:
    """The freight-lanes-loads optimum from its CSVs by a MILP written here (scipy's milp).

    Columns: integer loads per offer, a 0/1 "used" per offer, a 0/1 "awarded" per carrier.
    Rows: each lane's demand (x `scale`) met exactly; loads <= capacity x used and >= min_units
    x used per offer; at most one used offer per (carrier, lane) (the alternates); at most 3
    used offers per lane (a used offer with 0 loads only tightens this); each `total` rule's
    regional cap; a carrier's loads <= all demand x awarded (its fixed cost). Objective: rate x
    loads + switching cost x used + fixed cost x awarded. It shares no code with sourceopt.
    """
    import pandas as pd

    here = SCENARIOS / "freight-lanes-loads"
    doc: dict[str, Any] = yaml.safe_load((here / "freight-lanes-loads.yaml").read_text())
    lanes = pd.read_csv(here / "items.csv")
    carriers = pd.read_csv(here / "suppliers.csv")
    offers = pd.read_csv(here / "offers.csv")
    n, k = len(offers), len(carriers)
    demand = dict(zip(lanes["id"], lanes["demand"] * scale, strict=True))
    region = dict(zip(lanes["id"], lanes["group"], strict=True))
    cap = np.minimum(offers["capacity"].to_numpy(float), offers["item"].map(demand).to_numpy())
    code = {c: j for j, c in enumerate(carriers["id"])}
    who = offers["supplier"].map(code).to_numpy()
    rows: list[np.ndarray] = []
    lo: list[float] = []
    hi: list[float] = []

    def row(
        x: Any = 0.0, y: Any = 0.0, z: Any = 0.0, low: float = -np.inf, up: float = 0.0
    ) -> None:
        rows.append(np.r_[np.broadcast_to(x, n), np.broadcast_to(y, n), np.broadcast_to(z, k)])
        lo.append(low)
        hi.append(up)

    for lane, units in demand.items():
        on = (offers["item"] == lane).to_numpy(float)
        row(x=on, low=units, up=units)
        row(y=on, up=3.0)
    for o in range(n):
        row(x=np.eye(n)[o], y=-cap[o] * np.eye(n)[o])
        row(x=-np.eye(n)[o], y=offers["min_units"].iat[o] * np.eye(n)[o])
    for _, group in offers.groupby(["supplier", "item"]):
        row(y=np.isin(np.arange(n), group.index).astype(float), up=1.0)
    for rule in doc["rules"]:
        if rule["type"] == "total":
            mine = (offers["supplier"] == rule["suppliers"][0]) & offers["item"].map(region).isin(
                rule["items"]["group"]
            )
            row(x=mine.to_numpy(float), up=float(rule["max"]))
    total = sum(demand.values())
    for j in range(k):
        row(x=(who == j).astype(float), z=-total * np.eye(k)[j])
    switching = offers["fixed_cost"].to_numpy(float)  # paid by a used bid
    c = np.r_[offers["price"].to_numpy(float), switching, carriers["fixed_cost"].to_numpy(float)]
    ub = np.r_[cap, np.ones(n + k)]
    found = milp(
        c,
        constraints=LinearConstraint(np.array(rows), lo, hi),
        integrality=np.ones(2 * n + k),
        bounds=Bounds(np.zeros(2 * n + k), ub),
        options={"mip_rel_gap": 1e-9},
    )
    assert found.success, found.message
    return float(found.fun)


def test_freight_loads_matches_an_independent_milp() -> None:
    """Whole loads, alternates, 3 carriers a lane, regional totals: same optimum both ways."""
    pinned = PINS["freight-lanes-loads/freight-lanes-loads.yaml", "base"][1]
    assert independent_freight_loads() == pytest.approx(pinned, rel=1e-6)
    plus = PINS["freight-lanes-loads/freight-lanes-loads.yaml", "volume-plus-15pct"][1]
    assert independent_freight_loads(1.15) == pytest.approx(plus, rel=1e-6)
