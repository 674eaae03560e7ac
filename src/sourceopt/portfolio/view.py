"""The combined view of a portfolio: one Scenario holding every category's records.

Items are renamed ``<category>/<item>`` (item ids are local to their category), suppliers
are merged by id (the same id is the same firm), offers, tiers and bundles are stacked with
their codes moved. Selectors, rule checks and the independent verifier read this view as
they read any scenario; it is never solved as one scenario (each category keeps its own
rules, which name its local ids). Rebates stay with their categories (``pool: [rebates]``
aside), so the view has none. It imports only the scenario layer, so both the formulation
side (build.py) and the verifier side (verify.py) can use it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from sourceopt.scenario.model import Scenario
from sourceopt.scenario.schema import Objective, Rule, Selector, SolverSettings
from sourceopt.scenario.selectors import item_mask

SEPARATOR = "/"
SHARED_TERMS = ("capacity", "fixed_cost", "min_units")


@dataclass(frozen=True)
class Offsets:
    """Where one category's codes land in the view."""

    suppliers: np.ndarray  # local supplier code -> view supplier code
    item: int  # first item code
    offer: int  # first offer code
    bundle: int  # first bundle code


def supplier_union(scenarios: Sequence[Scenario]) -> pd.DataFrame:
    """Every firm once (its first category's record), in order of first appearance."""
    table = pd.concat([s.suppliers for s in scenarios], ignore_index=True)
    return table.drop_duplicates("id", keep="first").reset_index(drop=True)


def shared_firms(scenarios: Sequence[Scenario]) -> set[str]:
    """Ids of the firms that appear in more than one category."""
    seen: dict[str, int] = {}
    for s in scenarios:
        for sid in set(s.suppliers["id"].astype(str)):
            seen[sid] = seen.get(sid, 0) + 1
    return {sid for sid, n in seen.items() if n > 1}


def lifted(scenario: Scenario, shared: set[str]) -> Scenario:
    """The category as it stands in a portfolio: shared firms' terms lifted.

    A shared firm's capacity, fixed cost and minimum are lifted from the category: the
    portfolio's linking rows hold them once, over all categories.
    """
    sup = scenario.suppliers
    mine = sup["id"].astype(str).isin(shared).to_numpy()
    if not mine.any():
        return scenario
    sup = sup.copy()
    sup.loc[mine, "capacity"] = np.inf
    sup.loc[mine, "fixed_cost"] = 0.0
    sup.loc[mine, "min_units"] = 0.0
    return scenario.with_changes(suppliers=sup)


def offsets(names: Sequence[str], scenarios: Sequence[Scenario]) -> list[Offsets]:
    """Each category's code offsets into the view (categories in order)."""
    ids = pd.Index(supplier_union(scenarios)["id"])
    out, item, offer, bundle = [], 0, 0, 0
    for s in scenarios:
        codes = ids.get_indexer(s.suppliers["id"]).astype(np.int64)
        out.append(Offsets(codes, item, offer, bundle))
        item, offer, bundle = item + s.n_items, offer + s.n_offers, bundle + len(s.bundles)
    return out


def combined_view(
    name: str,
    source: str,
    currency: str,
    names: Sequence[str],
    scenarios: Sequence[Scenario],
    solver: SolverSettings | None = None,
) -> Scenario:
    """One Scenario over all categories (no rules, no rebates): see the module docstring."""
    where = offsets(names, scenarios)
    items, offers, tiers, bundles, units = [], [], [], [], []
    for cat, s, at in zip(names, scenarios, where, strict=True):
        it = s.items.copy()
        it["id"] = cat + SEPARATOR + it["id"].astype(str)
        items.append(it)
        off = s.offers.copy()
        off["supplier"] = at.suppliers[off["supplier"].to_numpy()]
        off["item"] = off["item"].to_numpy() + at.item
        offers.append(off)
        ti = s.tiers.copy()
        ti["offer"] = ti["offer"].to_numpy() + at.offer
        tiers.append(ti)
        bu = s.bundles.copy()
        bu["id"] = cat + SEPARATOR + bu["id"].astype(str)
        bu["supplier"] = at.suppliers[bu["supplier"].to_numpy()]
        bundles.append(bu)
        bx = s.bundle_units.copy()
        bx["bundle"] = bx["bundle"].to_numpy() + at.bundle
        bx["item"] = bx["item"].to_numpy() + at.item
        units.append(bx)
    first = scenarios[0]
    return Scenario(
        name=name,
        source=source,
        items=_stack(items),
        suppliers=supplier_union(scenarios),
        offers=_stack(offers),
        tiers=_stack(tiers),
        bundles=_stack(bundles),
        bundle_units=_stack(units),
        rebates=first.rebates.iloc[:0].copy(),
        rules=(),
        objective=Objective(),
        solver=solver or first.solver,
        currency=currency,
    )


def _stack(frames: list[pd.DataFrame]) -> pd.DataFrame:
    out = pd.concat(frames, ignore_index=True)
    for col in out.columns:  # an attribute or today's units absent from a category: unset
        if str(col).startswith("current."):
            out[col] = out[col].fillna(0.0)
    return out


def category_items(view: Scenario, categories: Sequence[str]) -> np.ndarray:
    """Mask of the view's items that belong to the named categories."""
    ids = view.items["id"].astype(str)
    prefix = ids.str.split(SEPARATOR, n=1).str[0]
    return np.asarray(prefix.isin(list(categories)).to_numpy(), dtype=bool)


def scoped_rules(
    view: Scenario,
    rules: Sequence[Rule],
    rule_categories: Sequence[tuple[str, ...] | None],
) -> tuple[Rule, ...]:
    """The portfolio rules over the view, their category filters resolved.

    A rule restricted to some categories (its item filter's ``category`` entry) selects the
    list of the view's item ids its other item filter entries pick in those categories.
    """
    out = []
    for rule, cats in zip(rules, rule_categories, strict=True):
        if cats is None:
            out.append(rule)
            continue
        items: Selector = getattr(rule, "items", "all")
        mask = item_mask(view, items) & category_items(view, cats)
        ids = view.items["id"].astype(str).to_numpy()[mask].tolist()
        out.append(rule.model_copy(update={"items": ids}))
    return tuple(out)
