"""The groups of a group_share rule with ``each``, and each group's share, from the award.

Written apart from the formulation's grouping (and in the plainest way: a dictionary from
each value to its suppliers) so that the two cannot share a mistake. A supplier belongs to the
group of its country (``each: country``), of its region, or of every one of its tags; blank
or missing values make no group. Groups are named by the value and listed in sorted order.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from sourceopt.scenario.model import Scenario
from sourceopt.verify.view import AwardView

_COLUMN = {"country": "country", "region": "region", "tag": "tags"}


@dataclass(frozen=True)
class GroupMeasures:
    """Per row (a group, or a group and an item): the group's measure and the row's total."""

    field: str
    values: tuple[str, ...]  # the groups' names
    lhs: np.ndarray
    base: np.ndarray
    group: np.ndarray  # per row: its group (index into values)
    item: np.ndarray  # per row: its item code, -1 for the selected items together

    def label(self, view: AwardView, row: int) -> str:
        """``country CN`` or ``country CN, item A``."""
        word = f"{self.field} {self.values[int(self.group[row])]}"
        item = int(self.item[row])
        return word if item < 0 else f"{word}, {view.item_label(item)}"


def _values(value: object) -> list[str]:
    """The group values of one supplier's field (a tag set gives several)."""
    raw = value if isinstance(value, frozenset | set | list | tuple) else [value]
    out: list[str] = []
    for v in raw:
        if v is None or v is pd.NA or (isinstance(v, float) and np.isnan(v)):
            continue
        text = str(v).strip()
        if text:
            out.append(text)
    return out


def supplier_groups(scenario: Scenario, field: str, selected: np.ndarray) -> dict[str, list[int]]:
    """Value -> codes of the selected suppliers having it, values sorted."""
    column = scenario.suppliers[_COLUMN[field]].to_numpy(dtype=object)
    found: dict[str, list[int]] = {}
    for s in np.flatnonzero(selected):
        for value in _values(column[s]):
            found.setdefault(value, []).append(int(s))
    return {value: found[value] for value in sorted(found)}


def group_measures(
    view: AwardView,
    field: str,
    s_sel: np.ndarray,
    i_sel: np.ndarray,
    measure: str,
    per_item: bool,
) -> GroupMeasures:
    """Each group's volume or spend on the selected items (together, or item by item)."""
    groups = supplier_groups(view.scenario, field, s_sel)
    n_s = view.scenario.n_suppliers
    items = np.flatnonzero(i_sel) if per_item else np.array([-1])
    lhs, base = [], []
    if per_item:  # the selected pairs only: the others would add zeros
        on = view.scope.pairs(s_sel, i_sel)
        pair_m, pair_item, pair_supplier = (
            view.pair_measure(measure)[on],
            view.pair_item[on],
            view.pair_supplier[on],
        )
        for members in groups.values():
            mine = np.zeros(n_s, dtype=bool)
            mine[members] = True
            by_item = np.bincount(
                pair_item,
                weights=np.where(mine[pair_supplier], pair_m, 0.0),
                minlength=len(i_sel),
            )
            lhs.append(by_item[items])
            base.append(view.item_total(measure)[items])
    else:
        on = view.scope.lines(view.scope.every_supplier, i_sel)
        m = view.measure(measure)
        by_supplier = np.bincount(view.supplier[on], weights=m[on], minlength=n_s)
        everyone = float(np.sum(view.item_total(measure)[i_sel]))
        for members in groups.values():
            lhs.append(np.array([np.sum(by_supplier[members])]))
            base.append(np.array([everyone]))
    n = len(groups)
    return GroupMeasures(
        field,
        tuple(groups),
        np.concatenate(lhs) if lhs else np.zeros(0),
        np.concatenate(base) if base else np.zeros(0),
        np.repeat(np.arange(n), len(items)),
        np.tile(items, n),
    )
