"""From a backend's raw result to the result document: award, allocations, suppliers, KPIs.

Column values are mapped back through the Program's labels; every figure of money is the
independent verifier's recomputation from the award, never the solver's own objective.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from sourceopt.award import Award
from sourceopt.formulation.program import ColumnKind, Program
from sourceopt.result import (
    AllocationDoc,
    CostDoc,
    ItemDoc,
    KpiDoc,
    ResultDocument,
    RuleDoc,
    SolverDoc,
    SupplierDoc,
    VerificationDoc,
)
from sourceopt.scenario.model import Scenario
from sourceopt.scenario.score import SCORE_TIE_TOLERANCE
from sourceopt.solvers.base import Limit, RawResult, Status, proven_status, relative_gap
from sourceopt.verify import ItemFigures, Verification, verify

UNIT_DECIMALS = 6  # awarded units are reported (and verified) rounded to a millionth


def award_from(program: Program, scenario: Scenario, x: np.ndarray) -> Award:
    """Units per offer and accepted bundles, from the column values."""
    kind = program.columns["kind"].to_numpy()
    ref = program.columns["ref"].to_numpy()
    units_cols = kind == ColumnKind.OFFER_UNITS
    raw = np.bincount(ref[units_cols], weights=x[units_cols], minlength=scenario.n_offers)
    units = np.round(np.maximum(raw, 0.0), UNIT_DECIMALS) + 0.0
    bundles = np.zeros(len(scenario.bundles), dtype=bool)
    b_cols = kind == ColumnKind.BUNDLE
    bundles[ref[b_cols]] = x[b_cols] > 0.5
    return Award(units, bundles)


def allocations(scenario: Scenario, award: Award, check: Verification) -> pd.DataFrame:
    """One row per (supplier, item, source) that receives units."""
    sup_ids = scenario.suppliers["id"].to_numpy()
    item_ids = scenario.items["id"].to_numpy()
    off = scenario.offers
    used = np.flatnonzero(award.offer_units > 0)
    price = check.unit_prices[used]
    units = award.offer_units[used]
    offers = pd.DataFrame(
        {
            "supplier": sup_ids[off["supplier"].to_numpy()[used]],
            "item": item_ids[off["item"].to_numpy()[used]],
            "units": units,
            "unit_price": price,
            "spend": units * price,
            "source": "offer",
            "offer": scenario.offer_ids()[used],
        }
    )
    bu = scenario.bundle_units
    taken = np.flatnonzero(award.bundles[bu["bundle"].to_numpy()]) if len(bu) else np.zeros(0, int)
    b_of = bu["bundle"].to_numpy()[taken]
    b_units = bu["units"].to_numpy(float)[taken]
    spend = check.bundle_item_spend[taken]
    bundles = pd.DataFrame(
        {
            "supplier": sup_ids[scenario.bundles["supplier"].to_numpy()[b_of]],
            "item": item_ids[bu["item"].to_numpy()[taken]],
            "units": b_units,
            "unit_price": spend / b_units,
            "spend": spend,
            "source": scenario.bundles["id"].to_numpy()[b_of],
            "offer": None,
        }
    )
    now = check.items.current
    offers["current_units"] = now[off["item"].to_numpy()[used], off["supplier"].to_numpy()[used]]
    bundles["current_units"] = now[
        bu["item"].to_numpy()[taken], scenario.bundles["supplier"].to_numpy()[b_of]
    ]
    frames = [f for f in (offers, bundles) if len(f)]
    out = pd.concat(frames, ignore_index=True) if frames else offers
    out["offer"] = pd.Series(out["offer"], dtype=object).where(out["offer"].notna(), None)
    return out


def _number(value: float) -> float | None:
    return None if np.isnan(value) else float(value)


def item_docs(scenario: Scenario, figures: ItemFigures) -> list[ItemDoc]:
    """The result's ``items``: one entry per item (file order), then per accepted bundle."""
    out = [
        ItemDoc(
            item=str(item_id),
            demand=float(figures.demand[i]),
            baseline_cost=_number(figures.baseline_cost[i]),
            cost=float(figures.cost[i]),
            savings=_number(figures.savings[i]),
            savings_pct=_number(figures.savings_pct[i]),
            suppliers=list(figures.suppliers[i]),
            current_units=float(figures.current_units[i]),
            retained_units=float(figures.retained_units[i]),
        )
        for i, item_id in enumerate(scenario.items["id"])
    ]
    for bundle, supplier, price in figures.bundles:
        out.append(
            ItemDoc(
                item=None,
                bundle=bundle,
                demand=None,
                baseline_cost=None,
                cost=price,
                savings=None,
                savings_pct=None,
                suppliers=[supplier],
                current_units=None,
                retained_units=None,
            )
        )
    return out


def supplier_summary(alloc: pd.DataFrame) -> pd.DataFrame:
    """Units, spend, share of spend and items won per awarded supplier (file order kept)."""
    if alloc.empty:
        return pd.DataFrame(columns=["supplier", "units", "spend", "share_of_spend", "items"])
    grouped = alloc.groupby("supplier", sort=False)
    out = grouped.agg(units=("units", "sum"), spend=("spend", "sum")).reset_index()
    total = float(out["spend"].sum())
    out["share_of_spend"] = out["spend"] / total if total > 0 else 0.0
    out["items"] = [sorted(set(v)) for v in grouped["item"].agg(list)]
    return out


def kpis(
    scenario: Scenario,
    alloc: pd.DataFrame,
    sups: pd.DataFrame,
    total_cost: float,
    retained_pct: float | None = None,
) -> KpiDoc:
    """Savings against baseline, supplier count, concentration, group shares, retention."""
    base_price = scenario.items["baseline_price"].to_numpy(float)
    known = ~np.isnan(base_price)
    baseline = savings = pct = None
    if known.any():
        baseline = scenario.baseline_cost()
        if known.all():
            compared = total_cost
        else:  # only items with a baseline price can be compared
            with_base = set(scenario.items["id"].to_numpy()[known])
            compared = float(alloc.loc[alloc["item"].isin(with_base), "spend"].sum())
        savings = baseline - compared
        pct = savings / baseline * 100.0 if baseline > 0 else None
    shares = sups["share_of_spend"].to_numpy(float) if len(sups) else np.zeros(0)
    return KpiDoc(
        baseline_cost=baseline,
        savings=savings,
        savings_pct=pct,
        supplier_count=len(sups),
        hhi=float(np.sum((shares * 100.0) ** 2)),
        max_supplier_share=float(shares.max()) if len(shares) else 0.0,
        group_shares=group_shares(scenario, sups),
        retained_pct=retained_pct,
    )


def group_shares(scenario: Scenario, sups: pd.DataFrame) -> dict[str, float]:
    """Share of spend per supplier tag (``tag:<t>``) and per country (``country:<c>``)."""
    if sups.empty:
        return {}
    info = scenario.suppliers.set_index("id").loc[sups["supplier"]]
    spend = sups["spend"].to_numpy(float)
    total = float(spend.sum()) or 1.0
    tags: list[frozenset[str]] = list(info["tags"])
    countries = list(info["country"])
    out: dict[str, float] = {}
    for tag in sorted({t for ts in scenario.suppliers["tags"] for t in ts}):
        member = np.array([tag in ts for ts in tags], dtype=bool)
        out[f"tag:{tag}"] = float(spend[member].sum()) / total
    for country in sorted({c for c in scenario.suppliers["country"] if isinstance(c, str)}):
        member = np.array([c == country for c in countries], dtype=bool)
        out[f"country:{country}"] = float(spend[member].sum()) / total
    return out


def document(
    scenario: Scenario,
    program: Program,
    raw: RawResult,
    *,
    seed: int,
    mip_gap: float,
    exact: bool = True,
    lean: bool = False,
) -> ResultDocument:
    """The result document of a solve (verified, if there is an award).

    The bound is lowered by the tie-break's largest effect, so it is valid for the true
    objective; ``optimal`` is kept only if the gap to that bound is within `mip_gap`.
    `exact`: the backend solved the program exactly (not on an integer grid), so its
    objective must match the verifier's recomputation. `lean`: the award is verified in full
    but only the figures an analysis compares are kept (status, objective, cost, bound, rules,
    verification; no allocations, items, suppliers or KPIs).
    """
    solver = SolverDoc.of(raw, seed)
    doc = ResultDocument.without_award(
        scenario.name,
        scenario.variant,
        raw.status,
        solver,
        objective_kind="score" if scenario.objective.is_score else "total_cost",
        input_sha256=scenario.input_sha256,
    )
    if raw.x is None:
        return doc
    award = award_from(program, scenario, raw.x)
    claimed = program.objective_value(raw.x) if exact else None
    if claimed is not None and program.maximizes_score:
        claimed = -claimed  # the score
    check = verify(scenario, award, reported_objective=claimed)
    doc = _proven(doc, program, raw, check.cost.objective, mip_gap)
    cost = check.cost
    figures = {
        "objective": cost.objective,
        "total_cost": cost.total_cost,
        "cost": CostDoc(
            purchase=cost.purchase,
            bundles=cost.bundles,
            fixed=cost.fixed,
            rebates=cost.rebates,
            penalties=cost.penalties,
            adders=cost.adders,
            adders_by_name=dict(cost.adders_by_name),
        ),
        "rules": _rule_docs(scenario, check),
        "verification": VerificationDoc(
            ok=check.ok,
            max_violation=check.max_violation,
            checked=list(check.checked),
            problems=list(check.problems),
        ),
    }
    if lean:
        return doc.model_copy(update=figures)
    alloc = allocations(scenario, award, check)
    sups = supplier_summary(alloc)
    return doc.model_copy(
        update={
            **figures,
            "allocations": [AllocationDoc.model_validate(r) for r in alloc.to_dict("records")],
            "items": item_docs(scenario, check.items),
            "suppliers": [SupplierDoc.model_validate(r) for r in sups.to_dict("records")],
            "kpis": kpis(scenario, alloc, sups, cost.total_cost, check.items.retained_pct),
        }
    )


def _proven(
    doc: ResultDocument, program: Program, raw: RawResult, objective: float, mip_gap: float
) -> ResultDocument:
    """`doc` with the bound made valid for the true objective, its gap, and the honest status.

    A run the backend called optimal whose gap to that bound exceeds `mip_gap` is reported
    ``feasible`` with the limit ``gap``; a run a limit stopped after its bound had come within
    `mip_gap` of the award is ``optimal`` (the proof was complete: no limit is reported, the
    message says which one came): :func:`~sourceopt.solvers.base.proven_status`, as for a
    portfolio's joint solve.
    """
    if raw.bound is None or not np.isfinite(raw.bound):
        return doc
    if program.maximizes_score:  # stage 1's bound on minus the score, without a tie-break
        bound = -raw.bound
        mip_gap += SCORE_TIE_TOLERANCE  # a score within it of the best is a tie, broken by cost
    else:
        bound = raw.bound - program.tie_break_allowance(objective)
    gap = relative_gap(objective, bound)
    solver = doc.solver.model_copy(update={"bound": bound, "gap": gap})
    status = proven_status(raw.status, objective, bound, mip_gap)
    if status is raw.status:
        return doc.model_copy(update={"solver": solver})
    if status is Status.FEASIBLE:
        solver = solver.model_copy(update={"limit": Limit.GAP.value})  # not proven: say so
    else:
        came = f"{solver.message}; " if solver.message else ""
        came += f"the {solver.limit or 'limit'} came after the bound was within mip_gap"
        solver = solver.model_copy(update={"limit": None, "message": came})
    return doc.model_copy(update={"solver": solver, "status": status})


def _rule_docs(scenario: Scenario, check: Verification) -> list[RuleDoc]:
    """The rule report: the verifier's figures per rule, with each rule's origin."""
    origins = dict(zip(scenario.rule_names, scenario.rule_origins, strict=True))
    return [
        RuleDoc(
            name=r.name,
            type=r.type,
            origin=origins.get(r.name, "scenario"),
            soft=r.soft,
            value=r.value,
            bound=r.bound,
            binding=r.binding or r.violation > 0,
            violation=r.violation,
            group=r.group,
        )
        for r in check.rules
    ]
