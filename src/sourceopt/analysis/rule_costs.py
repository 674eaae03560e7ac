"""Cost of each rule: the objective with and without every rule, and LP duals of rule rows.

The scenario's program is built once; each rule is dropped from it
(:func:`~sourceopt.formulation.edits.drop_rule`), the edited program re-solved warm
(:mod:`sourceopt.analysis.resolve`) and its award verified against the scenario without that
rule. An LP-class rule whose rows are slack with a zero dual costs exactly 0 without a
re-solve (``method: "dual"``: the base award stays feasible and the base duals stay dual
feasible once its rows are gone, so the base award is still optimal). See models/README.md,
"Analyses".
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from sourceopt.analysis.resolve import Edit, Progress, Resolver, is_final, origins, tagged
from sourceopt.analysis.sense import is_score, kind, loss
from sourceopt.formulation.build import build_program
from sourceopt.formulation.edits import drop_rule, rule_position, without_rule
from sourceopt.formulation.family import family_of
from sourceopt.formulation.program import Program
from sourceopt.result import SolveResult
from sourceopt.scenario.model import Scenario
from sourceopt.scenario.schema import Rule
from sourceopt.scenario.variants import apply_variant
from sourceopt.solve import solve_options, solve_program
from sourceopt.solvers.base import RawResult, Status, relative_gap
from sourceopt.solvers.registry import get_backend
from sourceopt.solvers.relaxation import bound_without_rows

if TYPE_CHECKING:
    from sourceopt.analysis.parallel import Chunks

SAME = 1e-6  # relative difference below which a rule "changes nothing"


@dataclass(frozen=True)
class RuleCost:
    """One rule priced: objective without it, the difference, binding, dual and a note."""

    name: str
    type: str
    origin: str
    binding: bool
    objective_without: float | None
    rule_cost: float | None
    rule_cost_pct: float | None
    status_without: Status
    dual: float | None
    note: str
    verified: bool
    method: str = "resolve"  # "dual": proven 0 by the LP duals; "resolve": re-solved
    final: bool = True  # False: a limit stopped the re-solve (or it never ran)

    def to_dict(self) -> dict[str, Any]:
        """The rule's entry of the ``rules`` analysis JSON (docs/results.md), plus a key.

        The added ``note`` says, e.g., "changes nothing" or "without it ... unbounded".
        """
        return {
            "name": self.name,
            "type": self.type,
            "binding": self.binding,
            "objective_without": self.objective_without,
            "rule_cost": self.rule_cost,
            "rule_cost_pct": self.rule_cost_pct,
            "status_without": self.status_without.value,
            "dual": self.dual,
            "note": self.note,
            "method": self.method,
            "final": self.final,
        }


@dataclass(frozen=True)
class RuleCosts:
    """The cost of each rule of one scenario variant.

    ``rules`` has one :class:`RuleCost` per rule (model rules first); ``row_duals`` lists, for
    LP-class scenarios, every rule row with a non-zero dual in business terms.
    """

    scenario: str
    variant: str
    currency: str
    base: SolveResult
    rules: tuple[RuleCost, ...]
    row_duals: pd.DataFrame
    objective_kind: str = "total_cost"  # "score": objectives and rule costs are score points

    @property
    def objective(self) -> float | None:
        """The objective with every rule (None without an award)."""
        return self.base.document.objective

    @property
    def frame(self) -> pd.DataFrame:
        """One row per rule (every field of :class:`RuleCost`)."""
        cols = list(RuleCost.__dataclass_fields__)
        return pd.DataFrame([[getattr(r, c) for c in cols] for r in self.rules], columns=cols)

    def to_dict(self) -> dict[str, Any]:
        """Exactly the ``rules`` analysis JSON of docs/results.md."""
        out: dict[str, Any] = {
            "scenario": self.scenario,
            "variant": self.variant,
            "objective": self.objective,
        }
        if self.objective_kind == "score":  # format 1.1: absent means total_cost
            out["objective_kind"] = "score"
        return {**out, "rules": [r.to_dict() for r in self.rules]}


def rule_costs(
    scenario: Scenario,
    *,
    variant: str = "base",
    rules: Sequence[str] | None = None,
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
    detached: bool = False,
) -> RuleCosts:
    """The objective with and without each rule (all rules, or the named ones).

    The program is built once; every re-solve drops one rule's block from it, runs warm
    (:mod:`sourceopt.analysis.resolve`; ``warm=False``: cold, every rule re-solved) and is
    verified against the scenario without that rule. Duals are those of the solve with every
    rule (LP-class scenarios on a backend with duals; otherwise None). `analysis_time_limit`
    caps the whole analysis (figures it stopped are ``final: false``); `jobs` > 1 prices the
    rules in that many chunks at once (:mod:`sourceopt.analysis.parallel`), with the same
    figures. `base_raw`: the base solve's raw result, given to a chunk's worker (a MIP's base
    is then not solved again). `detached`: a parallel MIP's worker, started before the base
    is solved: it re-solves its rules cold and leaves the base unsolved (the caller, which
    solves the base meanwhile, prices each figure against it).
    """
    started = time.monotonic()
    chosen = apply_variant(scenario, variant)
    names = list(chosen.rule_names if rules is None else rules)
    for name in names:
        rule_position(chosen, name)  # unknown names fail before any solve
    options = solve_options(scenario, time_limit=time_limit, mip_gap=mip_gap)
    engine = get_backend(backend or scenario.solver.backend)
    deadline = None if analysis_time_limit is None else started + analysis_time_limit
    own, remote = names, None
    if progress is not None:
        progress.total = len(names)
    program = build_program(chosen).for_gap(options.mip_gap)  # as `solve` does
    resolver = Resolver(chosen, program, options, engine, deadline=deadline, warm=warm)
    if jobs > 1 and len(names) > 1:
        from sourceopt.analysis.parallel import Chunks, split

        given = {"variant": variant, "backend": backend, "time_limit": time_limit}
        given |= {"mip_gap": mip_gap, "analysis_time_limit": analysis_time_limit}
        # a MIP's workers start on its rules at once, cold, while this process solves the
        # base (a start barely shortens a MIP re-solve, the wait for the base would cost a
        # whole solve); an LP's workers, and a large MIP's that keeps its relaxation for warm
        # re-solves, solve their own base alongside (see parallel.py)
        cold = program.is_mip and not resolver.keeps_relaxation
        own, parts, width = split(names, jobs, cold, executor)
        remote = Chunks(
            scenario, "rules", "rules", parts, given, executor=executor, scheduler=scheduler,
            deadline=deadline, width=width, extra_args={"detached": True} if cold else None,
        )  # fmt: skip
        remote.start()
    base = resolver.unsolved() if detached else resolver.solve_base(base_raw)
    duals = _row_duals(chosen, program, base.duals)
    pricer = _Pricer(chosen, program, resolver, base, duals, progress)
    out = [pricer.price(name) for name in own]
    if remote is not None:
        pricer.detached = cold
        while (part := remote.take()) is not None:  # the queue shared with the workers
            out += [pricer.price(name) for name in part]
        out += _collected(remote, pricer)
    order = {name: k for k, name in enumerate(names)}
    out.sort(key=lambda r: order[r.name])
    return RuleCosts(
        chosen.name, chosen.variant, chosen.currency, base, tuple(out), duals, kind(chosen)
    )


def _collected(remote: Chunks, pricer: _Pricer) -> list[RuleCost]:
    """The rules priced by the other chunks' workers (a failed chunk: failed figures)."""
    from sourceopt.analysis.parallel import failure_text

    out = []
    for part, payload in remote.results():
        if isinstance(payload, dict):
            out += [pricer.from_dict(entry) for entry in payload["rules"]]
        else:
            out += [pricer.failed(name, failure_text(payload)) for name in part]
        if pricer.progress is not None:
            pricer.progress.done(len(part))
    return out


DUAL_ZERO = 1e-9  # a row dual this small is zero


class _Pricer:
    """Prices one rule at a time against the base solve (by its duals, or a warm re-solve)."""

    def __init__(
        self,
        chosen: Scenario,
        program: Program,
        resolver: Resolver,
        base: SolveResult,
        duals: pd.DataFrame,
        progress: Progress | None,
    ) -> None:
        self.chosen, self.program, self.resolver, self.base = chosen, program, resolver, base
        self.duals, self.progress = duals, progress
        self.tagged = tagged(program)
        self.detached = False  # the workers' figures are re-solves only (rule_costs)
        self.by_name = {r.name: r for r in base.document.rules}
        self.origins = dict(zip(chosen.rule_names, chosen.rule_origins, strict=True))

    def price(self, name: str) -> RuleCost:
        """One rule priced: by the duals where they prove 0, else re-solved without it."""
        chosen, base = self.chosen, self.base
        pos = rule_position(chosen, name)
        rule, origin = chosen.rules[pos], self.origins[name]
        doc = self.by_name.get(name)
        binding = doc is not None and doc.binding
        rule_dual = None
        if base.duals is not None:
            rule_dual = float(self.duals.loc[self.duals["rule"] == name, "dual"].sum())
        if is_score(chosen):  # a score's offers in force follow the rules (exclude): rebuild
            less = without_rule(chosen, name)
            r = self.resolver
            rebuilt = solve_program(less, build_program(less), r.options, r.engine.name)
            priced = _priced(rule, origin, base, Without.of(rebuilt), binding, rule_dual, True)
        elif self.resolver.warm and self._free(name, pos, binding):
            priced = _priced(rule, origin, base, Without.of(base), binding, rule_dual)
            priced = replace(priced, method="dual")
        else:
            if self.resolver.keeps_base and not len(self.program.rule_columns(pos)):
                # re-solved in place (the rule's rows freed on the base model) and the rule has
                # no columns of its own: the award maps through the base program's labels
                edited, columns = self.program, np.arange(self.program.n_cols)
            else:
                edited, columns = origins(drop_rule(self.tagged, name, chosen))
            relax = self.program.rule_rows(name)
            edit = Edit(without_rule(chosen, name), edited, columns, relax, _NONE, start=True)
            without = self.resolver.resolve(edit, lean=True)  # figures only
            if without is None:
                priced = _not_run(rule, origin, binding, rule_dual)
            else:
                priced = _priced(rule, origin, base, Without.of(without), binding, rule_dual)
                priced = replace(priced, final=is_final(without))
        if self.progress is not None:
            self.progress.done()
        return priced

    def from_dict(self, entry: dict[str, Any]) -> RuleCost:
        """A rule priced by a worker, from its ``to_dict()`` entry.

        A detached worker (:func:`rule_costs`) had no base: its re-solve is priced here,
        against this process' base.
        """
        fields = {k: v for k, v in entry.items() if k in RuleCost.__dataclass_fields__}
        fields["status_without"] = Status(entry["status_without"])
        fields["origin"] = self.origins[entry["name"]]
        fields["verified"] = "FAILED verification" not in entry["note"]
        cost = RuleCost(**fields)
        if not self.detached or (cost.objective_without is None and not cost.final):
            return cost  # priced by the worker, or not priced at all (a limit)
        rule = self.chosen.rules[rule_position(self.chosen, cost.name)]
        doc = self.by_name.get(cost.name)
        without = Without(cost.objective_without, cost.status_without, cost.verified)
        binding = doc is not None and doc.binding
        score = is_score(self.chosen)
        priced = _priced(rule, cost.origin, self.base, without, binding, None, score)
        return replace(priced, final=cost.final, method=cost.method)

    def failed(self, name: str, why: str) -> RuleCost:
        """A rule whose chunk failed in its worker: no figure, the reason in its note."""
        rule = self.chosen.rules[rule_position(self.chosen, name)]
        cost = _not_run(rule, self.origins[name], False, None)
        return replace(cost, status_without=Status.ERROR, note=why)

    def _free(self, name: str, pos: int, binding: bool) -> bool:
        """Whether duals prove the rule costs 0 (within the gap for a MIP), no penalty paid.

        LP: slack rows with zero duals keep the base award optimal. A large MIP whose
        relaxation was kept (:attr:`Resolver.relaxation`): when the rule's rows have zero
        duals there, the relaxation's bound without them
        (:func:`~sourceopt.solvers.relaxation.bound_without_rows`) still holds the base award
        within the gap, and the base award stays feasible: it is optimal without the rule.
        """
        base, p, raw = self.base, self.program, self.base.raw
        if raw is None or raw.x is None or base.status is not Status.OPTIMAL:
            return False
        rows, own, x = p.rule_rows(name), p.rule_columns(pos), raw.x
        if len(own) and float(np.abs(p.c[own] * x[own]).sum()) != 0.0:
            return False  # the rule's penalty is paid: dropping it saves that
        if base.duals is not None:
            return not binding and bool(np.all(np.abs(base.duals[rows]) <= DUAL_ZERO))
        pricing, objective = self.resolver.relaxation, raw.objective
        if pricing is None or objective is None or not len(rows):
            return False
        bound = bound_without_rows(p, pricing, p.solver_objective(), rows)
        gap = p.solver_gap(self.resolver.options.mip_gap)
        return np.isfinite(bound) and relative_gap(objective, bound) <= gap


_NONE = np.zeros(0, dtype=np.int64)


def _not_run(rule: Rule, origin: str, binding: bool, dual: float | None) -> RuleCost:
    """A rule the analysis' time limit left unpriced."""
    return RuleCost(
        name=str(rule.name),
        type=rule.type,
        origin=origin,
        binding=binding,
        objective_without=None,
        rule_cost=None,
        rule_cost_pct=None,
        status_without=Status.NO_SOLUTION,
        dual=dual,
        note="not priced: the analysis time limit ran out",
        verified=True,
        final=False,
    )


@dataclass(frozen=True)
class Without:
    """What the solve without a rule gave: its objective, status and whether it verified."""

    objective: float | None
    status: Status
    verified: bool

    @staticmethod
    def of(result: SolveResult) -> Without:
        """The figures of a verified solve."""
        check = result.document.verification
        return Without(result.document.objective, result.status, check is None or check.ok)


def _priced(
    rule: Rule,
    origin: str,
    base: SolveResult,
    without: Without,
    binding: bool,
    dual: float | None,
    score: bool = False,
) -> RuleCost:
    """Compare the solve with the rule and the solve without it (`score`: points lost)."""
    with_obj, without_obj = base.document.objective, without.objective
    if not score and with_obj is not None and without_obj is not None and without_obj > with_obj:
        # without a rule the base award stays feasible at the same cost: a re-solve that ended
        # above it (within the gap, e.g. a parallel worker's, which had no start) is beaten by
        # it (not so for a score, whose points follow the offers in force: exclude rules)
        without_obj = with_obj
    cost = pct = None
    note = ""
    if with_obj is not None and without_obj is not None:
        cost = loss(with_obj, without_obj, score)
        pct = cost / abs(without_obj) * 100.0 if without_obj != 0 else None
        if abs(cost) <= SAME * max(1.0, abs(with_obj)):
            same = "scores" if score else "costs"
            note = f"changes nothing: the award {same} the same without it"
    elif without.status is Status.UNBOUNDED:
        note = "without it the problem is unbounded"
    elif with_obj is None and without_obj is not None:
        note = "without it the scenario has an award"
    elif without_obj is None:
        note = f"without it: {without.status.value}"
    verified = without.verified
    if not verified:
        note = (note + "; " if note else "") + "the award without it FAILED verification"
    return RuleCost(
        name=str(rule.name),
        type=rule.type,
        origin=origin,
        binding=binding,
        objective_without=without_obj,
        rule_cost=cost,
        rule_cost_pct=pct,
        status_without=without.status,
        dual=dual,
        note=note,
        verified=verified,
    )


def row_unit(rule: Rule, currency: str = "money") -> str:
    """What one unit of a rule row's bound is, in business words (units, money, ...)."""
    return family_of(rule).row_unit(rule, currency)


def _row_duals(scenario: Scenario, program: Program, duals: np.ndarray | None) -> pd.DataFrame:
    """Rule rows with a non-zero dual: rule, group, supplier, item, dual (per unit of bound).

    ``group`` is the value a row of a rule with ``each`` is about (``CN``), else "".
    """
    cols = ["rule", "type", "group", "supplier", "item", "dual", "per"]
    if duals is None:
        return pd.DataFrame(columns=cols)
    rows, measured = program.rows, program.measured_rows()
    rule_of = {str(r.name): r for r in scenario.rules}
    types = rows["rule"].map({n: r.type for n, r in rule_of.items()}).to_numpy(dtype=object)
    mine = measured & pd.notna(types)
    pick = np.flatnonzero(mine & (np.abs(duals) > 1e-9))
    sup_ids = np.append(scenario.suppliers["id"].to_numpy(dtype=object), "")  # code -1: ""
    item_ids = np.append(scenario.items["id"].to_numpy(dtype=object), "")
    names = rows["rule"].to_numpy()[pick]
    return pd.DataFrame(
        {
            "rule": names,
            "type": types[pick],
            "group": (
                rows["group"].fillna("").to_numpy(dtype=object)[pick]
                if "group" in rows
                else np.full(len(pick), "", dtype=object)
            ),
            "supplier": sup_ids[rows["supplier"].to_numpy()[pick]],
            "item": item_ids[rows["item"].to_numpy()[pick]],
            "dual": duals[pick],
            "per": [row_unit(rule_of[n], scenario.currency) for n in names],
        },
        columns=cols,
    )
