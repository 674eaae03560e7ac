"""Frontier metrics: bound a parsed metric, add the epsilon-constraint to a program, measure.

:func:`~sourceopt.analysis.metric_spec.parse` turns the text into a typed :data:`Metric`
(one small class per metric, its canonical text by ``str()``); :func:`resolve` bounds it in
a direction on a scenario (checking tags and attributes); :func:`measure` and
:func:`prepare` dispatch on its class, never on its text.
Each metric prepares the program once (helper columns and their defining rows) and then
adds one block of rows per bound epsilon; see models/README.md, "Trade-off frontier".
Spend shares use a helper column T = total spend, so that a share row
``spend_s - eps * T <= 0`` has only the supplier's own entries.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import assert_never

import numpy as np
import scipy.sparse as sp

from sourceopt.analysis.metric_spec import (
    AT_LEAST,
    AT_MOST,
    METRICS,
    Average,
    Direction,
    Group,
    GroupShare,
    Hhi,
    MaxShare,
    Metric,
    SupplierCount,
    parse,
)
from sourceopt.analysis.share_count import ShareCuts, share_cuts
from sourceopt.errors import AnalysisError
from sourceopt.formulation.edits import with_award_indicators, with_columns, with_rows
from sourceopt.formulation.expressions import SupplierExpressions, supplier_expressions
from sourceopt.formulation.program import ColumnKind, Program, RowFamily
from sourceopt.result import SolveResult
from sourceopt.scenario.model import Scenario

__all__ = [
    "AT_LEAST",
    "AT_MOST",
    "HHI_TANGENTS",
    "METRICS",
    "Direction",
    "EpsilonProgram",
    "Metric",
    "Target",
    "measure",
    "parse",
    "prepare",
    "resolve",
]
SHARE_CUTS = ("count", "link")  # max_share's implied rows added (fewer: for comparisons)
HHI_TANGENTS = 100  # tangent points of share^2 on [0, 1]: error <= min(5000/K, n*2500/K^2) points


@dataclass(frozen=True)
class Target:
    """A metric bounded in a direction on one scenario, with its natural range's far end."""

    metric: Metric
    direction: Direction
    far: float  # the end of the metric's range in its direction (best conceivable value)

    @property
    def integer(self) -> bool:
        """Whether the metric takes whole values only (its bounds are rounded)."""
        return self.metric.integer


def resolve(scenario: Scenario, metric: Metric, direction: str | None = None) -> Target:
    """`metric` bounded in `direction` (default: the metric's own) on `scenario`.

    Unknown directions, tags and attributes raise AnalysisError listing what exists.
    """
    way = metric.default
    if direction:
        if direction not in tuple(Direction):
            raise AnalysisError(
                f"unknown direction {direction!r}; use {AT_MOST.value!r} or {AT_LEAST.value!r}"
            )
        way = Direction(direction)
    if way is AT_LEAST and not metric.floors:
        raise AnalysisError(
            f"{metric} can only be bounded from above (direction {AT_MOST.value!r})"
        )
    return Target(metric, way, _far(scenario, metric, up=way is AT_LEAST))


def _far(scenario: Scenario, metric: Metric, *, up: bool) -> float:
    """The metric's best conceivable value on `scenario` in its direction."""
    match metric:
        case GroupShare(group):
            _group_mask(scenario, group)
            return 1.0 if up else 0.0
        case Average(attribute):
            values = _attribute_values(scenario, attribute)
            return float(values.max() if up else values.min())
        case SupplierCount():
            return float(len(np.unique(scenario.offers["supplier"].to_numpy()))) if up else 1.0
        case MaxShare() | Hhi():
            return 0.0
        case _:
            assert_never(metric)


def _group_mask(scenario: Scenario, group: Group) -> np.ndarray:
    """Suppliers in a group: ``country:<C>`` or a tag."""
    sup = scenario.suppliers
    if group.country:
        mask = (sup["country"] == group.name).to_numpy(dtype=bool)
        what = "country"
    else:
        mask = np.array([group.name in tags for tags in sup["tags"]], dtype=bool)
        what = "tag"
    if not mask.any():
        tags = sorted({t for ts in sup["tags"] for t in ts})
        countries = sorted({c for c in sup["country"] if isinstance(c, str)})
        raise AnalysisError(
            f"no supplier has the {what} {str(group)!r}; tags are: {', '.join(tags) or '(none)'}; "
            f"countries (as country:<C>): {', '.join(countries) or '(none)'}"
        )
    return mask


def _attribute_values(scenario: Scenario, attribute: str) -> np.ndarray:
    if attribute not in scenario.attribute_names():
        known = ", ".join(scenario.attribute_names()) or "(none defined)"
        raise AnalysisError(f"unknown attribute {attribute!r}; attributes are: {known}")
    values = scenario.offer_attribute(attribute)
    if np.isnan(values).any():
        raise AnalysisError(f"attribute {attribute!r} is not defined for every offer")
    return values


def measure(metric: Metric, scenario: Scenario, result: SolveResult) -> float | None:
    """The metric's value on a verified award (from the award, not from the program)."""
    k = result.document.kpis
    if k is None:
        return None
    match metric:
        case MaxShare():
            return k.max_supplier_share
        case SupplierCount():
            return float(k.supplier_count)
        case Hhi():
            return k.hhi
        case GroupShare(group):
            return k.group_shares.get(group.kpi_key, 0.0)
        case Average(attribute):
            return _average(scenario, result, attribute)
        case _:
            assert_never(metric)


def _average(scenario: Scenario, result: SolveResult, attribute: str) -> float | None:
    """The unit-weighted average of `attribute` over the award's allocations."""
    alloc = result.allocations
    offer_attr = dict(
        zip(
            zip(
                scenario.suppliers["id"].to_numpy()[scenario.offers["supplier"].to_numpy()],
                scenario.items["id"].to_numpy()[scenario.offers["item"].to_numpy()],
                scenario.offer_ids(),
                strict=True,
            ),
            scenario.offer_attribute(attribute),
            strict=True,
        )
    )
    sup_attr = dict(
        zip(scenario.suppliers["id"], scenario.supplier_attribute(attribute), strict=True)
    )
    offer_ids = alloc["offer"] if "offer" in alloc else [None] * len(alloc)
    attr = [
        offer_attr[(s, i, o)] if src == "offer" else sup_attr[s]
        for s, i, src, o in zip(
            alloc["supplier"], alloc["item"], alloc["source"], offer_ids, strict=True
        )
    ]
    units = alloc["units"].to_numpy(float)
    return float(np.dot(attr, units) / units.sum()) if units.sum() > 0 else None


@dataclass
class EpsilonProgram:
    """A program prepared for one metric; :meth:`at` adds the rows for one bound."""

    target: Target
    program: Program
    own: sp.csr_matrix
    total: sp.csr_matrix | None = None
    scale: float = 1.0
    cuts: ShareCuts | None = None  # max_share: the rows the bound implies (share_count)

    def at(self, eps: float) -> Program:
        """The prepared program with the metric bounded by `eps` (in the metric's units)."""
        up = self.target.direction is AT_LEAST
        own = self.own
        hi: np.ndarray | float
        if self.total is None:  # a count: the bound is a constant
            lo, hi = (eps, np.inf) if up else (-np.inf, eps)
        else:
            lo, hi = (0.0, np.inf) if up else (-np.inf, 0.0)
            own = own - (eps * self.scale) * self.total
        cuts, rule = self.cuts, str(self.target.metric)
        if cuts is not None and "link" in SHARE_CUTS:  # spend_s - eps T - eps L y_s <= -eps L
            own = own - (eps * cuts.least) * cuts.link
            hi = np.where(cuts.linked, -eps * cuts.least, 0.0)
        out = with_rows(self.program, own, lo=lo, hi=hi, family=RowFamily.EPSILON, rule=rule)
        if cuts is None or "count" not in SHARE_CUTS:
            return out
        need = cuts.needed(eps)
        return with_rows(out, cuts.count, lo=need, hi=np.inf, family=RowFamily.EPSILON, rule=rule)


def prepare(target: Target, program: Program, scenario: Scenario) -> EpsilonProgram:
    """Add the metric's helper columns and rows to the program (once per frontier)."""
    x = supplier_expressions(program, scenario)
    match target.metric:
        case SupplierCount():
            return _count(target, program, x, scenario)
        case Average(attribute):
            return _homogeneous(
                target,
                program,
                x.attribute_row(scenario, attribute, "volume"),
                np.asarray(x.units.sum(axis=0)).ravel(),
            )
        case GroupShare(group):
            mask = _group_mask(scenario, group).astype(float)
            return _homogeneous(target, program, mask @ x.spend, x.total_spend)
        case MaxShare():
            return _max_share(target, program, x)
        case Hhi():
            return _hhi(target, program, x)
        case _:
            assert_never(target.metric)


def _spenders(program: Program, x: SupplierExpressions) -> tuple[Program, int, np.ndarray]:
    """The program with the total-spend column T (:func:`_with_total`), T, the spenders."""
    program, t = _with_total(program, x)
    return program, t, np.flatnonzero(np.diff(x.spend.indptr) > 0)


def _max_share(target: Target, program: Program, x: SupplierExpressions) -> EpsilonProgram:
    """One row per spender: ``spend_s - eps * T <= 0``; and the count row it implies.

    With the program's own award indicators y_s and a least total spend L > 0
    (:mod:`~sourceopt.analysis.share_count`): ``spend_s - eps T + eps L (1 - y_s) <= 0``
    instead, and the count row ``sum y >= ceil(1/eps) - (spenders without one)``.
    """
    plain, spend = program, x.spend
    program, t, spenders = _spenders(program, x)
    own = _widen(spend[spenders], program.n_cols)
    total = sp.csr_matrix(
        (np.ones(len(spenders)), (np.arange(len(spenders)), np.full(len(spenders), t))),
        shape=own.shape,
    )
    cuts = share_cuts(plain, spend[spenders], x.total_spend)
    if cuts is not None:
        cuts = replace(cuts, link=_widen(cuts.link, program.n_cols))
    return EpsilonProgram(target, program, own, total, cuts=cuts)


def _widen(m: sp.csr_matrix, n: int) -> sp.csr_matrix:
    out = sp.csr_matrix(m, copy=True)
    out.resize((m.shape[0], n))
    return out


def _homogeneous(
    target: Target, program: Program, own: np.ndarray, total: np.ndarray
) -> EpsilonProgram:
    """One row ``own - eps * total`` (a share or an average: the ratio bound times the total)."""
    return EpsilonProgram(
        target,
        program,
        sp.csr_matrix(np.asarray(own, dtype=float).reshape(1, -1)),
        sp.csr_matrix(np.asarray(total, dtype=float).reshape(1, -1)),
    )


def _with_total(program: Program, x: SupplierExpressions) -> tuple[Program, int]:
    """A helper column T with the row T - total spend = 0."""
    program, cols = with_columns(program, 1, kind=ColumnKind.AUXILIARY)
    row = sp.csr_matrix(np.r_[-x.total_spend, 1.0].reshape(1, -1))
    return with_rows(program, row, lo=0.0, hi=0.0, family=RowFamily.EPSILON_TOTAL), int(cols[0])


def _count(
    target: Target, program: Program, x: SupplierExpressions, scenario: Scenario
) -> EpsilonProgram:
    """Fresh binaries z_s "s receives units": units_s <= M_s z_s (and >= min(1, M_s) z_s).

    As the program's own indicators (:func:`~sourceopt.formulation.context.award_quantum`):
    z_s is fixed at 0 where s can receive no units.
    """
    sups = np.flatnonzero(np.diff(x.units.indptr) > 0)
    units = x.units[sups]
    cap = scenario.suppliers["capacity"].to_numpy(float)[sups]
    n = len(sups)
    # only a real award counts at least (the award quantum)
    program, z = with_award_indicators(
        program, units, cap, sups, floor=target.direction is AT_LEAST
    )
    own = sp.csr_matrix((np.ones(n), (np.zeros(n, dtype=np.int64), z)), shape=(1, program.n_cols))
    return EpsilonProgram(target, program, own)


def _hhi(target: Target, program: Program, x: SupplierExpressions) -> EpsilonProgram:
    """Spend S_s, and H_s >= 2 t_k S_s - t_k^2 T (tangents of share^2, times T); sum H <= eps T."""
    program, t, spenders = _spenders(program, x)
    n, k = len(spenders), HHI_TANGENTS
    program, s_cols = with_columns(program, n, kind=ColumnKind.AUXILIARY, supplier=spenders)
    program, h_cols = with_columns(program, n, kind=ColumnKind.AUXILIARY, supplier=spenders)
    width = program.n_cols
    spend = _widen(x.spend[spenders], width)
    ident = sp.csr_matrix((np.ones(n), (np.arange(n), s_cols)), shape=(n, width))
    program = with_rows(
        program, ident - spend, lo=0.0, hi=0.0, family=RowFamily.EPSILON_SPEND, supplier=spenders
    )
    tk = np.repeat(np.arange(1, k + 1) / k, n)
    r = np.arange(n * k)
    sup = np.tile(np.arange(n), k)
    rows = np.r_[r, r, r]
    cols = np.r_[h_cols[sup], s_cols[sup], np.full(n * k, t)]
    vals = np.r_[np.ones(n * k), -2.0 * tk, tk**2]
    tangents = sp.csr_matrix((vals, (rows, cols)), shape=(n * k, width))
    program = with_rows(
        program,
        tangents,
        lo=0.0,
        hi=np.inf,
        family=RowFamily.EPSILON_TANGENT,
        supplier=spenders[sup],
    )
    own = sp.csr_matrix((np.ones(n), (np.zeros(n, dtype=np.int64), h_cols)), shape=(1, width))
    total = sp.csr_matrix(([1.0], ([0], [t])), shape=(1, width))
    return EpsilonProgram(target, program, own, total, scale=1e-4)
