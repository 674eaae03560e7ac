"""Checks of a portfolio beyond each file's own: shared firms, currency, pooling, rules."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from sourceopt.errors import Problem
from sourceopt.portfolio.model import Category, Portfolio
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
    if "rebates" in doc.pool:
        problems.append(
            Problem(
                file,
                "pool",
                "pooled rebates are not available in this version yet; remove 'rebates' from "
                "pool (each category's rebates then count only its own spend)",
            )
        )
    return problems


def _shared_terms(categories: Sequence[Category]) -> list[Problem]:
    problems: list[Problem] = []
    first: dict[str, tuple[Category, pd.Series]] = {}
    for cat in categories:
        sup = cat.scenario.suppliers
        for r in range(len(sup)):
            row = sup.iloc[r]
            sid = str(row["id"])
            if sid not in first:
                first[sid] = (cat, row)
                continue
            other, seen = first[sid]
            for term in SHARED_TERMS:
                a, b = float(seen[term]), float(row[term])
                if a != b:
                    problems.append(
                        Problem(
                            cat.file,
                            f"suppliers[{r}].{term}",
                            f"firm {sid!r} has {term} {b:g} here but {a:g} in category "
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
