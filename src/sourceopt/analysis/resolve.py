"""The re-solve engine of the analyses: the base solved once, each re-solve an edit of it, warm.

An analysis describes each re-solve as an edit of the base Program (a rule's rows dropped, a
supplier's columns fixed at 0, a bound moved) together with the program and scenario that the
edit stands for, and :class:`Resolver` solves it the fastest way the backend allows, always to
the same figure a cold solve of the edited program gives:

- **LP-class on HiGHS, in place.** The base model stays in the HiGHS instance that solved it;
  an edit expressible as bounds (rows relaxed to +-inf, columns fixed at 0) is applied with
  ``changeRowsBounds``/``changeColsBounds``, re-solved from the optimal basis (HiGHS keeps it:
  the dual simplex after bound changes) and undone. The point is mapped onto the edited
  program's columns and verified against the edited scenario like any other award.
- **Large MIPs on HiGHS, in place.** A MIP whose warm start sifted its relaxation
  (:mod:`sourceopt.solvers.highs_warm`, coupa-scale) keeps that relaxation's working LP and
  basis (:class:`~sourceopt.solvers.highs_kept.Kept`) and its own HiGHS instance. An edit
  expressible as bounds is applied to both; the relaxation is re-solved from the base's basis;
  the base award's integer columns (within the edit's bounds), else the edited relaxation's
  rounded up, are completed by the LP over the continuous columns; the restricted MIP runs
  only when that award is not within the gap of the edited relaxation's bound, and the whole
  MIP only when the restricted MIP's is not either. The edit is then undone on both.
- **MIPs on HiGHS, with a start.** A re-solve whose edit keeps the base award feasible (a rule
  dropped: every row left was satisfied by it) gets that award, on the edited program's
  columns, as the incumbent to beat (``setSolution``). Its objective is then an upper bound on
  the re-solve's optimum, which is exactly what the incumbent gives HiGHS's pruning; the
  ``objective_bound`` cutoff is deliberately not set as well (a start HiGHS rejected on a
  tolerance would turn the cutoff into a false "infeasible").
- **MIPs on a backend that takes a start** (:class:`~sourceopt.solvers.base.StartCapable`:
  CBC, SCIP, CP-SAT): the same starts through ``solve_from`` (CBC's ``-mips`` file,
  MathOpt's solution hint); each adapter makes sure a start it could not use never changes
  the answer, and a point whose objective is not its own is solved cold as on HiGHS.
- **Every other case** (an LP off HiGHS, an edit not expressible in place that has no start):
  a cold solve of the edited program.

A time budget (``deadline``) caps the whole analysis: each re-solve gets what is left of it,
or its share of that where the caller says how many solves are still to run (a frontier's
points), and at most the per-solve limit; once it is spent, re-solves return None (the figure
is "not final").
"""

from __future__ import annotations

import time
from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from sourceopt.formulation.program import Program
from sourceopt.result import SolveResult
from sourceopt.scenario.model import Scenario
from sourceopt.solve import verified
from sourceopt.solvers.base import (
    Backend,
    RawResult,
    SolveOptions,
    StartCapable,
    Status,
    relative_gap,
)
from sourceopt.solvers.highs_kept import Kept, integer_part
from sourceopt.solvers.highs_model import set_budget
from sourceopt.solvers.relaxation import Pricing

METHODS = ("dual", "skipped", "resolve")
"""How a figure was found: an LP dual proved it, it was proven without a solve, or re-solved."""

ORIGIN = "_resolve_origin"  # label column carrying a column's index in the base program

PROVEN = (Status.OPTIMAL, Status.INFEASIBLE, Status.UNBOUNDED)


@dataclass(frozen=True)
class Edit:
    """One re-solve: the edited program and scenario, and how to reach them from the base.

    `columns`: for each column of `program`, its index in the base program. `relax_rows` and
    `fix_cols` (base indices) say how the edit is made in place (rows freed, columns at 0);
    None means it cannot be (the engine then solves `program` itself). `start`: whether the
    base award stays feasible after the edit (then it is the re-solve's MIP start).
    """

    scenario: Scenario
    program: Program
    columns: np.ndarray
    relax_rows: np.ndarray | None = None
    fix_cols: np.ndarray | None = None
    start: bool = False


def tagged(program: Program) -> Program:
    """The program with each column labelled by its own index (see :func:`origins`)."""
    return replace(program, columns=program.columns.assign(**{ORIGIN: np.arange(program.n_cols)}))


def origins(edited: Program) -> tuple[Program, np.ndarray]:
    """An edit of a :func:`tagged` program without the tag, and each column's base index."""
    cols = edited.columns
    where = cols[ORIGIN].to_numpy(dtype=np.int64)
    return replace(edited, columns=cols.drop(columns=[ORIGIN])), where


class Resolver:
    """The base program solved once, and each edit of it re-solved warm (module text)."""

    def __init__(
        self,
        scenario: Scenario,
        program: Program,
        options: SolveOptions,
        engine: Backend,
        *,
        deadline: float | None = None,
        warm: bool = True,
    ) -> None:
        self.scenario, self.program, self.options, self.engine = scenario, program, options, engine
        self.deadline = deadline  # time.monotonic() by which every re-solve must end
        self.warm = warm and callable(getattr(engine, "prepare", None))  # keeps its model
        self.starts = warm and isinstance(engine, StartCapable)  # takes MIP starts (solve_from)
        self._h: Any = None  # the HiGHS instance holding the solved base (LP, or kept MIP)
        self._basis: Any = None  # an LP's optimal basis
        self._kept = Kept() if self.warm else None  # a large MIP's relaxation, for its edits
        self.base_x: np.ndarray | None = None
        self.resolves = 0  # re-solves run (for the benchmarks and the tests)
        self.in_place = 0  # of which in place on the solved base LP

    @property
    def keeps_base(self) -> bool:
        """Whether the solved base is kept for in-place re-solves (:meth:`resolve`)."""
        return self._h is not None

    @property
    def keeps_relaxation(self) -> bool:
        """Whether the base, once solved, is kept with its relaxation (a large MIP on HiGHS).

        Known before the base is solved: a parallel analysis' workers then solve their own
        base and keep it too, rather than re-solving each figure cold.
        """
        sifts = getattr(self.engine, "sifts", None)
        return (
            self._kept is not None and self.program.is_mip and bool(sifts and sifts(self.program))
        )

    @property
    def relaxation(self) -> Pricing | None:
        """A large MIP base's relaxation (duals, reduced costs, bound) once solved, else None."""
        return None if self._kept is None else self._kept.pricing

    def left(self) -> float | None:
        """Seconds left of the analysis' budget (None: no budget)."""
        return None if self.deadline is None else self.deadline - time.monotonic()

    def expired(self) -> bool:
        """Whether the analysis' budget is spent."""
        left = self.left()
        return left is not None and left <= 0

    def _options(self, share: int = 1) -> SolveOptions:
        """The per-solve options, the time limit cut to this solve's part of the budget left.

        `share`: how many solves, this one included, still divide what is left of the budget
        among them; this one gets ``1 / share`` of it (what it leaves unused is left to the
        next), so that one hard figure does not spend the time of the figures after it.
        """
        deadline = self.deadline
        if deadline is not None and share > 1:
            now = time.monotonic()
            deadline = now + (deadline - now) / share
        given = self.options.within(deadline)
        if given is self.options:
            return given
        limit = 1e-3 if given is None or given.time_limit is None else given.time_limit
        return replace(self.options, time_limit=max(limit, 1e-3))

    def solve_base(self, given: RawResult | None = None) -> SolveResult:
        """Solve the base program (kept in the HiGHS instance when it is an LP).

        `given`: the base's raw result from the process that solved it (a parallel chunk's
        worker); a MIP's is taken as it is, verified here, instead of solved again (an LP is
        solved anyway: its in-place re-solves need the model solved in this process).
        """
        options = self._options()
        if given is not None and self.program.is_mip:
            raw = given
        else:
            raw = self._raw(self.program, options, None)
        self.base_x = raw.x if raw.status in (Status.OPTIMAL, Status.FEASIBLE) else None
        return verified(self.engine, self.scenario, self.program, raw, options)

    def unsolved(self) -> SolveResult:
        """The base as a process that does not solve it sees it: no award, no figures."""
        raw = RawResult(Status.NO_SOLUTION, self.engine.name, "", 0.0, message="not solved here")
        return verified(self.engine, self.scenario, self.program, raw, self.options)

    def solve(
        self,
        scenario: Scenario,
        program: Program,
        start: np.ndarray | None = None,
        target: float | None = None,
        share: int = 1,
    ) -> SolveResult | None:
        """Any program of the analysis solved (a MIP from `start`, an award over its columns).

        `target`: a MIP on HiGHS stops at its first award at or below it (``objective_target``;
        status ``feasible``, the caller proves it). `share`: this solve gets that part of the
        budget left (:meth:`_options`). None when the analysis' budget is spent.
        """
        if self.expired():
            return None
        self.resolves += 1
        options = self._options(share)
        use = start if start is not None and program.is_mip else None
        raw = self._raw(program, options, use, target=target)
        return verified(self.engine, scenario, program, raw, options)

    def probe(self, scenario: Scenario, program: Program) -> SolveResult | None:
        """Whether `program` has an award: the first one found, verified.

        A MIP on a backend that keeps its model stops at its first award (status
        ``feasible``, no proof of optimality); elsewhere the program is solved in full. None
        when the analysis' budget is already spent.
        """
        if self.expired():
            return None
        self.resolves += 1
        options = self._options()
        raw = self._raw(program, options, None, first=True)
        return verified(self.engine, scenario, program, raw, options)

    def _raw(
        self,
        program: Program,
        options: SolveOptions,
        start: np.ndarray | None,
        *,
        first: bool = False,
        target: float | None = None,
    ) -> RawResult:
        """One backend run of `program`, the gap as ``solve_with`` gives it to the solver.

        `first`: stop a MIP at its first award (HiGHS's ``mip_max_improving_sols``).
        """
        solver_options = replace(options, mip_gap=program.solver_gap(options.mip_gap))
        if not self.warm:
            return self._cold_or_from(program, solver_options, start)
        engine: Any = self.engine
        h = engine.prepare(program, solver_options)
        if first and program.is_mip:
            h.setOptionValue("mip_max_improving_sols", 1)
        if target is not None and program.is_mip:
            h.setOptionValue("objective_target", float(target))
        if start is not None:
            h.setSolution(len(start), np.arange(len(start), dtype=np.int32), start)
        base_mip = program is self.program and program.is_mip
        kept = self._kept if base_mip else None
        raw: RawResult = engine.run(h, program, kept=kept)
        if kept is not None and kept.working is not None and raw.x is not None:
            self._h = h  # a large MIP's base, its edits re-solved in place (module text)
        if start is not None and not _consistent(raw, program):
            # HiGHS 1.16 can report the optimum's objective with the start's point (seen
            # when presolve finishes the MIP): never trust that point; solve it cold
            return self.engine.solve(program, solver_options)
        if program is self.program and not program.is_mip and raw.status is Status.OPTIMAL:
            self._h = h
            self._basis = h.getBasis()  # every in-place re-solve starts from the optimal basis
        return raw

    def _cold_or_from(
        self, program: Program, options: SolveOptions, start: np.ndarray | None
    ) -> RawResult:
        """A backend without a kept model: from `start` if it takes one (module text), else cold."""
        engine = self.engine
        if start is None or not self.starts or not isinstance(engine, StartCapable):
            return engine.solve(program, options)
        raw = engine.solve_from(program, options, start)
        return raw if _consistent(raw, program) else engine.solve(program, options)

    def resolve(self, edit: Edit, *, lean: bool = False) -> SolveResult | None:
        """The edited program solved and verified against the edited scenario.

        None when the analysis' budget is already spent (the figure is not computed). `lean`:
        the award is verified but its document keeps only the figures (no allocations).
        """
        if self.expired():
            return None
        self.resolves += 1
        options = self._options()
        if self._h is not None and edit.relax_rows is not None and edit.fix_cols is not None:
            raw = self._in_place(edit, options)
            self.in_place += 1
        else:
            start = None
            if edit.start and self.base_x is not None and edit.program.is_mip:
                start = np.ascontiguousarray(self.base_x[edit.columns], dtype=np.float64)
            raw = self._raw(edit.program, options, start)
        return verified(self.engine, edit.scenario, edit.program, raw, options, lean=lean)

    def _in_place(self, edit: Edit, options: SolveOptions) -> RawResult:
        """Apply `edit` to the solved base as bounds, re-solve warm, undo (module text)."""
        h, p = self._h, self.program
        rows = np.asarray(edit.relax_rows, dtype=np.int32)
        cols = np.asarray(edit.fix_cols, dtype=np.int32)
        row_lo, row_hi = p.row_lo.copy(), p.row_hi.copy()
        row_lo[rows], row_hi[rows] = -np.inf, np.inf
        col_lo, col_hi = p.col_lo.copy(), p.col_hi.copy()
        col_lo[cols], col_hi[cols] = np.minimum(p.col_lo[cols], 0.0), 0.0
        h.changeRowsBounds(len(rows), rows, row_lo[rows], row_hi[rows])
        h.changeColsBounds(len(cols), cols, col_lo[cols], col_hi[cols])
        limit = options.time_limit
        set_budget(h, float(limit) if limit is not None else np.inf)  # a kept instance
        engine: Any = self.engine
        try:
            if p.is_mip:
                edited = replace(p, row_lo=row_lo, row_hi=row_hi, col_lo=col_lo, col_hi=col_hi)
                start = self.base_x if edit.start else self._partial(edited)
                if edit.start and start is not None:
                    h.setSolution(len(start), np.arange(len(start), dtype=np.int32), start)
                raw: RawResult = engine.run(h, edited, kept=self._kept, start=start)
            else:
                # from the base's optimal basis, by the dual simplex (simplex_strategy 1):
                # fixing columns at 0 keeps it dual feasible; freeing rows keeps it primal
                # feasible, but HiGHS's primal simplex took 10-40 times as long there
                # (split-lp 100,000 offers: 1.1-2.1 s dual against 30+ s primal, the base
                # 6.4 s; benchmarks/README.md)
                h.setOptionValue("simplex_strategy", 1)
                h.setBasis(self._basis)
                raw = engine.run(h, p)
        finally:
            h.changeRowsBounds(len(rows), rows, p.row_lo[rows], p.row_hi[rows])
            h.changeColsBounds(len(cols), cols, p.col_lo[cols], p.col_hi[cols])
        return _mapped(raw, edit.program, edit.columns)

    def _partial(self, edited: Program) -> np.ndarray | None:
        """The base award's integer columns within `edited`'s bounds, the others not given.

        A start for an edit the base award breaks (a supplier fixed out): HiGHS completes it by
        an LP over the continuous columns, e.g. the failed supplier's volume moved to the
        suppliers the base already opened.
        """
        return None if self.base_x is None else integer_part(edited, np.round(self.base_x))


def _consistent(raw: RawResult, program: Program) -> bool:
    """Whether a result's point has the objective it reports (within 1e-9 relative)."""
    if raw.x is None or raw.objective is None:
        return True
    value = float(program.solver_objective() @ raw.x + program.offset)
    return abs(value - raw.objective) <= 1e-9 * max(1.0, abs(value), abs(raw.objective))


def _mapped(raw: RawResult, program: Program, columns: np.ndarray) -> RawResult:
    """A result of the base program's instance as a result of the edited `program`."""
    if raw.x is None:
        return replace(raw, duals=None)
    x = raw.x[columns]
    objective = float(program.solver_objective() @ x + program.offset)
    if raw.status is not Status.OPTIMAL:
        return replace(raw, x=x, objective=objective, duals=None)
    if program.is_mip and raw.bound is not None:  # the edited base's bound holds for it
        bound = min(raw.bound, objective)
        return replace(
            raw,
            x=x,
            objective=objective,
            gap=relative_gap(objective, bound),
            bound=bound,
            duals=None,
        )
    return replace(raw, x=x, objective=objective, bound=objective, gap=0.0, duals=None)


class Progress:
    """What an analysis reports as each figure is done: ``done(n)``: n more of ``total``.

    The CLI's progress bar and the service's job progress subclass it (``on_done``).
    """

    def __init__(self, total: int = 0) -> None:
        self.total = total
        self.finished = 0

    def done(self, n: int = 1) -> None:
        """Count `n` more figures done."""
        self.finished += n
        self.on_done()

    def on_done(self) -> None:
        """Called after each count (here: nothing)."""


def is_final(result: SolveResult | None) -> bool:
    """Whether a re-solve's figure is final: proven (optimal, infeasible or unbounded)."""
    return result is not None and result.status in PROVEN
