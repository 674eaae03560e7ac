"""Item ``tags`` and ``attributes`` (format 1.1) in table files and in item selectors.

Items tables take a ``tags`` column (``;``-separated text in CSV; a list column in Parquet)
and ``attr.<name>`` columns, as suppliers tables do; rules then select items by them.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml

from sourceopt import load_scenario, solve
from sourceopt.errors import ScenarioError
from sourceopt.scenario.schema import SelectorFilter
from sourceopt.scenario.selectors import item_mask

ITEMS_CSV = "id,demand,tags,attr.weight\nA,100,fragile;heavy,12\nB,50,,3\nC,50,heavy,\n"

# Hand-derived optimum: S1 @10 and S2 @12 on A (100), B (50), C (50).
# Rule 1 excludes S1 from the items tagged fragile: A -> S2, 100 x 12 = 1,200.
# Rule 2 excludes S1 from the items whose weight is < 5: B (3) -> S2, 50 x 12 = 600.
# C has no weight, so rule 2 does not select it: C -> S1, 50 x 10 = 500. Optimum 2,300.
OPTIMUM = 2300.0
AWARD = {("S2", "A"): 100.0, ("S2", "B"): 50.0, ("S1", "C"): 50.0}


def _scenario(tmp_path: Path, items_file: str) -> Path:
    doc = {
        "sourceopt": 1,
        "name": "item-tags",
        "items": {"file": items_file},
        "suppliers": [{"id": "S1"}, {"id": "S2"}],
        "offers": [
            {"supplier": s, "item": i, "price": p}
            for s, p in (("S1", 10), ("S2", 12))
            for i in ("A", "B", "C")
        ],
        "rules": [
            {"type": "exclude", "suppliers": ["S1"], "items": {"tags": ["fragile"]}},
            {"type": "exclude", "suppliers": ["S1"], "items": {"attribute": {"weight": {"lt": 5}}}},
        ],
    }
    path = tmp_path / "scenario.yaml"
    path.write_text(yaml.safe_dump(doc))
    return path


def _award(path: Path) -> dict[tuple[str, str], float]:
    res = solve(load_scenario(path))
    assert res.objective == pytest.approx(OPTIMUM)
    alloc = res.allocations[res.allocations["units"] > 1e-6]
    return {(r.supplier, r.item): float(r.units) for r in alloc.itertuples()}


def test_csv_items_with_tags_and_attribute_columns(tmp_path: Path) -> None:
    (tmp_path / "items.csv").write_text(ITEMS_CSV)
    path = _scenario(tmp_path, "items.csv")
    sc = load_scenario(path)
    assert list(sc.items["tags"]) == [
        frozenset({"fragile", "heavy"}),
        frozenset(),
        frozenset({"heavy"}),
    ]
    np.testing.assert_array_equal(sc.items["attr.weight"].to_numpy(), [12.0, 3.0, np.nan])
    assert _award(path) == AWARD


def test_parquet_items_with_a_list_tags_column(tmp_path: Path) -> None:
    frame = pd.DataFrame(
        {
            "id": ["A", "B", "C"],
            "demand": [100.0, 50.0, 50.0],
            "tags": [["fragile", "heavy"], [], ["heavy"]],
            "attr.weight": [12.0, 3.0, None],
        }
    )
    frame.to_parquet(tmp_path / "items.parquet", index=False)
    assert _award(_scenario(tmp_path, "items.parquet")) == AWARD


def test_not_of_an_attribute_filter_selects_items_without_it(tmp_path: Path) -> None:
    (tmp_path / "items.csv").write_text(ITEMS_CSV)
    sc = load_scenario(_scenario(tmp_path, "items.csv"))
    inner = {"attribute": {"weight": {"lt": 5}}}
    # A (12) and C (no weight) fail the inner map, so its `not` holds for them; B (3) holds it.
    assert item_mask(sc, SelectorFilter.model_validate(inner)).tolist() == [False, True, False]
    negated = SelectorFilter.model_validate({"not": inner})
    assert item_mask(sc, negated).tolist() == [True, False, True]
    both = SelectorFilter.model_validate({"tags": ["heavy"], "not": {"id": ["A"]}})
    assert item_mask(sc, both).tolist() == [False, False, True]


def test_a_bad_item_attribute_cell_names_its_row_and_column(tmp_path: Path) -> None:
    (tmp_path / "items.csv").write_text(ITEMS_CSV.replace("B,50,,3", "B,50,,heavy"))
    with pytest.raises(ScenarioError) as caught:
        load_scenario(_scenario(tmp_path, "items.csv"))
    places = [(p.place, p.message) for p in caught.value.problems]
    assert len(places) == 1, places
    assert "row 3, column attr.weight" in places[0][0]
    assert "expected a number" in places[0][1]


def test_excel_items_sheet_with_tags_and_attribute_columns(tmp_path: Path) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    sheet = book.active
    for row in [
        ["id", "demand", "tags", "attr.weight"],
        ["A", 100, "fragile;heavy", 12],
        ["B", 50, None, 3],
        ["C", 50, "heavy", None],
    ]:
        sheet.append(row)
    book.save(tmp_path / "items.xlsx")
    assert _award(_scenario(tmp_path, "items.xlsx")) == AWARD


def test_conflict_wording_names_id_and_not_entries(tmp_path: Path) -> None:
    from sourceopt.formulation.rules.wording import who

    (tmp_path / "items.csv").write_text(ITEMS_CSV)
    sc = load_scenario(_scenario(tmp_path, "items.csv"))
    selector = SelectorFilter.model_validate({"tags": ["heavy"], "not": {"id": ["A"]}})
    assert who(sc, selector, suppliers=False) == "items tagged heavy and not (named A) (C)"
