"""Write ``bids.xlsx``, the laptops example's tables as an Excel workbook a sourcing lead keeps.

The data is read from ``../laptops.yaml`` (the same items, suppliers, bids and volume tiers),
so the two examples cannot drift apart. One sheet per table, row 1 the column names:

- ``Items``: id, demand, unit, baseline_price, group
- ``Suppliers``: id, name, country, region, tags (``;``-separated), capacity, fixed_cost and
  one ``attr.<name>`` column per attribute
- ``Offers``: supplier, item, price, capacity (empty: no cap of the offer)
- ``Tiers``: supplier, item, from, price (one row per volume tier)

Run it from anywhere (needs openpyxl and pyyaml, both dependencies of sourceopt)::

    .venv/bin/python scenarios/laptops-workbook/generate.py
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import yaml
from openpyxl import Workbook
from openpyxl.styles import Font

HERE = Path(__file__).resolve().parent
SOURCE = HERE.parent / "laptops.yaml"
FIXED_TIME = dt.datetime(2026, 1, 15)  # document properties: the same on every run


def sheets(scenario: dict[str, Any]) -> dict[str, list[list[Any]]]:
    """The four tables of the scenario, as rows (the first: the column names)."""
    items = [["id", "demand", "unit", "baseline_price", "group"]]
    items += [
        [i["id"], i["demand"], i["unit"], i["baseline_price"], i["group"]]
        for i in scenario["items"]
    ]
    attributes = sorted({a for s in scenario["suppliers"] for a in s.get("attributes", {})})
    suppliers = [
        ["id", "name", "country", "region", "tags", "capacity", "fixed_cost"]
        + [f"attr.{a}" for a in attributes]
    ]
    for s in scenario["suppliers"]:
        suppliers.append(
            [
                s["id"],
                s["name"],
                s["country"],
                s["region"],
                ";".join(s.get("tags", [])),
                s.get("capacity"),
                s.get("fixed_cost", 0),
            ]
            + [s.get("attributes", {}).get(a) for a in attributes]
        )
    offers = [["supplier", "item", "price", "capacity"]]
    tiers = [["supplier", "item", "from", "price"]]
    for o in scenario["offers"]:
        offers.append([o["supplier"], o["item"], o["price"], o.get("capacity")])
        tiers += [[o["supplier"], o["item"], t["from"], t["price"]] for t in o.get("tiers", [])]
    return {"Items": items, "Suppliers": suppliers, "Offers": offers, "Tiers": tiers}


def write(path: Path, tables: dict[str, list[list[Any]]]) -> None:
    """One sheet per table: a bold, frozen header row and readable column widths."""
    book = Workbook()
    book.remove(book.active)
    book.properties.creator = "sourceopt example"
    book.properties.created = book.properties.modified = FIXED_TIME
    for title, rows in tables.items():
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        sheet.freeze_panes = "A2"
        for column in sheet.columns:
            width = max(len(str(c.value)) for c in column if c.value is not None)
            sheet.column_dimensions[column[0].column_letter].width = min(width + 2, 40)
    book.save(path)


def main() -> None:
    """Write bids.xlsx beside this file."""
    scenario = yaml.safe_load(SOURCE.read_text())
    write(HERE / "bids.xlsx", sheets(scenario))
    print(f"wrote {HERE / 'bids.xlsx'}")  # noqa: T201


if __name__ == "__main__":
    main()
