"""Selectors turned into boolean masks over suppliers and items.

A selector is ``"all"``, a list of ids, or a filter whose entries must all hold:
``tags`` (has any of them), ``country``, ``region``, ``attribute``
(``{name: {gt|ge|lt|le|eq: value}}``; a supplier whose attribute is unset does not match) for
suppliers, ``group`` for items (:data:`FILTER_KEYS`). Ids and filter keys are checked when the
scenario is loaded, so here every id exists and every filter key applies.

:func:`each_groups` splits the selected suppliers by a field for a rule's ``each`` key.
"""

from __future__ import annotations

import operator
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from sourceopt.scenario.model import ATTR_PREFIX, Scenario
from sourceopt.scenario.schema import Selector, SelectorFilter

_COMPARE: dict[str, Callable[[np.ndarray, float], np.ndarray]] = {
    "gt": operator.gt,
    "ge": operator.ge,
    "lt": operator.lt,
    "le": operator.le,
    "eq": operator.eq,
}


FILTER_KEYS: dict[str, tuple[str, ...]] = {
    "suppliers": ("tags", "country", "region", "attribute"),
    "items": ("group",),
}
"""Which filter keys apply to which kind of record (the key of the selector in a rule).

A filter key that does not apply to the kind selected would match nothing (``group`` labels
items, no supplier has one; items have no tags, country, region or attributes in format 1),
so loading refuses it (:func:`misplaced_filters`). Format 1.1 extends this table (item
``tags``/``attribute``/``id``, supplier ``id``, ``not``).
"""


def misplaced_filters(selector: Selector, kind: str) -> list[str]:
    """The keys of a filter selector that do not apply to `kind` (``suppliers``/``items``)."""
    if not isinstance(selector, SelectorFilter):
        return []
    given = [k for k in type(selector).model_fields if getattr(selector, k) is not None]
    return [k for k in given if k not in FILTER_KEYS[kind]]


def _by_ids(ids: pd.Series, wanted: list[str]) -> np.ndarray:
    return np.asarray(ids.isin(wanted).to_numpy(), dtype=bool)


def _in(column: pd.Series, values: list[str]) -> np.ndarray:
    return np.asarray(column.isin(values).to_numpy(), dtype=bool)


def supplier_mask(scenario: Scenario, selector: Selector) -> np.ndarray:
    """Which suppliers the selector picks."""
    table = scenario.suppliers
    if selector == "all":
        return np.ones(len(table), dtype=bool)
    if isinstance(selector, list):
        return _by_ids(table["id"], selector)
    assert isinstance(selector, SelectorFilter)
    mask = np.ones(len(table), dtype=bool)
    if selector.tags is not None:
        wanted = frozenset(selector.tags)
        mask &= np.fromiter((bool(t & wanted) for t in table["tags"]), bool, len(table))
    if selector.country is not None:
        mask &= _in(table["country"], selector.country)
    if selector.region is not None:
        mask &= _in(table["region"], selector.region)
    if selector.group is not None:  # groups label items; no supplier has one
        mask &= False
    if selector.attribute is not None:
        for name, tests in selector.attribute.items():
            values = scenario.supplier_attribute(name)
            for op, bound in tests.items():
                with np.errstate(invalid="ignore"):
                    mask &= _COMPARE[op](values, bound) & ~np.isnan(values)
    return mask


def item_mask(scenario: Scenario, selector: Selector) -> np.ndarray:
    """Which items the selector picks."""
    table = scenario.items
    if selector == "all":
        return np.ones(len(table), dtype=bool)
    if isinstance(selector, list):
        return _by_ids(table["id"], selector)
    assert isinstance(selector, SelectorFilter)
    mask = np.ones(len(table), dtype=bool)
    if selector.group is not None:
        mask &= _in(table["group"], selector.group)
    for key in ("tags", "country", "region"):
        if getattr(selector, key) is not None:  # supplier properties: items never match
            mask &= False
    if selector.attribute is not None:
        for name, tests in selector.attribute.items():
            col = ATTR_PREFIX + name
            values = table[col].to_numpy(float) if col in table else np.full(len(table), np.nan)
            for op, bound in tests.items():
                with np.errstate(invalid="ignore"):
                    mask &= _COMPARE[op](values, bound) & ~np.isnan(values)
    return mask


@dataclass(frozen=True)
class EachGroups:
    """The groups of a rule's ``each`` key: one per distinct value among selected suppliers.

    ``values`` are the group names (the field's values, sorted); membership is given as
    entries: supplier ``supplier[k]`` belongs to group ``group[k]`` (an index into
    ``values``). With ``each: tag`` a supplier with several tags is in several groups; a
    supplier without a value (no country, no region, no tags; blank text counts as none) is
    in none.
    """

    field: str
    values: tuple[str, ...]
    supplier: np.ndarray
    group: np.ndarray

    @property
    def n_groups(self) -> int:
        """Number of groups."""
        return len(self.values)


def each_groups(scenario: Scenario, field: str, selected: np.ndarray) -> EachGroups:
    """Groups of the suppliers picked by `selected` (a mask) by the values of `field`."""
    table = scenario.suppliers
    chosen = np.flatnonzero(selected)
    if field == "tag":  # a loop over suppliers (never offers): tags are sets
        tags = table["tags"].to_numpy()[chosen]
        sizes = np.fromiter((len(t) for t in tags), np.int64, len(chosen))
        owner = np.repeat(chosen, sizes)
        text = np.array([str(t).strip() for ts in tags for t in sorted(ts)], dtype=object)
    else:
        raw = table[field].to_numpy(dtype=object)[chosen]
        known = np.asarray(pd.notna(raw), dtype=bool)
        owner = chosen[known]
        text = pd.Series(raw[known], dtype=object).astype(str).str.strip().to_numpy(object)
    keep = text != ""
    owner, text = owner[keep], text[keep]
    values, group = np.unique(text.astype(str), return_inverse=True)
    return EachGroups(
        field,
        tuple(str(v) for v in values),
        np.asarray(owner, dtype=np.int64),
        np.asarray(group, dtype=np.int64).ravel(),
    )
