"""Supplier-failure stress: what each awarded supplier's failure would cost, and what is lost.

For each supplier in the award, the built program is re-solved with that supplier's offer,
bundle and award-indicator columns fixed at zero (and manual ``award`` locks on it void): the
other awards are free to move, or, with ``keep``, held at least where they are so that only the
failed supplier's volume moves. If no award satisfies the rules without it, the demand that cannot
be covered at all is the least total shortfall with every hard rule dropped (only offers,
capacities and the structure hold). Each failure without an award says why (``reason``): the
items no one else can cover and by how much, or else a minimal set of hard rules (and, with
``keep``, the held awards) that cannot all hold without the supplier (a deletion filter: one
re-solve per rule). Suppliers are ranked worst first: uncovered units, then no award, then
the cost of re-sourcing. See models/README.md, "Supplier-failure stress".
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
import scipy.sparse as sp

from sourceopt.analysis.diagnose_common import (
    Run,
    Setup,
    need_award,
    offer_units,
    prepare,
    supplier_code,
)
from sourceopt.analysis.resolve import Edit, Progress, Resolver, is_final
from sourceopt.analysis.sense import refuse_score
from sourceopt.analysis.stress_parallel import Share, collected, drawn
from sourceopt.errors import AnalysisError
from sourceopt.formulation.edits import fix_columns, with_columns, with_rows
from sourceopt.formulation.program import ColumnKind, Program, RowFamily
from sourceopt.scenario.model import Scenario
from sourceopt.scenario.schema import AwardRule
from sourceopt.scenario.variants import apply_variant
from sourceopt.solvers.base import RawResult, Status

_FIELDS = ["supplier", "objective_without", "delta", "uncovered_units", "status_without", "reason"]
_FIELDS += ["method", "final", "verified"]
if TYPE_CHECKING:
    from sourceopt.analysis.parallel import Chunks

_HOLD = "the other awards held at their units"


@dataclass(frozen=True)
class SupplierFailure:
    """The award without one supplier: its objective, the extra cost, what cannot be covered."""

    supplier: str
    objective_without: float | None
    delta: float | None
    uncovered_units: float | None
    status_without: Status
    reason: str = ""  # without an award: what is uncovered, or which rules cannot all hold
    method: str = "resolve"  # "skipped": not in the award, so its failure costs nothing
    final: bool = True  # False: a limit stopped the re-solve (or it never ran)
    verified: bool = True  # the re-solve's award passed the independent verifier


@dataclass(frozen=True)
class StressResult:
    """Every awarded supplier's failure, worst first."""

    scenario: str
    variant: str
    objective: float
    suppliers: tuple[SupplierFailure, ...]
    keep: bool
    verified: bool  # every re-solve's award passed the independent verifier

    @property
    def frame(self) -> pd.DataFrame:
        """One row per awarded supplier, worst first."""
        return pd.DataFrame([self._row(s) for s in self.suppliers], columns=_FIELDS)

    @staticmethod
    def _row(s: SupplierFailure) -> dict[str, Any]:
        return {**s.__dict__, "status_without": s.status_without.value}

    def to_dict(self) -> dict[str, Any]:
        """``{scenario, objective, suppliers: [...]}`` (docs/results.md, "stress")."""
        return {
            "scenario": self.scenario,
            "objective": self.objective,
            "suppliers": [self._row(s) for s in self.suppliers],
        }


def stress(
    scenario: Scenario,
    *,
    variant: str = "base",
    keep: bool = False,
    supplier: str | None = None,
    suppliers: list[str] | None = None,
    backend: str | None = None,
    time_limit: float | None = None,
    mip_gap: float | None = None,
    analysis_time_limit: float | None = None,
    jobs: int = 1,
    executor: str = "local",
    scheduler: str | None = None,
    warm: bool = True,
    progress: Progress | None = None,
    base_raw: RawResult | None = None,
) -> StressResult:
    """Re-solve without each awarded supplier (or only `supplier`), worst failure first.

    Re-solves run warm (:mod:`sourceopt.analysis.resolve`: an LP's failure re-solved in place
    from the base basis); `suppliers` names the ones to stress (one not in the award costs
    nothing: ``method: "skipped"``). `analysis_time_limit` caps the whole analysis (a failure
    it stopped is ``final: false``); `jobs` > 1 stresses that many chunks of suppliers at once
    (:mod:`sourceopt.analysis.parallel`), with the same figures. `base_raw`: the base solve's
    raw result, given to a chunk's worker (a MIP's base is then not solved again).
    """
    refuse_score(
        apply_variant(scenario, variant),
        "stress",
        "it prices each failure as extra cost on the built program, while a failing "
        "supplier changes every score of its items",
    )
    started = time.monotonic()
    setup = prepare(
        scenario, variant=variant, backend=backend, time_limit=time_limit, mip_gap=mip_gap
    )
    chosen, program = setup.scenario, setup.program
    only = None if supplier is None else supplier_code(chosen, supplier)
    named = None if suppliers is None else [supplier_code(chosen, s) for s in suppliers]
    deadline = None if analysis_time_limit is None else started + analysis_time_limit
    resolver = Resolver(chosen, program, setup.options, setup.engine, deadline=deadline, warm=warm)
    given = {"variant": variant, "keep": keep, "backend": backend, "time_limit": time_limit}
    given |= {"mip_gap": mip_gap, "analysis_time_limit": analysis_time_limit}
    share = Share(scenario, given, jobs, executor, scheduler, deadline)
    early: list[str] | None = None  # this process' chunk, the workers started before the base
    remote: Chunks | None = None
    if jobs > 1 and only is None and resolver.keeps_relaxation:
        # a large MIP keeping its relaxation: each process solves its own base and stresses
        # its chunk warm on it, all at once; the award is not known yet, so the chunks hold
        # every named (or every) supplier and a process skips those not in its award
        every = chosen.suppliers["id"].astype(str).tolist()
        early, remote = share.start(every if named is None else [every[s] for s in named], None)
    solved = resolver.solve_base(base_raw)
    assert solved.raw is not None  # the resolver always keeps it
    base = need_award(Run(solved.raw, solved), "stress")
    assert base.raw.x is not None  # need_award: an award
    units = offer_units(program, chosen, base.raw.x)
    awarded = _awarded(program, chosen, base.raw.x)
    if only is not None:
        if only not in awarded:
            ids = ", ".join(str(chosen.suppliers["id"].iat[s]) for s in awarded)
            raise AnalysisError(f"supplier {supplier!r} is not in the award; awarded: {ids}")
        awarded = [only]
    objective = base.result.objective
    todo = awarded if named is None else named
    names = [str(chosen.suppliers["id"].iat[s]) for s in todo]
    wanted = set(names)
    own: Iterable[str] = names
    if progress is not None:
        progress.total = len(names)
    if early is not None:
        own = [n for n in early if n in wanted]
    elif jobs > 1 and len(names) > 1:
        own, remote = share.start(names, base.raw if program.is_mip else None)
        own = drawn(list(own), remote)
    verified, failures = True, []
    owners = _Owners.of(setup)
    for sid in own:
        s = supplier_code(chosen, sid)
        if s not in awarded:
            failure, ok = SupplierFailure(sid, objective, 0.0, 0.0, Status.OPTIMAL), True
            failure = replace(failure, method="skipped")
        else:
            held = units if keep else None
            failure, ok = _without(setup, resolver, base, s, owners, held, objective)
        failures.append(failure)
        verified &= ok
        if progress is not None:
            progress.done()
    if remote is not None:
        more, ok = collected(remote, progress)
        failures += [f for f in more if f.supplier in wanted]
        verified &= ok
    order = {name: k for k, name in enumerate(names)}  # ties keep the sequential order
    failures.sort(key=lambda f: (_severity(f), order[f.supplier]))
    return StressResult(chosen.name, chosen.variant, objective, tuple(failures), keep, verified)


def _severity(f: SupplierFailure) -> tuple[float, int, float]:
    no_award = f.objective_without is None
    return (-(f.uncovered_units or 0.0), 0 if no_award else 1, -(f.delta or 0.0))


def _awarded(program: Program, scenario: Scenario, x: np.ndarray) -> list[int]:
    """Suppliers that receive units (through offers or bundles), in file order."""
    kind = program.columns["kind"].to_numpy()
    sup = program.columns["supplier"].to_numpy()
    carries = np.isin(kind, (ColumnKind.OFFER_UNITS, ColumnKind.BUNDLE)) & (x > 1e-6)
    return sorted({int(s) for s in sup[carries]})


def _without(
    setup: Setup,
    resolver: Resolver,
    base: Run,
    s: int,
    owners: _Owners,
    keep: np.ndarray | None,
    objective: float,
) -> tuple[SupplierFailure, bool]:
    """The award re-solved without supplier `s` (others held at their units with `keep`)."""
    sc = setup.scenario
    program, scenario = _fail(setup, s, owners)
    sid = str(sc.suppliers["id"].iat[s])
    columns = np.arange(program.n_cols)
    if keep is not None:
        program = _hold(program, sc, base, s, keep)
        edit = Edit(scenario, program, columns)  # rows added: not in place
    else:
        fixed = np.flatnonzero(program.col_hi != setup.program.col_hi)
        freed = np.flatnonzero(np.isinf(program.row_lo) & ~np.isinf(setup.program.row_lo))
        freed = np.union1d(freed, np.flatnonzero(program.row_hi != setup.program.row_hi))
        edit = Edit(scenario, program, columns, freed, fixed)
    solved = resolver.resolve(edit, lean=True)  # figures only: no allocations
    if solved is None:
        why = "not stressed: the analysis time limit ran out"
        return SupplierFailure(sid, None, None, None, Status.NO_SOLUTION, why, final=False), True
    assert solved.raw is not None  # the resolver always keeps it
    result = Run(solved.raw, solved)
    status = solved.status  # the verified document's (the gap to the bound decides)
    final = is_final(solved)
    if result.has_award:
        obj = result.result.objective
        failure = SupplierFailure(sid, obj, obj - objective, 0.0, status, final=final)
        return failure, result.verified
    if status is not Status.INFEASIBLE:
        why = "no award: " + status.value
        return SupplierFailure(sid, None, None, None, status, why, final=final), True
    short = _uncovered(setup, program)
    uncovered = None if short is None else float(np.round(sum(short.values()), 6))
    if short:
        held = f", with {_HOLD}" if keep is not None else ""
        what = ", ".join(f"{item} {units:,.6g} units" for item, units in short.items())
        reason = f"no other supplier can cover {what}{held}"
    else:
        free = _fail(setup, s, owners)[0]
        held_program = program if keep is not None else None
        reason = _conflict_reason(setup, free, held_program)
    return SupplierFailure(sid, None, None, uncovered, status, reason), True


def _conflict_reason(setup: Setup, free: Program, held: Program | None) -> str:
    """A minimal set of hard rules (and the held awards) that cannot all hold: a sentence."""
    hard = [str(r.name) for r in setup.scenario.rules if r.soft is None]
    present = set(free.rows["rule"].astype(str))
    members = [n for n in hard if n in present] + ([_HOLD] if held is not None else [])

    def infeasible(active: list[str]) -> bool:
        program = held if _HOLD in active and held is not None else free
        off = program.rows["rule"].isin(set(hard) - set(active)).to_numpy()
        lo, hi = program.row_lo.copy(), program.row_hi.copy()
        lo[off], hi[off] = -np.inf, np.inf
        raw = setup.engine.solve(replace(program, row_lo=lo, row_hi=hi), setup.options)
        return raw.status is Status.INFEASIBLE

    for member in list(members):  # deletion filter: drop what the conflict does not need
        trial = [m for m in members if m != member]
        if infeasible(trial):
            members = trial
    rules = [m for m in members if m != _HOLD]
    if not rules:
        return f"the other suppliers cannot carry its volume with {_HOLD}"
    names = ", ".join(rules)
    held_part = f", with {_HOLD}" if _HOLD in members else ""
    one = len(rules) == 1
    return f"rule{'' if one else 's'} {names} cannot {'hold' if one else 'all hold'}{held_part}"


@dataclass(frozen=True)
class _Owners:
    """The supplier of each offer, bundle or award-indicator column (-1: other) and offer.

    A failed supplier's indicators go to 0 with its units: each says the supplier receives
    units, and one at 1 without them pays a fixed cost and meets no floor. Found once per
    analysis: reading the labels costs about 0.1 s each at 1,000,000 offers.
    """

    columns: np.ndarray
    offers: np.ndarray

    @classmethod
    def of(cls, setup: Setup) -> _Owners:
        """The owners in `setup`'s program and scenario."""
        labels = setup.program.columns
        kinds = (ColumnKind.OFFER_UNITS, ColumnKind.BUNDLE, ColumnKind.AWARDED)
        carries = np.isin(labels["kind"].to_numpy(), kinds)
        columns = np.where(carries, labels["supplier"].to_numpy(), -1).astype(np.int64)
        return cls(columns, setup.scenario.offers["supplier"].to_numpy())


def _fail(setup: Setup, s: int, owners: _Owners) -> tuple[Program, Scenario]:
    """Program and scenario without supplier `s`: its columns at zero, its locks void.

    Its columns: offers, bundles and award indicators (:class:`_Owners`).
    """
    sc, p = setup.scenario, setup.program
    out = fix_columns(p, np.flatnonzero(owners.columns == s), 0.0)  # each has lower bound 0
    sid = str(sc.suppliers["id"].iat[s])
    locks = [k for k, r in enumerate(sc.rules) if isinstance(r, AwardRule) and r.supplier == sid]
    names = {str(sc.rules[k].name) for k in locks}
    row_lo, row_hi = p.row_lo.copy(), p.row_hi.copy()
    void = p.rows["rule"].isin(names).to_numpy()
    row_lo[void], row_hi[void] = -np.inf, np.inf
    program = replace(out, row_lo=row_lo, row_hi=row_hi)
    suppliers = sc.suppliers.copy()
    suppliers.loc[suppliers.index[s], "capacity"] = 0.0
    capacity = sc.offers["capacity"].to_numpy(float)
    offers = sc.offers.assign(capacity=np.where(owners.offers == s, 0.0, capacity))
    keep = [k for k in range(len(sc.rules)) if k not in locks]
    scenario = sc.with_changes(
        suppliers=suppliers,
        offers=offers,
        rules=tuple(sc.rules[k] for k in keep),
        rule_origins=tuple(sc.rule_origins[k] for k in keep),
    )
    return program, scenario


def _hold(program: Program, sc: Scenario, base: Run, s: int, units: np.ndarray) -> Program:
    """Rows keeping every other awarded offer at least at its units; other bundles kept."""
    kind = program.columns["kind"].to_numpy()
    ref = program.columns["ref"].to_numpy()
    o_sup = sc.offers["supplier"].to_numpy()
    held = np.flatnonzero((units > 1e-6) & (o_sup != s))
    cols = np.flatnonzero((kind == ColumnKind.OFFER_UNITS) & np.isin(ref, held))
    where = np.searchsorted(held, ref[cols])
    m = sp.csr_matrix((np.ones(len(cols)), (where, cols)), shape=(len(held), program.n_cols))
    program = with_rows(program, m, lo=units[held], hi=np.inf, family=RowFamily.STRESS_KEEP)
    assert base.raw.x is not None
    taken = (
        (kind == ColumnKind.BUNDLE)
        & (base.raw.x > 0.5)
        & (program.columns["supplier"].to_numpy() != s)
    )
    col_lo = program.col_lo.copy()
    col_lo[taken] = 1.0
    return replace(program, col_lo=col_lo)


def _uncovered(setup: Setup, program: Program) -> dict[str, float] | None:
    """Least demand shortfall per item (only those short) with every hard rule dropped.

    None if even that has no solution.
    """
    sc = setup.scenario
    hard = {str(r.name) for r in sc.rules if r.soft is None}
    rows = program.rows
    row_lo, row_hi = program.row_lo.copy(), program.row_hi.copy()
    drop = rows["rule"].isin(hard).to_numpy()
    row_lo[drop], row_hi[drop] = -np.inf, np.inf
    demand = program.rows_of(RowFamily.DEMAND)
    edited, short = with_columns(
        replace(program, row_lo=row_lo, row_hi=row_hi), len(demand), kind=ColumnKind.SLACK
    )
    entries = sp.csr_matrix(
        (np.ones(len(demand)), (demand, short)), shape=(edited.n_rows, edited.n_cols)
    )
    c = np.zeros(edited.n_cols)
    c[short] = 1.0
    edited = replace(
        edited,
        A=(edited.A + entries).tocsr(),
        c=c,
        tie_break=np.zeros(edited.n_cols),
        offset=0.0,
    )
    raw = setup.engine.solve(edited, setup.options)
    if raw.x is None:
        return None
    amounts = np.round(raw.x[short], 6)
    items = rows["item"].to_numpy()[demand]
    ids = sc.items["id"].to_numpy()
    return {str(ids[int(i)]): float(a) for i, a in zip(items, amounts, strict=True) if a > 0}
