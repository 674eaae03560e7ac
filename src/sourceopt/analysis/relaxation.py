"""The cheapest relaxation of an infeasible scenario: elastic slacks, solved by priority.

Every hard rule row gets slacks on its finite sides (as if the rule were soft), every demand
row a shortfall slack, every capacity an overflow slack (the supplier's capacity row, and a
new row per capacitated offer once its column bound is lifted). A unit of violation is priced
in money: spend rows (spend-measured shares and averages, budgets) at 1 per unit of money,
unit rows (volumes, locks, bans, capacity) at the highest landed unit price offered (price
plus adders, format 1.1), a unit of demand short at the highest landed price offered for that
item, count rows (suppliers, items) at
the highest price times the largest demand.

Priorities are honoured lexicographically: data first (a capacity is exceeded or a demand cut
only if relaxing every rule cannot restore feasibility), then rules from the highest priority
down; each level's priced violation is minimised with the lower levels free, then capped at
its minimum; a last solve minimises the scenario's own objective under all the caps. The
award is verified against the scenario with the relaxed rules made soft at those prices and
the relaxed data moved to what the award uses.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

import numpy as np
import pandas as pd
import scipy.sparse as sp

from sourceopt.analysis.diagnose_common import Run, Setup, documented, offer_units
from sourceopt.analysis.groups import Group, GroupedProgram
from sourceopt.analysis.relaxed_backup import backup_of_used_capacity
from sourceopt.errors import AnalysisError
from sourceopt.formulation.edits import fix_columns, with_columns, with_row, with_rows
from sourceopt.formulation.family import Bound, family_of
from sourceopt.formulation.program import ColumnKind, Program, RowFamily
from sourceopt.result import SolveResult
from sourceopt.scenario.model import Scenario
from sourceopt.scenario.schema import Soft
from sourceopt.scenario.selectors import item_mask
from sourceopt.solvers.base import RawResult, Status


@dataclass(frozen=True)
class Violation:
    """How far one rule (or datum) is relaxed, in its own units, and what that is priced at."""

    rule: str
    amount: float
    penalty: float


@dataclass(frozen=True)
class Relaxation:
    """The cheapest relaxation: its objective, the violations, the verified relaxed award."""

    objective: float
    violations: tuple[Violation, ...]
    result: SolveResult
    proven: bool = True  # False: a limit stopped one of its solves short of its optimum

    @property
    def frame(self) -> pd.DataFrame:
        """One row per violation: rule, amount, penalty."""
        return pd.DataFrame(
            [v.__dict__ for v in self.violations], columns=["rule", "amount", "penalty"]
        )

    def to_dict(self) -> dict[str, Any]:
        """``{objective, violations: [{rule, amount, penalty}]}``."""
        return {"objective": self.objective, "violations": [v.__dict__ for v in self.violations]}


@dataclass(frozen=True)
class _Elastic:
    program: Program
    slack_group: np.ndarray  # per slack column: its group
    slack_cols: np.ndarray
    weight: np.ndarray  # per group: money per unit of violation
    slack_part: np.ndarray  # per slack column: its row's `each` group ("" for none)


def unit_weight(scenario: Scenario, group: Group) -> float:
    """Money per unit of a group's violation (see the module docstring).

    Prices are landed (format 1.1): each offer's and tier's unit price plus the offer's adders,
    in the scenario currency; one-off fixed costs are not per unit and stay out.
    """
    off, tiers = scenario.offers, scenario.tiers
    adders = scenario.offer_adders()
    tier_adders = adders[tiers["offer"].to_numpy()] if len(tiers) else np.zeros(0)
    prices = np.r_[
        off["price"].to_numpy(float) + adders, tiers["price"].to_numpy(float) + tier_adders
    ]
    top = float(prices.max()) if len(prices) and prices.max() > 0 else 1.0
    if group.kind == "demand":  # a unit short is worth the most anyone asks for the item
        items = off["item"].to_numpy()
        on = np.r_[items, items[tiers["offer"].to_numpy()]] == group.code
        return float(prices[on].max()) if on.any() and prices[on].max() > 0 else top
    if group.kind != "rule":
        return top
    rule: Any = scenario.rules[group.code]
    bound = family_of(rule).bound
    if bound is Bound.MONEY or getattr(rule, "measure", "volume") == "spend":
        return 1.0
    if bound is Bound.COUNT:
        return top * float(scenario.items["demand"].max())
    return top


class RelaxationStoppedError(AnalysisError):
    """A limit stopped a solve of the relaxation before it found any relaxed award."""


def cheapest_relaxation(setup: Setup, grouped: GroupedProgram) -> Relaxation | None:
    """Relax the fewest, lowest-priority rules by the least (None if even that fails).

    None only where a solve proved that nothing restores feasibility; a solve a limit stopped
    without an award raises :class:`RelaxationStoppedError`, and one it stopped with an award makes
    the relaxation not ``proven``.
    """
    scenario = setup.scenario
    proven = True
    el = _elastic(scenario, grouped)
    priority = np.array([g.priority for g in grouped.groups])
    current = replace(el.program, tie_break=np.zeros(el.program.n_cols), offset=0.0)
    options = replace(setup.options, mip_gap=setup.options.mip_gap / 2)
    for level in sorted(set(priority.tolist()), reverse=True):
        cols = el.slack_cols[priority[el.slack_group] == level]
        obj = np.zeros(current.n_cols)
        obj[cols] = el.weight[el.slack_group[priority[el.slack_group] == level]]
        raw = setup.engine.solve(replace(current, c=obj), options)
        if raw.x is None:
            _stopped_without_award(raw)
            return None
        proven &= raw.status is Status.OPTIMAL
        value = float(obj @ raw.x)
        if value <= 1e-9:
            current = fix_columns(current, cols, 0.0)
        else:
            cap = value * (1 + 1e-7) + 1e-9
            current = with_row(current, obj, hi=cap, family=RowFamily.RELAXATION_BUDGET)
    found = _final(setup, grouped, el, current, options)
    return found if found is None or proven else replace(found, proven=False)


def _stopped_without_award(raw: RawResult) -> None:
    """Raise :class:`RelaxationStoppedError` unless the solve proved there is no award."""
    if raw.status is not Status.INFEASIBLE:
        raise RelaxationStoppedError(f"a solve of the relaxation ended {raw.status.value}")


def _final(
    setup: Setup, grouped: GroupedProgram, el: _Elastic, current: Program, options: Any
) -> Relaxation | None:
    base = setup.program
    n_extra = current.n_cols - base.n_cols
    c = np.r_[base.c, np.zeros(n_extra)]
    is_rule = np.array([grouped.groups[g].kind == "rule" for g in el.slack_group], dtype=bool)
    c[el.slack_cols[is_rule]] += el.weight[el.slack_group[is_rule]]
    final = replace(
        current, c=c, tie_break=np.r_[base.tie_break, np.zeros(n_extra)], offset=base.offset
    )
    raw = setup.engine.solve(final, options)
    if raw.x is None:
        _stopped_without_award(raw)
        return None
    x = raw.x
    amount = (
        pd.DataFrame({"group": el.slack_group, "part": el.slack_part, "amount": x[el.slack_cols]})
        .groupby(["group", "part"], sort=True)["amount"]
        .sum()
    )
    priced = amount * el.weight[amount.index.get_level_values("group")]
    noise = 1e-6 * max(1.0, float(priced.sum()))  # within the level caps' tolerance
    hit = (amount > 1e-6) & (priced > noise)
    violations = tuple(
        Violation(_part_name(grouped.groups[k], part), float(a), float(a * el.weight[k]))
        for (k, part), a in amount[hit].items()
    )
    # the relaxed scenario follows the award exactly: a group whose slack is positive but below
    # the noise (not reported) is relaxed too, else the verifier sees that noise as a violation
    touched = sorted({int(k) for k, _ in amount[amount > 0].index})
    relaxed = _relaxed_scenario(setup.scenario, grouped, el, touched, final, x)
    run: Run = documented(setup, relaxed, final, raw)
    data = sum(
        v.penalty
        for (k, _), v in zip(amount[hit].index, violations, strict=True)
        if grouped.groups[k].kind != "rule"
    )
    objective = run.result.objective + data
    return Relaxation(objective, violations, run.result, raw.status is Status.OPTIMAL)


def _part_name(group: Group, part: str) -> str:
    """A violation's name: the group's, with the value of an ``each`` rule's row: ``r[CN]``."""
    return f"{group.name}[{part}]" if part else group.name


def _elastic(scenario: Scenario, grouped: GroupedProgram) -> _Elastic:
    """The program with every capacity lifted and every group's rows elastic."""
    p = grouped.program
    row_lo, row_hi, col_hi = p.row_lo.copy(), p.row_hi.copy(), p.col_hi.copy()
    for g in grouped.groups:
        if g.kind == "capacity":
            grouped.lifted(g, row_lo, row_hi, col_hi)
    program = replace(p, row_lo=row_lo, row_hi=row_hi, col_hi=col_hi)
    program, offer_rows = _offer_capacity_rows(scenario, program, grouped)
    program, upper_rows = _split_two_sided(scenario, program, grouped)
    measured = program.measured_rows()
    rows, signs, owners = [], [], []
    none = np.zeros(0, np.int64)
    for k, g in enumerate(grouped.groups):
        mine = np.r_[g.rows, offer_rows.get(k, none), upper_rows.get(k, none)].astype(np.int64)
        if g.kind == "rule":  # its measured rows; definitions of its helpers hold
            mine = mine[measured[mine]]
        over = mine[np.isfinite(program.row_hi[mine])] if g.kind != "demand" else mine[:0]
        under = mine[np.isfinite(program.row_lo[mine])] if g.kind != "capacity" else mine[:0]
        rows += [over, under]
        signs += [np.full(len(over), -1.0), np.full(len(under), 1.0)]
        owners += [np.full(len(over) + len(under), k)]
    r, sign, owner = np.concatenate(rows), np.concatenate(signs), np.concatenate(owners)
    part = (
        program.rows["group"].fillna("").to_numpy(dtype=object).astype(str)[r]
        if "group" in program.rows
        else np.full(len(r), "")
    )
    refs = np.array([g.code if g.kind == "rule" else -1 for g in grouped.groups], dtype=np.int64)
    program, cols = with_columns(
        program, len(r), kind=ColumnKind.SLACK, ref=refs[owner] if len(r) else -1
    )
    entries = sp.csr_matrix((sign, (r, cols)), shape=program.A.shape)
    program = replace(program, A=(program.A + entries).tocsr())
    program = _shares_of_bought(scenario, program, grouped, owner, cols)
    over = {int(row): int(col) for row, col, s in zip(r, cols, sign, strict=True) if s < 0}
    program = backup_of_used_capacity(scenario, program, over)
    weight = np.array([unit_weight(scenario, g) for g in grouped.groups])
    return _Elastic(program, owner.astype(np.int64), cols, weight, part)


def _volume_shares(scenario: Scenario) -> list[tuple[int, Any]]:
    """Rules (position, rule), hard or soft, whose rows bound units by a share of demand."""
    return [
        (pos, rule) for pos, rule in enumerate(scenario.rules) if family_of(rule).volume_share(rule)
    ]


def _rule_rows(program: Program, rule: Any) -> np.ndarray:
    """The rows measuring a rule (its definition rows, if any, left out)."""
    return program.rule_rows(str(rule.name), measured=True)


def _split_two_sided(
    scenario: Scenario, program: Program, grouped: GroupedProgram
) -> tuple[Program, dict[int, np.ndarray]]:
    """Each volume share row with a minimum and a maximum as two rows, one per bound.

    ``min D <= units <= max D`` keeps its lower side; a copy (same labels, and a soft rule's
    slacks with it: the two rows together say what the one did) takes the upper side. Then
    :func:`_shares_of_bought` can measure each side against what is bought, with its own share
    as coefficient of the cut (one row cannot hold two). Returned: the copies of each hard
    rule's rows, by group (they are elastic as the rule's rows are).
    """
    group_of = {g.code: k for k, g in enumerate(grouped.groups) if g.kind == "rule"}
    out: dict[int, np.ndarray] = {}
    for pos, rule in _volume_shares(scenario):
        mine = _rule_rows(program, rule)
        both = mine[np.isfinite(program.row_lo[mine]) & np.isfinite(program.row_hi[mine])]
        if not len(both):
            continue
        first, hi = program.n_rows, program.row_hi[both].copy()
        labels = program.rows.iloc[both].reset_index(drop=True)
        program = with_rows(
            program,
            program.A[both],
            lo=-np.inf,
            hi=hi,
            family=rule.type,
            rule=str(rule.name),
        )
        rows = program.rows.copy()
        rows.iloc[first:, :] = labels.to_numpy()
        row_hi = program.row_hi.copy()
        row_hi[both] = np.inf
        program = replace(program, rows=rows, row_hi=row_hi)
        if pos in group_of:
            out[group_of[pos]] = np.arange(first, first + len(both))
    return program, out


def _shares_of_bought(
    scenario: Scenario,
    program: Program,
    grouped: GroupedProgram,
    owner: np.ndarray,
    cols: np.ndarray,
) -> Program:
    """Volume shares measured against what is bought: a bound b x D becomes b x (D - cut).

    A volume share row bounds units by a share of the demand (a constant); when demand is cut,
    the scenario measures the share of what is bought, so the cut of each item in the row
    enters it with the row's share as coefficient: the maximum (``max_share``'s limit) on an
    upper row, the minimum on a lower one (:func:`_split_two_sided` left one side per row).
    Soft rules too: the relaxed scenario prices their violations against what is bought.
    """
    cut = np.full(scenario.n_items, -1)
    for k, g in enumerate(grouped.groups):
        if g.kind == "demand" and np.any(owner == k):
            cut[g.code] = cols[owner == k][0]
    row_item = program.rows["item"].to_numpy()
    rows, where, vals = [], [], []
    for _, rule in _volume_shares(scenario):
        chosen = np.flatnonzero(item_mask(scenario, rule.items) & (cut >= 0))
        for r in _rule_rows(program, rule):  # with the upper copies of its two-sided rows
            upper = np.isfinite(program.row_hi[r])
            share = family_of(rule).share_bound(rule, upper)
            if share is None:  # pragma: no cover - a finite side of a share has its bound
                continue
            items = chosen if row_item[r] < 0 else np.intersect1d(chosen, [row_item[r]])
            rows.append(np.full(len(items), r))
            where.append(cut[items])
            vals.append(np.full(len(items), float(share)))
    if not rows:
        return program
    extra = sp.csr_matrix(
        (np.concatenate(vals), (np.concatenate(rows), np.concatenate(where))),
        shape=program.A.shape,
    )
    return replace(program, A=(program.A + extra).tocsr())


def _offer_capacity_rows(
    scenario: Scenario, program: Program, grouped: GroupedProgram
) -> tuple[Program, dict[int, np.ndarray]]:
    """Rows ``units through offer o <= its capacity`` for the capacitated offers lifted."""
    kind = program.columns["kind"].to_numpy()
    ref = program.columns["ref"].to_numpy()
    cap = scenario.offers["capacity"].to_numpy(float)
    o_sup = scenario.offers["supplier"].to_numpy()
    out: dict[int, np.ndarray] = {}
    for k, g in enumerate(grouped.groups):
        if g.kind != "capacity" or not len(g.lift_cols):
            continue
        offers = np.unique(ref[g.lift_cols])
        offers = offers[np.isfinite(cap[offers]) & (o_sup[offers] == g.code)]
        cols = np.flatnonzero((kind == ColumnKind.OFFER_UNITS) & np.isin(ref, offers))
        if not len(offers):
            continue
        where = np.searchsorted(offers, ref[cols])
        m = sp.csr_matrix((np.ones(len(cols)), (where, cols)), shape=(len(offers), program.n_cols))
        first = program.n_rows
        program = with_rows(
            program, m, lo=-np.inf, hi=cap[offers], family=RowFamily.OFFER_CAPACITY, supplier=g.code
        )
        out[k] = np.arange(first, first + len(offers))
    return program, out


def _relaxed_scenario(
    scenario: Scenario,
    grouped: GroupedProgram,
    el: _Elastic,
    violated: list[int],
    program: Program,
    x: np.ndarray,
) -> Scenario:
    """The scenario the relaxed award satisfies: relaxed rules soft, relaxed data moved."""
    rules = list(scenario.rules)
    items = scenario.items.copy()
    suppliers = scenario.suppliers.copy()
    offers = scenario.offers.copy()
    award = x.copy()
    award[el.slack_cols] = 0.0  # what the award itself delivers, before any slack
    activity = program.A @ award
    for k in violated:
        g = grouped.groups[k]
        if g.kind == "rule":
            soft = Soft(penalty=float(el.weight[k]))
            rules[g.code] = rules[g.code].model_copy(update={"soft": soft})
        elif g.kind == "demand":
            items.loc[items.index[g.code], "demand"] = float(activity[g.rows].sum())
        else:
            got = float(activity[g.rows].sum()) if len(g.rows) else 0.0
            cap = suppliers["capacity"].to_numpy(float).copy()
            cap[g.code] = max(cap[g.code], got)
            suppliers["capacity"] = cap
            units = offer_units(program, scenario, x)
            offers["capacity"] = np.maximum(offers["capacity"].to_numpy(float), units)
    return scenario.with_changes(
        rules=tuple(rules), items=items, suppliers=suppliers, offers=offers
    )
