"""Catalogue cases of format 1.1's landed cost, incremental tiers and scoped rebates.

Every optimum is derived by hand in the comment above its case (conventions of cases.py).
Exchange rates are powers of two so that converted money stays exact on every backend.
"""

from __future__ import annotations

from .cases import case, item, offer, scenario, sup

# L1 Incremental tiers, convex (the band price rises): A costs 5 for units [0, 60) and 8 for
# units from 60; B @7 has capacity 30. A's first 60 units (300) are the cheapest; 40 more are
# needed: B's 30 @7 (210) before A's band @8 (10 units, 80). Total 300 + 210 + 80 = 590.
# (Read as all-units, A's 70 units would all cost 8: 560 + 210 = 770.)
case(
    "incremental_tiers_convex",
    scenario(
        "incremental-convex",
        [item("X", 100)],
        [sup("A"), sup("B")],
        [
            offer("A", "X", 5, tier_type="incremental", tiers=[{"from": 60, "price": 8}]),
            offer("B", "X", 7, capacity=30),
        ],
    ),
    objective=590,
    total_cost=590,
    allocation={("A", "X"): 70, ("B", "X"): 30},
    cost={"purchase": 590},
)

# L2 Incremental tiers, not convex (the band price falls): A costs 10 for units [0, 50), 4 from
# 50; B @7.5. With x units from A: x <= 50 costs 10x + 7.5(100 - x) >= 750; x > 50 costs
# 500 + 4(x - 50) + 7.5(100 - x) = 1050 - 3.5x, least at x = 100: 700 (B alone: 750). A takes
# all: 700. (Filling A's cheap band without its first band would give 200 + 375 = 575.)
case(
    "incremental_tiers_falling",
    scenario(
        "incremental-falling",
        [item("X", 100)],
        [sup("A"), sup("B")],
        [
            offer("A", "X", 10, tier_type="incremental", tiers=[{"from": 50, "price": 4}]),
            offer("B", "X", 7.5),
        ],
    ),
    objective=700,
    total_cost=700,
    allocation={("A", "X"): 100},
)

# L3 Currencies: the scenario is in USD, one EUR is worth 2 USD. E bids in EUR (its supplier
# currency): X at 3 EUR = 6 USD plus freight 0.5 EUR = 1 USD, landed 7 USD; U bids X at 7.5 USD
# -> E takes X: 600 purchase + 100 freight. On Y, U's offer says currency EUR: 2.5 EUR = 5 USD;
# E's 2.75 EUR = 5.5 USD -> U takes Y: 50. Total 600 + 100 + 50 = 750.
case(
    "currency_conversion_with_rates",
    scenario(
        "currency-conversion",
        [item("X", 100), item("Y", 10)],
        [sup("E", currency="EUR"), sup("U")],
        [
            offer("E", "X", 3, adders={"freight": 0.5}),
            offer("U", "X", 7.5),
            offer("E", "Y", 2.75),
            offer("U", "Y", 2.5, currency="EUR"),
        ],
        currency="USD",
        exchange_rates={"EUR": 2},
    ),
    objective=750,
    total_cost=750,
    allocation={("E", "X"): 100, ("U", "Y"): 10},
    cost={"purchase": 650, "adders": 100},
)

# L4 Adders are cost, never spend, for a rebate: A @10 plus freight 3 (landed 13), capacity 44;
# B @12, capacity 60; demand 100, so A takes x in [40, 44]. A's rebate (20 % from a spend of
# 450) cannot be reached: A's spend is at most 44 x 10 = 440. Cost 13x + 12(100 - x) =
# 1200 + x, least at x = 40: 1240 (purchase 1120, freight 120). (Counting freight as spend,
# 44 x 13 = 572 would reach the rebate: 10.4 x 44 + 12 x 56 = 1129.6.)
case(
    "adders_are_not_rebate_spend",
    scenario(
        "adders-not-rebate-spend",
        [item("X", 100)],
        [sup("A"), sup("B")],
        [
            offer("A", "X", 10, capacity=44, adders={"freight": 3}),
            offer("B", "X", 12, capacity=60),
        ],
        rebates=[{"supplier": "A", "tiers": [{"from_spend": 450, "percent": 20}]}],
    ),
    objective=1240,
    total_cost=1240,
    allocation={("A", "X"): 40, ("B", "X"): 60},
    cost={"purchase": 1120, "adders": 120, "rebates": 0},
)

# L5 Adders are not spend for a spend share: A @10 plus duty 10 (landed 20), B @30; no supplier
# above half of X's spend. With x from A: spend shares 10x vs 30(100 - x); 10x <= 0.5 (10x +
# 3000 - 30x) <=> x <= 75. Cost 20x + 30(100 - x) = 3000 - 10x, least at x = 75: 2250
# (purchase 750 + 750, duty 750). (With duty as spend: x <= 60, 2400.)
case(
    "adders_are_not_share_spend",
    scenario(
        "adders-not-share-spend",
        [item("X", 100)],
        [sup("A"), sup("B")],
        [offer("A", "X", 10, adders={"duty": 10}), offer("B", "X", 30)],
        rules=[{"type": "max_share", "limit": 0.5, "measure": "spend"}],
    ),
    objective=2250,
    total_cost=2250,
    allocation={("A", "X"): 75, ("B", "X"): 25},
    cost={"purchase": 1500, "adders": 750},
)

# L6 Offer fixed costs: A's offer for X @10 carries tooling 150, B @12: A 1000 + 150 = 1150 <
# B's 1200 -> A. A's offer for Y @5 carries qualification 100, B @8: A 50 + 100 = 150 > B's 80
# -> B. Total 1150 + 80 = 1230, fixed 150 (only the offer that receives units pays its fixed
# cost).
case(
    "offer_fixed_cost_tradeoff",
    scenario(
        "offer-fixed-cost",
        [item("X", 100), item("Y", 10)],
        [sup("A"), sup("B")],
        [
            offer("A", "X", 10, fixed_cost=150),
            offer("B", "X", 12),
            offer("A", "Y", 5, fixed_cost=100),
            offer("B", "Y", 8),
        ],
    ),
    objective=1230,
    total_cost=1230,
    allocation={("A", "X"): 100, ("B", "Y"): 10},
    cost={"purchase": 1080, "fixed": 150},
)

# L7 Two scoped rebates of one supplier, discounts adding up: A @100 on X and Y, B @98 on both,
# demand 10 each. A's rebate on X: 5 % from a spend of 1000 (all of X); on Y: 3 % from 1000.
# A on X: 1000 - 50 = 950 < 980; on Y: 1000 - 30 = 970 < 980; any fewer units forgo the
# rebate and cost more than B's. A takes both: 2000 - 80 = 1920. (Each rebate counting all of
# A's spend of 2000 would take 160 off: 1840.)
case(
    "two_scoped_rebates_of_one_supplier",
    scenario(
        "two-scoped-rebates",
        [item("X", 10), item("Y", 10)],
        [sup("A"), sup("B")],
        [offer("A", "X", 100), offer("A", "Y", 100), offer("B", "X", 98), offer("B", "Y", 98)],
        rebates=[
            {"supplier": "A", "items": ["X"], "tiers": [{"from_spend": 1000, "percent": 5}]},
            {"supplier": "A", "items": ["Y"], "tiers": [{"from_spend": 1000, "percent": 3}]},
        ],
    ),
    objective=1920,
    total_cost=1920,
    allocation={("A", "X"): 10, ("A", "Y"): 10},
    cost={"purchase": 2000, "rebates": 80},
)

# L8 A rebate by units on selected items: A @100 on X and Y, @50 on Z; B @96 on X and Y, @40 on
# Z; demand 10 each. A's rebate: 5 % of its spend on X and Y once it has 20 units of them.
# Z goes to B (400) whatever A does (it counts in neither the threshold nor the discount). A on
# X and Y: 2000 - 100 = 1900 < B's 1920; fewer than 20 units get no rebate and cost more than
# B. Total 1900 + 400 = 2300.
case(
    "rebate_from_units_on_items",
    scenario(
        "rebate-from-units",
        [item("X", 10), item("Y", 10), item("Z", 10)],
        [sup("A"), sup("B")],
        [
            offer("A", "X", 100),
            offer("A", "Y", 100),
            offer("A", "Z", 50),
            offer("B", "X", 96),
            offer("B", "Y", 96),
            offer("B", "Z", 40),
        ],
        rebates=[
            {"supplier": "A", "items": ["X", "Y"], "tiers": [{"from_units": 20, "percent": 5}]}
        ],
    ),
    objective=2300,
    total_cost=2300,
    allocation={("A", "X"): 10, ("A", "Y"): 10, ("B", "Z"): 10},
    cost={"purchase": 2400, "rebates": 100},
)

# L9 A rebate with items does not count bundles: A's bundle of 10 X at 900 and its offer for Y
# @100 (demand 10); B @95 on X and Y. A's rebate on Y only: 10 % from a spend of 1000. The
# bundle (900 < 950) is taken; on Y, A's 1000 - 100 = 900 < 950. Total 1800, rebate 100.
# (Counting the bundle too, 10 % of 1900 = 190 would be taken off: 1710.)
case(
    "scoped_rebate_leaves_bundles_out",
    scenario(
        "scoped-rebate-bundles",
        [item("X", 10), item("Y", 10)],
        [sup("A"), sup("B")],
        [offer("A", "Y", 100), offer("B", "X", 95), offer("B", "Y", 95)],
        bundles=[{"id": "kit", "supplier": "A", "units": {"X": 10}, "price": 900}],
        rebates=[{"supplier": "A", "items": ["Y"], "tiers": [{"from_spend": 1000, "percent": 10}]}],
    ),
    objective=1800,
    total_cost=1800,
    allocation={("A", "X"): 10, ("A", "Y"): 10},
    bundles=frozenset({"kit"}),
    cost={"purchase": 1000, "bundles": 900, "rebates": 100},
)

# L10 The budget bounds the landed total: A @10 plus duty 5 (landed 15), B @20; the least cost
# is A alone, 1500 (purchase 1000, duty 500). A budget of 1499 is infeasible (it would not be
# if duty were left out of the total: 1000); a budget of 1500 holds with A alone.
_BUDGET = scenario(
    "budget-landed",
    [item("X", 100)],
    [sup("A"), sup("B")],
    [offer("A", "X", 10, adders={"duty": 5}), offer("B", "X", 20)],
)
case(
    "budget_over_landed_total_infeasible",
    {**_BUDGET, "rules": [{"type": "budget", "max": 1499}]},
    status="infeasible",
    integral=False,  # CP-SAT's scaled grid may not prove it: infeasible or no_solution
)
case(
    "budget_over_landed_total_holds",
    {**_BUDGET, "name": "budget-landed-holds", "rules": [{"type": "budget", "max": 1500}]},
    objective=1500,
    total_cost=1500,
    allocation={("A", "X"): 100},
    cost={"adders": 500},
)
