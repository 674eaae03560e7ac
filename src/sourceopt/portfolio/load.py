"""Load and validate a portfolio file: every problem with its file and key path.

Category names are the scenarios' ``name``; when two categories share one, each of them is
named by its file stem instead (and if stems clash too, that is an error naming both files).
Checks, beyond the file's structure: a glob that matches nothing, a category file that does
not load (its own problems are reported as they are), a shared firm (same supplier id in
several categories) whose ``capacity``, ``fixed_cost`` or ``min_units`` differ, a category
whose currency is not the portfolio's, a score objective in a category (format 1.1: checked
as soon as the scenario objective has ``maximize``), pooled offers or rebates that differ,
a portfolio rule with ``per: item``, a rule selecting unknown suppliers, items or
categories, duplicate rule names.
"""

from __future__ import annotations

import glob
from pathlib import Path
from typing import Any

from pydantic import TypeAdapter, ValidationError

from sourceopt.errors import Problem, ScenarioError
from sourceopt.portfolio.model import Category, Portfolio
from sourceopt.portfolio.schema import CategoryRef, PortfolioFile
from sourceopt.portfolio.validate import category_problems, rule_problems
from sourceopt.scenario.load import load_scenario
from sourceopt.scenario.messages import problems_from
from sourceopt.scenario.read import read_document
from sourceopt.scenario.rulecheck import default_names
from sourceopt.scenario.schema import Rule, SolverSettings
from sourceopt.scenario.variants import apply_variant

_RULE = TypeAdapter(Rule)
SCOPED = ("max_share", "supplier_count", "group_share", "average_attribute", "min_award_share")
"""Rule types with a scope ``per`` (item | category): in a portfolio, ``category`` (all)."""


def load_portfolio(path: str | Path) -> Portfolio:
    """Load a portfolio file and its categories' scenario files.

    Raises :class:`~sourceopt.errors.ScenarioError` listing every problem found, each with its
    file and key path.
    """
    file = str(path)
    data, _ = read_document(Path(path))
    if not isinstance(data, dict):
        raise ScenarioError.single(file, "", "expected a mapping of portfolio keys at the top")
    try:
        doc = PortfolioFile.model_validate(data)
    except ValidationError as exc:
        raise ScenarioError(problems_from(exc, data, file)) from None
    base = Path(path).parent
    categories, problems = _categories(doc, file, base)
    rules, cats, found = _rules(doc, file)
    problems += found
    if problems:
        raise ScenarioError(problems)
    problems += category_problems(categories, doc, file)
    portfolio = Portfolio(
        name=doc.name,
        source=file,
        currency=doc.currency,
        categories=tuple(categories),
        rules=tuple(rules),
        rule_categories=tuple(cats),
        pool=frozenset(doc.pool),
        solver=doc.solver or SolverSettings(),
    )
    if not problems:
        problems += rule_problems(portfolio, file)
    if problems:
        raise ScenarioError(problems)
    return portfolio


def _files(entry: str | CategoryRef, base: Path, this: Path) -> tuple[list[Path], str]:
    ref = entry if isinstance(entry, CategoryRef) else CategoryRef(file=entry)
    pattern = ref.file if Path(ref.file).is_absolute() else str(base / ref.file)
    if glob.has_magic(pattern):  # the portfolio file itself is never one of its categories
        found = (Path(p) for p in glob.glob(pattern))
        return sorted(p for p in found if p.resolve() != this.resolve()), ref.variant
    return [Path(pattern)], ref.variant


def _categories(doc: PortfolioFile, file: str, base: Path) -> tuple[list[Category], list[Problem]]:
    problems: list[Problem] = []
    loaded: list[tuple[Path, str, Any]] = []
    for k, entry in enumerate(doc.categories):
        paths, variant = _files(entry, base, Path(file))
        if not paths:
            problems.append(
                Problem(file, f"categories[{k}]", "the pattern matches no scenario file")
            )
        for p in paths:
            try:
                scenario = apply_variant(load_scenario(p), variant)
            except ScenarioError as exc:
                problems += exc.problems
                continue
            loaded.append((p, f"categories[{k}]", scenario))
    names = [s.name for _, _, s in loaded]
    out: list[Category] = []
    seen: dict[str, str] = {}
    for p, place, scenario in loaded:
        name = scenario.name if names.count(scenario.name) == 1 else p.stem
        if name in seen:
            problems.append(
                Problem(
                    file,
                    place,
                    f"two categories are both named {name!r} ({seen[name]} and {p}); give "
                    "the scenarios distinct names",
                )
            )
        seen[name] = str(p)
        out.append(Category(name, str(p), scenario.variant, scenario))
    return out, problems


def _rules(
    doc: PortfolioFile, file: str
) -> tuple[list[Rule], list[tuple[str, ...] | None], list[Problem]]:
    problems: list[Problem] = []
    rules: list[Rule] = []
    cats: list[tuple[str, ...] | None] = []
    for k, raw in enumerate(doc.rules):
        place = f"rules[{k}]"
        data = dict(raw)
        chosen: tuple[str, ...] | None = None
        items = data.get("items")
        if isinstance(items, dict) and "category" in items:
            rest = dict(items)
            named = rest.pop("category")
            if not isinstance(named, list) or not all(isinstance(c, str) for c in named):
                problems.append(
                    Problem(file, f"{place}.items.category", "expected a list of category names")
                )
                continue
            chosen = tuple(named)
            data["items"] = rest or "all"
        if data.get("type") in SCOPED and "per" not in data:
            data["per"] = "category"  # a portfolio rule's scope: all its awards together
        if data.get("per") == "item" and data.get("type") != "total":
            problems.append(
                Problem(
                    file,
                    f"{place}.per",
                    "a portfolio rule holds over the whole portfolio: 'per: item' is not "
                    "available here (omit per, or write it in the category's scenario file)",
                )
            )
            continue
        try:
            rule = _RULE.validate_python(data)
        except ValidationError as exc:
            problems += problems_from(exc, data, file, prefix=place)
            continue
        rules.append(rule)
        cats.append(chosen)
    named = default_names(rules, set())
    seen: set[str] = set()
    for k, rule in enumerate(named):
        if str(rule.name) in seen:
            problems.append(Problem(file, f"rules[{k}].name", f"duplicate rule name {rule.name!r}"))
        seen.add(str(rule.name))
    return named, cats, problems
