"""Checks of a portfolio beyond each file's own: shared firms, currency, pooling, rules."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from sourceopt.errors import Problem
from sourceopt.portfolio.model import Category, Portfolio
from sourceopt.portfolio.pools import rebate_terms
from sourceopt.portfolio.schema import PortfolioFile
from sourceopt.portfolio.view import SHARED_TERMS, combined_view, scoped_rules
from sourceopt.scenario.model import Scenario
from sourceopt.scenario.rulecheck import check_rule


def category_problems(
    categories: Sequence[Category], doc: PortfolioFile, file: str
) -> list[Problem]:
    """Currency, objective, shared firms' terms and pooled offers or rebates of the categories."""
    problems: list[Problem] = []
    for cat in categories:
        sc = cat.scenario
        if sc.currency != doc.currency:
            problems.append(
                Problem(
                    cat.file,
                    "currency",
                    f"the category is in {sc.currency} but portfolio {doc.name!r} ({file}) is "
                    f"in {doc.currency}; every category must use the portfolio's currency",
                )
            )
        if getattr(sc.objective, "maximize", None) is not None:
            problems.append(
                Problem(
                    cat.file,
                    "objective",
                    "a score objective cannot be part of a portfolio (the portfolio minimises "
                    "the sum of its categories' costs); use a cost objective in this category",
                )
            )
    problems += _shared_terms(categories)
    if "tiers" in doc.pool:
        problems += _pooled_tiers(categories)
        problems += [p for cat in categories for p in _unpoolable_tiers(cat)]
    if "rebates" in doc.pool:
        unpoolable = [p for cat in categories for p in _unpoolable_rebates(cat)]
        problems += unpoolable or _pooled_rebates(categories)
    return problems


def _unpoolable_tiers(cat: Category) -> list[Problem]:
    """Pooled tiers are all-units: an incremental tiered offer cannot be pooled (yet)."""
    sc = cat.scenario
    tiered = np.zeros(sc.n_offers, dtype=bool)
    tiered[sc.tiers["offer"].to_numpy(int)] = True
    bad = np.flatnonzero(tiered & sc.incremental_offers())
    alternates = np.flatnonzero(tiered & (sc.alternate_groups() >= 0))
    return [
        Problem(
            cat.file,
            f"offers[{int(o)}].tier_type",
            "pool: [tiers] prices all-units tiers only; this offer's tiers are incremental "
            "(write tier_type: all_units, or drop 'tiers' from the portfolio's pool)",
        )
        for o in bad[:5]
    ] + [
        Problem(
            cat.file,
            f"offers[{int(o)}].id",
            "pool: [tiers] pools one tiered offer per supplier and item; this one is an "
            "alternate (keep one offer for the pair, or drop 'tiers' from the portfolio's pool)",
        )
        for o in alternates[:5]
    ]


def _unpoolable_rebates(cat: Category) -> list[Problem]:
    """Pooled rebates are one unscoped ``from_spend`` rebate per firm."""
    sc = cat.scenario
    reb = sc.rebate_tiers()
    if len(reb) == 0:
        return []
    ids = sc.suppliers["id"].astype(str).to_numpy()
    scoped = {i for i, sel in enumerate(sc.rebate_items) if sel is not None}
    problems = []
    for code in np.unique(reb["supplier"].to_numpy(int)).tolist():
        mine = reb[reb["supplier"].to_numpy(int) == code]
        kinds = set(mine["rebate"].tolist())
        if len(kinds) > 1 or kinds & scoped or mine["from_units"].notna().any():
            problems.append(
                Problem(
                    cat.file,
                    f"rebates (supplier {ids[code]!r})",
                    "pool: [rebates] pools one rebate per firm by spend on all its items; "
                    "this firm's rebates are several, scoped by items or counted in units "
                    "(keep one from_spend rebate without items, or drop 'rebates' from the pool)",
                )
            )
    return problems


def _shared_terms(categories: Sequence[Category]) -> list[Problem]:
    """A firm in several categories whose capacity, fixed cost or minimum differ (vectorised)."""
    table = pd.concat(
        [
            c.scenario.suppliers[["id", *SHARED_TERMS]].assign(
                _cat=k, _row=np.arange(c.scenario.n_suppliers)
            )
            for k, c in enumerate(categories)
        ],
        ignore_index=True,
    )
    table["id"] = table["id"].astype(str)
    first = table.groupby("id", sort=False).transform("first")
    cat, first_cat = table["_cat"].to_numpy(), first["_cat"].to_numpy()
    rows, ids = table["_row"].to_numpy(), table["id"].to_numpy()
    problems: list[Problem] = []
    for term in SHARED_TERMS:
        mine, seen = table[term].to_numpy(float), first[term].to_numpy(float)
        differs = (mine != seen) & ~(np.isinf(mine) & np.isinf(seen))
        for r in np.flatnonzero(differs).tolist():
            here, other = categories[int(cat[r])], categories[int(first_cat[r])]
            problems.append(
                Problem(
                    here.file,
                    f"suppliers[{int(rows[r])}].{term}",
                    f"firm {ids[r]!r} has {term} {mine[r]:g} here but {seen[r]:g} in category "
                    f"{other.name!r} ({other.file}); a firm bidding in several "
                    f"categories must have the same {term} in each (the portfolio "
                    "holds it once over all of them)",
                )
            )
    return problems


def offer_terms(
    sc: Scenario,
) -> dict[tuple[str, str], tuple[float, tuple[tuple[float, float], ...]]]:
    """Per (supplier id, item id) with tiers: its base price and its tiers (from, price)."""
    out = {}
    off, ti = sc.offers, sc.tiers
    sup_ids, item_ids = sc.suppliers["id"].astype(str), sc.items["id"].astype(str)
    for o in np.unique(ti["offer"].to_numpy()):
        mine = ti[ti["offer"] == o]
        key = (sup_ids.iloc[int(off["supplier"].iloc[o])], item_ids.iloc[int(off["item"].iloc[o])])
        steps = tuple(zip(mine["from"].astype(float), mine["price"].astype(float), strict=True))
        out[key] = (float(off["price"].iloc[o]), steps)
    return out


def _pooled_tiers(categories: Sequence[Category]) -> list[Problem]:
    problems: list[Problem] = []
    first: dict[tuple[str, str], tuple[Category, object]] = {}
    for cat in categories:
        for key, terms in offer_terms(cat.scenario).items():
            if key not in first:
                first[key] = (cat, terms)
            elif first[key][1] != terms:
                other = first[key][0]
                problems.append(
                    Problem(
                        cat.file,
                        f"offers (supplier {key[0]!r}, item {key[1]!r})",
                        f"pooled tiers need identical offers, but this offer's price and tiers "
                        f"differ from those in category {other.name!r} ({other.file}); make "
                        "them equal, or drop 'tiers' from the portfolio's pool",
                    )
                )
    return problems


def _pooled_rebates(categories: Sequence[Category]) -> list[Problem]:
    problems: list[Problem] = []
    first: dict[str, tuple[Category, object]] = {}
    for cat in categories:
        for firm, tiers in rebate_terms(cat.scenario).items():
            if firm not in first:
                first[firm] = (cat, tiers)
            elif first[firm][1] != tiers:
                other = first[firm][0]
                problems.append(
                    Problem(
                        cat.file,
                        f"rebates (supplier {firm!r})",
                        "pooled rebates need identical rebates, but this one differs from the "
                        f"one in category {other.name!r} ({other.file}); make them equal, or "
                        "drop 'rebates' from the portfolio's pool",
                    )
                )
    return problems


def rule_problems(portfolio: Portfolio, file: str) -> list[Problem]:
    """Portfolio rules checked against the combined view (ids, categories, attributes)."""
    problems: list[Problem] = []
    names = set(portfolio.category_names)
    for k, cats in enumerate(portfolio.rule_categories):
        for c in cats or ():
            if c not in names:
                known = ", ".join(sorted(names))
                problems.append(
                    Problem(
                        file,
                        f"rules[{k}].items.category",
                        f"unknown category {c!r}; the categories are: {known}",
                    )
                )
    if problems:
        return problems
    view = view_of(portfolio)
    for k, rule in enumerate(scoped_rules(view, portfolio.rules, portfolio.rule_categories)):
        problems += check_rule(rule, view, file, f"rules[{k}]")
    return problems


def view_of(portfolio: Portfolio) -> Scenario:
    """The portfolio's combined view (no rules)."""
    cats = portfolio.categories
    return combined_view(
        portfolio.name,
        portfolio.source,
        portfolio.currency,
        [c.name for c in cats],
        [c.scenario for c in cats],
        portfolio.solver,
    )
