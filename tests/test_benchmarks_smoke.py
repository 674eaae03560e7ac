"""Smoke pass of the benchmarks: the smallest size of every family, two OR-Library instances.

No absolute times are asserted (the machine is shared); the runs must be correct: optimal,
verified, the same objective as the PuLP baseline, the published OR-Library optima.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks import generators  # noqa: E402
from benchmarks.__main__ import phase_row, ratio_lines  # noqa: E402
from benchmarks.phases import PHASES, sourceopt_phases  # noqa: E402
from benchmarks.registry import ORLIB_DIR, ORLIB_SMOKE, SPECS, Case, cases  # noqa: E402

from sourceopt import load_scenario  # noqa: E402
from sourceopt.convert.orlib import parse_cap, read_cap, read_optima, scenario_dict  # noqa: E402

pytestmark = [pytest.mark.slow, pytest.mark.filterwarnings("ignore::DeprecationWarning")]


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("bench")


@pytest.mark.parametrize("family", list(SPECS))
def test_smallest_size_is_optimal_and_verified(family: str, folder: Path) -> None:
    spec = SPECS[family]
    path = generators.write_scenario(family, spec.smoke, folder)
    record, scenario, program, _ = sourceopt_phases(path, mip_gap=spec.mip_gap, time_limit=60)
    assert record["status"] == "optimal"
    assert record["verified"]
    assert set(record["phases"]) == set(PHASES)
    assert record["phases"]["total"] == pytest.approx(
        sum(v for k, v in record["phases"].items() if k != "total")
    )
    assert scenario.n_offers == spec.smoke
    assert program.n_cols >= spec.smoke
    assert "optimal" in phase_row({"case": f"{family}/{spec.smoke}", "peak_mb": 1.0, **record})


def test_dict_and_files_are_the_same_scenario(folder: Path) -> None:
    path = generators.write_scenario("award-mip", 500, folder, seed=3)
    from_files = load_scenario(path)
    from_dict = load_scenario(generators.scenario_dict("award-mip", 500, seed=3))
    assert from_files.n_offers == from_dict.n_offers == 500
    assert from_files.offers["price"].tolist() == from_dict.offers["price"].tolist()
    assert len(from_files.tiers) == len(from_dict.tiers) > 0
    assert [r.type for r in from_files.rules] == [r.type for r in from_dict.rules]


def test_generators_are_seeded() -> None:
    a = generators.scenario_dict("coupa-scale", 5_000, seed=1)
    b = generators.scenario_dict("coupa-scale", 5_000, seed=1)
    c = generators.scenario_dict("coupa-scale", 5_000, seed=2)
    assert a == b
    assert a["offers"] != c["offers"]
    assert len(a["offers"]["columns"]["price"]) == 5_000


def test_unknown_family_is_named() -> None:
    with pytest.raises(ValueError, match="families are"):
        generators.scenario_dict("nope", 10)


def test_split_lp_matches_the_pulp_loops_model(folder: Path) -> None:
    pytest.importorskip("pulp")
    from benchmarks import pulp_baseline

    path = generators.write_scenario("split-lp", SPECS["split-lp"].smoke, folder, seed=5)
    record, *_ = sourceopt_phases(path)
    model, times = pulp_baseline.front_end(path)
    solved = pulp_baseline.solve(model, mip_gap=1e-6, time_limit=60)
    assert solved["status"] == "Optimal"
    assert solved["objective"] == pytest.approx(record["objective"], rel=1e-6)
    assert times["front_end"] > 0


@pytest.mark.parametrize("name", ORLIB_SMOKE)
def test_orlib_instance_reaches_the_published_optimum(name: str) -> None:
    optimum = read_optima(ORLIB_DIR / "optima.tsv")[name]
    record, *_ = sourceopt_phases(scenario_dict(read_cap(ORLIB_DIR / f"{name}.txt")))
    assert record["status"] == "optimal"
    assert record["verified"]
    assert record["objective"] == pytest.approx(optimum, rel=1e-6)


def test_orlib_reader_wraps_lines_and_rejects_short_files() -> None:
    inst = parse_cap("2 2\n10 5.\n10 7.\n4 8 \n 12\n2 1 1\n", "tiny")
    assert inst.capacity.tolist() == [10, 10]
    assert inst.cost.tolist() == [[8, 12], [1, 1]]
    doc = scenario_dict(inst)
    assert doc["offers"]["columns"]["price"] == [2.0, 3.0, 0.5, 0.5]
    with pytest.raises(ValueError, match="expected"):
        parse_cap("2 2\n10 5.\n", "short")


def test_registry_and_ratio_lines() -> None:
    smoke = list(cases(smoke=True))
    assert Case("orlib-cap", "cap41") in smoke
    assert {c.family for c in smoke} == {*SPECS, "orlib-cap", "portfolio"}
    assert Case("portfolio", 800) in smoke
    record = {
        "case": "split-lp/1",
        "overhead": {"sourceopt_total_s": 1.1, "highs_run_s": 1.0, "ratio": 1.1},
    }
    assert "1.100x" in ratio_lines([record])[0]


def test_large_mip_default_path_agrees_with_plain_highs() -> None:
    """coupa-scale at 60,000 offers: above WARM_START_MIN_COLS, so the default run starts from
    the relaxation (bound + restricted MIP); plain HiGHS (warm start off) must agree."""
    from sourceopt import solve
    from sourceopt.formulation.build import build_program
    from sourceopt.solvers.base import SolveOptions, Status
    from sourceopt.solvers.highs import WARM_START_MIN_COLS, HighsBackend

    scenario = load_scenario(generators.scenario_dict("coupa-scale", 60_000))
    program = build_program(scenario)
    assert program.n_cols >= WARM_START_MIN_COLS
    assert program.is_mip
    options = SolveOptions(mip_gap=5e-5)
    warm = HighsBackend().solve(program, options)
    plain = HighsBackend(warm_start="off").solve(program, options)
    assert warm.status is Status.OPTIMAL
    assert plain.status is Status.OPTIMAL
    assert warm.extra["restricted_columns"] < program.n_cols
    # each run's bound is valid for the other's award, and both are within the gap
    assert warm.bound <= plain.objective
    assert plain.bound <= warm.objective
    assert abs(warm.objective - plain.objective) <= 5e-5 * abs(plain.objective)
    # end to end (result document, independent verification) on the default path
    result = solve(scenario, mip_gap=1e-4)
    assert str(result.status) == "optimal"
    assert result.verification.ok


def test_portfolio_generator_is_seeded_and_shaped(folder: Path) -> None:
    """4 categories x 200 offers: the first 2 strategic (4 national firms with one capacity each,
    the same in both), 5 goals, the 3 strategic goals scoped to those 2 categories."""
    from benchmarks.portfolio_gen import portfolio_parts, shape

    assert shape(800) == (4, 200)
    assert shape(1_000_000) == (200, 5_000)
    doc, parts = portfolio_parts(4, 200, seed=1)
    again, _ = portfolio_parts(4, 200, seed=1)
    other, _ = portfolio_parts(4, 200, seed=2)
    assert doc == again
    assert doc != other
    assert [r["type"] for r in doc["rules"]] == [
        "group_share",
        "group_share",
        "total",
        "max_share",
        "budget",
    ]
    assert doc["rules"][0]["items"] == {"category": ["cat-000", "cat-001"]}
    assert sum(len(t["offers"]) for _, t in parts) == 800
    caps = [t["suppliers"].set_index("id")["capacity"] for _, t in parts[:2]]
    assert caps[0]["N00"] == caps[1]["N00"]
    assert not any(t["suppliers"]["id"].str.startswith("N").any() for _, t in parts[2:])


def test_portfolio_smoke_case_agrees_on_both_methods(folder: Path) -> None:
    """The smoke size (4 x 200): monolithic and decomposed both optimal, verified, the same
    objective; the ratio line prints."""
    from benchmarks.bench_portfolio import run_portfolio_case

    record = run_portfolio_case(Case("portfolio", 800), time_limit=60, cache=folder)
    d = record["decomposition"]
    assert d["monolithic"]["status"] == d["decomposed"]["status"] == "optimal"
    assert d["monolithic"]["verified"]
    assert d["decomposed"]["verified"]
    assert d["same_objective"]
    assert d["categories"] == 4
    assert "portfolio  stacked monolithic" in ratio_lines([record])[0]
