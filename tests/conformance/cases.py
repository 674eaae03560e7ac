"""The conformance catalogue: tiny sourcing scenarios whose optimum is derived by hand.

Every backend that can must reproduce each case exactly (see ``test_catalogue.py``). Each case
is a scenario dict in the structure of docs/format.md (tables inline) plus the expected
status, objective, total cost and, where the optimum is unique, the units per
(supplier, item) summed over the offer and any bundles. The comment above each case derives
the optimum by hand; the numbers were never copied from a solver run.

Conventions used in the derivations: "S1 @10" is an offer at unit price 10; ``x_S`` is the
units awarded to supplier S of the item in question; every demand must be awarded in full.
Cases are designed so that buying more than the demand could never be cheaper, whichever way
an implementation reads "demand".

``integral=True`` marks cases whose optimal award has whole units in every column, so that an
integer-only backend (CP-SAT) must reach the same optimum.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

Allocation = dict[tuple[str, str], float]


@dataclass(frozen=True)
class Case:
    """One catalogue entry: a scenario and its hand-derived optimum."""

    name: str
    scenario: dict[str, Any]
    status: str
    objective: float | None = None
    total_cost: float | None = None
    allocation: Allocation | None = None  # units per (supplier, item), when unique
    bundles: frozenset[str] | None = None  # accepted bundle ids, when unique
    integral: bool = True
    variant: str = "base"
    tie: bool = False  # several optimal awards: assert the objective and determinism only
    cost: dict[str, float] | None = None  # expected entries of the cost breakdown


# --- small builders -----------------------------------------------------------------------


def item(id: str, demand: float, **extra: Any) -> dict[str, Any]:
    return {"id": id, "demand": demand, **extra}


def sup(id: str, **extra: Any) -> dict[str, Any]:
    return {"id": id, **extra}


def offer(supplier: str, item_id: str, price: float, **extra: Any) -> dict[str, Any]:
    return {"supplier": supplier, "item": item_id, "price": price, **extra}


def scenario(
    name: str,
    items: list[dict[str, Any]],
    suppliers: list[dict[str, Any]],
    offers: list[dict[str, Any]],
    **extra: Any,
) -> dict[str, Any]:
    return {
        "sourceopt": 1,
        "name": name,
        "items": items,
        "suppliers": suppliers,
        "offers": offers,
        **extra,
    }


CASES: list[Case] = []


def case(
    name: str,
    sc: dict[str, Any],
    status: str = "optimal",
    objective: float | None = None,
    total_cost: float | None = None,
    allocation: Allocation | None = None,
    **extra: Any,
) -> None:
    CASES.append(Case(name, sc, status, objective, total_cost, allocation, **extra))


# --- 01 plain cheapest split with offer capacities -----------------------------------------
# Item A (100): S1 @10 cap 60 is cheapest -> 60 units; the rest (40) goes to the next cheapest,
# S2 @12 (cap 100, enough); S3 @15 gets nothing. 600 + 480 = 1080.
# Item B (50): S2 @8 beats S3 @9, no caps -> 50 x 8 = 400.
# Total 1080 + 400 = 1480. Unique (all prices differ).
case(
    "plain_cheapest_split",
    scenario(
        "plain-cheapest-split",
        [item("A", 100), item("B", 50)],
        [sup("S1"), sup("S2"), sup("S3")],
        [
            offer("S1", "A", 10, capacity=60),
            offer("S2", "A", 12, capacity=100),
            offer("S3", "A", 15),
            offer("S2", "B", 8),
            offer("S3", "B", 9),
        ],
    ),
    objective=1480,
    total_cost=1480,
    allocation={("S1", "A"): 60, ("S2", "A"): 40, ("S2", "B"): 50},
)

# --- 02 offer capacity and supplier capacity both binding ----------------------------------
# A (80), B (60). S1 (supplier capacity 100): A @5 cap 70, B @6 cap 50. S2: A @7, B @9.
# Saving of a unit at S1 over S2: A 7-5 = 2, B 9-6 = 3, so S1's 100 units go to B first:
# B up to its offer cap 50 (saves 150), then A with the remaining 100-50 = 50 units (offer cap
# 70 not binding; saves 100). S2 takes the rest: A 30, B 10.
# All-S2 cost 80*7 + 60*9 = 1100; minus 150 + 100 -> 850.
# Check: 50*6 + 50*5 + 30*7 + 10*9 = 300 + 250 + 210 + 90 = 850. Unique (savings differ).
case(
    "offer_and_supplier_capacity",
    scenario(
        "capacities",
        [item("A", 80), item("B", 60)],
        [sup("S1", capacity=100), sup("S2")],
        [
            offer("S1", "A", 5, capacity=70),
            offer("S1", "B", 6, capacity=50),
            offer("S2", "A", 7),
            offer("S2", "B", 9),
        ],
    ),
    objective=850,
    total_cost=850,
    allocation={("S1", "A"): 50, ("S1", "B"): 50, ("S2", "A"): 30, ("S2", "B"): 10},
)

# --- 03 offer min_units forces a lumpy choice ---------------------------------------------
# A (100). S1 @7 cap 50; S2 @9 min_units 60; S3 @12.
# Without the minimum: S1 50 + S2 50 = 800, but S2 may only take 0 or >= 60 units.
#  - S2 unused: S1 50 + S3 50 = 350 + 600 = 950.
#  - S2 = q >= 60, S1 = 100 - q (<= 50 holds): 7(100-q) + 9q = 700 + 2q -> q = 60: 820.
# Optimum 820: S1 40 (pushed below its capacity by the lump), S2 60. Unique.
case(
    "offer_min_units_lumpy",
    scenario(
        "offer-min-units",
        [item("A", 100)],
        [sup("S1"), sup("S2"), sup("S3")],
        [
            offer("S1", "A", 7, capacity=50),
            offer("S2", "A", 9, min_units=60),
            offer("S3", "A", 12),
        ],
    ),
    objective=820,
    total_cost=820,
    allocation={("S1", "A"): 40, ("S2", "A"): 60},
)

# --- 04 all-units tier: ordering MORE from one offer to reach the tier is cheaper -----------
# A (100). S1 @10, all-units tier from 80 @8. S2 @6 cap 30.
# Without the tier: S2 30 + S1 70 @10 = 180 + 700 = 880.
# S1 = q, S2 = 100 - q <= 30, so q >= 70.
#  - 70 <= q < 80: 10q + 6(100-q) = 600 + 4q >= 880.
#  - q >= 80 (every unit @8): 8q + 6(100-q) = 600 + 2q -> q = 80: 760.
# Optimum 760 at the tier boundary q = 80 (the tier applies at q >= from): S1 80, S2 20.
# S1 takes 10 more units than without the tier, and S2 is cut below its capacity. Unique.
case(
    "tier_order_more_to_reach",
    scenario(
        "tier-reach",
        [item("A", 100)],
        [sup("S1"), sup("S2")],
        [
            offer("S1", "A", 10, tiers=[{"from": 80, "price": 8}]),
            offer("S2", "A", 6, capacity=30),
        ],
    ),
    objective=760,
    total_cost=760,
    allocation={("S1", "A"): 80, ("S2", "A"): 20},
)

# --- 05 tier boundary: demand exactly at `from` --------------------------------------------
# A (50). S1 @10, tier from 50 @8. S2 @9.
# All 50 at S1 reaches the tier exactly (q >= from): 50*8 = 400. Any split leaves S1 below 50
# units at @10: 10q + 9(50-q) = 450 + q >= 450. All S2: 450. Optimum 400, S1 50. Unique.
case(
    "tier_boundary_exact",
    scenario(
        "tier-boundary",
        [item("A", 50)],
        [sup("S1"), sup("S2")],
        [offer("S1", "A", 10, tiers=[{"from": 50, "price": 8}]), offer("S2", "A", 9)],
    ),
    objective=400,
    total_cost=400,
    allocation={("S1", "A"): 50},
)

# --- 06 multiple tiers ---------------------------------------------------------------------
# A (250). S1 @20, tiers from 100 @18, from 200 @16. S2 @15 cap 100.
# S1 = q, S2 = 250 - q <= 100 -> q >= 150.
#  - 150 <= q < 200 (@18): 18q + 15(250-q) = 3750 + 3q -> 4200 at q = 150.
#  - q >= 200 (@16): 16q + 15(250-q) = 3750 + q -> 3950 at q = 200.
# A: S1 200 @16 = 3200, S2 50 @15 = 750 -> 3950.
# B (120). S1 @10, tiers from 50 @9, from 150 @7 (out of reach: 150 > 120). S3 @12.
# With S1 = q >= 50 every unit is @9 < 12, so q = 120: 1080 (any q < 50 costs more: 10 or 12).
# Total 3950 + 1080 = 5030. Unique.
case(
    "tiers_multiple",
    scenario(
        "tiers-multiple",
        [item("A", 250), item("B", 120)],
        [sup("S1"), sup("S2"), sup("S3")],
        [
            offer("S1", "A", 20, tiers=[{"from": 100, "price": 18}, {"from": 200, "price": 16}]),
            offer("S2", "A", 15, capacity=100),
            offer("S1", "B", 10, tiers=[{"from": 50, "price": 9}, {"from": 150, "price": 7}]),
            offer("S3", "B", 12),
        ],
    ),
    objective=5030,
    total_cost=5030,
    allocation={("S1", "A"): 200, ("S2", "A"): 50, ("S1", "B"): 120},
)

# --- 07 bundle accepted; its units use the supplier's capacity -----------------------------
# A (20), B (10). S1: A @10, B @10. S2 (capacity 25): A @7, bundle b1 = {A: 10, B: 10} for 150.
#  - Without b1: S2 takes all of A (20 <= 25) @7 = 140, S1 B 10 @10 = 100 -> 240.
#  - With b1 (150): b1 fills 20 of S2's 25 units, so S2's A offer gets at most 5:
#    5 @7 = 35; S1 supplies the other 5 of A @10 = 50. 150 + 35 + 50 = 235 < 240.
#    (If bundle units did not count toward S2's capacity: 150 + 10 @7 = 220 - wrong.)
# Optimum 235: S2 A 15 (10 bundle + 5 offer), S2 B 10 (bundle), S1 A 5. Unique.
case(
    "bundle_accepted_capacity",
    scenario(
        "bundle-accepted",
        [item("A", 20), item("B", 10)],
        [sup("S1"), sup("S2", capacity=25)],
        [offer("S1", "A", 10), offer("S1", "B", 10), offer("S2", "A", 7)],
        bundles=[{"id": "b1", "supplier": "S2", "units": {"A": 10, "B": 10}, "price": 150}],
    ),
    objective=235,
    total_cost=235,
    allocation={("S1", "A"): 5, ("S2", "A"): 15, ("S2", "B"): 10},
    bundles=frozenset({"b1"}),
    cost={"purchase": 85, "bundles": 150, "fixed": 0, "rebates": 0, "penalties": 0},
)

# --- 08 bundle rejected ---------------------------------------------------------------------
# Same as 07 with b1 priced 170: with b1, 170 + 35 + 50 = 255 > 240 without it.
# Optimum 240: S2 A 20 @7, S1 B 10 @10. No bundle. Unique.
case(
    "bundle_rejected",
    scenario(
        "bundle-rejected",
        [item("A", 20), item("B", 10)],
        [sup("S1"), sup("S2", capacity=25)],
        [offer("S1", "A", 10), offer("S1", "B", 10), offer("S2", "A", 7)],
        bundles=[{"id": "b1", "supplier": "S2", "units": {"A": 10, "B": 10}, "price": 170}],
    ),
    objective=240,
    total_cost=240,
    allocation={("S2", "A"): 20, ("S1", "B"): 10},
    bundles=frozenset(),
)

# --- 09 bundle units do not count toward offer tiers ---------------------------------------
# A (80). S1: A @10, tier from 60 @8; bundle b1 = {A: 30} for 210 (7/unit). S2: A @9.
#  - S1 offer 80 (tier): 640.
#  - S1 offer 60 (tier) + S2 20: 480 + 180 = 660.
#  - b1 + S1 offer 50 (below the tier: the bundle's 30 do not count) @10: 210 + 500 = 710.
#  - b1 + S2 50: 210 + 450 = 660.   - all S2: 720.
# Optimum 640, bundle rejected. (Counting bundle units toward the tier would give 210 + 50 @8
# = 610 - wrong.) Unique.
case(
    "bundle_not_in_offer_tier",
    scenario(
        "bundle-tier",
        [item("A", 80)],
        [sup("S1"), sup("S2")],
        [offer("S1", "A", 10, tiers=[{"from": 60, "price": 8}]), offer("S2", "A", 9)],
        bundles=[{"id": "b1", "supplier": "S1", "units": {"A": 30}, "price": 210}],
    ),
    objective=640,
    total_cost=640,
    allocation={("S1", "A"): 80},
    bundles=frozenset(),
)

# --- 10 rebate reached, highest tier only ----------------------------------------------------
# A (100). S1 @10 with rebate tiers: spend >= 800 -> 10 %, spend >= 1000 -> 20 %. S2 @9.
#  - S1 = 100: spend 1000 reaches the 20 % tier (only the highest applies, not 10 + 20):
#    1000 - 200 = 800.
#  - 80 <= q < 100: 10 % of S1's spend: 9q + 9(100-q) = 900.   - q < 80: 900 + q >= 900.
# Optimum total cost 800 (rebates 200), S1 100. (Stacking tiers would give 700 - wrong.) Unique.
case(
    "rebate_highest_tier",
    scenario(
        "rebate-reached",
        [item("A", 100)],
        [sup("S1"), sup("S2")],
        [offer("S1", "A", 10), offer("S2", "A", 9)],
        rebates=[
            {
                "supplier": "S1",
                "tiers": [{"from_spend": 800, "percent": 10}, {"from_spend": 1000, "percent": 20}],
            }
        ],
    ),
    objective=800,
    total_cost=800,
    allocation={("S1", "A"): 100},
    cost={"purchase": 1000, "rebates": 200, "penalties": 0},
)

# --- 11 rebate threshold not reached ---------------------------------------------------------
# A (100). S1 @10 cap 90, rebate 10 % from spend 1000. S2 @11.
# S1 is cheaper regardless: 90 @10 = 900 (< 1000, no rebate), S2 10 @11 = 110 -> 1010.
# (Granting the rebate at 900 spend would give 920 - wrong.) Unique.
case(
    "rebate_not_reached",
    scenario(
        "rebate-not-reached",
        [item("A", 100)],
        [sup("S1"), sup("S2")],
        [offer("S1", "A", 10, capacity=90), offer("S2", "A", 11)],
        rebates=[{"supplier": "S1", "tiers": [{"from_spend": 1000, "percent": 10}]}],
    ),
    objective=1010,
    total_cost=1010,
    allocation={("S1", "A"): 90, ("S2", "A"): 10},
    cost={"purchase": 1010, "rebates": 0},
)

# --- 12 fixed costs: one supplier is cheaper ---------------------------------------------------
# A (100). S1 @10 cap 60, fixed 150. S2 @11, fixed 50. (S1 alone cannot cover 100.)
#  - S2 alone: 1100 + 50 = 1150.
#  - S1 60 + S2 40: 600 + 440 + 150 + 50 = 1240.
# Optimum 1150: S2 100. Unique.
case(
    "fixed_cost_one_supplier",
    scenario(
        "fixed-one",
        [item("A", 100)],
        [sup("S1", fixed_cost=150), sup("S2", fixed_cost=50)],
        [offer("S1", "A", 10, capacity=60), offer("S2", "A", 11)],
    ),
    objective=1150,
    total_cost=1150,
    allocation={("S2", "A"): 100},
    cost={"purchase": 1100, "fixed": 50},
)

# --- 13 fixed costs: two suppliers are cheaper -------------------------------------------------
# As 12 with S1's fixed cost 50:
#  - S2 alone: 1150.   - S1 60 + S2 40: 600 + 440 + 50 + 50 = 1140.
# Optimum 1140: S1 60, S2 40. Unique.
case(
    "fixed_cost_two_suppliers",
    scenario(
        "fixed-two",
        [item("A", 100)],
        [sup("S1", fixed_cost=50), sup("S2", fixed_cost=50)],
        [offer("S1", "A", 10, capacity=60), offer("S2", "A", 11)],
    ),
    objective=1140,
    total_cost=1140,
    allocation={("S1", "A"): 60, ("S2", "A"): 40},
    cost={"purchase": 1040, "fixed": 100},
)

# --- 14 supplier min_units -------------------------------------------------------------------
# A (100), B (50). S1 (min_units 80 over all items): A @8 cap 60, B @11. S2: A @10, B @10.
#  - S1 unused: all S2 = 1000 + 500 = 1500.
#  - S1 used with a + b >= 80 (a = S1's A <= 60, b = S1's B):
#    8a + 11b + 10(100-a) + 10(50-b) = 1500 - 2a + b -> a = 60, b = 20: 1400.
# Optimum 1400: S1 takes 20 of B at a premium to reach its minimum. S1 A 60, S1 B 20,
# S2 A 40, S2 B 30. Unique.
case(
    "supplier_min_units",
    scenario(
        "supplier-min",
        [item("A", 100), item("B", 50)],
        [sup("S1", min_units=80), sup("S2")],
        [
            offer("S1", "A", 8, capacity=60),
            offer("S1", "B", 11),
            offer("S2", "A", 10),
            offer("S2", "B", 10),
        ],
    ),
    objective=1400,
    total_cost=1400,
    allocation={("S1", "A"): 60, ("S1", "B"): 20, ("S2", "A"): 40, ("S2", "B"): 30},
)

# --- 15 max_share per item, volume ------------------------------------------------------------
# max_share 0.4 (per item, volume: the defaults). Nobody gets more than 40 % of an item.
# A (100): S1 @8, S2 @9, S3 @10 -> S1 40, S2 40, S3 20: 320 + 360 + 200 = 880.
# B (50): S1 @5, S2 @6, S3 @7 -> S1 20, S2 20, S3 10: 100 + 120 + 70 = 290.
# Total 1170. Unique.
case(
    "max_share_item_volume",
    scenario(
        "max-share-item",
        [item("A", 100), item("B", 50)],
        [sup("S1"), sup("S2"), sup("S3")],
        [
            offer("S1", "A", 8),
            offer("S2", "A", 9),
            offer("S3", "A", 10),
            offer("S1", "B", 5),
            offer("S2", "B", 6),
            offer("S3", "B", 7),
        ],
        rules=[{"type": "max_share", "limit": 0.4}],
    ),
    objective=1170,
    total_cost=1170,
    allocation={
        ("S1", "A"): 40,
        ("S2", "A"): 40,
        ("S3", "A"): 20,
        ("S1", "B"): 20,
        ("S2", "B"): 20,
        ("S3", "B"): 10,
    },
)

# --- 16 max_share per category, spend -------------------------------------------------------
# A (10), B (10). S1: A @10, B @10. S2: A @15, B @16. Rule: no supplier over 50 % of the
# category's spend. a, b = S1's units of A, B.
# S1 spend 10a + 10b; S2 spend 15(10-a) + 16(10-b) = 310 - 15a - 16b.
# S1 <= 50 % <=> S1 spend <= S2 spend <=> 25a + 26b <= 310 (S2's own limit is the reverse,
# so with two suppliers both spends are equal at any feasible point).
# Cost = 10a + 10b + 310 - 15a - 16b = 310 - 5a - 6b: maximise 5a + 6b on 25a + 26b <= 310.
# Per unit of "budget", b is worth 6/26 > 5/25, so b = 10 (uses 260), then a = 50/25 = 2.
# Cost 310 - 10 - 60 = 240: S1 A 2, S1 B 10 (spend 120), S2 A 8 (spend 120). Unique.
case(
    "max_share_category_spend",
    scenario(
        "max-share-spend",
        [item("A", 10), item("B", 10)],
        [sup("S1"), sup("S2")],
        [
            offer("S1", "A", 10),
            offer("S1", "B", 10),
            offer("S2", "A", 15),
            offer("S2", "B", 16),
        ],
        rules=[{"type": "max_share", "limit": 0.5, "per": "category", "measure": "spend"}],
    ),
    objective=240,
    total_cost=240,
    allocation={("S1", "A"): 2, ("S1", "B"): 10, ("S2", "A"): 8},
)

# --- 17 supplier_count: min 2 per item, max 2 per category -----------------------------------
# A (10), B (10); every offer has min_units 3 (so a second winner takes at least 3 units).
# A: S1 @5, S2 @6, S3 @9.  B: S1 @5, S2 @8, S3 @6.
# Each item needs two winners; only two suppliers may be awarded in the whole category.
# Within an item with winners {X, Y}, the cheaper gets 7, the other its minimum 3.
#  - {S1, S2}: A 7@5 + 3@6 = 53; B 7@5 + 3@8 = 59 -> 112.
#  - {S1, S3}: A 7@5 + 3@9 = 62; B 7@5 + 3@6 = 53 -> 115.
#  - {S2, S3}: A 7@6 + 3@9 = 69; B 7@6 + 3@8 = 66 -> 135.
# Optimum 112: S1 A 7, S2 A 3, S1 B 7, S2 B 3. Unique.
case(
    "supplier_count_min_item_max_category",
    scenario(
        "supplier-count",
        [item("A", 10), item("B", 10)],
        [sup("S1"), sup("S2"), sup("S3")],
        [
            offer("S1", "A", 5, min_units=3),
            offer("S2", "A", 6, min_units=3),
            offer("S3", "A", 9, min_units=3),
            offer("S1", "B", 5, min_units=3),
            offer("S2", "B", 8, min_units=3),
            offer("S3", "B", 6, min_units=3),
        ],
        rules=[
            {"type": "supplier_count", "min": 2, "per": "item"},
            {"type": "supplier_count", "max": 2, "per": "category"},
        ],
    ),
    objective=112,
    total_cost=112,
    allocation={("S1", "A"): 7, ("S2", "A"): 3, ("S1", "B"): 7, ("S2", "B"): 3},
)

# --- 18 group_share min (set-aside) by tags ---------------------------------------------------
# A (100). S1 @10 (incumbent), S2 @12 (small_business), S3 @13 (small_business, minority).
# At least 25 % of the volume to suppliers tagged small_business (S2, S3): the cheaper, S2,
# takes exactly 25; S1 the other 75. 750 + 300 = 1050. Unique.
case(
    "group_share_min_tags",
    scenario(
        "set-aside",
        [item("A", 100)],
        [
            sup("S1", tags=["incumbent"]),
            sup("S2", tags=["small_business"]),
            sup("S3", tags=["small_business", "minority"]),
        ],
        [offer("S1", "A", 10), offer("S2", "A", 12), offer("S3", "A", 13)],
        rules=[{"type": "group_share", "min": 0.25, "suppliers": {"tags": ["small_business"]}}],
    ),
    objective=1050,
    total_cost=1050,
    allocation={("S1", "A"): 75, ("S2", "A"): 25},
)

# --- 19 group_share max by country --------------------------------------------------------------
# A (100). S1 (CN) @8, S2 (CN) @9, S3 (US) @10, S4 (MX) @11. At most 50 % from CN.
# CN's 50 go to S1 (@8), the other 50 to the cheapest non-CN, S3 (@10): 400 + 500 = 900.
# Unique.
case(
    "group_share_max_country",
    scenario(
        "country-limit",
        [item("A", 100)],
        [
            sup("S1", country="CN"),
            sup("S2", country="CN"),
            sup("S3", country="US"),
            sup("S4", country="MX"),
        ],
        [
            offer("S1", "A", 8),
            offer("S2", "A", 9),
            offer("S3", "A", 10),
            offer("S4", "A", 11),
        ],
        rules=[{"type": "group_share", "max": 0.5, "suppliers": {"country": ["CN"]}}],
    ),
    objective=900,
    total_cost=900,
    allocation={("S1", "A"): 50, ("S3", "A"): 50},
)

# --- 20 exclude by tag ------------------------------------------------------------------------
# A (50), B (50). S1 (uncertified): A @5, B @5. S2: A @7, B @6. S3: A @8, B @9.
# S1 is excluded from A only: A -> S2 50 @7 = 350; B -> S1 50 @5 = 250. Total 600. Unique.
case(
    "exclude_by_tag",
    scenario(
        "exclude-tag",
        [item("A", 50), item("B", 50)],
        [sup("S1", tags=["uncertified"]), sup("S2"), sup("S3")],
        [
            offer("S1", "A", 5),
            offer("S1", "B", 5),
            offer("S2", "A", 7),
            offer("S2", "B", 6),
            offer("S3", "A", 8),
            offer("S3", "B", 9),
        ],
        rules=[{"type": "exclude", "suppliers": {"tags": ["uncertified"]}, "items": ["A"]}],
    ),
    objective=600,
    total_cost=600,
    allocation={("S2", "A"): 50, ("S1", "B"): 50},
)

# --- 21 award locks (min and max units) -------------------------------------------------------
# A (100). S1 @10, S2 @12, S3 @15. Locks: S1 at most 50; S3 at least 20 (incumbent retention).
# S1 50 @10 = 500, S3 exactly its minimum 20 @15 = 300, the rest 30 to S2 @12 = 360.
# Total 1160. Unique.
case(
    "award_locks",
    scenario(
        "award-locks",
        [item("A", 100)],
        [sup("S1"), sup("S2"), sup("S3")],
        [offer("S1", "A", 10), offer("S2", "A", 12), offer("S3", "A", 15)],
        rules=[
            {"type": "award", "supplier": "S1", "item": "A", "max_units": 50},
            {"type": "award", "supplier": "S3", "item": "A", "min_units": 20},
        ],
    ),
    objective=1160,
    total_cost=1160,
    allocation={("S1", "A"): 50, ("S2", "A"): 30, ("S3", "A"): 20},
)

# --- 22 average_attribute max, volume-weighted (offer attribute overrides supplier) -----------
# A (100). S1 @10 risk 0.8; S2 @12, supplier risk 0.6 but its offer says risk 0.2 (the offer
# wins); S3 @15 risk 0. Volume-weighted average risk <= 0.5: 0.8 x1 + 0.2 x2 <= 50.
# With x3 = 100 - x1 - x2: cost = 1500 - 5 x1 - 3 x2; maximise 5 x1 + 3 x2 subject to
# 0.8 x1 + 0.2 x2 <= 50, x1 + x2 <= 100. Vertices: (62.5, 0) -> 312.5; (50, 50) -> 400;
# (0, 100) -> 300. Optimum (50, 50, 0): 500 + 600 = 1100, average (40 + 10)/100 = 0.5.
# (With S2's supplier risk 0.6 the answer would be 1187.5 - wrong.) Unique.
case(
    "average_attribute_volume",
    scenario(
        "avg-risk-volume",
        [item("A", 100)],
        [
            sup("S1", attributes={"risk": 0.8}),
            sup("S2", attributes={"risk": 0.6}),
            sup("S3", attributes={"risk": 0.0}),
        ],
        [
            offer("S1", "A", 10),
            offer("S2", "A", 12, attributes={"risk": 0.2}),
            offer("S3", "A", 15),
        ],
        rules=[{"type": "average_attribute", "attribute": "risk", "max": 0.5}],
    ),
    objective=1100,
    total_cost=1100,
    allocation={("S1", "A"): 50, ("S2", "A"): 50},
)

# --- 23 average_attribute max, spend-weighted ----------------------------------------------
# A (140). S1 @10 risk 0.9, S2 @20 risk 0. Spend-weighted average risk <= 0.5:
# 0.9 * 10 x1 <= 0.5 (10 x1 + 20 x2) with x2 = 140 - x1: 9 x1 <= 5 x1 + 1400 - 10 x1
# -> 14 x1 <= 1400 -> x1 <= 100. S1 is cheaper, so x1 = 100, x2 = 40: 1000 + 800 = 1800.
# Spend-weighted average 900/1800 = 0.5. (Volume-weighting would cap x1 at 77.8 - different.)
# Unique.
case(
    "average_attribute_spend",
    scenario(
        "avg-risk-spend",
        [item("A", 140)],
        [sup("S1", attributes={"risk": 0.9}), sup("S2", attributes={"risk": 0.0})],
        [offer("S1", "A", 10), offer("S2", "A", 20)],
        rules=[{"type": "average_attribute", "attribute": "risk", "max": 0.5, "measure": "spend"}],
    ),
    objective=1800,
    total_cost=1800,
    allocation={("S1", "A"): 100, ("S2", "A"): 40},
)

# --- 24 budget, feasible and binding (with a risk penalty in the objective) -----------------
# A (100). S1 @10 risk 0.5; S2 @12 risk 0. Objective penalty: 1.0 x risk x spend, so S1
# costs 10 + 5 = 15 in the objective, S2 12: unconstrained, all S2 (cost 1200).
# Budget: total cost <= 1100: 10 x1 + 12 (100 - x1) = 1200 - 2 x1 <= 1100 -> x1 >= 50.
# Objective 15 x1 + 12 (100 - x1) = 1200 + 3 x1 -> x1 = 50: 750 + 600 = 1350.
# total_cost 500 + 600 = 1100 (penalties 250). Unique.
case(
    "budget_binding",
    scenario(
        "budget-ok",
        [item("A", 100)],
        [sup("S1", attributes={"risk": 0.5}), sup("S2", attributes={"risk": 0.0})],
        [offer("S1", "A", 10), offer("S2", "A", 12)],
        rules=[{"type": "budget", "max": 1100}],
        objective={"penalties": [{"attribute": "risk", "per": "spend", "weight": 1.0}]},
    ),
    objective=1350,
    total_cost=1100,
    allocation={("S1", "A"): 50, ("S2", "A"): 50},
    cost={"purchase": 1100, "penalties": 250},
)

# --- 25 budget infeasible ------------------------------------------------------------------------
# A (100), only S1 @10: the cheapest award costs 1000 > budget 900 -> infeasible.
case(
    "budget_infeasible",
    scenario(
        "budget-infeasible",
        [item("A", 100)],
        [sup("S1")],
        [offer("S1", "A", 10)],
        rules=[{"type": "budget", "max": 900}],
    ),
    status="infeasible",
)

# --- 26 max_items_per_supplier ---------
# A, B, C (10 each). Prices (A, B, C): S1 (5, 5, 5); S2 (7, 6, 8); S3 (9, 9, 6).
# Each supplier wins at most one item; three items need three disjoint winner sets, so the
# award is a perfect matching. Item costs x10:
#   S1A+S2B+S3C = 50+60+60 = 170;  S1B+S2A+S3C = 180;  S1C+S2B+S3A = 200;
#   S1A+S2C+S3B = 220;             S1B+S2C+S3A = 220;  S1C+S2A+S3B = 210.
# Optimum 170: S1 A 10, S2 B 10, S3 C 10. Unique.
case(
    "max_items_per_supplier",
    scenario(
        "max-items",
        [item("A", 10), item("B", 10), item("C", 10)],
        [sup("S1"), sup("S2"), sup("S3")],
        [
            offer("S1", "A", 5),
            offer("S1", "B", 5),
            offer("S1", "C", 5),
            offer("S2", "A", 7),
            offer("S2", "B", 6),
            offer("S2", "C", 8),
            offer("S3", "A", 9),
            offer("S3", "B", 9),
            offer("S3", "C", 6),
        ],
        rules=[{"type": "max_items_per_supplier", "max": 1}],
    ),
    objective=170,
    total_cost=170,
    allocation={("S1", "A"): 10, ("S2", "B"): 10, ("S3", "C"): 10},
)

# --- 27 backup_coverage (N-1) ---------
# A (100). S1 @10 cap 80, S2 @12 cap 60, S3 @15 cap 100; every supplier min_units 10.
# Coverage 0.5: for each awarded s, sum over other awarded t of (cap_t - v_t) >= 0.5 v_s.
# Without the rule: S1 80 + S2 20 = 1040, but S2's backup (S1: 80 - 80 = 0) < 10 -> violated.
#  - {S1, S2}: S1 needs 60 - v2 >= 0.5 v1 -> v1 >= 80; S2 needs 80 - v1 >= 0.5 v2 -> v1 <= 60.
#    Infeasible.
#  - {S1, S3}: S3 needs 80 - v1 >= 0.5 (100 - v1) -> v1 <= 60: 600 + 40*15 = 1200.
#  - {S2, S3}: S3 needs 60 - v2 >= 0.5 (100 - v2) -> v2 <= 20: 240 + 1200 = 1440.
#  - {S1, S2, S3}: spare capacity 240 - 100 = 140 covers every check (each s needs
#    140 - (cap_s - v_s) >= 0.5 v_s, true for all v_s <= cap_s here); cost is lowest with
#    S3 and S2 at their minimum 10 and S1 at its cap 80: 800 + 120 + 150 = 1070.
#    Checks: S1: (60-10) + (100-10) = 140 >= 40; S2: 0 + 90 >= 5; S3: 0 + 50 >= 5.
# Optimum 1070: S1 80, S2 10, S3 10. Unique.
case(
    "backup_coverage",
    scenario(
        "backup",
        [item("A", 100)],
        [
            sup("S1", capacity=80, min_units=10),
            sup("S2", capacity=60, min_units=10),
            sup("S3", capacity=100, min_units=10),
        ],
        [offer("S1", "A", 10), offer("S2", "A", 12), offer("S3", "A", 15)],
        rules=[{"type": "backup_coverage", "coverage": 0.5}],
    ),
    objective=1070,
    total_cost=1070,
    allocation={("S1", "A"): 80, ("S2", "A"): 10, ("S3", "A"): 10},
)

# --- 27b backup_coverage with a bundle: only awarded suppliers are checked --------------------
# A (5). S0 (capacity 20, no offers) has bundle B1 = 1 unit of A for 5; S1 @60; S2 @100
# (capacity 20). Rule: coverage 0 over S0 and S2. Backup capacities on A: c_S0 = min(20, no
# offer capacity) = 0, c_S2 = 20. The rule holds for each *awarded* selected supplier s.
#  - B1 + S1 4 units = 5 + 240 = 245. S0 is awarded (1 unit), S2 is not: S0's check is
#    c_S2 z_S2 - V_S2 = 0 >= 0 * 1. Holds. S2 is not awarded: no check for S2 (its check
#    would read c_S0 - V_S0 = 0 - 1 = -1 >= 0, false: a formulation that checks every
#    selected supplier wrongly refuses the bundle and pays 300).
#  - S1 alone 300; anything with S2 @100 is dearer.
# Optimum 245: S0 A 1 (bundle), S1 A 4. Unique.
case(
    "backup_coverage_unawarded_supplier_with_bundle",
    scenario(
        "backup-bundle",
        [item("A", 5)],
        [sup("S0", capacity=20), sup("S1"), sup("S2", capacity=20)],
        [offer("S1", "A", 60), offer("S2", "A", 100)],
        bundles=[{"id": "B1", "supplier": "S0", "units": {"A": 1}, "price": 5}],
        rules=[{"type": "backup_coverage", "coverage": 0, "suppliers": ["S0", "S2"]}],
    ),
    objective=245,
    total_cost=245,
    allocation={("S0", "A"): 1, ("S1", "A"): 4},
    bundles=frozenset({"B1"}),
)

# --- 28 soft rule: violating is cheaper -------------------------------------------------------
# A (100). S1 @10, S2 @12. max_share 0.6 (per item, volume), soft at 1 per unit over.
# S1 = x >= 60: 10x + 12(100-x) + 1(x - 60) = 1140 - x -> x = 100: cost 1000 + penalty 40.
# (Complying, x = 60: 600 + 480 = 1080 > 1040.) Objective 1040, total_cost 1000. Unique.
case(
    "soft_rule_violated",
    scenario(
        "soft-violate",
        [item("A", 100)],
        [sup("S1"), sup("S2")],
        [offer("S1", "A", 10), offer("S2", "A", 12)],
        rules=[{"type": "max_share", "limit": 0.6, "soft": {"penalty": 1}}],
    ),
    objective=1040,
    total_cost=1000,
    allocation={("S1", "A"): 100},
    cost={"purchase": 1000, "penalties": 40},
)

# --- 29 soft rule: complying is cheaper -------------------------------------------------------
# As 28 with penalty 5: 10x + 12(100-x) + 5(x - 60) = 900 + 3x for x >= 60 -> x = 60: 1080;
# for x <= 60 there is no penalty and 1200 - 2x is lowest at x = 60 too. Objective = total
# cost = 1080: S1 60, S2 40. Unique.
case(
    "soft_rule_complied",
    scenario(
        "soft-comply",
        [item("A", 100)],
        [sup("S1"), sup("S2")],
        [offer("S1", "A", 10), offer("S2", "A", 12)],
        rules=[{"type": "max_share", "limit": 0.6, "soft": {"penalty": 5}}],
    ),
    objective=1080,
    total_cost=1080,
    allocation={("S1", "A"): 60, ("S2", "A"): 40},
)

# --- 30 objective penalty per spend (risk-adjusted cost) -------------------------------------
# Penalty 0.25 x risk x spend. S1 risk 0.5 (x1.125 in the objective), S2 and S3 risk 0.
# A (100): S1 @10 -> 11.25 > S2 @11 -> S2 100 = 1100 (S3 @12 unused).
# B (50): S1 @8 -> 9 < S2 @10 -> S1 50 = 400, penalty 0.25 * 0.5 * 400 = 50.
# total_cost 1100 + 400 = 1500; objective 1550. Unique.
case(
    "penalty_per_spend",
    scenario(
        "risk-adjusted",
        [item("A", 100), item("B", 50)],
        [
            sup("S1", attributes={"risk": 0.5}),
            sup("S2", attributes={"risk": 0.0}),
            sup("S3", attributes={"risk": 0.0}),
        ],
        [
            offer("S1", "A", 10),
            offer("S2", "A", 11),
            offer("S3", "A", 12),
            offer("S1", "B", 8),
            offer("S2", "B", 10),
        ],
        objective={"penalties": [{"attribute": "risk", "per": "spend", "weight": 0.25}]},
    ),
    objective=1550,
    total_cost=1500,
    allocation={("S2", "A"): 100, ("S1", "B"): 50},
    cost={"purchase": 1500, "penalties": 50},
)

# --- 31 objective penalty per volume, offer attribute override -------------------------------
# Penalty 0.5 x lead_time x units. S1 lead_time 4 (supplier), but its B offer says 1; S2 0.
# A (100): S1 @10 + 0.5*4 = 12 > S2 @11 -> S2 100 = 1100.
# B (20): S1 @10 + 0.5*1 = 10.5 < S2 @11 -> S1 20 = 200, penalty 0.5 * 1 * 20 = 10.
# total_cost 1300, objective 1310. Unique.
case(
    "penalty_per_volume",
    scenario(
        "lead-time-adjusted",
        [item("A", 100), item("B", 20)],
        [sup("S1", attributes={"lead_time": 4}), sup("S2", attributes={"lead_time": 0})],
        [
            offer("S1", "A", 10),
            offer("S2", "A", 11),
            offer("S1", "B", 10, attributes={"lead_time": 1}),
            offer("S2", "B", 11),
        ],
        objective={"penalties": [{"attribute": "lead_time", "per": "volume", "weight": 0.5}]},
    ),
    objective=1310,
    total_cost=1300,
    allocation={("S2", "A"): 100, ("S1", "B"): 20},
    cost={"purchase": 1300, "penalties": 10},
)

# --- 32/33 a scenario with a what-if variant ---------------------------------------------------
# Base: A (100). S1 @10 cap 60, S2 @12 cap 100, S3 @11; rule "cap-50": max_share 0.5.
#   S1 50 (the rule binds before its cap 60), then S3 50 @11: 500 + 550 = 1050. Unique.
# Variant "what-if": drop "cap-50", exclude S3, demand x1.2 (A = 120), S2's prices x0.75
# (@9). S2 is now cheapest: 100 (its cap) @9 = 900; S1 the other 20 @10 = 200 -> 1100. Unique.
_VARIANT_SCENARIO = scenario(
    "variants",
    [item("A", 100)],
    [sup("S1"), sup("S2"), sup("S3")],
    [
        offer("S1", "A", 10, capacity=60),
        offer("S2", "A", 12, capacity=100),
        offer("S3", "A", 11),
    ],
    rules=[{"type": "max_share", "name": "cap-50", "limit": 0.5}],
    variants=[
        {
            "name": "what-if",
            "drop_rules": ["cap-50"],
            "exclude_suppliers": ["S3"],
            "demand_scale": 1.2,
            "price_scale": {"S2": 0.75},
        }
    ],
)
case(
    "variant_base",
    _VARIANT_SCENARIO,
    objective=1050,
    total_cost=1050,
    allocation={("S1", "A"): 50, ("S3", "A"): 50},
)
case(
    "variant_what_if",
    _VARIANT_SCENARIO,
    objective=1100,
    total_cost=1100,
    allocation={("S2", "A"): 100, ("S1", "A"): 20},
    variant="what-if",
)

# --- 34 selector forms ----------------------------------------------------------------------
# A (100, group g1), B (100, group g2).
# S1: CN, APAC, risk 0.9, tags [t1].   S2: US, NA, risk 0.1.
# S3: MX, NA, risk 0.3, tags [small].  S4: DE, EU, risk 0.5.
# Prices A: S1 5, S2 9, S3 8, S4 7.    B: S1 5, S2 9, S3 8, S4 6.
# Rules:
#   r1 exclude suppliers {attribute: risk gt 0.8} (S1) from items {group: [g1]} (A);
#   r2 exclude suppliers {country: [MX]} (S3) from items [B];
#   r3 max_share 0.3 for suppliers [S1] on items {group: [g2]} (B);
#   r4 group_share max 0.5 for suppliers {region: [EU]} (S4) on items [B];
#   r5 group_share min 0.2 for suppliers {attribute: risk le 0.1} (S2 only) on items [A];
#   r6 group_share min 0.1 for suppliers {tags: [small, nobody]} (S3) on items [A].
# A: S1 banned; S2 >= 20 @9, S3 >= 10 @8, the rest to the cheapest, S4 @7:
#    70*7 + 20*9 + 10*8 = 490 + 180 + 80 = 750.
# B: S3 banned; S1 <= 30 @5, S4 <= 50 @6, the remaining 20 to S2 @9:
#    150 + 300 + 180 = 630.
# Total 1380. Unique.
case(
    "selector_forms",
    scenario(
        "selectors",
        [item("A", 100, group="g1"), item("B", 100, group="g2")],
        [
            sup("S1", country="CN", region="APAC", tags=["t1"], attributes={"risk": 0.9}),
            sup("S2", country="US", region="NA", attributes={"risk": 0.1}),
            sup("S3", country="MX", region="NA", tags=["small"], attributes={"risk": 0.3}),
            sup("S4", country="DE", region="EU", attributes={"risk": 0.5}),
        ],
        [
            offer("S1", "A", 5),
            offer("S2", "A", 9),
            offer("S3", "A", 8),
            offer("S4", "A", 7),
            offer("S1", "B", 5),
            offer("S2", "B", 9),
            offer("S3", "B", 8),
            offer("S4", "B", 6),
        ],
        rules=[
            {
                "type": "exclude",
                "name": "r1",
                "suppliers": {"attribute": {"risk": {"gt": 0.8}}},
                "items": {"group": ["g1"]},
            },
            {"type": "exclude", "name": "r2", "suppliers": {"country": ["MX"]}, "items": ["B"]},
            {
                "type": "max_share",
                "name": "r3",
                "limit": 0.3,
                "suppliers": ["S1"],
                "items": {"group": ["g2"]},
            },
            {
                "type": "group_share",
                "name": "r4",
                "max": 0.5,
                "suppliers": {"region": ["EU"]},
                "items": ["B"],
            },
            {
                "type": "group_share",
                "name": "r5",
                "min": 0.2,
                "suppliers": {"attribute": {"risk": {"le": 0.1}}},
                "items": ["A"],
            },
            {
                "type": "group_share",
                "name": "r6",
                "min": 0.1,
                "suppliers": {"tags": ["small", "nobody"]},
                "items": ["A"],
            },
        ],
    ),
    objective=1380,
    total_cost=1380,
    allocation={
        ("S2", "A"): 20,
        ("S3", "A"): 10,
        ("S4", "A"): 70,
        ("S1", "B"): 30,
        ("S2", "B"): 20,
        ("S4", "B"): 50,
    },
)

# --- 35 infeasible: demand above all capacity -------------------------------------------------
# A (100). S1 supplier capacity 40, S2 offer capacity 50: at most 90 < 100 -> infeasible
# (a status, not an exception).
case(
    "infeasible_capacity",
    scenario(
        "too-little-capacity",
        [item("A", 100)],
        [sup("S1", capacity=40), sup("S2")],
        [offer("S1", "A", 10), offer("S2", "A", 12, capacity=50)],
    ),
    status="infeasible",
)

# --- 36 a tie between equal-price suppliers ----------------------------------------------------
# A (100). S1 @10 and S2 @10, no limits: every split costs 1000. Only the objective is
# asserted, plus: the award is optimal (100 units, all @10) and identical across two runs.
case(
    "tie_equal_prices",
    scenario(
        "tie",
        [item("A", 100)],
        [sup("S1"), sup("S2")],
        [offer("S1", "A", 10), offer("S2", "A", 10)],
    ),
    objective=1000,
    total_cost=1000,
    tie=True,
)


# --- 37 continuous optimum (fractional units): LP-class backends only ------------------------
# A (10), B (10). S1: A @10, B @10. S2: A @12, B @11. max_share 0.5 per category, spend.
# a, b = S1's units: S1 spend 10a + 10b <= S2 spend 12(10-a) + 11(10-b) = 230 - 12a - 11b
# -> 22a + 21b <= 230. Cost = 230 - 2a - b: a is worth 2/22 > 1/21 per unit of the limit, so
# a = 10 (uses 220), b = 10/21. Cost = 230 - 20 - 10/21 = 210 - 10/21 = 4400/21.
# S2 gets A 0, B 10 - 10/21 = 200/21. Unique, not integral.
case(
    "fractional_spend_share",
    scenario(
        "fractional",
        [item("A", 10), item("B", 10)],
        [sup("S1"), sup("S2")],
        [
            offer("S1", "A", 10),
            offer("S1", "B", 10),
            offer("S2", "A", 12),
            offer("S2", "B", 11),
        ],
        rules=[{"type": "max_share", "limit": 0.5, "per": "category", "measure": "spend"}],
    ),
    objective=4400 / 21,
    total_cost=4400 / 21,
    allocation={("S1", "A"): 10, ("S1", "B"): 10 / 21, ("S2", "B"): 200 / 21},
    integral=False,
)

# --- 38 soft rule with a fractional violation (whole units) ------------------------------------
# A (5). S1 @10, S2 @20. max_share 0.5 (per item, volume), soft at 1 per unit over 2.5.
# S1 = x <= 2.5: 10x + 20(5-x) = 100 - 10x -> 75 at x = 2.5.
# x > 2.5: 100 - 10x + 1(x - 2.5) = 97.5 - 9x -> x = 5: 52.5 (violation 2.5 units).
# Objective 52.5, total_cost 50: S1 5. Units are whole, so an integer-only backend must reach
# it too (the violation 2.5 is a property of the award, not a column to be rounded). Unique.
case(
    "soft_rule_fractional_violation",
    scenario(
        "soft-fractional",
        [item("A", 5)],
        [sup("S1"), sup("S2")],
        [offer("S1", "A", 10), offer("S2", "A", 20)],
        rules=[{"type": "max_share", "limit": 0.5, "soft": {"penalty": 1}}],
    ),
    objective=52.5,
    total_cost=50,
    allocation={("S1", "A"): 5},
    cost={"purchase": 50, "penalties": 2.5},
)

# --- 39 a cheap award beside expensive offers (a plain LP) ----------------------------------
# A (10). S1 @1, S2 @1000, S3 @1000, no limits: S1 takes all 10 -> 10. A pure LP; every
# backend proves it optimal (no limit stops anything, so the status must be "optimal").
case(
    "cheap_award_beside_expensive_offers",
    scenario(
        "cheap-beside-expensive",
        [item("A", 10)],
        [sup("S1"), sup("S2"), sup("S3")],
        [offer("S1", "A", 1), offer("S2", "A", 1000), offer("S3", "A", 1000)],
    ),
    objective=10,
    total_cost=10,
    allocation={("S1", "A"): 10},
)

# --- 40 an all-units tier price is not optional (spend shares use the price really paid) ------
# A (10): only S1 @10, tier from 10 @8. B (1): only S2 @90. At most 50 % of the spend to S2.
# The award is forced: S1 10 of A, all-units at the tier price (q = 10 >= from): 80; S2 1 of B:
# 90. S2's share of spend = 90 / 170 = 52.9 % > 50 % -> infeasible. (Pricing S1's 10 units at
# the base price @10 would make the share 90 / 190 = 47.4 % - but at q = 10 the tier price is
# what is paid, so that award does not exist.)
case(
    "tier_price_not_inflatable",
    scenario(
        "tier-not-inflatable",
        [item("A", 10), item("B", 1)],
        [sup("S1"), sup("S2")],
        [offer("S1", "A", 10, tiers=[{"from": 10, "price": 8}]), offer("S2", "B", 90)],
        rules=[{"type": "group_share", "max": 0.5, "suppliers": ["S2"], "measure": "spend"}],
    ),
    status="infeasible",
)


# --- supplier min_units counts all its items, also under a per-item supplier count ----------
# A (30), B (30); S1 @1 (min_units 40 in total), S2 @2, S3 @3; at least 2 suppliers per item.
# Each item needs a second supplier, which gets the award quantum of 1 unit: S2 (cheaper than
# S3) takes 1 of A and 1 of B; S1 takes the other 29 + 29 = 58 >= 40 units (its minimum is a
# total over its items, not per item). 58 x 1 + 2 x 2 = 62. Unique (S3 is dearer than S2).
case(
    "supplier_min_units_with_item_counts",
    scenario(
        "min-units-item-counts",
        [item("A", 30), item("B", 30)],
        [sup("S1", min_units=40), sup("S2"), sup("S3")],
        [
            offer("S1", "A", 1),
            offer("S1", "B", 1),
            offer("S2", "A", 2),
            offer("S2", "B", 2),
            offer("S3", "A", 3),
            offer("S3", "B", 3),
        ],
        rules=[{"type": "supplier_count", "min": 2, "per": "item"}],
    ),
    objective=62,
    total_cost=62,
    allocation={("S1", "A"): 29, ("S1", "B"): 29, ("S2", "A"): 1, ("S2", "B"): 1},
)

# --- 41 group_share with each: country, max 50 % of spend -----------------------------------
# A (100), B (100). CN: C1 A @10, C2 B @10 (two suppliers, one country). MX: M1 A @14 cap 50,
# B @17. US: U1 A @16, B @15. Each country gets at most 50 % of the total spend T.
# Without the rule CN takes everything: 2000, CN share 100 %. "CN <= 0.5 T" is
# "CN spend <= non-CN spend": the gap CN - nonCN starts at 2000 - 0 = 2000 and must reach <= 0.
# Moving a unit from CN to another country costs the price difference and closes the gap by
# the two prices together: MX on A +4 for 10 + 14 = 24 (4/24 = 0.167 per unit of gap), US on
# B +5 for 25 (0.2), US on A +6 for 26 (0.231), MX on B +7 for 27 (0.259). One covering
# constraint with bounded moves: cheapest per unit of gap first (a fractional knapsack).
# MX on A up to its capacity 50: gap 2000 - 50 x 24 = 800, cost +200. Then US on B:
# 800 / 25 = 32 units, cost +160. CN keeps A 50 (C1) and B 68 (C2).
# Spend: CN 500 + 680 = 1180, MX 700, US 480; T = 2360; CN 1180 / 2360 = 50 % (binding),
# MX 29.7 %, US 20.3 %. Objective 2000 + 200 + 160 = 2360. Unique (the ratios differ).
# (Read per supplier instead of per country, C1 and C2 would have 50 % each at 2000.)
EACH_COUNTRY = scenario(
    "each-country",
    [item("A", 100), item("B", 100)],
    [
        sup("C1", country="CN"),
        sup("C2", country="CN"),
        sup("M1", country="MX"),
        sup("U1", country="US"),
    ],
    [
        offer("C1", "A", 10),
        offer("C2", "B", 10),
        offer("M1", "A", 14, capacity=50),
        offer("M1", "B", 17),
        offer("U1", "A", 16),
        offer("U1", "B", 15),
    ],
    rules=[
        {
            "type": "group_share",
            "name": "max-country-share-50pct",
            "each": "country",
            "max": 0.5,
            "per": "category",
            "measure": "spend",
        }
    ],
)
case(
    "group_share_each_country_spend",
    EACH_COUNTRY,
    objective=2360,
    total_cost=2360,
    allocation={("C1", "A"): 50, ("M1", "A"): 50, ("C2", "B"): 68, ("U1", "B"): 32},
)

# --- 42 group_share with each: tag, a minimum per item, overlapping tags ----------------------
# A (100), B (50). S1 [incumbent] A @10, B @10; S2 [small_business, minority] A @12, B @13;
# S3 [small_business] A @11, B @14; S4 (no tags) A @9, B @9.
# Rule: among the suppliers tagged small_business or minority (S2, S3), each tag gets at least
# 20 % of the volume of each item: groups minority = {S2}, small_business = {S2, S3}
# (incumbent is not among the selected suppliers: no group; S4 has no tag: no group).
# minority needs S2 >= 20 of A and >= 10 of B; S2's units count for small_business too, so
# that group is then satisfied as well. The rest goes to the cheapest, S4 @9.
# A: 80 x 9 + 20 x 12 = 960; B: 40 x 9 + 10 x 13 = 490. Total 1450. Unique.
# (Were S2 in only one tag's group, small_business would need S3 or minority nothing.)
case(
    "group_share_each_tag_min_per_item",
    scenario(
        "each-tag",
        [item("A", 100), item("B", 50)],
        [
            sup("S1", tags=["incumbent"]),
            sup("S2", tags=["small_business", "minority"]),
            sup("S3", tags=["small_business"]),
            sup("S4"),
        ],
        [
            offer("S1", "A", 10),
            offer("S1", "B", 10),
            offer("S2", "A", 12),
            offer("S2", "B", 13),
            offer("S3", "A", 11),
            offer("S3", "B", 14),
            offer("S4", "A", 9),
            offer("S4", "B", 9),
        ],
        rules=[
            {
                "type": "group_share",
                "each": "tag",
                "min": 0.2,
                "suppliers": {"tags": ["small_business", "minority"]},
                "per": "item",
            }
        ],
    ),
    objective=1450,
    total_cost=1450,
    allocation={("S4", "A"): 80, ("S2", "A"): 20, ("S4", "B"): 40, ("S2", "B"): 10},
)

# --- 43-51 a supplier that cannot receive units never counts as awarded (issue 11) ----------
# An award indicator whose units are bounded by 0 (a no-bid row with capacity 0, a supplier
# capacity of 0, a supplier a variant excludes) or by a negligible amount must stay at 0:
# the award quantum min(1, M) is 0 there, so without that the binary could be 1 with no
# units. Each case below failed (or, where noted, would fail) on a formulation with the hole.

# 43 (the reproduction). X (100): a @10, b @11 with capacity 0 (a no-bid row).
# Y (100): c @11, a @11. Two awarded suppliers per item: X has one supplier that can receive
# units (a), so no award exists.
_NO_BID = scenario(
    "excl-count",
    [item("X", 100), item("Y", 100)],
    [sup("a"), sup("b"), sup("c")],
    [
        offer("a", "X", 10),
        offer("b", "X", 11, capacity=0),
        offer("c", "Y", 11),
        offer("a", "Y", 11),
    ],
    rules=[{"type": "supplier_count", "name": "two-per-item", "min": 2, "per": "item"}],
)
case("count_per_item_no_bid_offer", _NO_BID, status="infeasible")

# 44 The same with b's own capacity 0 (its offer uncapped): b can receive nothing. Infeasible.
case(
    "count_per_item_supplier_capacity_zero",
    {
        **_NO_BID,
        "name": "excl-count-supplier",
        "suppliers": [sup("a"), sup("b", capacity=0), sup("c")],
        "offers": [
            offer("a", "X", 10),
            offer("b", "X", 11),
            offer("c", "Y", 11),
            offer("a", "Y", 11),
        ],
    },
    status="infeasible",
)

# 45 The rule soft at 500 per supplier short. X: only a -> 100 x 10 = 1,000, 1 supplier short
# (penalty 500). Y: a and c both at 11, each at least one unit (the award quantum): any such
# split costs 100 x 11 = 1,100 (meeting the rule on Y costs nothing extra; one supplier on Y
# would add another 500). Total cost 1,000 + 1,100 = 2,100; objective 2,100 + 500 = 2,600.
# Y's split between a and c is a tie: no allocation asserted. (With the hole: 2,100, b
# "counted" on X.)
case(
    "count_per_item_no_bid_offer_soft",
    {
        **_NO_BID,
        "name": "excl-count-soft",
        "rules": [
            {
                "type": "supplier_count",
                "name": "two-per-item",
                "min": 2,
                "per": "item",
                "soft": {"penalty": 500},
            }
        ],
    },
    objective=2600,
    total_cost=2100,
    cost={"purchase": 2100, "penalties": 500},
)

# 46 A variant excludes a supplier (its offers get capacity 0); a per-category count.
# A (10): S1 @5, S2 @6, S3 @8; at least 2 awarded suppliers in the category.
# Base: S1 9 @5 + S2 1 @6 = 51. Variant "no-s2" (S2 excluded): S2 cannot count; the second
# supplier is S3 with one unit (the quantum): 9 x 5 + 1 x 8 = 53. (With the hole: S1 alone,
# 50.) Unique: cost falls with every unit moved to S1.
case(
    "count_per_category_excluded_supplier",
    scenario(
        "count-excluded",
        [item("A", 10)],
        [sup("S1"), sup("S2"), sup("S3")],
        [offer("S1", "A", 5), offer("S2", "A", 6), offer("S3", "A", 8)],
        rules=[{"type": "supplier_count", "min": 2, "per": "category"}],
        variants=[{"name": "no-s2", "exclude_suppliers": ["S2"]}],
    ),
    objective=53,
    total_cost=53,
    allocation={("S1", "A"): 9, ("S3", "A"): 1},
    variant="no-s2",
)

# 47 A fixed cost and a count share one indicator (S2's "awarded" over all items).
# A (10): S1 @5; S2 @6 with capacity 0 and fixed cost 1; S3 @20. At least 2 awarded.
# S2 can receive nothing, so the second supplier is S3 with one unit: 9 x 5 + 20 = 65.
# (With the hole: S1 10 x 5 + S2's fixed cost 1 = 51, S2 "awarded" with no units.) Unique.
case(
    "count_with_fixed_cost_capacity_zero",
    scenario(
        "count-fixed",
        [item("A", 10)],
        [sup("S1"), sup("S2", capacity=0, fixed_cost=1), sup("S3")],
        [offer("S1", "A", 5), offer("S2", "A", 6), offer("S3", "A", 20)],
        rules=[{"type": "supplier_count", "min": 2}],
    ),
    objective=65,
    total_cost=65,
    allocation={("S1", "A"): 9, ("S3", "A"): 1},
    cost={"fixed": 0},
)

# 48 backup_coverage: a supplier with backup capacity but no units it could receive.
# X (100), Y (10). a: X @10 cap 100, Y @1 cap 10. c: X @20 cap 100. t: X @5 cap 100 but
# min_units 150 (its minimum exceeds its capacity: the offer can never be used), Y @1 cap 0.
# Rule: coverage 0.5 over all. Backup capacities c_s = min(capacity, offer capacities):
# a 110, c 100, t 100 (t never receives units, so it is never awarded and lends nothing).
#  - a alone (X 100, Y 10 = 1,010): a's check needs the others' spare >= 55; nobody else is
#    awarded: violated. (With the hole t is "awarded" with no units and lends 100: 1,010.)
#  - a and c, c with 100 - x of X: a needs 100 - (100 - x) >= 0.5 (x + 10) -> x >= 10;
#    c needs 110 - (x + 10) >= 0.5 (100 - x) -> x <= 100. Cost 10x + 20 (100 - x) + 10 x 1 falls
#    with x, and c keeps at least one unit (the quantum): x = 99 -> 990 + 20 + 10 = 1,020.
# Optimum 1,020: a X 99, c X 1, a Y 10. Unique.
case(
    "backup_coverage_unusable_supplier",
    scenario(
        "backup-unusable",
        [item("X", 100), item("Y", 10)],
        [sup("a"), sup("c"), sup("t")],
        [
            offer("a", "X", 10, capacity=100),
            offer("a", "Y", 1, capacity=10),
            offer("c", "X", 20, capacity=100),
            offer("t", "X", 5, capacity=100, min_units=150),
            offer("t", "Y", 1, capacity=0),
        ],
        rules=[{"type": "backup_coverage", "coverage": 0.5}],
    ),
    objective=1020,
    total_cost=1020,
    allocation={("a", "X"): 99, ("c", "X"): 1, ("a", "Y"): 10},
)

# 49 A negligible capacity (1e-7 units, below the verifier's 1e-6 "awarded" threshold) is no
# capacity: b cannot be one of X's two suppliers. Infeasible. (With the hole: the quantum
# min(1, 1e-7) is within the solvers' tolerance, b is "counted" with no real units.)
case(
    "count_per_item_negligible_capacity",
    {
        **_NO_BID,
        "name": "excl-count-tiny",
        "offers": [
            offer("a", "X", 10),
            offer("b", "X", 11, capacity=1e-7),
            offer("c", "Y", 11),
            offer("a", "Y", 11),
        ],
    },
    status="infeasible",
)

# 50 max_items_per_supplier with a no-bid row (an indicator with the upper link only: a binary
# at 1 without units only tightens the row, so there was no hole; the case pins that a
# barred indicator changes nothing). A, B (10 each). S1: A @5, B @4 with capacity 0. S2: A @7,
# B @6. Each supplier wins at most one item: S1 can only win A (50), S2 B (60) -> 110. Unique.
case(
    "max_items_with_no_bid_row",
    scenario(
        "max-items-no-bid",
        [item("A", 10), item("B", 10)],
        [sup("S1"), sup("S2")],
        [
            offer("S1", "A", 5),
            offer("S1", "B", 4, capacity=0),
            offer("S2", "A", 7),
            offer("S2", "B", 6),
        ],
        rules=[{"type": "max_items_per_supplier", "max": 1}],
    ),
    objective=110,
    total_cost=110,
    allocation={("S1", "A"): 10, ("S2", "B"): 10},
)

# 51 A supplier min_units with capacity 0 under a per-category count (the quantum is then the
# minimum, 5 > 0: no hole before either; the case pins it). A (10): S1 @5, S2 @6 (capacity 0,
# min_units 5), S3 @9. Two awarded: S2 cannot receive units; S3 one unit: 45 + 9 = 54. Unique.
case(
    "count_with_min_units_capacity_zero",
    scenario(
        "count-min-units",
        [item("A", 10)],
        [sup("S1"), sup("S2", capacity=0, min_units=5), sup("S3")],
        [offer("S1", "A", 5), offer("S2", "A", 6), offer("S3", "A", 9)],
        rules=[{"type": "supplier_count", "min": 2, "per": "category"}],
    ),
    objective=54,
    total_cost=54,
    allocation={("S1", "A"): 9, ("S3", "A"): 1},
)

# --- format 1.1: item tags and attributes, `id` and `not` in selectors ---------------------

# 52 max_share on the items selected by an item tag. X (100, tagged critical), Y (100, no
# tags). S1 @10 on both, S2 @12 on both. The rule (limit 0.6, per item) selects X only:
# X: S1 60 @10 + S2 40 @12 = 600 + 480 = 1,080; Y is unlimited: S1 100 @10 = 1,000.
# Optimum 2,080. Unique. (Tags ignored would give 2,000; the rule on Y as well 2,160.)
case(
    "max_share_items_by_tag",
    scenario(
        "items-by-tag",
        [item("X", 100, tags=["critical"]), item("Y", 100)],
        [sup("S1"), sup("S2")],
        [
            offer("S1", "X", 10),
            offer("S1", "Y", 10),
            offer("S2", "X", 12),
            offer("S2", "Y", 12),
        ],
        rules=[{"type": "max_share", "limit": 0.6, "items": {"tags": ["critical"]}, "per": "item"}],
    ),
    objective=2080,
    total_cost=2080,
    allocation={("S1", "X"): 60, ("S2", "X"): 40, ("S1", "Y"): 100},
)

# 53 exclude with `suppliers: {not: {tags: [certified]}}` on the items tagged medical.
# M (50, medical), N (50). C is certified, U has no tags, V is tagged other. Offers: M: U @5,
# V @6, C @9; N: U @5, C @7. On M only C is not excluded: 50 @9 = 450; N is free: U 50 @5 =
# 250. Optimum 700. Unique. (Without the `not`, C alone would be excluded from M: U @5 = 250.)
case(
    "exclude_not_certified_from_tagged_items",
    scenario(
        "exclude-not-certified",
        [item("M", 50, tags=["medical"]), item("N", 50)],
        [sup("C", tags=["certified"]), sup("U"), sup("V", tags=["other"])],
        [
            offer("U", "M", 5),
            offer("V", "M", 6),
            offer("C", "M", 9),
            offer("U", "N", 5),
            offer("C", "N", 7),
        ],
        rules=[
            {
                "type": "exclude",
                "suppliers": {"not": {"tags": ["certified"]}},
                "items": {"tags": ["medical"]},
            }
        ],
    ),
    objective=700,
    total_cost=700,
    allocation={("C", "M"): 50, ("U", "N"): 50},
)

# 54 An item attribute filter where one item lacks the attribute, and its `not`; supplier
# `id` filters. H (40, hazard 3), L (40, hazard 1), Z (40, no hazard). cheap @5 on all (only
# 10 units of Z), mid @6 and top @9 on all.
# Rule 1 excludes {not: {id: [mid, top]}} = cheap from {attribute: {hazard: {ge: 2}}} = H only
# (Z lacks the attribute, so it does not match). Rule 2 excludes {id: [mid]} from
# {not: {attribute: {hazard: {lt: 2}}}}: H (3 is not < 2) and Z (lacks it, so the inner map
# fails and its `not` holds), not L.
# H: only top: 40 @9 = 360. L: cheap 40 @5 = 200. Z: cheap 10 @5 = 50, the other 30 at top
# @9 = 270 (mid excluded). Optimum 360 + 200 + 320 = 880. Unique.
# (Z matched by rule 1 would give 920; Z not matched by rule 2 would give 790.)
case(
    "item_attribute_filter_and_its_not",
    scenario(
        "item-attribute-not",
        [
            item("H", 40, attributes={"hazard": 3}),
            item("L", 40, attributes={"hazard": 1}),
            item("Z", 40),
        ],
        [sup("cheap"), sup("mid"), sup("top")],
        [
            offer("cheap", "H", 5),
            offer("cheap", "L", 5),
            offer("cheap", "Z", 5, capacity=10),
            offer("mid", "H", 6),
            offer("mid", "L", 6),
            offer("mid", "Z", 6),
            offer("top", "H", 9),
            offer("top", "L", 9),
            offer("top", "Z", 9),
        ],
        rules=[
            {
                "type": "exclude",
                "suppliers": {"not": {"id": ["mid", "top"]}},
                "items": {"attribute": {"hazard": {"ge": 2}}},
            },
            {
                "type": "exclude",
                "suppliers": {"id": ["mid"]},
                "items": {"not": {"attribute": {"hazard": {"lt": 2}}}},
            },
        ],
    ),
    objective=880,
    total_cost=880,
    allocation={("top", "H"): 40, ("cheap", "L"): 40, ("cheap", "Z"): 10, ("top", "Z"): 30},
)

# 55 Item `id` and `group` filters with a `not`, under group_share. A, B, C (100 each, group
# g), D (100, group h). S1 @10 on all; S2 @11 on A, @12 on B, C, D. The rule: S2 gets at least
# 30% of the volume of {group: [g], not: {id: [C]}} = A and B together (200 units, per
# category), i.e. 60 units, where S2 costs least over S1: A. A: S1 40 @10 + S2 60 @11 = 400 +
# 660 = 1,060; B, C, D: S1 300 @10 = 3,000. Optimum 4,060. Unique. (C in the scope too: 90
# units to S2, 4,090.)
case(
    "group_share_items_by_group_not_id",
    scenario(
        "items-group-not-id",
        [
            item("A", 100, group="g"),
            item("B", 100, group="g"),
            item("C", 100, group="g"),
            item("D", 100, group="h"),
        ],
        [sup("S1"), sup("S2")],
        [
            *(offer("S1", i, 10) for i in ("A", "B", "C", "D")),
            offer("S2", "A", 11),
            *(offer("S2", i, 12) for i in ("B", "C", "D")),
        ],
        rules=[
            {
                "type": "group_share",
                "min": 0.3,
                "suppliers": ["S2"],
                "items": {"group": ["g"], "not": {"id": ["C"]}},
            }
        ],
    ),
    objective=4060,
    total_cost=4060,
    allocation={
        ("S1", "A"): 40,
        ("S2", "A"): 60,
        ("S1", "B"): 100,
        ("S1", "C"): 100,
        ("S1", "D"): 100,
    },
)


# --- format 1.1: min_award_share and total ----------------------------------------------------

# 56 A 70/30 split: X (100). A @10, B @12, C @11 (capacity 20). At least 2 suppliers, none over
# 70 %, and each awarded supplier at least 30 % (30 units). C can hold at most 20 < 30, so it
# cannot be awarded: A and B, A at its 70 limit (cheaper), B 30: 700 + 360 = 1060. Unique.
# (Without min_award_share: A 70, C 20, B 10 = 1040, so the rule binds.)
_SPLIT = scenario(
    "split-70-30",
    [item("X", 100)],
    [sup("A"), sup("B"), sup("C")],
    [offer("A", "X", 10), offer("B", "X", 12), offer("C", "X", 11, capacity=20)],
    rules=[
        {"type": "supplier_count", "min": 2, "per": "item"},
        {"type": "max_share", "limit": 0.7},
        {"type": "min_award_share", "name": "thirty", "limit": 0.3},
    ],
)
case(
    "min_award_share_70_30_split",
    _SPLIT,
    objective=1060,
    total_cost=1060,
    allocation={("A", "X"): 70, ("B", "X"): 30},
)

# 57 The same, min_award_share soft at 0.5 per unit short. With C at x <= 20 units and B at
# 30 - x (0 < x < 30): cost 700 + 11x + 12(30 - x) = 1060 - x; C is 30 - x short, B is x short
# (30 - (30 - x)): 30 units short, 15 of penalty, 1075 - x, least at x = 20: 1055 < 1060
# (x = 0, no violation). A 70, C 20, B 10: total cost 1040, objective 1040 + 15 = 1055. Unique.
case(
    "min_award_share_soft",
    {
        **_SPLIT,
        "name": "split-70-30-soft",
        "rules": [
            *_SPLIT["rules"][:2],
            {"type": "min_award_share", "limit": 0.3, "soft": {"penalty": 0.5}},
        ],
    },
    objective=1055,
    total_cost=1040,
    allocation={("A", "X"): 70, ("C", "X"): 20, ("B", "X"): 10},
)

# 58 min_award_share per category, by spend, at 50 %. X (10), Y (10). A: X @5, Y @5, supplier
# capacity 16; B: Y @15 only. A cannot cover 20, so B gets x_B >= 4 units of Y. Each awarded
# supplier holds at least half the spend: 15 x_B >= 0.5 (5 (20 - x_B) + 15 x_B) <=> x_B >= 5
# (and A's 5 (20 - x_B) >= 0.5 (...) <=> x_B <= 5). So x_B = 5: A X 10, Y 5 (75), B Y 5 (75)
# = 150. Unique. (Without the rule: x_B = 4, 80 + 60 = 140.)
case(
    "min_award_share_category_spend",
    scenario(
        "min-award-spend",
        [item("X", 10), item("Y", 10)],
        [sup("A", capacity=16), sup("B")],
        [offer("A", "X", 5), offer("A", "Y", 5), offer("B", "Y", 15)],
        rules=[{"type": "min_award_share", "limit": 0.5, "per": "category", "measure": "spend"}],
    ),
    objective=150,
    total_cost=150,
    allocation={("A", "X"): 10, ("A", "Y"): 5, ("B", "Y"): 5},
)

# 59 total max per supplier: a regional capacity over a subset. X, Y, Z (10 each). A @5 on all;
# B: X @8, Y @9, Z @9. Each supplier at most 12 units of X and Y together. A takes Z (50) and
# 12 of X, Y; B takes the other 8 where it is cheaper, X (64); A: Y 10, X 2 (60).
# 50 + 60 + 64 = 174. Unique (B on Y would cost 9 > 8).
case(
    "total_max_per_supplier",
    scenario(
        "total-regional",
        [item("X", 10), item("Y", 10), item("Z", 10)],
        [sup("A"), sup("B")],
        [
            offer("A", "X", 5),
            offer("A", "Y", 5),
            offer("A", "Z", 5),
            offer("B", "X", 8),
            offer("B", "Y", 9),
            offer("B", "Z", 9),
        ],
        rules=[{"type": "total", "name": "north", "max": 12, "items": ["X", "Y"]}],
    ),
    objective=174,
    total_cost=174,
    allocation={("A", "X"): 2, ("A", "Y"): 10, ("A", "Z"): 10, ("B", "X"): 8},
)

# 60 total min per supplier: a commitment to a dearer supplier. X (100): A @10, B @12. B is
# committed 30 units: A 70, B 30 = 700 + 360 = 1060. Unique.
_COMMIT = scenario(
    "total-commitment",
    [item("X", 100)],
    [sup("A"), sup("B")],
    [offer("A", "X", 10), offer("B", "X", 12)],
    rules=[{"type": "total", "name": "commit-b", "min": 30, "suppliers": ["B"]}],
)
case(
    "total_min_commitment",
    _COMMIT,
    objective=1060,
    total_cost=1060,
    allocation={("A", "X"): 70, ("B", "X"): 30},
)

# 61 The commitment soft at 1 per unit short: each unit moved to B costs 2 more and saves 1 of
# penalty, so it is broken in full: A 100 (1000) + 30 short x 1 = 1030. Unique.
case(
    "total_min_soft",
    {
        **_COMMIT,
        "name": "total-commitment-soft",
        "rules": [
            {"type": "total", "min": 30, "suppliers": ["B"], "soft": {"penalty": 1}},
        ],
    },
    objective=1030,
    total_cost=1000,
    allocation={("A", "X"): 100},
)

# 62 A commitment holds awarded or not: C bids only on Y, yet is committed 10 units of X (the
# rule's items). Nothing C can receive counts: infeasible. (CP-SAT, on its integer grid, cannot
# prove an infeasibility its presolve does not find, and says so with no_solution: the case is
# marked non-integral: CP-SAT must then answer infeasible or no_solution; 62b covers CP-SAT.)
case(
    "total_min_without_offers",
    scenario(
        "total-no-offer",
        [item("X", 10), item("Y", 10)],
        [sup("A"), sup("C")],
        [offer("A", "X", 5), offer("A", "Y", 5), offer("C", "Y", 6)],
        rules=[{"type": "total", "min": 10, "suppliers": ["C"], "items": ["X"]}],
    ),
    status="infeasible",
    integral=False,
)

# 62b A commitment beyond what the supplier can deliver: C can sell at most 5 units of X
# (offer capacity) and is committed 10. Infeasible.
case(
    "total_min_beyond_capacity",
    scenario(
        "total-beyond-cap",
        [item("X", 10)],
        [sup("A"), sup("C")],
        [offer("A", "X", 5), offer("C", "X", 6, capacity=5)],
        rules=[{"type": "total", "min": 10, "suppliers": ["C"]}],
    ),
    status="infeasible",
)

# 63 total per all, by spend: A and B together at most 30 of money. X (10): A @5, B @6, C @7.
# Per unit of the cap A saves (7 - 5) / 5 = 0.4, B (7 - 6) / 6: A takes 30 / 5 = 6 units, C
# the other 4 (28): 30 + 28 = 58. Unique.
case(
    "total_per_all_spend",
    scenario(
        "total-all-spend",
        [item("X", 10)],
        [sup("A"), sup("B"), sup("C")],
        [offer("A", "X", 5), offer("B", "X", 6), offer("C", "X", 7)],
        rules=[
            {
                "type": "total",
                "max": 30,
                "suppliers": ["A", "B"],
                "per": "all",
                "measure": "spend",
            }
        ],
    ),
    objective=58,
    total_cost=58,
    allocation={("A", "X"): 6, ("C", "X"): 4},
)

# 64 min_award_share per category, by volume: each awarded supplier at least 25 % of X and Y
# together (20 units: 5). X, Y (10 each). A @5 on both, supplier capacity 16; B: X @7, Y @6.
# B must take 4 or more; the rule makes it 5, on Y where it is cheaper: A X 10, Y 5 (75),
# B Y 5 (30) = 105. Unique. (Per item B's 4 of Y would be 40 % of Y and hold: 104.)
case(
    "min_award_share_category_volume",
    scenario(
        "min-award-category",
        [item("X", 10), item("Y", 10)],
        [sup("A", capacity=16), sup("B")],
        [offer("A", "X", 5), offer("A", "Y", 5), offer("B", "X", 7), offer("B", "Y", 6)],
        rules=[{"type": "min_award_share", "limit": 0.25, "per": "category"}],
    ),
    objective=105,
    total_cost=105,
    allocation={("A", "X"): 10, ("A", "Y"): 5, ("B", "Y"): 5},
)

# 65 min_award_share per item, by spend, at 50 %. X (20): A @5 (offer capacity 16), B @15;
# Y (10): A @5 only. On X B takes x >= 4; B's spend 15x >= 0.5 (5 (20 - x) + 15x) <=> x >= 5,
# and A's 5 (20 - x) >= 0.5 (...) <=> x <= 5: x = 5, A 15 (75) + B 5 (75) = 150 on X; Y all
# to A (50, 100 % of Y). 200. Unique. (Without the rule: A 16 + B 4 on X, 140 + 50 = 190.)
case(
    "min_award_share_item_spend",
    scenario(
        "min-award-item-spend",
        [item("X", 20), item("Y", 10)],
        [sup("A"), sup("B")],
        [offer("A", "X", 5, capacity=16), offer("B", "X", 15), offer("A", "Y", 5)],
        rules=[{"type": "min_award_share", "limit": 0.5, "measure": "spend"}],
    ),
    objective=200,
    total_cost=200,
    allocation={("A", "X"): 15, ("B", "X"): 5, ("A", "Y"): 10},
)

# 66 Case 65 with the rule soft at 0.5 per unit of money short. With B at x in [4, 5] on X:
# cost 5 (20 - x) + 15x + 50 = 150 + 10x; B's spend is 0.5 (100 + 10x) - 15x = 50 - 10x short
# (A's holds); objective 150 + 10x + 0.5 (50 - 10x) = 175 + 5x, least at x = 4: A 16 (80),
# B 4 (60), Y 50 = 190, plus 0.5 x 10 = 5: 195. Unique.
case(
    "min_award_share_soft_spend",
    scenario(
        "min-award-soft-spend",
        [item("X", 20), item("Y", 10)],
        [sup("A"), sup("B")],
        [offer("A", "X", 5, capacity=16), offer("B", "X", 15), offer("A", "Y", 5)],
        rules=[
            {
                "type": "min_award_share",
                "limit": 0.5,
                "measure": "spend",
                "soft": {"penalty": 0.5},
            }
        ],
    ),
    objective=195,
    total_cost=190,
    allocation={("A", "X"): 16, ("B", "X"): 4, ("A", "Y"): 10},
)

# 67 Case 58 with a third bidder C: Y @20, never awarded. Its spend row (big-M) must then hold
# by itself: with C's indicator at 0 it reads 0.5 x (spend of X and Y) <= M = 0.5 x (10 x 5 +
# 10 x 20) = 125 (demand times the dearest price, per item), and 0.5 x 150 = 75. C instead
# of B: 20x >= 0.5 (5 (20 - x) + 20x) <=> x >= 4, A 16 (80) + C 4 (80) = 160 > 150; B and
# C both: three suppliers of at least 50 % each cannot be. Still A X 10, Y 5, B Y 5: 150.
case(
    "min_award_share_spend_unawarded_bidder",
    scenario(
        "min-award-spend-3",
        [item("X", 10), item("Y", 10)],
        [sup("A", capacity=16), sup("B"), sup("C")],
        [offer("A", "X", 5), offer("A", "Y", 5), offer("B", "Y", 15), offer("C", "Y", 20)],
        rules=[{"type": "min_award_share", "limit": 0.5, "per": "category", "measure": "spend"}],
    ),
    objective=150,
    total_cost=150,
    allocation={("A", "X"): 10, ("A", "Y"): 5, ("B", "Y"): 5},
)

# 68 total per supplier by spend: A's spend capped at 600. X (100): A @10, B @12. A 60 (600),
# B 40 (480) = 1080. Unique.
_SPEND_CAP = scenario(
    "total-spend-cap",
    [item("X", 100)],
    [sup("A"), sup("B")],
    [offer("A", "X", 10), offer("B", "X", 12)],
    rules=[{"type": "total", "max": 600, "suppliers": ["A"], "measure": "spend"}],
)
case(
    "total_spend_cap_per_supplier",
    _SPEND_CAP,
    objective=1080,
    total_cost=1080,
    allocation={("A", "X"): 60, ("B", "X"): 40},
)

# 69 The cap soft at 0.1 per unit of money over: a unit moved from B to A saves 2 and adds 10
# of spend over the cap (1 of penalty), so A takes all: 1000, 400 over, 40: objective 1040.
case(
    "total_spend_cap_soft",
    {
        **_SPEND_CAP,
        "name": "total-spend-cap-soft",
        "rules": [
            {
                "type": "total",
                "max": 600,
                "suppliers": ["A"],
                "measure": "spend",
                "soft": {"penalty": 0.1},
            }
        ],
    },
    objective=1040,
    total_cost=1000,
    allocation={("A", "X"): 100},
)
from . import cases_interplay, cases_landed, cases_score, cases_units  # noqa: E402,F401
