"""The registry is the one list of backends; checking it imports no solver; limits are an enum."""

from __future__ import annotations

import ast
import importlib
import json
import subprocess
import sys
from pathlib import Path
from typing import get_args

import click

from sourceopt import load_scenario, solve
from sourceopt.cli import cli
from sourceopt.formulation.build import build_program
from sourceopt.scenario.schema import BackendName, SolverSettings
from sourceopt.solution import document
from sourceopt.solvers.base import Limit, RawResult, Status
from sourceopt.solvers.registry import BACKENDS, DEFAULT_BACKEND, backend_names

SRC = Path(__file__).resolve().parents[2] / "src" / "sourceopt"
SOLVER_PACKAGES = ("highspy", "pulp", "ortools")


def _backend_options(group: click.Group) -> list[tuple[str, click.Option]]:
    """Every ``--backend`` option of every command under `group`, with the command's path."""
    found = []
    for name, command in group.commands.items():
        if isinstance(command, click.Group):
            found += [(f"{name} {path}", opt) for path, opt in _backend_options(command)]
        for param in command.params:
            if isinstance(param, click.Option) and param.name == "backend":
                found.append((name, param))
    return found


def test_schema_names_and_default_are_the_registry() -> None:
    assert get_args(BackendName) == backend_names()
    assert SolverSettings().backend == DEFAULT_BACKEND
    assert DEFAULT_BACKEND in backend_names()


def test_every_cli_backend_option_offers_the_registry() -> None:
    options = _backend_options(cli)
    names = {name for name, _ in options}
    assert {"solve", "batch", "frontier"} <= names, names
    for name, option in options:
        assert isinstance(option.type, click.Choice), name
        assert tuple(option.type.choices) == backend_names(), name


def test_each_adapter_is_registered_under_its_own_name() -> None:
    # the adapter modules import their solver package only when an adapter is created
    for name, entry in BACKENDS.items():
        factory = getattr(importlib.import_module(entry.module), entry.factory)
        assert factory.name == name


def test_no_module_outside_solvers_names_a_backend() -> None:
    # The schema's Literal is the one listing outside solvers/ (checked against the registry
    # above); everything else asks the registry.
    allowed = {SRC / "scenario" / "schema.py"}
    named = []
    for path in SRC.rglob("*.py"):
        if path in allowed or (SRC / "solvers") in path.parents:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and node.value in backend_names():
                named.append(f"{path.relative_to(SRC)}:{node.lineno}: {node.value!r}")
    assert not named, named


def test_the_format_reference_names_every_backend() -> None:
    text = (SRC.parents[1] / "docs" / "format.md").read_text(encoding="utf-8")
    assert [name for name in backend_names() if f"`{name}`" not in text] == []


def test_checking_availability_imports_no_solver() -> None:
    # Before find_spec, is_available imported each package: highspy, pulp and ortools were
    # all in sys.modules after available_backends().
    code = (
        "import sys\n"
        "from sourceopt.solvers.registry import available_backends, backend_names, is_available\n"
        "found = available_backends()\n"
        "assert 'highs' in found, found\n"
        "assert [n for n in backend_names() if is_available(n)] == list(found)\n"
        f"loaded = [m for m in {SOLVER_PACKAGES!r} if m in sys.modules]\n"
        "assert not loaded, loaded\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_a_package_blocked_from_import_is_not_available() -> None:
    # sys.modules[name] = None makes `import name` fail: the backend counts as not installed.
    code = (
        "import sys\n"
        "sys.modules['pulp'] = None\n"
        "from sourceopt.solvers.registry import is_available\n"
        "assert not is_available('cbc')\n"
        "assert is_available('highs')\n"
        "assert not is_available('gurobi')\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_limit_values_are_the_result_strings() -> None:
    assert Limit("time_limit") is Limit.TIME_LIMIT
    assert json.dumps({"limit": Limit.INTEGER_GRID}) == '{"limit": "integer_grid"}'
    assert f"stopped by {Limit.GAP_NOT_PROVEN}" == "stopped by gap_not_proven"
    documented = {"time_limit", "gap", "integer_grid", "artificial_bounds", "iteration_limit"}
    documented |= {"node_limit", "solution_limit", "memory_limit", "interrupted"}
    assert documented <= {limit.value for limit in Limit}


TINY = {
    "sourceopt": 1,
    "name": "limit-json",
    "items": [{"id": "A", "demand": 10}],
    "suppliers": [{"id": "S1"}, {"id": "S2"}],
    "offers": [
        {"supplier": "S1", "item": "A", "price": 2.5},
        {"supplier": "S2", "item": "A", "price": 3.0},
    ],
}


def test_limit_in_the_result_json_is_its_string() -> None:
    scenario = load_scenario(TINY)
    program = build_program(scenario)
    raw = RawResult(Status.NO_SOLUTION, "highs", "0", 0.0, limit=Limit.TIME_LIMIT)
    doc = document(scenario, program, raw, seed=0, mip_gap=1e-6)
    solver = json.loads(doc.model_dump_json())["solver"]
    assert solver["limit"] == "time_limit"
    # CP-SAT solves the continuous units on an integer grid: a real run says so in the JSON
    # (all 10 units to S1 at 2.5 = 25, which the grid holds, but nothing is proven off it).
    result = solve(scenario, backend="cpsat")
    out = json.loads(result.to_json())
    assert out["status"] == "feasible"
    assert out["solver"]["limit"] == "integer_grid"
    assert out["objective"] == 25.0
