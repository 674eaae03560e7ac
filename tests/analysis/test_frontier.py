"""Trade-off frontiers whose points are derived by hand."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner

from sourceopt import AnalysisError, load_scenario
from sourceopt.analysis import frontier
from sourceopt.analysis.metrics import HHI_TANGENTS
from sourceopt.cli import cli


def one_item(*offers: tuple[str, float, float, list[str]]) -> dict[str, Any]:
    """One item A (100 units); offers as (supplier, price, risk, tags), no capacities."""
    return {
        "sourceopt": 1,
        "name": "frontier-tiny",
        "items": [{"id": "A", "demand": 100}],
        "suppliers": [{"id": s, "tags": t, "attributes": {"risk": r}} for s, _, r, t in offers],
        "offers": [{"supplier": s, "item": "A", "price": p} for s, p, _, _ in offers],
    }


TWO = one_item(("S1", 10, 0.5, []), ("S2", 12, 0.1, ["small"]))
THREE = one_item(("S1", 10, 0.5, []), ("S2", 12, 0.1, []), ("S3", 15, 0.2, []))


def test_group_share_three_known_points() -> None:
    # Cheapest: all to S1, small share 0. All to S2 (share 1, 1200) is feasible, so the ends
    # are 0 and 1. At a spend share of 1/2: 12 v2 = 10 v1, v1 + v2 = 100, so v2 = 1000/22
    # and the cost is 2 x 12 v2 = 1090.909...
    f = frontier(load_scenario(TWO), "group_share:small", points=3)
    assert [p.bound for p in f.points] == pytest.approx([0.0, 0.5, 1.0])
    assert [p.value for p in f.points] == pytest.approx([0.0, 0.5, 1.0], abs=1e-6)
    assert [p.objective for p in f.points] == pytest.approx([1000.0, 12000 / 11, 1200.0])
    assert [p.knee for p in f.points] == [False, True, False]
    assert all(p.verified for p in f.points)
    doc = f.to_dict()
    assert set(doc) == {"scenario", "metric", "points"}
    keys = {"bound", "value", "objective", "status", "knee", "gap", "final"}
    assert set(doc["points"][0]) == keys


def test_average_risk_is_a_straight_line_without_knee() -> None:
    # risk 0.5 -> 0.1 by moving units from S1 to S2: at 0.3, 50/50: 500 + 600 = 1100.
    f = frontier(load_scenario(TWO), "average:risk", points=3)
    assert f.direction == "at_most"
    assert [p.bound for p in f.points] == pytest.approx([0.5, 0.3, 0.1])
    assert [p.objective for p in f.points] == pytest.approx([1000.0, 1100.0, 1200.0])
    assert f.knee is None


def test_supplier_count_three_known_points() -> None:
    # 1 supplier: 1000; 2: 99 x 10 + 1 x 12 = 1002; 3: 98 x 10 + 12 + 15 = 1007.
    f = frontier(load_scenario(THREE), "supplier_count", points=5)
    assert [p.bound for p in f.points] == [1.0, 2.0, 3.0]
    assert [p.value for p in f.points] == [1.0, 2.0, 3.0]
    assert [p.objective for p in f.points] == pytest.approx([1000.0, 1002.0, 1007.0])
    assert f.points[1].knee


def test_supplier_count_never_counts_a_supplier_that_cannot_deliver() -> None:
    # S4 bids with capacity 0 (a no-bid row): at most 3 suppliers can be awarded, so the
    # frontier stops at 3 with the same points as without S4 (a fourth "awarded" supplier
    # with no units would be a point the verifier refuses).
    doc = one_item(("S1", 10, 0.5, []), ("S2", 12, 0.1, []), ("S3", 15, 0.2, []))
    doc["suppliers"].append({"id": "S4"})
    doc["offers"].append({"supplier": "S4", "item": "A", "price": 9, "capacity": 0})
    f = frontier(load_scenario(doc), "supplier_count", points=5)
    assert [p.bound for p in f.points] == [1.0, 2.0, 3.0]
    assert [p.objective for p in f.points] == pytest.approx([1000.0, 1002.0, 1007.0])
    assert all(p.verified for p in f.points)


def test_max_share_and_hhi_are_monotone_and_within_bounds() -> None:
    sc = load_scenario(THREE)
    share = frontier(sc, "max_share", points=4)
    assert share.points[0].value == pytest.approx(1.0)
    objs = [p.objective for p in share.points]
    assert objs == sorted(objs)
    for p in share.points:
        assert p.value <= p.bound + 1e-6
    # the best max spend share is 1/3 (equal spend); bisection gets close to it
    assert share.points[-1].value == pytest.approx(1 / 3, abs=0.05)
    hhi = frontier(sc, "hhi", points=3)
    assert hhi.points[0].value == pytest.approx(10_000.0)
    for p in hhi.points:  # the outer approximation errs by at most 5000 / K points
        assert p.value <= p.bound + 5000 / HHI_TANGENTS
    assert hhi.points[-1].value < 4000  # three suppliers: 3333 at best


def test_unknown_metric_tag_attribute() -> None:
    sc = load_scenario(TWO)
    with pytest.raises(AnalysisError, match="metrics are: max_share"):
        frontier(sc, "cost")
    with pytest.raises(AnalysisError, match="tags are: small"):
        frontier(sc, "group_share:big")
    with pytest.raises(AnalysisError, match="attributes are: risk"):
        frontier(sc, "average:quality")
    with pytest.raises(AnalysisError, match="at_most"):
        frontier(sc, "max_share", direction="at_least")


def test_cli_json_and_plot(tmp_path: Path) -> None:
    path = tmp_path / "s.yaml"
    path.write_text(yaml.safe_dump(TWO))
    png, svg = tmp_path / "f.png", tmp_path / "f.svg"
    runner = CliRunner()
    args = ["frontier", str(path), "--against", "group_share:small", "--points", "3"]
    out = runner.invoke(cli, [*args, "--json", "--plot", str(png)])
    assert out.exit_code == 0, out.output
    assert [p["knee"] for p in json.loads(out.stdout)["points"]] == [False, True, False]
    assert out.stderr == f"wrote {png}\n"  # the one line naming what was written
    assert png.stat().st_size > 1000
    out = runner.invoke(cli, [*args, "--plot", str(svg)])
    assert out.exit_code == 0
    assert "<- knee" in out.output
    assert svg.read_text().lstrip().startswith("<?xml")
    out = runner.invoke(cli, ["frontier", str(path), "--against", "nope"])
    assert out.exit_code == 2
    assert "unknown metric" in out.output


def test_group_share_by_country_is_the_same_frontier_as_by_tag() -> None:
    # S2 is the only supplier in FR, as it is the only one tagged small: the points of
    # test_group_share_three_known_points (shares 0, 1/2, 1 at 1000, 12000/11, 1200).
    countries = ["DE", "FR"]
    suppliers = [{**s, "country": c} for s, c in zip(TWO["suppliers"], countries, strict=True)]
    by_country = {**TWO, "suppliers": suppliers}
    f = frontier(load_scenario(by_country), "group_share:country:FR", points=3)
    assert f.metric == "group_share:country:FR"
    assert f.direction == "at_least"
    assert [p.value for p in f.points] == pytest.approx([0.0, 0.5, 1.0], abs=1e-6)
    assert [p.objective for p in f.points] == pytest.approx([1000.0, 12000 / 11, 1200.0])
    assert [p.knee for p in f.points] == [False, True, False]


def test_a_probe_finds_an_award_or_proves_there_is_none() -> None:
    # THREE with supplier counts: at least 2 suppliers is feasible (any award of 2 is
    # verified), at least 4 is not (3 suppliers offer A).
    from sourceopt import build_program
    from sourceopt.analysis.metrics import parse, prepare, resolve
    from sourceopt.analysis.resolve import Resolver
    from sourceopt.solve import solve_options
    from sourceopt.solvers.base import Status
    from sourceopt.solvers.registry import get_backend

    sc = load_scenario(THREE)
    program = build_program(sc)
    target = resolve(sc, parse("supplier_count"), None)
    eps = prepare(target, program, sc)
    resolver = Resolver(sc, program, solve_options(sc), get_backend("highs"))
    found = resolver.probe(sc, eps.at(2.0))
    assert found is not None
    assert found.status in (Status.FEASIBLE, Status.OPTIMAL)
    assert found.document.kpis is not None
    assert found.document.kpis.supplier_count >= 2
    assert found.document.verification is not None
    assert found.document.verification.ok
    none = resolver.probe(sc, eps.at(4.0))
    assert none is not None
    assert none.status is Status.INFEASIBLE
