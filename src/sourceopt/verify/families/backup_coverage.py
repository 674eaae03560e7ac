"""backup_coverage: the rule re-measured on the award (independently of the formulation)."""

from __future__ import annotations

import numpy as np

from sourceopt.scenario.schema import BackupCoverageRule
from sourceopt.verify import rowkit as kit
from sourceopt.verify.rowkit import Rows
from sourceopt.verify.view import AwardView


def _backup_capacity(view: AwardView, i_sel: np.ndarray) -> np.ndarray:
    """Per supplier: min(capacity, sum of its offer capacities on the selected items).

    Of alternate offers for one item only the largest capacity counts.
    """
    offers = view.scenario.offers
    on = kit.lines(view, view.scope.every_supplier, i_sel)
    on = on[on < view.n_offer_lines]  # the offers on the selected items
    largest = np.full(len(view.pair_supplier), -np.inf)
    np.maximum.at(largest, view.pair[on], offers["capacity"].to_numpy(float)[on])
    counted = largest > -np.inf
    offered = kit.by(
        view.pair_supplier,
        np.where(counted, largest, 0.0),
        counted,
        view.scenario.n_suppliers,
    )
    own = view.scenario.suppliers["capacity"].to_numpy(float)
    return np.asarray(np.minimum(own, offered), dtype=float)


def rows(rule: BackupCoverageRule, view: AwardView, total_cost: float) -> Rows | None:
    """The rule's rows on the award (``None`` when it selects nothing)."""
    s_sel, i_sel = kit.masks(view, rule)
    if not s_sel.any() or not i_sel.any():
        return None
    on = kit.lines(view, view.scope.every_supplier, i_sel)
    volume = kit.by(view.supplier, view.units, on, view.scenario.n_suppliers)
    cap = _backup_capacity(view, i_sel)
    spare = np.where(s_sel, np.where(view.awarded, cap, 0.0) - volume, 0.0)
    infinite = np.isinf(spare)
    finite_total = np.sum(spare[~infinite])
    rows = np.flatnonzero(s_sel & (volume > view.tolerance))
    if len(rows) == 0:
        return None
    others = finite_total - np.where(infinite[rows], 0.0, spare[rows])
    others = np.where(np.sum(infinite) - infinite[rows] > 0, np.inf, others)
    label = kit.at(view.supplier_label, rows)
    what = "the other awarded suppliers' spare capacity as a multiple of its volume"
    return kit.bounded(others, volume[rows], rule.coverage, None, label=label, what=what)


CHECK = kit.RuleChecker("backup_coverage", rows, nominal=lambda rule: rule.coverage)
