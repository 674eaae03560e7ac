"""Every invalid input is rejected with the problem it is named after, in plain words.

The corpus lives in ``tests/data/invalid``: each file (or directory holding ``scenario.yaml``
and its table files) is named after the error it must produce, and ``EXPECTED.yaml`` says, for
each, which place and which words the reported problem must have. Loading must raise
:class:`ScenarioError` listing every problem (nothing else may escape), and
``sourceopt validate`` must print one line per problem and exit with status 3.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
import yaml
from click.testing import CliRunner

from sourceopt import load_scenario
from sourceopt.cli import cli
from sourceopt.errors import Problem, ScenarioError

DATA = Path(__file__).parents[1] / "data"
INVALID = DATA / "invalid"
MINIMAL = DATA / "valid" / "minimal.yaml"
EXPECTED: dict[str, Any] = yaml.safe_load((INVALID / "EXPECTED.yaml").read_text())

MAX_DOCUMENT_BYTES = 256 * 1024 * 1024  # the documented limit for a scenario document
VALIDATE_FAILED = 3  # exit status of `sourceopt validate` for an invalid input


def _too_large_file(tmp_path: Path) -> Path:
    """A sparse file one byte over the document limit (nothing big is written to disk)."""
    path = tmp_path / "too-large-file.yaml"
    with path.open("wb") as f:
        f.write(b"sourceopt: 1\nname: too-large\n")
        f.truncate(MAX_DOCUMENT_BYTES + 1)
    return path


def _parquet_wrong_dtype(tmp_path: Path) -> Path:
    """The committed scenario plus an offers.parquet whose price column holds text."""
    case = tmp_path / "parquet-wrong-dtype"
    shutil.copytree(INVALID / "parquet-wrong-dtype", case)
    offers = pd.DataFrame(
        {
            "supplier": ["S1", "S2", "S2"],
            "item": ["A", "A", "B"],
            "price": ["10.0", "11.0", "5.0"],  # numbers stored as strings: the wrong dtype
        }
    )
    offers.to_parquet(case / "offers.parquet", index=False)
    return case / "scenario.yaml"


def _workbook(name: str, tmp_path: Path, sheets: dict[str, list[list[Any]]]) -> Path:
    """The committed scenario plus an offers.xlsx with these sheets (written by openpyxl)."""
    from openpyxl import Workbook

    case = tmp_path / name
    shutil.copytree(INVALID / name, case)
    book = Workbook()
    book.remove(book.active)
    for title, rows in sheets.items():
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
    book.save(case / "offers.xlsx")
    return case / "scenario.yaml"


_OFFERS: list[list[Any]] = [
    ["supplier", "item", "price"],
    ["S1", "A", 10],
    ["S2", "A", 11],
    ["S2", "B", 5],
]


def _xlsx_unknown_sheet(tmp_path: Path) -> Path:
    """A workbook whose offers are on sheet 'Bids'; the scenario asks for 'Offers'."""
    return _workbook("xlsx-unknown-sheet", tmp_path, {"Bids": _OFFERS, "Notes": [["note"]]})


def _xlsx_bad_number(tmp_path: Path) -> Path:
    """Sheet 'Offers' with the text 'n/a' as the price in cell C4."""
    rows = [*_OFFERS[:3], ["S2", "B", "n/a"]]
    return _workbook("xlsx-bad-number", tmp_path, {"Offers": rows})


def _parquet_row_bomb(tmp_path: Path) -> Path:
    """An offers.parquet of 20,000,001 null rows: a few kilobytes, one over the row limit."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    case = tmp_path / "parquet-row-bomb"
    shutil.copytree(INVALID / "parquet-row-bomb", case)
    pq.write_table(pa.table({"supplier": pa.nulls(20_000_001)}), case / "offers.parquet")
    assert (case / "offers.parquet").stat().st_size < 100_000
    return case / "scenario.yaml"


def _xlsx_zip_bomb(tmp_path: Path) -> Path:
    """A workbook whose sheet XML holds 32 MiB of spaces in a comment: packed ~1,000 times."""
    import zipfile

    path = _workbook("xlsx-zip-bomb", tmp_path, {"Offers": _OFFERS})
    book = path.parent / "offers.xlsx"
    with zipfile.ZipFile(book) as source:
        members = [(m.filename, source.read(m)) for m in source.infolist()]
    with zipfile.ZipFile(book, "w", zipfile.ZIP_DEFLATED) as target:
        for name, content in members:
            padding = b"<!--" + b" " * 32 * 1024**2 + b"-->" if "worksheets/" in name else b""
            target.writestr(name, content + padding)
    assert book.stat().st_size < 100_000
    return path


# Cases made at test time (too big to commit, or binary and easier to generate than to review).
GENERATED: dict[str, Callable[[Path], Path]] = {
    "too-large-file.yaml": _too_large_file,
    "parquet-wrong-dtype": _parquet_wrong_dtype,
    "xlsx-unknown-sheet": _xlsx_unknown_sheet,
    "xlsx-bad-number": _xlsx_bad_number,
    "parquet-row-bomb": _parquet_row_bomb,
    "xlsx-zip-bomb": _xlsx_zip_bomb,
}

# Cases loaded in a child process with memory and time limits: a loader that expanded them
# would exhaust memory or hang the whole test run instead of failing one test.
GUARDED = frozenset({"yaml-alias-bomb.yaml", "parquet-row-bomb", "xlsx-zip-bomb"})
CHILD_MEMORY_BYTES = 4 * 1024**3
CHILD_TIMEOUT_S = 120

_CHILD_LIMITS = f"""
import resource
resource.setrlimit(resource.RLIMIT_AS, ({CHILD_MEMORY_BYTES}, {CHILD_MEMORY_BYTES}))
"""
_CHILD_LOAD = (
    _CHILD_LIMITS
    + """
import json, pathlib, sys
from sourceopt import load_scenario
from sourceopt.errors import ScenarioError
try:
    load_scenario(pathlib.Path(sys.argv[1]))
except ScenarioError as exc:
    sys.stdout.write(json.dumps([[p.file, p.place, p.message] for p in exc.problems]))
else:
    sys.stdout.write("null")
"""
)
_CHILD_CLI = (
    _CHILD_LIMITS
    + """
import sys
from sourceopt.cli import main  # the console-script entry point, as a user runs it
sys.argv[0] = "sourceopt"
main()
"""
)


# --- helpers ------------------------------------------------------------------------------


def _case_path(name: str, tmp_path: Path) -> Path:
    """The scenario file to load for a case."""
    if name in GENERATED:
        return GENERATED[name](tmp_path)
    path = INVALID / name
    return path / "scenario.yaml" if path.is_dir() else path


def _expectations(name: str) -> list[dict[str, Any]]:
    entry = EXPECTED[name]
    return list(entry) if isinstance(entry, list) else [entry]


def _substrings(value: str | list[str]) -> list[str]:
    return [value] if isinstance(value, str) else list(value)


def _matches(problem: Problem, expected: dict[str, Any]) -> bool:
    places = _substrings(expected["place"])
    # an empty expected place means a file-level problem: the place must be empty
    place_ok = problem.place == "" if places == [""] else all(s in problem.place for s in places)
    message = problem.message.lower()
    return place_ok and all(s.lower() in message for s in _substrings(expected["message"]))


def _show(problems: list[Problem]) -> str:
    return "\n".join(f"  place={p.place!r} message={p.message!r}" for p in problems) or "  (none)"


def _run_child(script: str, *args: str) -> subprocess.CompletedProcess[str]:
    try:
        return subprocess.run(
            [sys.executable, "-c", script, *args],
            capture_output=True,
            text=True,
            timeout=CHILD_TIMEOUT_S,
            check=False,
        )
    except subprocess.TimeoutExpired:
        pytest.fail(f"{args} did not finish within {CHILD_TIMEOUT_S} s (expanded a YAML bomb?)")


def _problems(path: Path) -> list[Problem]:
    """The problems loading `path` reports; fails the test if anything else happens."""
    if path.name in GUARDED:
        done = _run_child(_CHILD_LOAD, str(path))
        assert done.returncode == 0, f"loading {path.name} crashed:\n{done.stderr[-3000:]}"
        found = json.loads(done.stdout)
        assert found is not None, f"{path.name} was accepted as a valid scenario"
        return [Problem(*p) for p in found]
    try:
        load_scenario(path)
    except ScenarioError as exc:
        return list(exc.problems)
    except Exception as exc:  # the catch-all check: nothing but ScenarioError may escape
        pytest.fail(
            f"loading {path.name} raised {type(exc).__name__} instead of ScenarioError:\n"
            + "".join(traceback.format_exception(exc))
        )
    pytest.fail(f"{path.name} was accepted as a valid scenario")


CASES = sorted(EXPECTED)


# --- the corpus itself --------------------------------------------------------------------


def test_every_invalid_file_has_an_expectation() -> None:
    committed = {p.name for p in INVALID.iterdir()} - {"EXPECTED.yaml"}
    assert sorted(committed - set(EXPECTED)) == [], "files without an entry in EXPECTED.yaml"
    missing = [n for n in EXPECTED if n not in committed and n not in GENERATED]
    assert missing == [], "entries in EXPECTED.yaml without a file"
    for name in committed:
        if (INVALID / name).is_dir():
            assert (INVALID / name / "scenario.yaml").is_file(), f"{name}/scenario.yaml"
    assert len(EXPECTED) >= 30


@pytest.mark.parametrize("name", CASES)
def test_expectation_is_well_formed(name: str) -> None:
    for expected in _expectations(name):
        assert set(expected) == {"place", "message"}, expected
        messages = _substrings(expected["message"])
        assert messages, f"{name}: an expectation must assert some words of the message"
        assert all(isinstance(s, str) and s.strip() for s in messages), expected
        assert all(isinstance(s, str) for s in _substrings(expected["place"])), expected


# --- the library --------------------------------------------------------------------------


def test_minimal_valid_scenario_loads() -> None:
    scenario = load_scenario(MINIMAL)
    assert (scenario.n_items, scenario.n_suppliers, scenario.n_offers) == (2, 2, 3)


@pytest.mark.parametrize("name", CASES)
def test_invalid_input_reports_the_named_problem(name: str, tmp_path: Path) -> None:
    path = _case_path(name, tmp_path)
    problems = _problems(path)
    for expected in _expectations(name):
        assert any(_matches(p, expected) for p in problems), (
            f"{name}: no problem matches {expected}; reported:\n{_show(problems)}"
        )


@pytest.mark.parametrize("name", CASES)
def test_invalid_input_reports_nothing_else(name: str, tmp_path: Path) -> None:
    """Each case is otherwise valid: one problem per expectation, no cascades or duplicates."""
    path = _case_path(name, tmp_path)
    problems = _problems(path)
    assert len(problems) == len(_expectations(name)), f"{name} reported:\n{_show(problems)}"


@pytest.mark.parametrize("name", CASES)
def test_problems_name_the_file(name: str, tmp_path: Path) -> None:
    path = _case_path(name, tmp_path)
    beside = {p.name for p in path.parent.iterdir()}
    for problem in _problems(path):
        assert str(problem).startswith(problem.file), str(problem)
        # the scenario file itself, or one of its table files (which sit beside it)
        assert Path(problem.file).name in beside | {path.name}, str(problem)
        assert problem.message.strip(), str(problem)


@pytest.mark.parametrize("name", CASES)
def test_a_table_file_is_named_once(name: str, tmp_path: Path) -> None:
    # `offers.csv row 4, column price`, not `offers.csv: offers.csv row 4, column price`
    path = _case_path(name, tmp_path)
    for problem in _problems(path):
        table = Path(problem.file).name
        assert str(problem).count(table) == (problem.message.count(table) + 1), str(problem)


# --- the command line ---------------------------------------------------------------------


def _assert_one_line_per_problem(output: str, problems: list[Problem]) -> None:
    lines = [line.strip() for line in output.splitlines()]
    for problem in problems:
        assert any(str(problem) in line for line in lines), (
            f"no output line reads {str(problem)!r}; output:\n{output}"
        )
    naming = [line for line in lines if any(line.find(p.file) >= 0 for p in problems)]
    assert len(naming) >= len(problems), output


@pytest.mark.parametrize("name", CASES)
def test_cli_validate_lists_every_problem(name: str, tmp_path: Path) -> None:
    path = _case_path(name, tmp_path)
    problems = _problems(path)
    if path.name in GUARDED:
        done = _run_child(_CHILD_CLI, "validate", str(path))
        code, output = done.returncode, done.stdout + done.stderr
    else:
        result = CliRunner().invoke(cli, ["validate", str(path)])
        code, output = result.exit_code, result.output
        assert result.exception is None or isinstance(result.exception, SystemExit), output
    assert "Traceback" not in output, output
    assert code == VALIDATE_FAILED, f"exit status {code}; output:\n{output}"
    _assert_one_line_per_problem(output, problems)


def test_cli_validate_accepts_the_minimal_scenario() -> None:
    result = CliRunner().invoke(cli, ["validate", str(MINIMAL)])
    assert result.exit_code == 0, result.output
    assert "Traceback" not in result.output
