"""Frontier metrics: parse a name, add the epsilon-constraint to a built program, measure an award.

Each metric prepares the program once (helper columns and their defining rows) and then
adds one block of rows per bound epsilon; see models/README.md, "Trade-off frontier".
Spend shares use a helper column T = total spend, so that a share row
``spend_s - eps * T <= 0`` has only the supplier's own entries.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from sourceopt.analysis.edits import with_columns, with_rows
from sourceopt.analysis.expressions import SupplierExpressions, supplier_expressions
from sourceopt.errors import AnalysisError
from sourceopt.formulation.context import award_quantum
from sourceopt.formulation.program import Program
from sourceopt.result import SolveResult
from sourceopt.scenario.model import Scenario

METRICS = ("max_share", "supplier_count", "group_share:<tag>", "average:<attribute>", "hhi")
AT_MOST, AT_LEAST = "at_most", "at_least"
_DEFAULT = {
    "max_share": AT_MOST,
    "hhi": AT_MOST,
    "supplier_count": AT_LEAST,
    "group_share": AT_LEAST,
    "average": AT_MOST,
}
HHI_TANGENTS = 100  # tangent points of share^2 on [0, 1]: error <= min(5000/K, n*2500/K^2) points


@dataclass(frozen=True)
class Metric:
    """A parsed frontier metric: kind (``max_share``...), argument, direction, natural range."""

    name: str
    kind: str
    arg: str
    direction: str
    integer: bool
    far: float  # the end of the metric's range in its direction (best conceivable value)


def parse_metric(scenario: Scenario, name: str, direction: str | None = None) -> Metric:
    """Parse `name` (see :data:`METRICS`); unknown names, tags or attributes list what exists."""
    kind, _, arg = name.partition(":")
    if kind not in _DEFAULT or (kind in ("group_share", "average")) != bool(arg):
        raise AnalysisError(f"unknown metric {name!r}; metrics are: {', '.join(METRICS)}")
    way = direction or _DEFAULT[kind]
    if way not in (AT_MOST, AT_LEAST):
        raise AnalysisError(f"unknown direction {way!r}; use {AT_MOST!r} or {AT_LEAST!r}")
    if kind in ("max_share", "hhi") and way == AT_LEAST:
        raise AnalysisError(f"{kind} can only be bounded from above (direction {AT_MOST!r})")
    up = way == AT_LEAST
    if kind == "group_share":
        _group_mask(scenario, arg)
        far = 1.0 if up else 0.0
    elif kind == "average":
        values = _attribute_values(scenario, arg)
        far = float(values.max() if up else values.min())
    elif kind == "supplier_count":
        far = float(len(np.unique(scenario.offers["supplier"].to_numpy()))) if up else 1.0
    else:
        far = 0.0
    return Metric(name, kind, arg, way, kind == "supplier_count", far)


def _group_mask(scenario: Scenario, group: str) -> np.ndarray:
    """Suppliers in a group: ``country:<C>`` or a tag."""
    sup = scenario.suppliers
    if group.startswith("country:"):
        mask = (sup["country"] == group.partition(":")[2]).to_numpy(dtype=bool)
        what = "country"
    else:
        mask = np.array([group in tags for tags in sup["tags"]], dtype=bool)
        what = "tag"
    if not mask.any():
        tags = sorted({t for ts in sup["tags"] for t in ts})
        countries = sorted({c for c in sup["country"] if isinstance(c, str)})
        raise AnalysisError(
            f"no supplier has the {what} {group!r}; tags are: {', '.join(tags) or '(none)'}; "
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
    if metric.kind == "max_share":
        return k.max_supplier_share
    if metric.kind == "supplier_count":
        return float(k.supplier_count)
    if metric.kind == "hhi":
        return k.hhi
    if metric.kind == "group_share":
        g = metric.arg
        return k.group_shares.get(g if g.startswith("country:") else f"tag:{g}", 0.0)
    alloc = result.allocations
    offer_attr = dict(
        zip(
            zip(
                scenario.suppliers["id"].to_numpy()[scenario.offers["supplier"].to_numpy()],
                scenario.items["id"].to_numpy()[scenario.offers["item"].to_numpy()],
                strict=True,
            ),
            scenario.offer_attribute(metric.arg),
            strict=True,
        )
    )
    sup_attr = dict(
        zip(scenario.suppliers["id"], scenario.supplier_attribute(metric.arg), strict=True)
    )
    attr = [
        offer_attr[(s, i)] if src == "offer" else sup_attr[s]
        for s, i, src in zip(alloc["supplier"], alloc["item"], alloc["source"], strict=True)
    ]
    units = alloc["units"].to_numpy(float)
    return float(np.dot(attr, units) / units.sum()) if units.sum() > 0 else None


@dataclass
class EpsilonProgram:
    """A program prepared for one metric; :meth:`at` adds the rows for one bound."""

    metric: Metric
    program: Program
    own: sp.csr_matrix
    total: sp.csr_matrix | None = None
    scale: float = 1.0

    def at(self, eps: float) -> Program:
        """The prepared program with the metric bounded by `eps` (in the metric's units)."""
        up = self.metric.direction == AT_LEAST
        own = self.own
        if self.total is None:  # a count: the bound is a constant
            lo, hi = (eps, np.inf) if up else (-np.inf, eps)
        else:
            lo, hi = (0.0, np.inf) if up else (-np.inf, 0.0)
            own = own - (eps * self.scale) * self.total
        return with_rows(self.program, own, lo=lo, hi=hi, family="epsilon", rule=self.metric.name)


def prepare(metric: Metric, program: Program, scenario: Scenario) -> EpsilonProgram:
    """Add the metric's helper columns and rows to the program (once per frontier)."""
    x = supplier_expressions(program, scenario)
    if metric.kind == "supplier_count":
        return _count(metric, program, x, scenario)
    if metric.kind == "average":
        return _homogeneous(
            metric,
            program,
            x.attribute_row(scenario, metric.arg, "volume"),
            np.asarray(x.units.sum(axis=0)).ravel(),
        )
    if metric.kind == "group_share":
        mask = _group_mask(scenario, metric.arg).astype(float)
        return _homogeneous(metric, program, mask @ x.spend, x.total_spend)
    program, t = _with_total(program, x)
    spenders = np.flatnonzero(np.diff(x.spend.indptr) > 0)
    if metric.kind == "max_share":
        own = _widen(x.spend[spenders], program.n_cols)
        total = sp.csr_matrix(
            (np.ones(len(spenders)), (np.arange(len(spenders)), np.full(len(spenders), t))),
            shape=own.shape,
        )
        return EpsilonProgram(metric, program, own, total)
    return _hhi(metric, program, x, spenders, t)


def _widen(m: sp.csr_matrix, n: int) -> sp.csr_matrix:
    out = sp.csr_matrix(m, copy=True)
    out.resize((m.shape[0], n))
    return out


def _homogeneous(
    metric: Metric, program: Program, own: np.ndarray, total: np.ndarray
) -> EpsilonProgram:
    """One row ``own - eps * total`` (a share or an average: the ratio bound times the total)."""
    return EpsilonProgram(
        metric,
        program,
        sp.csr_matrix(np.asarray(own, dtype=float).reshape(1, -1)),
        sp.csr_matrix(np.asarray(total, dtype=float).reshape(1, -1)),
    )


def _with_total(program: Program, x: SupplierExpressions) -> tuple[Program, int]:
    """A helper column T with the row T - total spend = 0."""
    program, cols = with_columns(program, 1, kind="auxiliary")
    row = sp.csr_matrix(np.r_[-x.total_spend, 1.0].reshape(1, -1))
    return with_rows(program, row, lo=0.0, hi=0.0, family="epsilon_total"), int(cols[0])


def _count(
    metric: Metric, program: Program, x: SupplierExpressions, scenario: Scenario
) -> EpsilonProgram:
    """Fresh binaries z_s "s receives units": units_s <= M_s z_s (and >= min(1, M_s) z_s).

    As the program's own indicators (:func:`~sourceopt.formulation.context.award_quantum`):
    z_s is fixed at 0 where s can receive no units.
    """
    sups = np.flatnonzero(np.diff(x.units.indptr) > 0)
    units = x.units[sups]
    hi = np.where(np.isfinite(program.col_hi), program.col_hi, 0.0)
    cap = scenario.suppliers["capacity"].to_numpy(float)[sups]
    upper, big_m, q = award_quantum(np.minimum(cap, units @ hi))  # upper 0: no units to see
    n = len(sups)
    program, z = with_columns(program, n, kind="awarded", hi=upper, integer=True, supplier=sups)
    units = _widen(units, program.n_cols)
    diag = sp.csr_matrix((np.ones(n), (np.arange(n), z)), shape=units.shape)
    program = with_rows(
        program,
        units - diag.multiply(big_m[:, None]),
        lo=-np.inf,
        hi=0.0,
        family="awarded_link",
        supplier=sups,
    )
    if metric.direction == AT_LEAST:  # only a real award counts (the award quantum)
        program = with_rows(
            program,
            units - diag.multiply(q[:, None]),
            lo=0.0,
            hi=np.inf,
            family="awarded_floor",
            supplier=sups,
        )
    own = sp.csr_matrix((np.ones(n), (np.zeros(n, dtype=np.int64), z)), shape=(1, program.n_cols))
    return EpsilonProgram(metric, program, own)


def _hhi(
    metric: Metric, program: Program, x: SupplierExpressions, spenders: np.ndarray, t: int
) -> EpsilonProgram:
    """Spend S_s, and H_s >= 2 t_k S_s - t_k^2 T (tangents of share^2, times T); sum H <= eps T."""
    n, k = len(spenders), HHI_TANGENTS
    program, s_cols = with_columns(program, n, kind="auxiliary", supplier=spenders)
    program, h_cols = with_columns(program, n, kind="auxiliary", supplier=spenders)
    width = program.n_cols
    spend = _widen(x.spend[spenders], width)
    ident = sp.csr_matrix((np.ones(n), (np.arange(n), s_cols)), shape=(n, width))
    program = with_rows(
        program, ident - spend, lo=0.0, hi=0.0, family="epsilon_spend", supplier=spenders
    )
    tk = np.repeat(np.arange(1, k + 1) / k, n)
    r = np.arange(n * k)
    sup = np.tile(np.arange(n), k)
    rows = np.r_[r, r, r]
    cols = np.r_[h_cols[sup], s_cols[sup], np.full(n * k, t)]
    vals = np.r_[np.ones(n * k), -2.0 * tk, tk**2]
    tangents = sp.csr_matrix((vals, (rows, cols)), shape=(n * k, width))
    program = with_rows(
        program, tangents, lo=0.0, hi=np.inf, family="epsilon_tangent", supplier=spenders[sup]
    )
    own = sp.csr_matrix((np.ones(n), (np.zeros(n, dtype=np.int64), h_cols)), shape=(1, width))
    total = sp.csr_matrix(([1.0], ([0], [t])), shape=(1, width))
    return EpsilonProgram(metric, program, own, total, scale=1e-4)
