"""The `sourceopt` command line, end to end through click's CliRunner.

Exit codes (see ``sourceopt.cli``): 0 solved/valid, 2 usage, 3 invalid input, 4 infeasible.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner, Result

from sourceopt.cli import cli

ROOT = Path(__file__).resolve().parents[2]
SCENARIOS = ROOT / "scenarios"
LAPTOPS = str(SCENARIOS / "laptops.yaml")
INFEASIBLE = str(SCENARIOS / "infeasible-setaside.yaml")
CHIPS = str(SCENARIOS / "resilient-chips.yaml")

JSON_KEYS = {
    "items",  # format 1.1: per-item cost, savings and today's award kept
    "scenario",
    "variant",
    "status",
    "objective",
    "total_cost",
    "cost",
    "allocations",
    "suppliers",
    "kpis",
    "rules",
    "solver",
    "verification",
    "input_sha256",
}

# A tiny scenario: 2 items, 2 suppliers, 3 offers, no rules (plain lowest cost).
# Optimum by hand: item B is offered only by S2 -> 50 x 5 = 250. For item A, S1 (10) is
# cheaper than S2 (12) but S1's capacity is 60 units, so 60 x 10 = 600 from S1 and the
# remaining 40 x 12 = 480 from S2 (S2 ships 90 units, well under its 200). No fixed costs.
# Objective = 600 + 480 + 250 = 1330.
SMALL = """\
sourceopt: 1
name: cli-small
currency: USD
items:
  - {id: A, demand: 100, unit: ea, baseline_price: 12}
  - {id: B, demand: 50, unit: ea, baseline_price: 6}
suppliers:
  - {id: S1, name: Alpha, country: US, capacity: 60}
  - {id: S2, name: Beta, country: DE, capacity: 200}
offers:
  - {supplier: S1, item: A, price: 10}
  - {supplier: S2, item: A, price: 12}
  - {supplier: S2, item: B, price: 5}
"""
SMALL_OPTIMUM = 1330.0


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


def _invoke(
    runner: CliRunner,
    args: list[str],
    input: str | None = None,
    env: dict[str, str] | None = None,
) -> Result:
    return runner.invoke(cli, args, input=input, env=env)


def _json(result: Result) -> Any:
    return json.loads(result.stdout)


def test_solve_laptops_summary(runner: CliRunner) -> None:
    result = _invoke(runner, ["solve", LAPTOPS])
    assert result.exit_code == 0, result.output
    assert "OPTIMAL" in result.output
    assert "Allocations" in result.output
    assert "verified" in result.output


def test_solve_laptops_json_contract(runner: CliRunner) -> None:
    result = _invoke(runner, ["solve", LAPTOPS, "--json"])
    assert result.exit_code == 0, result.output
    doc = _json(result)
    assert set(doc) == JSON_KEYS
    assert doc["status"] == "optimal"
    assert doc["variant"] == "base"
    assert doc["verification"]["ok"] is True


def test_solve_infeasible_exits_4(runner: CliRunner) -> None:
    result = _invoke(runner, ["solve", INFEASIBLE])
    assert result.exit_code == 4, result.output
    assert "INFEASIBLE" in result.output
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)


def test_solve_stdin_small_scenario(runner: CliRunner) -> None:
    result = _invoke(runner, ["solve", "-", "--json"], input=SMALL)
    assert result.exit_code == 0, result.output
    doc = _json(result)
    assert doc["status"] == "optimal"
    assert doc["objective"] == SMALL_OPTIMUM
    assert doc["verification"]["ok"] is True
    units = {(a["supplier"], a["item"]): a["units"] for a in doc["allocations"]}
    assert units == {("S1", "A"): 60, ("S2", "A"): 40, ("S2", "B"): 50}


def test_all_variants_json(runner: CliRunner) -> None:
    result = _invoke(runner, ["solve", LAPTOPS, "--all-variants", "--json"])
    assert result.exit_code == 0, result.output
    docs = _json(result)
    assert isinstance(docs, list)
    declared = [v["name"] for v in yaml.safe_load(Path(LAPTOPS).read_text())["variants"]]
    assert [d["variant"] for d in docs] == ["base", *declared]
    assert all(set(d) == JSON_KEYS for d in docs)


@pytest.mark.parametrize(
    "args",
    [
        ["solve", LAPTOPS, "--variant", "nope"],
        ["rules", LAPTOPS, "--variant", "nope"],
        ["frontier", LAPTOPS, "--against", "max_share", "--variant", "nope"],
        ["compare", LAPTOPS, "--variants", "base,nope"],
        ["compare", LAPTOPS, "--diff", "base", "nope"],
        ["explain", LAPTOPS, "--variant", "nope"],
        ["price-to-win", LAPTOPS, "--variant", "nope"],
        ["stress", LAPTOPS, "--variant", "nope"],
    ],
    ids=lambda a: "-".join(a[:1] + a[2:3]),
)
def test_unknown_variant_is_one_usage_error_in_every_command(
    runner: CliRunner, args: list[str]
) -> None:
    # one rule (exit 2, a usage error) and one wording that lists the variants
    result = _invoke(runner, args)
    assert result.exit_code == 2, result.output
    names = ["base", *(v["name"] for v in yaml.safe_load(Path(LAPTOPS).read_text())["variants"])]
    wording = f"error: unknown variant 'nope' in {LAPTOPS}; its variants are: {', '.join(names)}"
    assert result.output.strip() == wording
    assert "Traceback" not in result.output


def test_variant_and_all_variants_is_usage_error(runner: CliRunner) -> None:
    result = _invoke(runner, ["solve", LAPTOPS, "--variant", "a", "--all-variants"])
    assert result.exit_code == 2, result.output


def test_csv_output(runner: CliRunner, tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = _invoke(runner, ["solve", LAPTOPS, "--json", "--csv", str(out)])
    assert result.exit_code == 0, result.output
    names = ("allocations.csv", "items.csv", "suppliers.csv", "rules.csv", "cost.csv")
    names += ("result.json",)
    for name in names:
        assert (out / name).is_file(), name
    # one line per file written, on stderr: stdout stays the JSON
    assert result.stderr.splitlines() == [f"wrote {out / name}" for name in names]
    allocations = _json(result)["allocations"]
    with (out / "allocations.csv").open(newline="") as f:
        rows = list(csv.DictReader(f))
    assert len(rows) == len(allocations)
    for row, alloc in zip(rows, allocations, strict=True):
        assert row["supplier"] == alloc["supplier"]
        assert row["item"] == alloc["item"]
        assert float(row["units"]) == pytest.approx(alloc["units"])
        assert float(row["spend"]) == pytest.approx(alloc["spend"])
    written = json.loads((out / "result.json").read_text())
    assert written["allocations"] == allocations


def test_cbc_matches_highs(runner: CliRunner) -> None:
    objectives = {}
    for backend in ("highs", "cbc"):
        result = _invoke(runner, ["solve", "-", "--json", "--backend", backend], input=SMALL)
        assert result.exit_code == 0, result.output
        doc = _json(result)
        assert doc["solver"]["backend"] == backend
        objectives[backend] = doc["objective"]
    assert objectives["cbc"] == pytest.approx(objectives["highs"], abs=1e-6)
    assert objectives["highs"] == SMALL_OPTIMUM


def test_deterministic_allocations(runner: CliRunner) -> None:
    runs = []
    for _ in range(2):
        result = _invoke(runner, ["solve", CHIPS, "--json"])
        assert result.exit_code == 0, result.output
        runs.append(json.dumps(_json(result)["allocations"]))
    assert runs[0] == runs[1]


def test_missing_file_exits_3(runner: CliRunner) -> None:
    result = _invoke(runner, ["solve", "missing.yaml"])
    assert result.exit_code == 3, result.output
    assert "file not found" in result.output


def test_backends_lists_all(runner: CliRunner) -> None:
    result = _invoke(runner, ["backends"])
    assert result.exit_code == 0, result.output
    for name in ("highs", "cbc", "scip", "cpsat"):
        assert name in result.output


def test_models_lists_builtin(runner: CliRunner) -> None:
    result = _invoke(runner, ["models"])
    assert result.exit_code == 0, result.output
    for name in ("lowest-cost", "dual-source", "resilient", "us-public-sector"):
        assert name in result.output


def test_summary_shows_the_largest_rows_and_says_how_many_are_left_out() -> None:
    freight = str(SCENARIOS / "freight-lanes" / "freight-lanes.yaml")
    runner = CliRunner()
    award = json.loads(runner.invoke(cli, ["solve", freight, "--json"]).output)
    allocations = sorted(award["allocations"], key=lambda a: -a["spend"])
    assert len(allocations) > 5

    short = runner.invoke(cli, ["solve", freight, "--rows", "5"])
    assert short.exit_code == 0
    body = short.output.split("\nAllocations\n", 1)[1].split("\n\n", 1)[0].splitlines()
    assert len(body) == 2 + 5 + 1  # header, rule, five rows, the "more" line
    assert body[2].split()[:2] == [allocations[0]["supplier"], allocations[0]["item"]]
    more = len(allocations) - 5
    assert body[-1] == f"... {more:,} more allocations (all of them: --rows 0, --csv DIR or --json)"

    everything = runner.invoke(cli, ["solve", freight, "--rows", "0"])
    body = everything.output.split("\nAllocations\n", 1)[1].split("\n\n", 1)[0].splitlines()
    assert len(body) == 2 + len(allocations)
    assert "more allocations" not in everything.output


# SMALL's item A with a 60 % cap on any supplier's share of A's volume. By hand: S1 (10) takes
# the most it may, 60 units (600), S2 the other 40 at 12 (480); B as before, 50 x 5 = 250 from
# S2. S1's share of A's volume is 60/100 = 60 %, its share of spend 600 / 1330 = 45.11 %;
# S2's 730 / 1330 = 54.89 % (the largest share of spend). No capacity binds but the cap.
CAPPED = SMALL.replace("capacity: 60", "capacity: 500") + (
    "rules:\n  - {type: max_share, name: cap60, limit: 0.6, items: [A]}\n"
)


def test_shares_print_as_percent_in_text_and_fractions_in_json(
    runner: CliRunner, tmp_path: Path
) -> None:
    path = tmp_path / "capped.yaml"
    path.write_text(CAPPED)
    text = _invoke(runner, ["solve", str(path)])
    assert text.exit_code == 0, text.output
    assert "max share 54.89 %" in text.output
    assert "45.11 %" in text.output
    assert "54.89 %" in text.output
    rule = next(line for line in text.output.splitlines() if line.startswith("cap60"))
    assert rule.split()[2:6] == ["60.00", "%", "60.00", "%"], rule
    doc = _json(_invoke(runner, ["solve", str(path), "--json"]))
    assert doc["rules"][0]["value"] == pytest.approx(0.6)
    assert doc["kpis"]["max_supplier_share"] == pytest.approx(730 / 1330)
    front = _invoke(runner, ["frontier", str(path), "--against", "max_share", "--points", "2"])
    assert front.exit_code == 0, front.output
    # the first point is the cheapest award: its largest share of spend is S2's 54.89 %
    first = front.output.splitlines()[4]  # title, underline, header, rule, first point
    assert first.split()[:4] == ["54.89", "%", "54.89", "%"], front.output


PUBLIC = str(SCENARIOS / "public-services.yaml")


@pytest.mark.parametrize(
    ("command", "shown", "hidden"),
    [
        # the cost of each rule first; where it comes from, the dual and the note on demand
        (["rules", PUBLIC], ["rule cost", "binding", "status"], ["note", "origin"]),
        # cost, savings, count and concentration first; every tag's share on demand
        (["compare", PUBLIC], ["total cost", "savings %", "max share"], ["tag:wosb", "gap"]),
    ],
)
def test_wide_tables_fit_the_terminal_and_wide_shows_every_column(
    command: list[str], shown: list[str], hidden: list[str]
) -> None:
    runner = CliRunner()
    narrow = runner.invoke(cli, command, env={"COLUMNS": "80"})
    assert narrow.exit_code == 0, narrow.output
    lines = narrow.output.splitlines()
    assert max(len(line) for line in lines) <= 80, narrow.output
    header = next(line for line in lines if line.startswith(("rule ", "variant ")))
    assert all(name in header for name in shown), header
    assert not any(name in header for name in hidden), header
    assert "--wide shows every" in narrow.output
    wide = runner.invoke(cli, [*command, "--wide"], env={"COLUMNS": "80"})
    assert wide.exit_code == 0, wide.output
    header = next(line for line in wide.output.splitlines() if line.startswith(("rule ", "var")))
    assert all(name in header for name in [*shown, *hidden]), header
    # the whole table: 190 (rules) and 271 (compare) characters wide
    assert max(len(line) for line in wide.output.splitlines()) > 180
    assert "--wide" not in wide.output


# 100 boxes of A; big sells at 10 (no limit), small (the only small business) at 12, at most
# 20 boxes. A 30 % small-business minimum needs 30 boxes from small: infeasible. By hand, the
# cheapest relaxation lowers the minimum to what small can carry, 20 / 100 = 20 %: 10 boxes
# short, priced at the highest price on offer (12 EUR a unit of volume) = 120 EUR. The
# relaxed award: small 20 x 12 = 240, big 80 x 10 = 800, cost 1,040 EUR; objective
# 1,040 + 120 = 1,160 EUR. (Each box more from small costs 2 EUR and saves 12 of penalty, so
# small is filled; raising small's capacity instead would cost the same penalty plus 20 EUR.)
SB_GOAL = """\
sourceopt: 1
name: sb-goal
currency: EUR
items: [{id: A, demand: 100, unit: box}]
suppliers: [{id: big}, {id: small, tags: [small_business], capacity: 20}]
offers:
  - {supplier: big, item: A, price: 10}
  - {supplier: small, item: A, price: 12}
rules:
  - {type: group_share, name: small-business, suppliers: {tags: [small_business]}, min: 0.3}
"""


def test_explain_states_units_and_splits_cost_and_penalty(
    runner: CliRunner, tmp_path: Path
) -> None:
    path = tmp_path / "sb.yaml"
    path.write_text(SB_GOAL)
    result = _invoke(runner, ["explain", str(path)])
    assert result.exit_code == 4, result.output
    assert (
        "lower the minimum of rule small-business from 30 % to 20 % (short by 10 units); "
        "penalty 120.00 EUR" in result.output
    )
    assert "objective 1,160.00 EUR = cost 1,040.00 EUR + penalty 120.00 EUR" in result.output
    doc = _json(_invoke(runner, ["explain", str(path), "--json"]))
    assert doc["relaxation"]["objective"] == pytest.approx(1160.0)
    assert doc["relaxation"]["cost"] == pytest.approx(1040.0)
    assert doc["relaxation"]["penalty"] == pytest.approx(120.0)
    assert doc["relaxation"]["violations"][0]["amount"] == pytest.approx(10.0)


def test_models_name_shows_the_model_whole(runner: CliRunner) -> None:
    path = ROOT / "models" / "dual-source.yaml"
    result = _invoke(runner, ["models", "dual-source"])
    assert result.exit_code == 0, result.output
    assert result.stdout == f"# model dual-source: {path}\n{path.read_text().rstrip()}\n"
    listing = _invoke(runner, ["models"], env={"COLUMNS": "80"})
    assert listing.exit_code == 0, listing.output
    assert max(len(line) for line in listing.stdout.splitlines()) <= 80
    unknown = _invoke(runner, ["models", "dual"])
    assert unknown.exit_code == 2
    assert "unknown model 'dual'; available models: dual-source, " in unknown.output


# --- one exit-code map, every command registered explicitly ---------------------------------


def test_readme_exit_code_table_is_the_exit_map() -> None:
    import re

    from sourceopt.cli.exits import STATUS_EXIT, Exit, status_exit
    from sourceopt.solvers.base import Status

    readme = (Path(__file__).parents[2] / "README.md").read_text()
    table = readme.split("### Exit codes", 1)[1].split("\n\n", 2)[1]
    codes = {int(m) for m in re.findall(r"^\| (\d+) \|", table, flags=re.MULTILINE)}
    assert codes == {int(code) for code in Exit}
    assert set(STATUS_EXIT) == set(Status)  # every status has its code
    # README: 4 infeasible, 5 no award (limit or unbounded), 6 solver failed, 7 unverified
    assert [status_exit(s) for s in Status] == [0, 0, 4, 5, 5, 6]
    assert status_exit(Status.OPTIMAL, verified=False) == 7
    assert status_exit(Status.INFEASIBLE, verified=False) == 4


def test_every_command_is_registered_in_the_list() -> None:
    import importlib
    import pkgutil

    import click

    from sourceopt import cli as package
    from sourceopt.cli import COMMANDS, cli

    modules = [  # every command module of the package, found, not listed by hand
        importlib.import_module(f"sourceopt.cli.{m.name}")
        for m in pkgutil.iter_modules(package.__path__)
        if m.name == "commands" or m.name.endswith("_commands")
    ]
    assert len(modules) >= 8
    defined = {
        value
        for module in modules
        for value in vars(module).values()
        if isinstance(value, click.Command) and value.name != "cli"
    }
    listed = set(COMMANDS)
    subcommands = {
        c for c in defined if any(c in getattr(g, "commands", {}).values() for g in listed)
    }
    assert defined - subcommands == listed
    assert set(cli.commands.values()) == listed
