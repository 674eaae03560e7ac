"""Catalogue cases where two format-1.1 additions meet (hand-derived; found by the merge).

Whole units, alternates, landed cost, incremental tiers and offer edits were built side by
side; these cases pin what each must mean when combined.
"""

from __future__ import annotations

from .cases import case, item, offer, scenario, sup

# 83 Alternates where one has incremental tiers: at most one of them is used. S1's a1 @5 cap
# 60 and a2 @12, from 20 @9 (incremental): mixing them (60 x 5 + 20 x 12 + 20 x 9 = 720) is
# not allowed. a2 alone for 100: 20 x 12 + 80 x 9 = 960; a1 60 + S2 40 x 20 = 300 + 800 =
# 1,100. Optimum 960, all through a2.
case(
    "incremental_alternate_is_one_alternate",
    scenario(
        "incremental-alternate",
        [item("A", 100)],
        [sup("S1"), sup("S2")],
        [
            offer("S1", "A", 5, id="a1", capacity=60),
            offer(
                "S1", "A", 12, id="a2", tier_type="incremental", tiers=[{"from": 20, "price": 9}]
            ),
            offer("S2", "A", 20),
        ],
    ),
    objective=960,
    total_cost=960,
    allocation={("S1", "A"): 100},
)

# 84 An offer a variant adds is in its supplier's currency, adders included. Scenario EUR,
# USD at 0.5: S2 (USD) re-bids 16 USD + 2 USD freight = 8 + 1 = 9 EUR landed, under S1's 10.
# The variant buys all 10 from S2: purchase 80 + freight 10 = 90 (read as EUR it would be
# 16 + 2 = 18 and lose to S1: 100).
case(
    "added_offer_in_its_supplier_currency",
    scenario(
        "added-offer-currency",
        [item("A", 10)],
        [sup("S1"), sup("S2", currency="USD")],
        [offer("S1", "A", 10), offer("S2", "A", 30)],
        currency="EUR",
        exchange_rates={"USD": 0.5},
        variants=[
            {
                "name": "late",
                "add_offers": [
                    {"supplier": "S2", "item": "A", "price": 16, "adders": {"freight": 2}}
                ],
            }
        ],
    ),
    objective=90,
    total_cost=90,
    allocation={("S2", "A"): 10},
    variant="late",
)
