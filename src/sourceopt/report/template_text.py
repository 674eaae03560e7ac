"""The words of the bid workbook: its Instructions sheet and the header notes of each column."""

from __future__ import annotations

from sourceopt.scenario.model import Scenario

# (sheet key or "*", column) -> the note on the column's header cell
COLUMN_HELP: dict[tuple[str, str], str] = {
    ("items", "id"): "The item's id (unique). Offers and tiers refer to it.",
    ("items", "demand"): "Units that must be awarded (more than 0).",
    ("items", "unit"): "The unit of measure (text), e.g. each, kg.",
    ("items", "baseline_price"): "Today's unit price (at least 0), for savings.",
    ("items", "group"): "A label rules can select items by.",
    ("items", "tags"): "Labels rules can select items by, separated by ; (e.g. critical;fragile).",
    ("suppliers", "id"): "Your company's id (unique; letters, digits, . _ -).",
    ("suppliers", "name"): "Your company's name.",
    ("suppliers", "country"): "ISO country code, e.g. US, DE.",
    ("suppliers", "region"): "Region, e.g. NA, EMEA, APAC.",
    ("suppliers", "tags"): "Labels separated by ; (e.g. small_business;iso9001).",
    ("suppliers", "capacity"): "The most units you can supply over all items (empty: no cap).",
    ("suppliers", "fixed_cost"): "A one-off cost if you are awarded anything (default 0).",
    ("suppliers", "min_units"): "If awarded anything, at least this many units in total.",
    ("offers", "supplier"): "Your supplier id (from the Suppliers sheet).",
    ("offers", "item"): "The item you bid for (from the Items sheet).",
    ("offers", "price"): "Unit price below the first volume tier (at least 0).",
    ("offers", "capacity"): "The most units of this item you can supply (empty: no cap).",
    ("offers", "min_units"): "If this offer is used at all, at least this many units.",
    ("tiers", "supplier"): "Your supplier id (an offer for the item must exist).",
    ("tiers", "item"): "The item of the offer this tier belongs to.",
    ("tiers", "from"): "From this many units awarded, every unit costs the tier's price.",
    ("tiers", "price"): "The unit price from that quantity on (all units).",
}


def instructions(scenario: Scenario) -> list[tuple[str, bool]]:
    """The Instructions sheet's lines (text, bold) below its title."""
    about = f"Category: {scenario.category}. " if scenario.category else ""
    return [
        (f"{about}{_money_line(scenario)}", False),
        ("How to bid", True),
        (
            "1. Suppliers sheet: check your company's row, or add it: a unique id (letters, "
            "digits, . _ -), your name, country, capacity (the most units you can supply in "
            "total; leave empty for no cap).",
            False,
        ),
        (
            "2. Offers sheet: one row per item you bid for: supplier (your id, pick it from the "
            "list), item (pick it from the list of the Items sheet), price (unit price), "
            "optionally capacity (the most units of that item) and min_units.",
            False,
        ),
        (
            "3. Tiers sheet (optional): all-units volume discounts, one row per tier: supplier, "
            "item, from (units) and price. From that quantity on, every unit of the item costs "
            "the tier's price; the offer's price applies below the first tier.",
            False,
        ),
        *_landed_lines(scenario),
        ("4. Save the workbook as an Excel Workbook (.xlsx) and send it back.", False),
        ("Rules of the workbook", True),
        (
            "Do not rename the sheets or the column names in row 1 (underlined names are "
            "required). Type numbers as numbers (no currency signs, no dates); leave a cell "
            "empty where a value does not apply. Formulas are fine once Excel has computed "
            "them (save the workbook in Excel or LibreOffice).",
            False,
        ),
        (
            "Items lists what is bought (do not change it). Scenario holds the buyer's "
            "settings (do not change it). The note on each column's name says what it means.",
            False,
        ),
        ("For the buyer", True),
        (
            "The filled workbook is a scenario: sourceopt solve bids.xlsx (the Scenario sheet "
            "gives its name, currency and rules), or refer to its sheets from a scenario file: "
            "offers: {file: bids.xlsx, sheet: Offers}. Merge several suppliers' workbooks by "
            "copying their Suppliers, Offers and Tiers rows into one.",
            False,
        ),
    ]


def _other_currencies(scenario: Scenario) -> list[str]:
    """The currencies other than the scenario's that suppliers or offers are written in."""
    found: set[str] = set()
    for frame in (scenario.suppliers, scenario.offers):
        if "currency" in frame:
            found |= {str(c) for c in frame["currency"].dropna().astype(str)}
    return sorted(found - {scenario.currency})


def _money_line(scenario: Scenario) -> str:
    """Which money the prices are in (format 1.1: a supplier's or an offer's own currency)."""
    cur, others = scenario.currency, _other_currencies(scenario)
    if not others:
        return f"All prices are unit prices in {cur}."
    return (
        f"All prices are unit prices in {cur}, unless your Suppliers row or the offer's "
        f"currency column names another ({', '.join(others)}; the Scenario sheet's "
        "exchange_rates converts them): write each offer's money in its own currency."
    )


def _landed_lines(scenario: Scenario) -> list[tuple[str, bool]]:
    """Format 1.1: how to give the costs beyond the price (adders, an offer's fixed cost)."""
    names = scenario.adder_names()
    if not names:
        return []
    columns = ", ".join(f"adders.{n}" for n in names)
    return [
        (
            f"Costs beyond the price, on the Offers sheet: {columns} (money per unit, in the "
            "offer's currency; leave empty for none) and fixed_cost (a one-off cost, such as "
            "tooling, if the offer receives any units).",
            False,
        )
    ]
