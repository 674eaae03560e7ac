"""Price-to-win: the highest unit price at which a losing offer would be awarded.

For each offer that wins nothing (or less than it could carry), the offer's prices (its base
price and every tier, scaled together) are lowered in the built program (its cost
coefficients, and its entries in spend-measured rows: spend shares and averages, budgets,
rebates) and the program is re-solved. The offer's units are non-increasing in its price, so
the prices at which it wins (more) form an interval [0, p*). Where no spend row sees the
offer and it wins nothing now (the feasible awards do not depend on its price), p* is found
by exact parametric steps (each re-solve's award is a line in the price; its crossing with
the best award without the offer is a lower bound on p*), confirmed by a re-solve just above;
otherwise, or to finish, by bisection on [0, price] to a relative tolerance. See
models/README.md, "Price-to-win".
"""

from __future__ import annotations

import time
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
import pandas as pd
import scipy.sparse as sp

from sourceopt.analysis.diagnose_common import (
    Run,
    Setup,
    budgeted,
    documented,
    need_award,
    offer_reach,
    offer_units,
    prepare,
    run,
    supplier_code,
)
from sourceopt.analysis.resolve import PROVEN, Progress
from sourceopt.analysis.sense import is_score
from sourceopt.errors import AnalysisError
from sourceopt.formulation.build import build_program
from sourceopt.formulation.core import segments
from sourceopt.formulation.edits import spend_rows
from sourceopt.formulation.program import ColumnKind
from sourceopt.scenario.model import Scenario
from sourceopt.solvers.base import RawResult

_FIELDS = ["supplier", "item", "price", "price_to_win", "units_at_price", "final"]


@dataclass(frozen=True)
class OfferToWin:
    """One offer's price-to-win (None: no price wins) and what it would win just below it."""

    supplier: str
    item: str
    price: float
    price_to_win: float | None
    units_at_price: float
    units_now: float
    method: str  # "parametric", "bisection", "none" (no price wins); not priced: "error"
    solves: int  # (its worker failed) or "time_limit" (the budget ran out first)
    final: bool = True  # False: not priced, or a limit stopped a re-solve short of a proof


@dataclass(frozen=True)
class PriceToWin:
    """Price-to-win of every offer that wins nothing or less than it could."""

    scenario: str
    variant: str
    objective: float
    offers: tuple[OfferToWin, ...]
    verified: bool  # every re-solve's award passed the independent verifier

    @property
    def frame(self) -> pd.DataFrame:
        """One row per offer: supplier, item, price, price_to_win, units_at_price, units_now."""
        cols = [*_FIELDS[:-1], "units_now", "method", "solves", "final"]
        return pd.DataFrame([o.__dict__ for o in self.offers], columns=cols)

    def to_dict(self) -> dict[str, Any]:
        """The JSON: ``{scenario, offers: [{supplier, item, price, ...}]}`` (docs/results.md)."""
        return {
            "scenario": self.scenario,
            "offers": [{k: getattr(o, k) for k in _FIELDS} for o in self.offers],
        }


def price_to_win(
    scenario: Scenario,
    *,
    supplier: str | None = None,
    variant: str = "base",
    backend: str | None = None,
    time_limit: float | None = None,
    mip_gap: float | None = None,
    tolerance: float = 1e-6,
    analysis_time_limit: float | None = None,
    limit: int | None = None,
    jobs: int = 1,
    executor: str = "local",
    scheduler: str | None = None,
    progress: Progress | None = None,
) -> PriceToWin:
    """The price-to-win of each offer (of `supplier`, if given) that wins less than it could.

    `tolerance` is relative to the offer's price: the reported price is within
    ``tolerance * price`` of the true threshold. `jobs` > 1 shares the offers among this
    process and ``jobs - 1`` supervised workers (or a Dask cluster: `executor`,
    `scheduler`; :mod:`sourceopt.analysis.price_to_win_parallel`), with the same figures in
    the same order. `progress` counts the offers priced. `analysis_time_limit` caps the
    whole analysis but the base solve (each offer is priced against it): an offer it stopped
    or never reached has no price and is ``final: false`` (as one whose re-solve a limit
    stopped short of a proof). `limit`: price only the first `limit` of those offers, in the
    scenario's offer order (a sample, e.g. for a benchmark; None: every one).
    """
    if limit is not None and limit < 1:
        raise AnalysisError(f"price-to-win: limit must be at least 1 offer, not {limit}")
    started = time.monotonic()
    deadline = None if analysis_time_limit is None else started + analysis_time_limit
    setup = prepare(
        scenario, variant=variant, backend=backend, time_limit=time_limit, mip_gap=mip_gap
    )
    chosen = setup.scenario
    only = None if supplier is None else supplier_code(chosen, supplier)
    base = run(setup, chosen, setup.program)  # not cut by the budget: no award, no analysis
    pricer = _Pricer(setup, _base(setup, base), deadline)
    todo = [int(o) for o in pricer.candidates(only)][:limit]
    if progress is not None:
        progress.total = len(todo)
    if jobs > 1 and len(todo) > 1:
        from sourceopt.analysis.price_to_win_parallel import price_shared

        job: dict[str, Any] = {"variant": variant, "backend": backend, "time_limit": time_limit}
        job |= {"mip_gap": mip_gap, "tolerance": tolerance}
        out, verified = price_shared(
            scenario, pricer, todo, job, jobs=jobs, executor=executor,
            scheduler=scheduler, deadline=deadline, progress=progress,
        )  # fmt: skip
    else:
        out, verified = [], True
        for o in todo:
            out.append(pricer.offer(o, tolerance))
            if progress is not None:
                progress.done()
    objective = pricer.base.result.objective
    return PriceToWin(
        chosen.name, chosen.variant, objective, tuple(out), pricer.verified and verified
    )


@dataclass(frozen=True)
class PricedOffers:
    """A ``price-to-win-offers`` job's answer: its offers priced, every figure of each."""

    scenario: str
    offers: tuple[OfferToWin, ...]
    verified: bool

    def to_dict(self) -> dict[str, Any]:
        """``{scenario, offers: [every field of OfferToWin], verified}``."""
        return {
            "scenario": self.scenario,
            "offers": [dict(o.__dict__) for o in self.offers],
            "verified": self.verified,
        }


def price_offers(
    scenario: Scenario,
    *,
    offers: list[int],
    variant: str = "base",
    backend: str | None = None,
    time_limit: float | None = None,
    mip_gap: float | None = None,
    tolerance: float = 1e-6,
    analysis_time_limit: float | None = None,
    base_raw: RawResult | None = None,
) -> PricedOffers:
    """The price-to-win of the named `offers` (positions in the variant's offer table).

    A worker's share of a parallel price-to-win: `base_raw` is the base solve's raw result
    from the calling process (then verified here, not solved again), so that every offer is
    priced against the very award the sequential run prices it against.
    `analysis_time_limit`: what is left of the calling analysis' budget.
    """
    started = time.monotonic()
    setup = prepare(
        scenario, variant=variant, backend=backend, time_limit=time_limit, mip_gap=mip_gap
    )
    chosen = setup.scenario
    if base_raw is None:
        given = run(setup, chosen, setup.program)
    else:
        given = documented(setup, chosen, setup.program, base_raw)
    deadline = None if analysis_time_limit is None else started + analysis_time_limit
    pricer = _Pricer(setup, _base(setup, given), deadline)
    for o in offers:
        if not 0 <= o < chosen.n_offers:
            raise AnalysisError(f"offer {o} is not in scenario {chosen.name!r}")
    out = tuple(pricer.offer(o, tolerance) for o in offers)
    return PricedOffers(chosen.name, out, pricer.verified)


def _base(setup: Setup, base: Run) -> Run:
    """The base solve, or a NoAwardError when it has no award to bid against."""
    return need_award(base, "bid against")


class _SpentError(AnalysisError):
    """The analysis' budget is spent: no more re-solves."""


def _within(setup: Setup, deadline: float | None) -> Setup:
    """The setup whose solves end by `deadline` (raises _SpentError when it has passed)."""
    given = budgeted(setup, deadline)
    if given is None:
        raise _SpentError
    return given


class _Pricer:
    """Re-prices one offer at a time in the built program and re-solves."""

    def __init__(self, setup: Setup, base: Run, deadline: float | None = None) -> None:
        self.setup, self.base, self.deadline = setup, base, deadline
        self.proven = True  # every re-solve of the offer being priced ended in a proof
        sc, p = setup.scenario, setup.program
        assert base.raw.x is not None
        self.now = offer_units(p, sc, base.raw.x)
        self.reach = offer_reach(p, sc)
        kind = p.columns["kind"].to_numpy()
        self.ref = np.where(kind == ColumnKind.OFFER_UNITS, p.columns["ref"].to_numpy(), -1)
        self.spend_rows = spend_rows(p, sc)
        self.price_part = np.zeros(p.n_cols)
        cols = np.flatnonzero(kind == ColumnKind.OFFER_UNITS)
        seg_price = segments(sc)["price"].to_numpy(float)
        if len(seg_price) == len(cols):
            self.price_part[cols] = seg_price * self._spend_weight()[self.ref[cols]]
        self.verified = True
        self.solves = 0
        self._touched: tuple[int, sp.csr_matrix] = (-1, sp.csr_matrix((0, 0)))

    def _spend_weight(self) -> np.ndarray:
        """Per offer: 1 + the spend penalties' weight x attribute (the price's cost multiple)."""
        sc = self.setup.scenario
        out = np.ones(sc.n_offers)
        for pen in sc.objective.penalties:
            if pen.per == "spend":
                out += pen.weight * np.nan_to_num(sc.offer_attribute(pen.attribute))
        return out

    def candidates(self, supplier: int | None) -> np.ndarray:
        """Offers that could carry more than they win (of one supplier, if given)."""
        sc = self.setup.scenario
        room = self.reach - self.now > 1e-6 * np.maximum(1.0, self.reach)
        if supplier is not None:
            room &= sc.offers["supplier"].to_numpy() == supplier
        return np.flatnonzero(room)

    def solve_at(self, offer: int, factor: float) -> np.ndarray | None:
        """The award's column values with the offer's prices times `factor` (None: no award)."""
        sc, p = self.setup.scenario, self.setup.program
        cols = self.ref == offer
        c = p.c - (1.0 - factor) * np.where(cols, self.price_part, 0.0)
        if self._touched[0] != offer:  # the offer's entries in spend rows, once per offer
            rows, picked = sp.diags(self.spend_rows.astype(float)), sp.diags(cols.astype(float))
            self._touched = (offer, sp.csr_matrix(rows @ p.A @ picked))
        touched = self._touched[1]
        a = p.A if touched.nnz == 0 else sp.csr_matrix(p.A + (factor - 1.0) * touched)
        program = replace(p, c=c, A=a)
        offers = sc.offers.copy()
        offers.loc[offers.index[offer], "price"] *= factor
        tiers = sc.tiers.copy()
        tiers.loc[tiers["offer"].to_numpy() == offer, "price"] *= factor
        priced = sc.with_changes(offers=offers, tiers=tiers)
        if is_score(sc):  # every score of the item moves with its lowest price: rebuild
            program = build_program(priced)
        result = run(_within(self.setup, self.deadline), priced, program)
        self.proven &= result.result.status in PROVEN  # the verified document's
        if not result.has_award or result.raw.x is None:
            return None
        self.verified &= result.verified
        self.solves += 1
        return result.raw.x

    def wins(self, offer: int, factor: float) -> tuple[bool, float, np.ndarray | None]:
        """Whether the offer wins more than now at `factor` times its prices; units; values."""
        x = self.solve_at(offer, factor)
        if x is None:
            return False, 0.0, None
        sc, p = self.setup.scenario, self.setup.program
        units = float(offer_units(p, sc, x)[offer])
        return units > self.now[offer] + 1e-6 * max(1.0, self.reach[offer]), units, x

    def _head(self, offer: int) -> tuple[str, str, float, float]:
        """The offer's supplier, item, price (in its own currency) and units won now."""
        sc = self.setup.scenario
        row = sc.offers.iloc[offer]
        price = float(row["price"]) / _rate(row)  # in the offer's own currency (format 1.1)
        sup = str(sc.suppliers["id"].iat[int(row["supplier"])])
        item = str(sc.items["id"].iat[int(row["item"])])
        return sup, item, price, float(self.now[offer])

    def failed(self, offer: int, method: str = "error") -> OfferToWin:
        """An offer not priced (its worker failed, or the budget): no figure, not final."""
        sup, item, price, now = self._head(offer)
        return OfferToWin(sup, item, price, None, now, now, method, self.solves, final=False)

    def offer(self, offer: int, tol: float) -> OfferToWin:
        """The offer's figures; not final when a limit stopped one of its re-solves."""
        self.solves, self.proven = 0, True
        try:
            out = self._offer(offer, tol)
        except _SpentError:
            return self.failed(offer, "time_limit")
        return out if self.proven else replace(out, final=False)

    def _offer(self, offer: int, tol: float) -> OfferToWin:
        """The threshold for one offer: parametric steps where exact, then bisection."""
        sc = self.setup.scenario
        sup, item, price, now = self._head(offer)
        # a score needs a price above 0: start from the smallest price the tolerance tells
        lowest = tol if is_score(sc) else 0.0
        won, units, x = self.wins(offer, lowest)
        if not won or price <= 0 or x is None:
            return OfferToWin(sup, item, price, None, now, now, "none", self.solves)
        lo, hi, method = lowest, 1.0, "bisection"
        if self._price_blind(offer) and not is_score(sc):
            lo, hi, units = self._parametric(offer, x, units, tol)
            method = "parametric" if hi - lo <= tol else method
        while hi - lo > tol:
            mid = (lo + hi) / 2
            ok, u, _ = self.wins(offer, mid)
            lo, hi, units = (mid, hi, u) if ok else (lo, mid, units)
        ptw = _shortest(lo * price, hi * price)
        return OfferToWin(sup, item, price, ptw, units, now, method, self.solves)

    def _price_blind(self, offer: int) -> bool:
        """The offer wins nothing now and no spend row sees its price (feasibility fixed)."""
        cols = np.flatnonzero(self.ref == offer)
        seen = self.setup.program.A[:, cols][self.spend_rows].nnz > 0
        return self.now[offer] <= 0 and not seen

    def _parametric(
        self, offer: int, x: np.ndarray, units: float, tol: float
    ) -> tuple[float, float, float]:
        """Exact steps (Dinkelbach) from a winning award to the threshold; a bracket [lo, hi].

        An award that gives the offer units costs R + f P at factor f (P its cost through the
        offer at the full price); it stays feasible at every f, so where R + f P = V0 (the
        best award without the offer) the offer at least ties: a lower bound on the
        threshold. Re-solving there gives a steeper award or proves the tie.
        """
        c = self.setup.program.c
        p = np.where(self.ref == offer, self.price_part, 0.0)  # this offer's cost at full price
        assert self.base.raw.x is not None
        best = float(c @ self.base.raw.x)
        lo = 0.0
        for _ in range(50):
            cost, through = float(c @ x), float(p @ x)
            step = (best - (cost - through)) / through if through > 0 else lo
            if step >= 1.0:  # the award with the offer ties at its own price already
                return 1.0, 1.0, units
            ok, u, nxt = (False, units, None) if step <= lo + tol / 2 else self.wins(offer, step)
            if ok and nxt is not None:  # a steeper award: step further
                lo, units, x = step, u, nxt
                continue
            # x costs exactly `best` at `step`: the offer ties there, so step <= threshold;
            # no better award there (within the gap): confirm just above
            lo = max(lo, step)
            above, u, _ = self.wins(offer, min(1.0, lo + tol / 2))
            return (lo + tol / 2, 1.0, u) if above else (lo, lo + tol / 2, units)
        return lo, 1.0, units


def _rate(row: pd.Series) -> float:
    """The offer's exchange rate (1 for an offer in the scenario currency or without one)."""
    rate = row.get("rate", 1.0)
    return float(rate) if rate is not None and np.isfinite(rate) and rate > 0 else 1.0


def _shortest(lo: float, hi: float) -> float:
    """The value with the fewest decimals in [lo, hi] (the threshold is known to lie there)."""
    for digits in range(13):
        value = round((lo + hi) / 2, digits)
        if lo <= value <= hi:
            return value
    return (lo + hi) / 2
