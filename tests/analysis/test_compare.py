"""Variants side by side and the diff between two, on a tiny scenario solved by hand."""

from __future__ import annotations

import json
from typing import Any

import pytest
import yaml
from click.testing import CliRunner

from sourceopt import AnalysisError, build_program, load_scenario
from sourceopt.analysis import compare_variants, diff_variants
from sourceopt.analysis.compare import variant_program
from sourceopt.cli import cli
from sourceopt.solvers.base import Status

# Item A (100 units): S1 at 10, S2 at 11, nobody over 60 % of A; item B (50): only S2 at 5.
# base: S1 60 x 10 + S2 40 x 11 + 250 = 1290.
# no-cap (drops the cap): 1000 + 250 = 1250.
# s2-half (S2's prices halved): S2 60 x 5.5 + S1 40 x 10 + 50 x 2.5 = 330 + 400 + 125 = 855.
# no-s1 (S1 excluded): S2 cannot take more than 60 of A: infeasible.
SCENARIO: dict[str, Any] = {
    "sourceopt": 1,
    "name": "compare-tiny",
    "items": [
        {"id": "A", "demand": 100, "baseline_price": 12},
        {"id": "B", "demand": 50, "baseline_price": 6},
    ],
    "suppliers": [{"id": "S1"}, {"id": "S2", "tags": ["small_business"]}],
    "offers": [
        {"supplier": "S1", "item": "A", "price": 10},
        {"supplier": "S2", "item": "A", "price": 11},
        {"supplier": "S2", "item": "B", "price": 5},
    ],
    "rules": [{"type": "max_share", "name": "cap-60", "limit": 0.6, "items": ["A"]}],
    "variants": [
        {"name": "no-cap", "drop_rules": ["cap-60"]},
        {"name": "s2-half", "price_scale": {"S2": 0.5}},
        {"name": "no-s1", "exclude_suppliers": ["S1"]},
    ],
}


def test_table_of_variants() -> None:
    c = compare_variants(load_scenario(SCENARIO))
    rows = {r.variant: r for r in c.rows}
    assert rows["base"].objective == pytest.approx(1290.0)
    assert rows["base"].savings == pytest.approx(1500.0 - 1290.0)
    assert rows["no-cap"].objective == pytest.approx(1250.0)
    assert rows["s2-half"].objective == pytest.approx(855.0)
    assert rows["no-s1"].status is Status.INFEASIBLE
    assert rows["no-s1"].objective is None
    assert rows["base"].supplier_count == 2
    assert rows["base"].max_supplier_share == pytest.approx(690 / 1290)
    assert rows["base"].group_shares["tag:small_business"] == pytest.approx(690 / 1290)
    doc = c.to_dict()
    assert set(doc) == {"scenario", "variants"}
    assert set(doc["variants"][0]) == {
        "variant", "status", "objective", "total_cost", "savings", "savings_pct",
        "supplier_count", "max_supplier_share", "hhi", "group_shares", "gap", "final",
    }  # fmt: skip
    assert [v["final"] for v in doc["variants"]] == [True] * 4  # the infeasible one is proven
    assert list(c.frame["variant"]) == ["base", "no-cap", "s2-half", "no-s1"]


def test_drop_only_variant_edits_the_base_program() -> None:
    sc = load_scenario(SCENARIO)
    base = build_program(sc)
    _, edited = variant_program(sc, base, "no-cap")
    assert edited.n_cols == base.n_cols
    assert edited.n_rows == base.n_rows - 2  # the cap's two rows (S1 on A, S2 on A)
    _, excluded = variant_program(sc, base, "no-s1")
    assert excluded.n_rows == base.n_rows
    assert excluded.col_hi[0] == 0.0  # S1's offer column fixed at zero


def test_diff_with_known_moves_and_cost_split() -> None:
    d = diff_variants(load_scenario(SCENARIO), "base", "s2-half")
    moves = {(r.supplier, r.item): (r.units_from, r.units_to) for r in d.moves.itertuples()}
    assert moves == {("S1", "A"): (60.0, 40.0), ("S2", "A"): (40.0, 60.0)}
    assert d.objective_change == pytest.approx(855.0 - 1290.0)
    # the base award at S2's halved prices: 600 + 40 x 5.5 + 125 = 945, i.e. -345
    assert d.price_effect == pytest.approx(-345.0)
    # 20 units moved from 10 to 5.5
    assert d.rule_effect == pytest.approx(-90.0)
    doc = d.to_dict()
    # the contract's keys plus the documented split of the change
    assert set(doc) == {"from", "to", "objective_change", "price_effect", "rule_effect", "moves"}
    assert doc["price_effect"] == pytest.approx(d.price_effect)
    assert doc["moves"][0] == {"supplier": "S1", "item": "A", "units_from": 60.0, "units_to": 40.0}


def test_diff_of_a_dropped_rule_is_all_rule_effect() -> None:
    d = diff_variants(load_scenario(SCENARIO), "base", "no-cap")
    assert d.price_effect == pytest.approx(0.0, abs=1e-9)
    assert d.rule_effect == pytest.approx(-40.0)
    assert len(d.moves) == 2


def test_unknown_variant_lists_the_variants() -> None:
    with pytest.raises(AnalysisError, match="base, no-cap, s2-half, no-s1"):
        compare_variants(load_scenario(SCENARIO), variants=["base", "nope"])


def test_cli(tmp_path: Any) -> None:
    path = tmp_path / "s.yaml"
    path.write_text(yaml.safe_dump(SCENARIO))
    runner = CliRunner()
    out = runner.invoke(cli, ["compare", str(path), "--variants", "base,no-cap"])
    assert out.exit_code == 0, out.output
    assert "no-cap" in out.output
    out = runner.invoke(cli, ["compare", str(path)])
    assert out.exit_code == 4  # one variant is infeasible
    out = runner.invoke(cli, ["compare", str(path), "--diff", "base", "s2-half", "--json"])
    assert out.exit_code == 0
    assert json.loads(out.output)["objective_change"] == pytest.approx(-435.0)
    out = runner.invoke(cli, ["compare", str(path), "--diff", "base", "s2-half"])
    assert "price effect" in out.output
    out = runner.invoke(cli, ["compare", str(path), "--variants", "zzz"])
    assert out.exit_code == 2
    assert "unknown variant 'zzz'" in out.output
