"""The documentation agrees with the code, and never reaches outside the repository.

- every key the pydantic format types accept (top level, records, tables, selectors, every
  rule type in its own section, objective, variants, solver, model files) is in
  docs/format.md, with the values of its enumerations;
- every key of a real result document (an optimal and an infeasible solve) and of every
  analysis's JSON is in docs/results.md;
- the worked example of docs/format.md is the file docs/examples/office-chairs.yaml and
  solves to the hand-derived optimum;
- the README's Python API section gives the exact parameters of the public functions, the
  keyword-only ones after ``*``;
- every relative link of the docs points to a file (and heading) that exists, and no doc
  names a path above the repository or a SCENARIO-FORMAT.md / DESIGN.md it does not hold;
- every long option of every command (``serve`` included) is in the README, every exit code
  in its table, every service job kind with each of its options in its "Service" section;
- every ``solver.limit`` value (the ``Limit`` enum) and every error code the service answers
  with is in docs/results.md.
"""

from __future__ import annotations

import inspect
import re
import typing
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import click
import pytest
from pydantic import BaseModel

import sourceopt
from sourceopt import analysis, client, load_scenario, solve
from sourceopt import cli as cli_module
from sourceopt.cli import cli
from sourceopt.jobs.kinds import KINDS
from sourceopt.result import ResultDocument
from sourceopt.scenario import schema
from sourceopt.solvers.base import Limit

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
FORMAT = DOCS / "format.md"
RESULTS = DOCS / "results.md"
EXAMPLE = DOCS / "examples" / "office-chairs.yaml"
DOC_FILES = [
    ROOT / "README.md",
    *sorted(DOCS.glob("*.md")),
    ROOT / "scenarios" / "README.md",
    ROOT / "models" / "README.md",
    *sorted((ROOT / "benchmarks").rglob("README.md")),
]


def _text(path: Path) -> str:
    return path.read_text(encoding="utf-8")


def _missing(keys: set[str], text: str) -> list[str]:
    """Keys not written as inline code (`key`) anywhere in `text`."""
    return sorted(k for k in keys if f"`{k}`" not in text)


# --- the scenario format -------------------------------------------------------------------


def _keys(model: type[BaseModel]) -> set[str]:
    return {field.alias or name for name, field in model.model_fields.items()}


def _literals(annotation: Any) -> Iterator[str]:
    """Every string value of the Literal types inside an annotation."""
    if typing.get_origin(annotation) is typing.Literal:
        yield from (v for v in typing.get_args(annotation) if isinstance(v, str))
    for arg in typing.get_args(annotation):
        yield from _literals(arg)


def _section(text: str, heading: str) -> str:
    """The text under a heading, up to the next heading of the same or a higher level."""
    level = heading.split(" ", maxsplit=1)[0]
    start = text.index(f"\n{heading}\n")
    rest = text[start + len(heading) + 2 :]
    stop = re.search(rf"\n#{{1,{len(level)}}} ", rest)
    return rest[: stop.start()] if stop else rest


FORMAT_TYPES: list[type[BaseModel]] = [
    schema.ScenarioDocument,
    schema.ItemRecord,
    schema.SupplierRecord,
    schema.OfferRecord,
    schema.Tier,
    schema.TierRecord,
    schema.BundleRecord,
    schema.RebateRecord,
    schema.RebateTier,
    schema.TableFile,
    schema.ColumnTable,
    schema.SelectorFilter,
    schema.Soft,
    schema.RuleBase,
    schema.Objective,
    schema.Penalty,
    schema.Variant,
    schema.SolverSettings,
    schema.ModelDocument,
]
RULE_CLASSES: dict[str, type[BaseModel]] = {
    typing.get_args(cls.model_fields["type"].annotation)[0]: cls
    for cls in typing.get_args(typing.get_args(schema.Rule)[0])
}


@pytest.mark.parametrize("model", FORMAT_TYPES, ids=lambda m: m.__name__)
def test_every_key_of_the_format_is_documented(model: type[BaseModel]) -> None:
    text = _text(FORMAT)
    assert not _missing(_keys(model), text), f"{model.__name__}: keys missing in docs/format.md"
    values = {v for f in model.model_fields.values() for v in _literals(f.annotation)}
    assert not _missing(values, text), f"{model.__name__}: values missing in docs/format.md"


def test_every_rule_type_has_a_section_listing_its_keys() -> None:
    text = _text(FORMAT)
    assert set(RULE_CLASSES) == set(schema.RULE_TYPES)
    common = _keys(schema.RuleBase)
    for rule_type, cls in RULE_CLASSES.items():
        section = _section(text, f"### `{rule_type}`")
        own = _keys(cls) - common - {"type"}
        assert not _missing(own, section), f"rule {rule_type}: keys missing in its section"
        values = {
            v for n, f in cls.model_fields.items() if n != "type" for v in _literals(f.annotation)
        }
        assert not _missing(values, section), f"rule {rule_type}: values missing"


def test_every_command_is_documented() -> None:
    text = "".join(_text(p) for p in DOC_FILES)
    missing = [name for name in cli.commands if f"sourceopt {name}" not in text]
    assert not missing, f"commands not documented: {missing}"


# --- the result and the analyses -----------------------------------------------------------

_DATA_MAPS = {"group_shares"}  # their keys are data (tag:<t>, country:<c>), not format keys


def _json_keys(value: Any) -> set[str]:
    """Every mapping key in a JSON value, except inside data-keyed maps."""
    out: set[str] = set()
    if isinstance(value, dict):
        for key, inner in value.items():
            out.add(key)
            if key not in _DATA_MAPS:
                out |= _json_keys(inner)
    elif isinstance(value, list):
        for inner in value:
            out |= _json_keys(inner)
    return out


def _model_keys(model: type[BaseModel]) -> set[str]:
    out = _keys(model)
    for field in model.model_fields.values():
        for arg in (field.annotation, *typing.get_args(field.annotation)):
            for inner in (arg, *typing.get_args(arg)):
                if isinstance(inner, type) and issubclass(inner, BaseModel):
                    out |= _model_keys(inner)
    return out


@pytest.fixture(scope="module")
def example() -> sourceopt.Scenario:
    return load_scenario(EXAMPLE)


def test_the_worked_example_is_the_file_and_solves_as_derived(example: sourceopt.Scenario) -> None:
    block = re.search(r"## A complete example\n\n```yaml\n(.*?)```", _text(FORMAT), re.S)
    assert block is not None
    assert block.group(1) == _text(EXAMPLE)
    # base: cheapseat 70 chairs x 100 + fixed 500, brightco 28 stools x 55 + 7 chairs x 118
    # (small-business 25 % of 140 units = 35), acme 23 chairs x 115 + 12 stools x 58
    assert solve(example).objective == pytest.approx(7000 + 500 + 1540 + 826 + 2645 + 696)
    # no-cap: cheapseat all 100 chairs (10,000 + 500), brightco all 40 stools (2,200; 40 of 140
    # units = 28.6 % >= 25 %)
    assert solve(example, variant="no-cap").objective == pytest.approx(12_700)
    # without cheapseat: acme 70 chairs x 115 (below its 80 tier), brightco 30 x 118, stools
    # 28 x 55 + 12 x 58
    assert solve(example, variant="without-cheapseat").objective == pytest.approx(
        70 * 115 + 30 * 118 + 28 * 55 + 12 * 58
    )
    # 80 % of 140 = 112 units from brightco, which can deliver 60 chairs + 40 stools = 100
    assert solve(example, variant="small-business-80pct").status.value == "infeasible"


def test_every_result_key_is_documented(example: sourceopt.Scenario) -> None:
    keys = _model_keys(ResultDocument)
    for variant in ("base", "small-business-80pct"):
        keys |= _json_keys(solve(example, variant=variant).to_dict())
    assert not _missing(keys, _text(RESULTS)), "result keys missing in docs/results.md"


def test_every_analysis_key_is_documented(example: sourceopt.Scenario) -> None:
    runs: list[Callable[[], Any]] = [
        lambda: analysis.rule_costs(example),
        lambda: analysis.compare_variants(example, variants=["base", "no-cap"]),
        lambda: analysis.diff_variants(example, "base", "no-cap"),
        lambda: analysis.frontier(example, "max_share", points=3),
        lambda: analysis.explain(example, variant="small-business-80pct"),
        lambda: analysis.price_to_win(example, supplier="brightco", tolerance=1e-3),
        lambda: analysis.stress(example, supplier="cheapseat"),
    ]
    text = _text(RESULTS)
    for run in runs:
        produced = run().to_dict()
        assert produced, "an analysis returned nothing"
        assert not _missing(_json_keys(produced), text), f"{produced} has undocumented keys"


# --- the Python API section of the README ---------------------------------------------------

API: list[Callable[..., Any]] = [
    sourceopt.load_scenario,
    sourceopt.solve,
    sourceopt.verify,
    sourceopt.apply_variant,
    sourceopt.variant_names,
    sourceopt.build_program,
    analysis.rule_costs,
    analysis.compare_variants,
    analysis.diff_variants,
    analysis.frontier,
    analysis.plot_frontier,
    analysis.explain,
    analysis.price_to_win,
    analysis.stress,
    client.Client.submit,
    client.Client.job,
    client.Client.wait,
    client.Client.solve,
    client.Client.cancel,
]


def _split(params: str) -> list[str]:
    """Parameters split at the commas outside brackets (annotations hold commas too)."""
    parts, depth, current = [], 0, ""
    for char in params:
        depth += {"[": 1, "(": 1, "]": -1, ")": -1}.get(char, 0)
        if char == "," and depth == 0:
            parts.append(current)
            current = ""
        else:
            current += char
    return [p for p in [*parts, current] if p.strip()]


def _documented_signature(text: str, call: str) -> str:
    """The parameter text of ``call(...)`` in the README (balanced parentheses)."""
    start = text.index(call + "(") + len(call) + 1
    depth, end = 1, start
    while depth:
        depth += {"(": 1, ")": -1}.get(text[end], 0)
        end += 1
    return text[start : end - 1]


@pytest.mark.parametrize("function", API, ids=lambda f: f.__qualname__)
def test_the_readme_gives_the_exact_signature(function: Callable[..., Any]) -> None:
    section = _section(_text(ROOT / "README.md"), "## Python API")
    call = (
        "client." + function.__name__ if "Client." in function.__qualname__ else function.__name__
    )
    documented = _documented_signature(section, call)
    names = [re.match(r"\s*(\*{0,2}\w*)", part).group(1) for part in _split(documented)]  # type: ignore[union-attr]
    star = names.index("*") if "*" in names else len(names)
    params = [p for p in inspect.signature(function).parameters.values() if p.name != "self"]
    expected = [("**" if p.kind is p.VAR_KEYWORD else "") + p.name for p in params]
    assert [n for n in names if n != "*"] == expected
    keyword_only = {p.name for p in params if p.kind is p.KEYWORD_ONLY}
    assert {n for n in names[star + 1 :] if not n.startswith("**")} == keyword_only


# --- links ----------------------------------------------------------------------------------

_LINK = re.compile(r"\[[^\]]*\]\(([^)\s]+)\)")


def _slug(heading: str) -> str:
    """GitHub's anchor of a heading: lower case, punctuation dropped, spaces as hyphens."""
    text = re.sub(r"[^\w\- ]", "", heading.strip().lower())
    return text.replace(" ", "-")


def _anchors(path: Path) -> set[str]:
    return {_slug(m) for m in re.findall(r"^#+ (.+)$", _text(path), re.M)}


@pytest.mark.parametrize("doc", DOC_FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_relative_link_resolves(doc: Path) -> None:
    broken = []
    for target in _LINK.findall(_text(doc)):
        if re.match(r"^[a-z]+:", target):
            continue
        path_part, _, anchor = target.partition("#")
        path = (doc.parent / path_part).resolve() if path_part else doc
        inside = path == ROOT or ROOT in path.parents
        unknown_anchor = bool(anchor) and path.suffix == ".md" and anchor not in _anchors(path)
        if not inside or not path.exists() or unknown_anchor:
            broken.append(target)
    assert not broken, f"{doc.relative_to(ROOT)}: broken links {broken}"


@pytest.mark.parametrize("doc", DOC_FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_no_doc_points_outside_the_repository(doc: Path) -> None:
    text = _text(doc)
    # a document sent to up a level must be in the repository (commands' example paths may not)
    for written in re.findall(r"(?<![\w/.])\.\./[\w./-]+\.md\b", text):
        path = (doc.parent / written).resolve()
        assert ROOT in path.parents, f"{doc.name} sends the reader to {written}, outside the repo"
        assert path.exists(), f"{doc.name} sends the reader to {written}, which does not exist"
    for name in ("SCENARIO-FORMAT.md", "DESIGN.md"):
        if name in text:
            assert list(ROOT.rglob(name)), f"{doc.name} names {name}, which is not in the repo"


# --- the command line, the service and the result's enumerations ------------------------------


def _long_options(command: click.Command, path: str) -> Iterator[tuple[str, str]]:
    """(command path, --option) for every long option of a command and its subcommands."""
    if isinstance(command, click.Group):
        for name, sub in command.commands.items():
            yield from _long_options(sub, f"{path} {name}".strip())
        return
    for param in command.params:
        if isinstance(param, click.Option):
            yield from ((path, o) for o in param.opts if o.startswith("--") and o != "--help")


def test_every_command_line_option_is_in_the_readme() -> None:
    text = _text(ROOT / "README.md")
    options = list(_long_options(cli, ""))
    assert any(path == "serve" for path, _ in options)  # the walk reaches serve's options
    missing = [f"{path} {option}" for path, option in options if option not in text]
    assert not missing, f"options not in README.md: {missing}"


def test_every_exit_code_is_in_the_readme_table() -> None:
    table = _section(_text(ROOT / "README.md"), "### Exit codes")
    codes = {v for k, v in vars(cli_module).items() if k.startswith("EXIT_")}
    assert len(codes) >= 11
    missing = sorted(c for c in codes if f"\n| {c} |" not in table)
    assert not missing, f"exit codes missing in README.md's table: {missing}"


def test_every_job_kind_and_option_is_in_the_service_docs() -> None:
    text = _text(ROOT / "README.md")  # (its code blocks hold "# ..." lines: no _section here)
    readme = text[text.index("\n## Service\n") : text.index("\n## Backends\n")]
    results = _section(_text(RESULTS), "### Service jobs")
    for kind, entry in KINDS.items():
        model = entry.options
        for text, where in ((readme, "README.md"), (results, "docs/results.md")):
            assert f"`{kind}`" in text, f"job kind {kind} missing in {where}"
            missing = _missing(set(model.model_fields), text)
            assert not missing, f"{kind} options {missing} missing in {where}"


def test_every_solver_limit_is_in_the_results_doc() -> None:
    assert not _missing({limit.value for limit in Limit}, _section(_text(RESULTS), "### solver"))


_ERROR_CODE = re.compile(
    r'ApiError\(\s*\d{3},\s*"([a-z-]+)"'  # raise ApiError(404, "not-found", ...)
    r'|"error":\s*"([a-z-]+)"'  # a body written by hand (the body-size middleware)
    r'|status, code = \d{3}, "([a-z-]+)"'  # the queue's 429 / 503
    r'|\d{3}: "([a-z-]+)"'  # the codes of HTTP errors raised by the framework
    r'|error_response\(\s*\d{3},\s*"([a-z-]+)"'
)


def test_every_service_error_code_is_in_the_results_doc() -> None:
    codes = {
        code
        for path in (ROOT / "src" / "sourceopt" / "service").rglob("*.py")
        for match in _ERROR_CODE.finditer(_text(path))
        for code in match.groups()
        if code
    }
    expected = {"unauthorized", "not-found", "too-large", "invalid", "queue-full"}
    assert expected | {"queue-share-full", "busy", "rate-limited"} <= codes  # the scan works
    assert not _missing(codes, _section(_text(RESULTS), "### Service jobs"))
