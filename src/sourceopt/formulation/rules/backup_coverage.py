"""backup_coverage (N-1): the others' unused capacity covers `coverage` of each awardee.

With c_t = min(capacity_t, sum of t's offer capacities on I'), V_t its volume on I' and z_t
"t is awarded": sum_{t != s} (c_t z_t - V_t) >= coverage * V_s for each awarded selected s.
Written sparsely with one auxiliary column G = sum_t (c_t z_t - V_t):
G - c_s z_s + (1 - coverage) V_s >= -M_s (1 - z_s).
Bundle units are not bounded by offer capacities, so V_t can exceed c_t by t's bundle units
on I' (B_t); M_s = sum_{t != s} B_t makes the row of a supplier that is not awarded always
hold (0 without bundles: the row is then the rule itself).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import scipy.sparse as sp

from sourceopt.formulation.context import Context, IndicatorNeed
from sourceopt.formulation.family import Family
from sourceopt.formulation.program import ColumnKind, RowFamily
from sourceopt.formulation.rules import wording as w
from sourceopt.formulation.rules._shared import by_supplier
from sourceopt.scenario.model import Scenario
from sourceopt.scenario.schema import BackupCoverageRule


def build(rule: BackupCoverageRule, ctx: Context, ref: int) -> None:
    """Add the auxiliary column, its definition row and one row per selected supplier."""
    sc, b = ctx.scenario, ctx.builder
    sel = ctx.selected_pairs(rule)
    if not sel.any():
        return
    volume, sups = by_supplier(ctx, sel, ctx.V)
    cap = sc.capacity_on(ctx.selected_items(rule))[sups]
    z = ctx.supplier_indicators(sups)
    g = b.add_columns(1, kind=ColumnKind.AUXILIARY, lo=-np.inf, ref=ref)
    n, k = b.n_cols, len(sups)
    r = np.arange(k)
    zc = sp.csr_array((cap, (r, z)), shape=(k, n))
    volume = ctx.widen(volume)
    ones = np.ones((1, k))
    definition = sp.csr_array(([1.0], ([0], g)), shape=(1, n))
    b.add_rows(
        [definition, sp.csr_array(-(ones @ zc)), sp.csr_array(ones @ volume)],
        lo=0.0,
        hi=0.0,
        family=RowFamily.BACKUP_COVERAGE_TOTAL,
        rule=str(rule.name),
    )
    gcol = sp.csr_array((np.ones(k), (r, np.full(k, g[0]))), shape=(k, n))
    slack = _bundle_units(ctx, volume)
    slack = slack.sum() - slack  # M_s: the other suppliers' bundle units on I'
    zm = sp.csr_array((slack, (r, z)), shape=(k, n))
    b.add_rows(
        [gcol, -zc, -zm, (1.0 - rule.coverage) * volume],
        lo=-slack,
        hi=np.inf,
        family=rule.type,
        rule=str(rule.name),
        supplier=sups,
        soft=rule.soft,
        rule_ref=ref,
    )


def _bundle_units(ctx: Context, volume: sp.csr_array) -> np.ndarray:
    """Per row of `volume` (a supplier's units on I'): the most of them bundles can give."""
    source = ctx.attribute_source  # bundle columns: -(supplier) - 2
    cols = volume.indices
    bundle = np.zeros(len(cols), dtype=bool)
    inside = cols < len(source)
    bundle[inside] = source[cols[inside]] <= -2
    rows = np.repeat(np.arange(volume.shape[0]), np.diff(volume.indptr))
    return np.bincount(rows[bundle], weights=volume.data[bundle], minlength=volume.shape[0])


def words(scenario: Scenario, rule: Any) -> str:
    """The rule in a conflict, in business words (after "rule <name>")."""
    return (
        f"requires the spare capacity of the other awarded suppliers among "
        f"{w.who(scenario, rule.suppliers)} to cover {w.share(rule.coverage)} of each one's volume"
    )


def indicators(rule: BackupCoverageRule, ctx: Context) -> list[IndicatorNeed]:
    """One floored binary "is awarded" per selected supplier that can receive selected items."""
    sel = ctx.selected_pairs(rule)
    if not sel.any():
        return []
    sups = np.unique(ctx.pair_supplier[sel])
    return [IndicatorNeed.whole(sups, ctx.scenario.n_items, floor=True)]


FAMILY = Family("backup_coverage", build, words, unit="unit", needs=indicators)
