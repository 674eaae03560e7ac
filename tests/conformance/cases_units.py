"""Catalogue cases for whole units (lot_size, pack_size) and alternate offers (format 1.1).

Each optimum is derived by hand in the comment above the case. Every case is integral: its
optimal award has whole units, and every column of its program is integer, so CP-SAT must
reach it exactly too. "S1 @10 cap 7" is an offer at unit price 10 with capacity 7.
"""

from __future__ import annotations

from .cases import case, item, offer, scenario, sup

# U1 lot_size: A (10, lot 5). S1 @10 cap 7, S2 @12. Continuous: S1 7 + S2 3 = 106. In whole
# lots S1 can take 5 (10 exceeds its 7), S2 the other 5: 50 + 60 = 110; S2 alone costs 120.
case(
    "units_lot_size",
    scenario(
        "units-lot-size",
        [item("A", 10, lot_size=5)],
        [sup("S1"), sup("S2")],
        [offer("S1", "A", 10, capacity=7), offer("S2", "A", 12)],
    ),
    objective=110,
    total_cost=110,
    allocation={("S1", "A"): 5, ("S2", "A"): 5},
)

# U2 pack_size: B (44, no lot). S1 @5 in packs of 12, cap 30 (so at most 2 packs = 24);
# S2 @6 in packs of 8; S3 @10, any units. Mixes of whole packs meeting 44 exactly:
#   S1 24 + S2 16 + S3 4 = 120 + 96 + 40 = 256;  S1 12 + S2 32 = 60 + 192 = 252;
#   S1 24 + S2 8 + S3 12 = 120 + 48 + 120 = 288; S1 0 + S2 40 + S3 4 = 240 + 40 = 280;
#   S1 12 + S2 24 + S3 8 = 60 + 144 + 80 = 284;  (S1 24 + S2 20: 20 is not a multiple of 8).
# Any S3 units beyond 4 replace cheaper units, so 252 is the unique optimum (continuous:
# S1 30 + S2 14 = 234).
case(
    "units_pack_size",
    scenario(
        "units-pack-size",
        [item("B", 44)],
        [sup("S1"), sup("S2"), sup("S3")],
        [
            offer("S1", "B", 5, capacity=30, pack_size=12),
            offer("S2", "B", 6, pack_size=8),
            offer("S3", "B", 10),
        ],
    ),
    objective=252,
    total_cost=252,
    allocation={("S1", "B"): 12, ("S2", "B"): 32},
)

# U3 a lot of one (demand 1, lot_size 1) goes to exactly one supplier: S1 @100 and S2 @120
# can each deliver only half (cap 0.5), so the continuous split 50 + 60 = 110 is out of
# reach; S3 @150 (no cap) takes the whole lot: 150.
case(
    "units_single_lot",
    scenario(
        "units-single-lot",
        [item("L", 1, lot_size=1)],
        [sup("S1"), sup("S2"), sup("S3")],
        [
            offer("S1", "L", 100, capacity=0.5),
            offer("S2", "L", 120, capacity=0.5),
            offer("S3", "L", 150),
        ],
    ),
    objective=150,
    total_cost=150,
    allocation={("S3", "L"): 1},
)

# U4 the cheaper alternate wins, alone: A (10). S1 offers a1 @10 and a2 @8 cap 6; S2 @11.
# Both alternates together would be a2 6 + a1 4 = 48 + 40 = 88, but at most one is used:
# a2 6 + S2 4 = 48 + 44 = 92; a1 10 = 100; S2 10 = 110. So 92, S1 through a2.
case(
    "alternate_cheaper_wins",
    scenario(
        "alternate-cheaper",
        [item("A", 10)],
        [sup("S1"), sup("S2")],
        [
            offer("S1", "A", 10, id="a1"),
            offer("S1", "A", 8, capacity=6, id="a2"),
            offer("S2", "A", 11),
        ],
    ),
    objective=92,
    total_cost=92,
    allocation={("S1", "A"): 6, ("S2", "A"): 4},
)

# U5 alternates trade price against capacity: X (40). S1: c1 @7 cap 20, c2 @8 cap 40; S2 @10.
# c1: 20 x 7 + 20 x 10 = 340; c2: 40 x 8 = 320 (both at once, 20 @7 + 20 @8 = 300, is not
# allowed). 320, S1 through c2.
_TRADE = scenario(
    "alternate-tradeoff",
    [item("X", 40)],
    [sup("S1"), sup("S2")],
    [
        offer("S1", "X", 7, capacity=20, id="c1"),
        offer("S1", "X", 8, capacity=40, id="c2"),
        offer("S2", "X", 10),
    ],
)
case(
    "alternate_capacity_tradeoff",
    _TRADE,
    objective=320,
    total_cost=320,
    allocation={("S1", "X"): 40},
)

# U6 a supplier-level rule counts the supplier once: U5 with max_share 0.5 per item. S1 gets at
# most 20 over both alternates: c1 20 @7 + S2 20 @10 = 340 (c2 20 @8: 360). 340.
case(
    "alternate_max_share_counts_supplier_once",
    {
        **_TRADE,
        "name": "alternate-max-share",
        "rules": [{"type": "max_share", "limit": 0.5}],
    },
    objective=340,
    total_cost=340,
    allocation={("S1", "X"): 20, ("S2", "X"): 20},
)

# U7 backup_coverage counts a supplier's largest alternate only. X (40, lot 10), coverage 1.
# S1: c1 @5 cap 20, c2 @6 cap 30 (its capacity: 30, not 50); S2 @7 cap 40; S3 @8 cap 100.
# The rule: for each awarded s, sum over other awarded t of (cap_t - vol_t) >= vol_s; with
# all of X awarded this is: the others' capacities add up to >= 40.
# {S1, S2}: S2 needs S1's capacity >= 40: 30 fails (with 50 it would pass: S1 c1 20 + S2 20 =
# 240 would win). {S1, S3}: S3 needs 30 >= 40, fails. {S2, S3}: 40 and 100, holds; S2 3 lots
# + S3 1 = 210 + 80 = 290. {S1, S2, S3}: S1 140, S2 130, S3 70 >= 40, holds; each gets >= 1
# lot: S1 2 lots through c1 (100) + S2 1 (70) + S3 1 (80) = 250 (S1 1 lot: 50 + 140 + 80 = 270;
# S1 2 lots through c2: 120 + 70 + 80 = 270; S1 3 lots leaves S2 or S3 empty). 250.
case(
    "alternate_backup_coverage_largest",
    scenario(
        "alternate-backup",
        [item("X", 40, lot_size=10)],
        [sup("S1"), sup("S2"), sup("S3")],
        [
            offer("S1", "X", 5, capacity=20, id="c1"),
            offer("S1", "X", 6, capacity=30, id="c2"),
            offer("S2", "X", 7, capacity=40),
            offer("S3", "X", 8, capacity=100),
        ],
        rules=[{"type": "backup_coverage", "coverage": 1}],
    ),
    objective=250,
    total_cost=250,
    allocation={("S1", "X"): 20, ("S2", "X"): 10, ("S3", "X"): 10},
)

# U8-U13 variant offer edits on one base: A (10). S1 @10 (id s1-std), S2 @12. Base: S1 10 = 100.
_EDITS = scenario(
    "offer-edits",
    [item("A", 10)],
    [sup("S1"), sup("S2")],
    [offer("S1", "A", 10, id="s1-std"), offer("S2", "A", 12)],
    variants=[
        # S2's revised bid without id replaces its offer: S2 10 @9 = 90.
        {"name": "revised", "add_offers": [offer("S2", "A", 9)]},
        # a new id is one more alternate of S1: s1-alt 8 @8 + S2 2 @12 = 64 + 24 = 88 (the
        # alternates together, 8 @8 + 2 @10 = 84, are not allowed; s1-std alone: 100).
        {"name": "alternate", "add_offers": [offer("S1", "A", 8, capacity=8, id="s1-alt")]},
        # the id of an existing offer replaces it: S1 5 @7 + S2 5 @12 = 35 + 60 = 95.
        {"name": "replace-id", "add_offers": [offer("S1", "A", 7, capacity=5, id="s1-std")]},
        # every offer of a pair out: S2 10 @12 = 120.
        {"name": "exclude-pair", "exclude_offers": [{"supplier": "S1", "item": "A"}]},
        # an offer out by id: the same, 120.
        {"name": "exclude-id", "exclude_offers": ["s1-std"]},
        # an excluded supplier's added offer stays excluded: S1 10 @10 = 100.
        {
            "name": "excluded-stays",
            "exclude_suppliers": ["S2"],
            "add_offers": [offer("S2", "A", 1)],
        },
    ],
)
case("offer_edits_base", _EDITS, objective=100, total_cost=100, allocation={("S1", "A"): 10})
for _name, _obj, _alloc in (
    ("revised", 90, {("S2", "A"): 10.0}),
    ("alternate", 88, {("S1", "A"): 8.0, ("S2", "A"): 2.0}),
    ("replace-id", 95, {("S1", "A"): 5.0, ("S2", "A"): 5.0}),
    ("exclude-pair", 120, {("S2", "A"): 10.0}),
    ("exclude-id", 120, {("S2", "A"): 10.0}),
    ("excluded-stays", 100, {("S1", "A"): 10.0}),
):
    case(
        f"offer_edits_{_name.replace('-', '_')}",
        _EDITS,
        objective=_obj,
        total_cost=_obj,
        allocation=_alloc,
        variant=_name,
    )
