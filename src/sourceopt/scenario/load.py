"""Load and validate a scenario: file, stdin or dict in; a typed Scenario or one error out.

Every problem found is collected and raised at once as a :class:`ScenarioError`.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from pydantic import ValidationError

from sourceopt.errors import Problem, ScenarioError
from sourceopt.scenario import references as refs
from sourceopt.scenario.intake import Intake, take_table
from sourceopt.scenario.landed import (
    convert_bundles,
    convert_offers,
    rates_of,
    supplier_currencies,
)
from sourceopt.scenario.lots import applied_variant_problems, lot_problems
from sourceopt.scenario.messages import problems_from
from sourceopt.scenario.model import Scenario
from sourceopt.scenario.offer_edits import check_offer_edits
from sourceopt.scenario.read import parse_document, read_document, sha256_of, text_problems
from sourceopt.scenario.rebate_table import rebate_table
from sourceopt.scenario.rulecheck import check_penalties, check_rule, check_variant, default_names
from sourceopt.scenario.schema import TABLE_KEYS, Objective, ScenarioHeader
from sourceopt.scenario.score import score_problems
from sourceopt.scenario.sizes import DEFAULT_LIMITS, TableLimits
from sourceopt.scenario.sourcing_models import load_model
from sourceopt.scenario.variant_edits import check_edits
from sourceopt.scenario.variants import apply_variant
from sourceopt.scenario.workbook import is_workbook, read_workbook_document

Source = str | Path | dict[str, Any]


def load_scenario(
    source: Source, *, base_dir: str | Path | None = None, models_dir: str | Path | None = None
) -> Scenario:
    """Load a scenario from a file path, ``"-"`` (stdin), or a dict of the file's structure.

    A path to an Excel workbook (``.xlsx``) is a bare workbook scenario (workbook.py).

    Table files are found relative to the scenario file (or `base_dir`). Raises
    :class:`ScenarioError` listing every problem, each with its file and place.
    """
    if isinstance(source, dict):
        raw = json.dumps(source, sort_keys=True, default=str).encode()
        return build_scenario(source, "<scenario>", Path(base_dir or "."), raw, models_dir)
    if str(source) == "-":
        raw = sys.stdin.buffer.read()
        return build_scenario(
            parse_document(raw, "<stdin>"), "<stdin>", Path(base_dir or "."), raw, models_dir
        )
    path = Path(source)
    if is_workbook(path):  # a bare workbook: a Scenario sheet and one sheet per table
        data, raw = read_workbook_document(path)
    else:
        data, raw = read_document(path)
    return build_scenario(
        data, str(path), Path(base_dir) if base_dir else path.parent, raw, models_dir
    )


def build_scenario(
    data: Any,
    file: str,
    base_dir: Path,
    raw: bytes,
    models_dir: str | Path | None = None,
    *,
    confined: bool = False,
    limits: TableLimits = DEFAULT_LIMITS,
) -> Scenario:
    """Validate parsed data into a Scenario (see :func:`load_scenario`).

    `confined` (a server): ``model:`` is a name or a file of `models_dir` only, and messages
    name the model, never a server path (:func:`~sourcing_models.find_model`). Table files
    over `limits` are refused before they are read.
    """
    if not isinstance(data, dict):
        got = "an empty file" if data is None else type(data).__name__
        raise ScenarioError.single(
            file, "", f"expected a mapping of scenario keys at the top level, got {got}"
        )
    problems = text_problems(data, file)
    if problems:
        raise ScenarioError(problems)
    header = _header(data, file, problems)
    tables: dict[str, Intake] = {}
    for key in TABLE_KEYS:
        if key not in data:
            if key != "tiers":
                problems.append(Problem(file, key, f"missing required key {key!r}"))
            continue
        intake, found = take_table(key, data[key], file, base_dir, limits)
        problems += found
        if intake is not None:
            if key != "tiers" and len(intake.frame) == 0:
                problems.append(
                    Problem(file, key, f"expected at least one row in {key!r}, got none")
                )
            tables[key] = intake
    if not all(k in tables for k in ("items", "suppliers", "offers")):
        raise ScenarioError(problems)
    if header is None:  # still check references between the tables, then stop
        problems += _assemble(_STAND_IN, tables, file, base_dir)[1]
        problems += _raw_variant_problems(data, file)
        raise ScenarioError(problems)
    scenario, found = _assemble(header, tables, file, base_dir)
    problems += found
    if problems:
        raise ScenarioError(problems)
    scenario = _adopt_model(scenario, header, file, base_dir, models_dir, confined)
    problems += _check_rules(scenario, header, file)
    if problems:
        raise ScenarioError(problems)
    digest = sha256_of(raw, *(t.raw.data for t in tables.values()))
    return scenario.with_changes(input_sha256=digest)


_STAND_IN = ScenarioHeader(sourceopt=1, name="stand-in")


def _raw_variant_problems(data: dict[str, Any], file: str) -> list[Problem]:
    """Variants dropping rules that are not in the file (checked even if a rule is invalid)."""
    rules, variants = data.get("rules", []), data.get("variants", [])
    if "model" in data or not isinstance(rules, list) or not isinstance(variants, list):
        return []
    names, counts = set(), dict[str, int]()
    for rule in rules:
        kind = rule.get("type") if isinstance(rule, dict) else None
        counts[str(kind)] = counts.get(str(kind), 0) + 1
        name = rule.get("name") if isinstance(rule, dict) else None
        names.add(name if isinstance(name, str) else f"{kind}-{counts[str(kind)]}")
    problems = []
    for v, variant in enumerate(variants):
        drops = variant.get("drop_rules", []) if isinstance(variant, dict) else []
        for k, name in enumerate(drops if isinstance(drops, list) else []):
            if isinstance(name, str) and name not in names:
                known = ", ".join(sorted(names)) or "none"
                where = f"variants[{v}].drop_rules[{k}]"
                problems.append(Problem(file, where, f"unknown rule {name!r}; rules are: {known}"))
    return problems


def _header(data: dict[str, Any], file: str, problems: list[Problem]) -> ScenarioHeader | None:
    rest = {k: v for k, v in data.items() if k not in TABLE_KEYS}
    try:
        return ScenarioHeader.model_validate(rest)
    except ValidationError as exc:
        problems += problems_from(exc, rest, file)
        return None


def _assemble(
    header: ScenarioHeader, tables: dict[str, Intake], file: str, base_dir: Path
) -> tuple[Scenario, list[Problem]]:
    items, suppliers, offers = tables["items"], tables["suppliers"], tables["offers"]
    problems = refs.unique_ids(items.frame, items.raw, "item")
    problems += refs.unique_ids(suppliers.frame, suppliers.raw, "supplier")
    problems += refs.current_suppliers(items.frame, items.raw, suppliers.frame["id"])
    sup_codes, found = refs.codes(
        offers.frame["supplier"], suppliers.frame["id"], offers.raw, "supplier", "supplier"
    )
    problems += found
    item_codes, found = refs.codes(
        offers.frame["item"], items.frame["id"], offers.raw, "item", "item"
    )
    problems += found
    off = offers.frame.copy()
    off["supplier"], off["item"] = sup_codes, item_codes
    problems += refs.unique_pairs(
        sup_codes,
        item_codes,
        offers.raw,
        offers.frame["supplier"],
        offers.frame["item"],
        offers.frame.get("id", None),
    )
    if "id" in offers.frame:
        problems += refs.unique_ids(offers.frame, offers.raw, "offer")
    problems += refs.increasing_tiers(offers.nested_tiers, offers.raw, nested=True)
    tiers = offers.nested_tiers[["offer", "from", "price"]]
    if "tiers" in tables:
        table_tiers, found = _tier_table(tables["tiers"], off, suppliers, items)
        problems += found
        tiers = pd.concat([tiers, table_tiers], ignore_index=True)
    bundles, bundle_units, found = _bundles(header, suppliers.frame, items.frame, file)
    problems += found
    rebates, rebate_items, found = rebate_table(header, suppliers.frame, items.frame, file)
    problems += found
    rates, found = rates_of(header, file)
    sup_currency, found2 = supplier_currencies(
        suppliers.frame, header.currency, rates, suppliers.raw
    )
    off, tiers, found3 = convert_offers(
        off, tiers, sup_currency, rates, (offers.raw, suppliers.raw)
    )
    bundles, found4 = convert_bundles(header, bundles, sup_currency, rates, file)
    problems += found + found2 + found3 + found4
    sup = suppliers.frame.copy()
    sup["capacity"] = sup["capacity"].fillna(np.inf)
    off["capacity"] = off["capacity"].fillna(np.inf)
    scenario = Scenario(
        name=header.name,
        source=file,
        items=items.frame.reset_index(drop=True),
        suppliers=sup.reset_index(drop=True),
        offers=off.reset_index(drop=True),
        tiers=tiers.sort_values(["offer", "from"], kind="stable").reset_index(drop=True),
        bundles=bundles,
        bundle_units=bundle_units,
        rebates=rebates,
        rebate_items=rebate_items,
        rules=(),
        objective=header.objective or Objective(),
        solver=header.solver,
        variants=tuple(header.variants),
        category=header.category,
        currency=header.currency,
        exchange_rates=tuple(rates.items()),
        model=header.model,
        base_dir=str(base_dir),
    )
    problems += lot_problems(
        scenario,
        file,
        lambda i: items.raw.place(i, "demand"),
        lambda b, item: f"bundles[{b}].units.{item}",
    )
    return scenario, problems


def _tier_table(
    tiers: Intake, offers: pd.DataFrame, suppliers: Intake, items: Intake
) -> tuple[pd.DataFrame, list[Problem]]:
    frame = tiers.frame
    s, p1 = refs.codes(frame["supplier"], suppliers.frame["id"], tiers.raw, "supplier", "supplier")
    i, p2 = refs.codes(frame["item"], items.frame["id"], tiers.raw, "item", "item")
    pair = pd.MultiIndex.from_arrays([offers["supplier"].to_numpy(), offers["item"].to_numpy()])
    first = np.flatnonzero(~pair.duplicated())  # a repeated pair (reported apart): its first
    found = pair[first].get_indexer(pd.MultiIndex.from_arrays([s, i]))
    offer = np.full(len(found), -1, dtype=np.int64)
    offer[found >= 0] = first[found[found >= 0]]
    bad = np.flatnonzero((offer < 0) & (s >= 0) & (i >= 0))
    problems = (
        p1
        + p2
        + [
            Problem(
                tiers.raw.file,
                tiers.raw.place(int(r), "item"),
                f"no offer of supplier {frame['supplier'].iat[r]!r} for item "
                f"{frame['item'].iat[r]!r} to attach this tier to",
            )
            for r in bad[:10]
        ]
    )
    out = pd.DataFrame(
        {
            "offer": offer,
            "from": frame["from"].to_numpy(float),
            "price": frame["price"].to_numpy(float),
        }
    )
    ok = offer >= 0
    problems += refs.increasing_tiers(out[ok].reset_index(drop=True), tiers.raw, nested=False)
    return out[ok], problems


def _bundles(
    header: ScenarioHeader, suppliers: pd.DataFrame, items: pd.DataFrame, file: str
) -> tuple[pd.DataFrame, pd.DataFrame, list[Problem]]:
    sup_index, item_index = pd.Index(suppliers["id"]), pd.Index(items["id"])
    problems: list[Problem] = []
    rows, units = [], []
    seen: set[str] = set()
    for b, bundle in enumerate(header.bundles):
        if bundle.id in seen:
            problems.append(Problem(file, f"bundles[{b}].id", f"duplicate bundle id {bundle.id!r}"))
        seen.add(bundle.id)
        s = sup_index.get_indexer([bundle.supplier])[0]
        if s < 0:
            problems.append(
                Problem(file, f"bundles[{b}].supplier", f"unknown supplier {bundle.supplier!r}")
            )
        rows.append((bundle.id, int(s), float(bundle.price)))
        for item, n in bundle.units.items():
            i = item_index.get_indexer([item])[0]
            if i < 0:
                problems.append(
                    Problem(file, f"bundles[{b}].units.{item}", f"unknown item {item!r}")
                )
            units.append((b, int(i), float(n)))
    frame = pd.DataFrame(rows, columns=["id", "supplier", "price"]).astype(
        {"supplier": np.int64, "price": float}
    )
    unit_frame = pd.DataFrame(units, columns=["bundle", "item", "units"]).astype(
        {"bundle": np.int64, "item": np.int64, "units": float}
    )
    return frame, unit_frame, problems


def _adopt_model(
    scenario: Scenario,
    header: ScenarioHeader,
    file: str,
    base_dir: Path,
    models_dir: str | Path | None,
    confined: bool,
) -> Scenario:
    taken: set[str] = set()
    rules, origins = [], []
    objective = header.objective
    if header.model is not None:
        model, _ = load_model(header.model, base_dir, file, models_dir, confined=confined)
        named = default_names(model.rules, taken)
        rules += named
        origins += [f"model:{model.name}"] * len(named)
        objective = objective or model.objective
    own = default_names(header.rules, taken)
    return scenario.with_changes(
        rules=tuple(rules + own),
        rule_origins=tuple(origins + ["scenario"] * len(own)),
        objective=objective or Objective(),
    )


def _check_rules(scenario: Scenario, header: ScenarioHeader, file: str) -> list[Problem]:
    problems: list[Problem] = []
    names: dict[str, int] = {}
    n_model = sum(1 for o in scenario.rule_origins if o != "scenario")
    for k, (rule, origin) in enumerate(zip(scenario.rules, scenario.rule_origins, strict=True)):
        own = origin == "scenario"
        place = f"rules[{k - n_model}]" if own else f"model {scenario.model!r} rules[{k}]"
        name = str(rule.name)
        if name in names:
            problems.append(
                Problem(
                    file,
                    f"{place}.name",
                    f"duplicate rule name {name!r} "
                    "(rule names must be unique, including the model's)",
                )
            )
        names[name] = k
        problems += check_rule(rule, scenario, file, place)
    problems += check_penalties(scenario, file)
    problems += score_problems(scenario, scenario.objective, file, "objective")
    variant_names: set[str] = set()
    for v, variant in enumerate(scenario.variants):
        place = f"variants[{v}]"
        if variant.name == "base" or variant.name in variant_names:
            problems.append(
                Problem(
                    file,
                    f"{place}.name",
                    f"duplicate variant name {variant.name!r} ('base' is the scenario itself)",
                )
            )
        variant_names.add(variant.name)
        found = check_variant(variant, scenario, file, place)
        found += check_edits(variant, scenario, file, place)
        found += check_offer_edits(variant, scenario, file, place)
        problems += found or applied_variant_problems(scenario, variant.name, file, place)
        for r, rule in enumerate(default_names(variant.add_rules, set(names))):
            problems += check_rule(rule, scenario, file, f"{place}.add_rules[{r}]")
    if not problems:
        problems += _variant_scores(scenario, file)
    return problems


def _variant_scores(scenario: Scenario, file: str) -> list[Problem]:
    """Each variant solved under a score objective can be scored (its own offers in force)."""
    problems: list[Problem] = []
    for v, variant in enumerate(scenario.variants):
        if not (variant.objective or scenario.objective).is_score:
            continue
        place = f"variants[{v}]" + (".objective" if variant.objective else "")
        chosen = apply_variant(scenario, variant.name)
        problems += score_problems(chosen, chosen.objective, file, place)
    return problems
