"""The Program carries its provenance: switches (big-Ms, award quanta) and pair expressions."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from sourceopt import build_program, load_scenario
from sourceopt.analysis import drop_rule
from sourceopt.formulation.expressions import supplier_expressions
from sourceopt.formulation.program import ColumnKind, Program, RowFamily

ROOT = Path(__file__).resolve().parents[2]
SWITCHED = (RowFamily.SEGMENT_UPPER, RowFamily.AWARDED_LINK, RowFamily.AWARDED_FLOOR)

SCENARIO: dict[str, Any] = {
    "sourceopt": 1,
    "name": "provenance",
    "items": [{"id": "A", "demand": 100}, {"id": "B", "demand": 40}],
    "suppliers": [{"id": "S1", "min_units": 10, "capacity": 90}, {"id": "S2", "fixed_cost": 5},
                  {"id": "S3"}],
    "offers": [
        {"supplier": "S1", "item": "A", "price": 10, "tiers": [{"from": 50, "price": 9}]},
        {"supplier": "S2", "item": "A", "price": 11},
        {"supplier": "S3", "item": "A", "price": 12},
        {"supplier": "S3", "item": "B", "price": 4},
    ],
    "rules": [
        {"type": "supplier_count", "name": "two", "min": 2},
        {"type": "max_items_per_supplier", "name": "one-item", "max": 1},
    ],
}  # fmt: skip


def check_switches(p: Program) -> None:
    """Every switched row is one switch; its binary is the row's only negative entry."""
    row, col, floor = p.provenance.switches()
    family = p.rows["family"].to_numpy()
    assert sorted(row) == sorted(np.flatnonzero(np.isin(family, SWITCHED)))
    assert np.array_equal(floor, family[row] == RowFamily.AWARDED_FLOOR)
    kind = p.columns["kind"].to_numpy()
    assert set(kind[col]) <= {ColumnKind.OFFER_SEGMENT, ColumnKind.AWARDED}
    a = p.A.tocsr()
    for r, c in zip(row, col, strict=True):
        entries = a[[r]]
        negative = entries.indices[entries.data < 0]
        assert list(negative) == [c]


def test_switches_are_recorded_where_the_big_ms_live() -> None:
    program = build_program(load_scenario(SCENARIO))
    row, _, floor = program.provenance.switches()
    # S1's tiered offer: 2 segments (segment_upper each); supplier_count min 2 floors its
    # 3 whole-supplier binaries (S1's also carries min_units: one binary, one link, one
    # floor); max_items adds 4 per-pair binaries (links only); S2's fixed cost shares its.
    assert len(row) == 2 + 3 * 2 + 4
    assert int(floor.sum()) == 3
    check_switches(program)


def test_switches_follow_a_dropped_rule() -> None:
    sc = load_scenario(SCENARIO)
    program = build_program(sc)
    for name in ("two", "one-item"):
        edited = drop_rule(program, name, sc)
        check_switches(edited)
    assert len(drop_rule(program, "one-item", sc).provenance.switch_row) == 2 + 3 * 2


def test_pair_expressions_give_each_suppliers_units_and_spend() -> None:
    sc = load_scenario(ROOT / "scenarios" / "laptops.yaml")
    program = build_program(sc)
    x = supplier_expressions(program, sc)
    kind = program.columns["kind"].to_numpy()
    sup = program.columns["supplier"].to_numpy()
    offer = kind == ColumnKind.OFFER_UNITS
    for s in range(sc.n_suppliers):
        units = x.units[[s]].toarray().ravel()
        assert np.array_equal(np.flatnonzero(units), np.flatnonzero(offer & (sup == s)))
        assert np.all(units[offer & (sup == s)] == 1.0)
    spend = x.spend.toarray()
    assert np.all(spend[:, ~offer & (kind != ColumnKind.BUNDLE)] == 0.0)
    assert np.all(spend.sum(axis=0)[offer] == program.c[offer])  # spend is the offer's price


def test_a_rule_owns_its_rows_and_measured_rows() -> None:
    sc = load_scenario(ROOT / "scenarios" / "resilient-chips.yaml")
    program = build_program(sc)
    for pos, rule in enumerate(sc.rules):
        mine = program.rule_rows(str(rule.name))
        measured = program.rule_rows(str(rule.name), measured=True)
        family = program.rows["family"].to_numpy()
        assert set(family[measured]) <= {rule.type}
        assert set(family[np.setdiff1d(mine, measured)]) <= {RowFamily.BACKUP_COVERAGE_TOTAL}
        assert set(program.columns["ref"].to_numpy()[program.rule_columns(pos)]) <= {pos}


def test_fix_suppliers_out_zeroes_only_their_columns() -> None:
    from sourceopt.formulation.edits import fix_suppliers_out

    program = build_program(load_scenario(SCENARIO))
    edited = fix_suppliers_out(program, [0, 2], bundles=True)
    kind = program.columns["kind"].to_numpy()
    sup = program.columns["supplier"].to_numpy()
    out = (kind == ColumnKind.OFFER_UNITS) & np.isin(sup, [0, 2])
    assert out.sum() == 2 + 2  # S1's two segments, S3's two offers
    assert np.all(edited.col_hi[out] == 0.0)
    assert np.all(edited.col_lo[out] == 0.0)
    assert np.array_equal(edited.col_hi[~out], program.col_hi[~out])
