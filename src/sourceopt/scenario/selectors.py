"""Selectors turned into boolean masks over suppliers and items.

A selector is ``"all"``, a list of ids, or a filter whose entries must all hold: ``tags``
(has any of them), ``attribute`` (``{name: {gt|ge|lt|le|eq: value}}``; a record whose
attribute is unset does not match), ``id`` and ``not`` (the inner filter map does not hold)
for both; ``country``, ``region`` for suppliers; ``group`` for items (:data:`FILTER_KEYS`).
Ids and filter keys are checked when the scenario is loaded, so here every filter key applies.

:func:`each_groups` splits the selected suppliers by a field for a rule's ``each`` key.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Iterable
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
    "suppliers": ("tags", "country", "region", "attribute", "id", "not"),
    "items": ("group", "tags", "attribute", "id", "not"),
}
"""Which filter keys apply to which kind of record (the key of the selector in a rule).

A filter key that does not apply to the kind selected would match nothing (``group`` labels
items, no supplier has one; items have no country or region), so loading refuses it
(:func:`misplaced_filters`). Item ``tags``/``attribute``, ``id`` and ``not`` are format 1.1.
"""


def filter_entries(selector: SelectorFilter) -> list[tuple[str, str]]:
    """The entries given in a filter map, nested ``not`` maps included, as (path, key).

    The path is the dotted place inside the filter (``not.country``); the key its last part.
    """
    out: list[tuple[str, str]] = []
    for name, field in type(selector).model_fields.items():
        value = getattr(selector, name)
        if value is None:
            continue
        key = field.alias or name
        out.append((key, key))
        if isinstance(value, SelectorFilter):
            out += [(f"{key}.{path}", k) for path, k in filter_entries(value)]
    return out


def misplaced_filters(selector: Selector, kind: str) -> list[str]:
    """Places (``country``, ``not.country``) of filter keys that do not apply to `kind`."""
    if not isinstance(selector, SelectorFilter):
        return []
    return [path for path, key in filter_entries(selector) if key not in FILTER_KEYS[kind]]


def filter_ids(selector: Selector) -> list[tuple[str, list[str]]]:
    """The ``id`` lists of a filter map and its nested ``not`` maps, with their places."""
    if not isinstance(selector, SelectorFilter):
        return []
    found = [("id", list(selector.id))] if selector.id is not None else []
    if selector.not_ is not None:
        found += [(f"not.{place}", ids) for place, ids in filter_ids(selector.not_)]
    return found


def _by_ids(ids: pd.Series, wanted: list[str]) -> np.ndarray:
    return np.asarray(ids.isin(wanted).to_numpy(), dtype=bool)


def _in(column: pd.Series, values: list[str]) -> np.ndarray:
    return np.asarray(column.isin(values).to_numpy(), dtype=bool)


def _attribute(table: pd.DataFrame, name: str) -> np.ndarray:
    col = ATTR_PREFIX + name
    return table[col].to_numpy(float) if col in table else np.full(len(table), np.nan)


def _filter_mask(table: pd.DataFrame, selector: SelectorFilter) -> np.ndarray:
    """Records for which every entry of the filter holds (entries missing from `table` fail)."""
    mask = np.ones(len(table), dtype=bool)
    if selector.id is not None:
        mask &= _by_ids(table["id"], selector.id)
    if selector.tags is not None:
        wanted = frozenset(selector.tags)
        tags: Iterable[frozenset[str]] = (
            table["tags"] if "tags" in table else [frozenset()] * len(table)
        )
        mask &= np.fromiter((bool(t & wanted) for t in tags), bool, len(table))
    for key in ("country", "region", "group"):
        values = getattr(selector, key)
        if values is not None:  # refused at load where it does not apply; matches nothing
            mask &= _in(table[key], values) if key in table else False
    if selector.attribute is not None:
        for name, tests in selector.attribute.items():
            values = _attribute(table, name)
            for op, bound in tests.items():
                with np.errstate(invalid="ignore"):
                    mask &= _COMPARE[op](values, bound) & ~np.isnan(values)
    if selector.not_ is not None:
        mask &= ~_filter_mask(table, selector.not_)
    return mask


def _mask(table: pd.DataFrame, selector: Selector) -> np.ndarray:
    if selector == "all":
        return np.ones(len(table), dtype=bool)
    if isinstance(selector, list):
        return _by_ids(table["id"], selector)
    assert isinstance(selector, SelectorFilter)
    return _filter_mask(table, selector)


def supplier_mask(scenario: Scenario, selector: Selector) -> np.ndarray:
    """Which suppliers the selector picks."""
    return _mask(scenario.suppliers, selector)


def item_mask(scenario: Scenario, selector: Selector) -> np.ndarray:
    """Which items the selector picks."""
    return _mask(scenario.items, selector)


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
