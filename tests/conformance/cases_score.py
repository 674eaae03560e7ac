"""Catalogue cases of the score objective and the format-1.1 variant edits (hand-derived).

Score conventions: MEAT 60/40 means ``objective: {maximize: score, price_weight: 60,
criteria: [{attribute: quality, weight: 40, max: 100}]}``; an offer's score is
60 x lowest price in force / its price + 40 x quality / 100, and the award's score is the sum
over items of units / demand x score (docs/format.md, "Score objective").
"""

from __future__ import annotations

from typing import Any

from .cases import case, item, offer, scenario, sup

MEAT = {
    "maximize": "score",
    "price_weight": 60,
    "criteria": [{"attribute": "quality", "weight": 40, "max": 100}],
}


def _q(id: str, quality: float, **extra: Any) -> dict[str, Any]:
    return sup(id, attributes={"quality": quality}, **extra)


# S1 @10 quality 50: 60 x 10/10 + 40 x 50/100 = 60 + 20 = 80.
# S2 @12 quality 100: 60 x 10/12 + 40 x 100/100 = 50 + 40 = 90.
_WINNER = scenario(
    "score-winner",
    [item("A", 10)],
    [_q("S1", 50), _q("S2", 100)],
    [offer("S1", "A", 10), offer("S2", "A", 12)],
    objective=MEAT,
)

# 70 The dearer, better offer wins on score: S2 (90) beats the cheaper S1 (80) on every unit.
# Score 10/10 x 90 = 90; cost 10 x 12 = 120.
case(
    "score_winner_beats_cheaper",
    _WINNER,
    objective=90,
    total_cost=120,
    allocation={("S2", "A"): 10},
)

# 71 A tie in score is broken by the lower cost: S2 @12.5 quality 80 scores
# 60 x 10/12.5 + 40 x 80/100 = 48 + 32 = 80, as S1 @10 quality 50 does (80). Every split
# scores 80; the cheapest is all at S1: cost 100. S2 is listed first, so the supplier
# tie-break (earlier listed) would pick it: only the cost stage picks S1.
case(
    "score_tie_broken_by_cost",
    scenario(
        "score-tie",
        [item("A", 10)],
        [_q("S2", 80), _q("S1", 50)],
        [offer("S2", "A", 12.5), offer("S1", "A", 10)],
        objective=MEAT,
    ),
    objective=80,
    total_cost=100,
    allocation={("S1", "A"): 10},
)

# 72 Case 70 with a budget of 110: 10 x1 + 12 x2 <= 110 with x1 + x2 = 10 gives x2 <= 5.
# The score (80 x1 + 90 x2) / 10 grows with x2: x2 = 5, x1 = 5: (400 + 450) / 10 = 85;
# cost 50 + 60 = 110.
case(
    "score_with_budget",
    {**_WINNER, "name": "score-budget", "rules": [{"type": "budget", "max": 110}]},
    objective=85,
    total_cost=110,
    allocation={("S1", "A"): 5, ("S2", "A"): 5},
)

# 73 Case 70 with a soft max_share of 60 % at 0.5 points per unit over (volume share: the
# violation is in units). Each unit moved from S1 to S2 earns (90 - 80) / 10 = 1 point; past
# 6 units it also costs 0.5: still worth it, so S2 takes all 10: 90 - 0.5 x 4 = 88; cost 120.
case(
    "score_soft_rule_points",
    {
        **_WINNER,
        "name": "score-soft",
        "rules": [{"type": "max_share", "limit": 0.6, "soft": {"penalty": 0.5}}],
    },
    objective=88,
    total_cost=120,
    allocation={("S2", "A"): 10},
)

# 74 The same at 2 points per unit over: a unit past 6 earns 1 and costs 2, so S2 stops at 6:
# (4 x 80 + 6 x 90) / 10 = 86; cost 40 + 72 = 112.
case(
    "score_soft_rule_points_binding",
    {
        **_WINNER,
        "name": "score-soft-2",
        "rules": [{"type": "max_share", "limit": 0.6, "soft": {"penalty": 2}}],
    },
    objective=86,
    total_cost=112,
    allocation={("S1", "A"): 4, ("S2", "A"): 6},
)

# Three bidders: S1 @10 q50, S2 @12 q100, S3 @15 q100. With S1 in force the lowest price is 10:
# S1 80, S2 90, S3 60 x 10/15 + 40 = 80: S2 wins (case 70's award, score 90).
_THREE = scenario(
    "score-three",
    [item("A", 10)],
    [_q("S1", 50), _q("S2", 100), _q("S3", 100)],
    [offer("S1", "A", 10), offer("S2", "A", 12), offer("S3", "A", 15)],
    objective=MEAT,
    variants=[{"name": "no-s1", "exclude_suppliers": ["S1"]}],
)

# 75 Without S1 (excluded by the variant) the lowest price in force is 12: S2 scores
# 60 x 12/12 + 40 = 100, S3 60 x 12/15 + 40 = 48 + 40 = 88. S2 takes all: 100; cost 120.
case(
    "score_lowest_price_in_force_variant",
    _THREE,
    objective=100,
    total_cost=120,
    allocation={("S2", "A"): 10},
    variant="no-s1",
)

# 76 The same with a hard exclude rule on S1 instead: 100, cost 120.
case(
    "score_lowest_price_in_force_exclude_rule",
    {
        **_THREE,
        "name": "score-three-excl",
        "variants": [],
        "rules": [{"type": "exclude", "suppliers": ["S1"]}],
    },
    objective=100,
    total_cost=120,
    allocation={("S2", "A"): 10},
)

# 77 A variant that replaces the score objective by cost: S1 @10 is cheapest, 10 x 10 = 100.
case(
    "variant_objective_cost",
    {**_WINNER, "name": "score-or-cost", "variants": [{"name": "cost", "objective": {}}]},
    objective=100,
    total_cost=100,
    allocation={("S1", "A"): 10},
    variant="cost",
)

# Cost scenario: items A (10), B (4); S1: A @10, B @5; S2: A @12, B @6. Cheapest: all at S1.
_EDITS = scenario(
    "variant-edits",
    [item("A", 10, tags=["metal"]), item("B", 4)],
    [sup("S1"), sup("S2")],
    [offer("S1", "A", 10), offer("S1", "B", 5), offer("S2", "A", 12), offer("S2", "B", 6)],
    variants=[
        {"name": "set", "set_demand": {"A": 20}},
        {"name": "scale", "scale_demand": [{"items": {"tags": ["metal"]}, "factor": 1.5}]},
        {"name": "prices", "scale_prices": [{"suppliers": ["S1"], "items": ["A"], "factor": 1.5}]},
        {
            "name": "order",
            "set_demand": {"A": 20},
            "scale_demand": [{"items": ["A"], "factor": 1.5}],
            "demand_scale": 2,
            "scale_prices": [{"suppliers": ["S1"], "items": "all", "factor": 1.5}],
            "price_scale": {"S1": 2},
        },
    ],
)

# 78 set_demand A: 20: A 20 x 10 = 200, B 4 x 5 = 20: 220.
case(
    "variant_set_demand",
    _EDITS,
    objective=220,
    total_cost=220,
    allocation={("S1", "A"): 20, ("S1", "B"): 4},
    variant="set",
)

# 79 scale_demand on items tagged metal (A) by 1.5: A 15 x 10 = 150, B 4 x 5 = 20: 170.
case(
    "variant_scale_demand",
    _EDITS,
    objective=170,
    total_cost=170,
    allocation={("S1", "A"): 15, ("S1", "B"): 4},
    variant="scale",
)

# 80 scale_prices S1 on A by 1.5: S1 A @15 > S2 A @12: A 10 x 12 = 120; B stays at S1 @5: 20.
# Total 140.
case(
    "variant_scale_prices",
    _EDITS,
    objective=140,
    total_cost=140,
    allocation={("S2", "A"): 10, ("S1", "B"): 4},
    variant="prices",
)

# 81 Edit order: demand A = 20 (set_demand), x 1.5 = 30 (scale_demand), x 2 = 60 (demand_scale);
# B 4 x 2 = 8. S1's prices x 1.5 (scale_prices) x 2 (price_scale): A @30, B @15, so S2 wins both:
# A 60 x 12 = 720, B 8 x 6 = 48: 768. (Scaling before setting would give A 20, not 60.)
case(
    "variant_edit_order",
    _EDITS,
    objective=768,
    total_cost=768,
    allocation={("S2", "A"): 60, ("S2", "B"): 8},
    variant="order",
)


# 82 The score reads the landed unit cost (price + adders, converted), not the bare price.
# Scenario currency EUR; S1 bids 8 USD (rate 1.25 -> 10 EUR) + 2 EUR-equivalent freight
# (1.6 USD x 1.25 = 2) = landed 12, quality 50; S2 bids 11 EUR + 1 freight = landed 12,
# quality 100. Lowest landed 12: S1 scores 60 x 12/12 + 40 x 0.5 = 80, S2 60 + 40 = 100.
# On bare prices S1 (10 EUR) would set the lowest price and S2 would score 60 x 10/11 + 40.
# S2 takes all 10: score 100; cost 10 x 11 = 110 purchase + 10 freight = 120.
case(
    "score_reads_landed_unit_cost",
    scenario(
        "score-landed",
        [item("A", 10)],
        [_q("S1", 50, currency="USD"), _q("S2", 100)],
        [
            offer("S1", "A", 8, adders={"freight": 1.6}),
            offer("S2", "A", 11, adders={"freight": 1}),
        ],
        objective=MEAT,
        currency="EUR",
        exchange_rates={"USD": 1.25},
    ),
    objective=100,
    total_cost=120,
    allocation={("S2", "A"): 10},
)
