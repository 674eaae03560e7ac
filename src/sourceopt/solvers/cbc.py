"""CBC through PuLP: an alternative LP/MIP backend (duals for pure LPs).

Hand-off. PuLP has no matrix interface, so the program becomes PuLP objects: one variable per
column, one ``LpAffineExpression`` per CSR row built from a ``(variable, coefficient)`` list
(no expression arithmetic), then PuLP writes an MPS file and runs its bundled ``cbc`` binary.
Measured at 5,000 columns x 2,000 rows x ~50,000 nonzeros (an LP): building the PuLP model
0.07 s, PuLP's MPS writer 0.09 s, reading the solution back 0.01 s, so about 0.17 s of
hand-off against 1.7 s of CBC itself. Writing the MPS file straight from the CSR arrays and
calling the binary directly took 0.03-0.05 s instead; the 0.1-0.15 s saved is under a tenth
of CBC's own time, so this adapter stays on PuLP's public model API and its tested MPS
writer and solution reader. Ranged rows become two PuLP constraints (their duals are summed);
free rows are dropped.

Honesty. PuLP reads CBC's solution file, whose first line separates optimal, infeasible,
unbounded, "stopped with a solution" and "stopped without one". CBC's best bound is not in
that file; it is read from CBC's log (``Lower bound:``), written to a temporary file so CBC
never writes to stdout. When CBC proves optimality it prints no bound; its stopping rule
then guarantees ``bound >= objective - max(1e-9, mip_gap * |objective|)``, which is what is
reported. A stopped run whose log has no bound reports ``bound=None`` and ``gap=None``.

Options: ``gapRel`` (``ratio``), ``gapAbs=1e-9``, ``sec`` with wall-clock ``timeMode``,
``randomCbcSeed``/``randomSeed`` set to ``seed + 1`` (CBC reads 0 as "seed from the clock"),
and ``threads`` as ``100 + n`` when ``n > 1`` (CBC's deterministic parallel mode; the
bundled binary may be built without threads, in which case CBC runs serially). ``time_s``
covers PuLP's solve call: MPS write, CBC, solution read.

MIP starts (:meth:`CbcBackend.solve_from`). The start is set on the PuLP variables
(``setInitialValue``) and PuLP's ``warmStart=True`` writes it as a ``.mst`` file that CBC
reads with ``-mips``: CBC fixes the integer columns at the start's values, solves the LP over
the continuous ones and, if that is feasible, takes it as its first incumbent (its log:
``MIPStart provided solution with cost ...``). Otherwise it logs ``mipstart values could not
be used to build a solution`` and goes on; CBC 2.10.5 was seen to return a wrong optimum after
that (coin-or/Cbc#449), so a start CBC rejected, or a run that ended without an award although
the start was used (coin-or/Cbc#282), is solved again without the start: the start changes
the speed only, never the answer. (When CBC's preprocessing solves the program outright it
never looks at the start: ``extra["start"]`` is then ``not_used`` and the answer stands.)
"""

from __future__ import annotations

import math
import re
import subprocess
import tempfile
import time
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from sourceopt.errors import BackendError
from sourceopt.solvers.base import (
    SOLVER_ABS_GAP,
    START,
    Capabilities,
    Limit,
    RawResult,
    SolveOptions,
    StartUse,
    Status,
    relative_gap,
    solved_from,
)

if TYPE_CHECKING:
    from sourceopt.formulation.program import Program

_LIMIT_WORDS = (
    ("time", Limit.TIME_LIMIT),
    ("node", Limit.NODE_LIMIT),
    ("iteration", Limit.ITERATION_LIMIT),
    ("solution", Limit.SOLUTION_LIMIT),
)
_SEED_MOD = 2**31 - 2


def _bound(value: float) -> float | None:
    """A PuLP bound: None for an infinite one."""
    return value if math.isfinite(value) else None


def _log_value(log: str, key: str) -> float | None:
    """The number after ``key`` on a line of CBC's final summary, if CBC printed one."""
    match = re.search(rf"^{re.escape(key)}\s+(\S+)", log, flags=re.MULTILINE)
    if match is None:
        return None
    try:
        return float(match.group(1))
    except ValueError:
        return None


def _log_limit(log: str) -> Limit:
    """Which limit CBC's ``Result - Stopped on ...`` line names."""
    match = re.search(r"^Result - Stopped on (.*)$", log, flags=re.MULTILINE)
    text = match.group(1).lower() if match else ""
    for word, limit in _LIMIT_WORDS:
        if word in text:
            return limit
    return Limit.TIME_LIMIT if "time" in log.lower() else Limit.LIMIT


def _log_result(log: str) -> str:
    """CBC's own one-line verdict (``Result - ...``), if its log has one."""
    match = re.search(r"^Result - (.*)$", log, flags=re.MULTILINE)
    return match.group(1).strip() if match else ""


def _start_use(log: str) -> StartUse:
    """What CBC's log says it did with the ``-mips`` start."""
    if "MIPStart provided solution with cost" in log:
        return StartUse.USED
    lower = log.lower()
    if "mipstart values could not be used" in lower or "mipstart solution is not valid" in lower:
        return StartUse.REJECTED
    return StartUse.NOT_USED


def _is_feasible(program: Program, x: np.ndarray, tol: float = 1e-6) -> bool:
    """Whether x satisfies the rows and bounds within a relative tolerance."""
    act = program.A @ x
    row_tol = tol * np.maximum(1.0, np.abs(act))
    col_tol = tol * np.maximum(1.0, np.abs(x))
    return bool(
        np.all(act >= program.row_lo - row_tol)
        and np.all(act <= program.row_hi + row_tol)
        and np.all(x >= program.col_lo - col_tol)
        and np.all(x <= program.col_hi + col_tol)
    )


def _stopped(
    program: Program, x: np.ndarray, objective: float, log: str, text: str, common: dict[str, Any]
) -> RawResult:
    """A run CBC stopped at a limit with a point: FEASIBLE, with the log's bound if any."""
    limit = _log_limit(log)
    if not program.is_mip and not _is_feasible(program, x):  # an interrupted simplex point
        return RawResult(Status.NO_SOLUTION, message=text, limit=limit, **common)
    bound = _log_value(log, "Lower bound:")
    bound = None if bound is None else bound + program.offset
    gap = None if bound is None else relative_gap(objective, bound)
    return RawResult(
        Status.FEASIBLE,
        x=x,
        objective=objective,
        bound=bound,
        gap=gap,
        message=text,
        limit=limit,
        **common,
    )


class CbcBackend:
    """CBC through PuLP (LP and MIP, duals for LPs); stopped runs report CBC's bound."""

    name = "cbc"
    capabilities = Capabilities(mip=True, duals=True, iis=False)

    def __init__(self) -> None:
        import pulp

        self._pulp = pulp
        bundled = pulp.apis.coin_api.PULP_CBC_CMD.pulp_cbc_path
        probe = pulp.COIN_CMD(path=bundled, msg=False)
        if not probe.available():
            probe = pulp.COIN_CMD(msg=False)  # a cbc on PATH
        if not probe.available():
            raise BackendError(
                "backend 'cbc': PuLP is installed but no cbc binary can be run (neither the "
                "one bundled with PuLP nor one on PATH); install CBC (e.g. apt install "
                "coinor-cbc) or choose another backend"
            )
        self._path: str = probe.path
        self.version = f"pulp {pulp.__version__}, {self._cbc_version()}"

    def _cbc_version(self) -> str:
        """The CBC version the binary prints in its banner."""
        try:
            out = subprocess.run(
                [self._path, "-quit"],
                capture_output=True,
                stdin=subprocess.DEVNULL,
                timeout=30,
                check=False,
                text=True,
            ).stdout
        except (OSError, subprocess.SubprocessError):
            return "cbc (version unknown)"
        match = re.search(r"Version:\s*(\S+)", out)
        return f"cbc {match.group(1)}" if match else "cbc (version unknown)"

    def build(self, program: Program) -> tuple[Any, list[Any], list[tuple[int, Any]]]:
        """The PuLP model: variables, objective and rows (a ranged row gives two)."""
        pulp = self._pulp
        const = pulp.constants
        lp = pulp.LpProblem(program.name or "sourceopt", const.LpMinimize)
        cats = np.where(program.integrality, const.LpInteger, const.LpContinuous).tolist()
        xs = [
            lp.add_variable(f"x{j}", _bound(lo), _bound(hi), cat)
            for j, (lo, hi, cat) in enumerate(
                zip(program.col_lo.tolist(), program.col_hi.tolist(), cats, strict=True)
            )
        ]
        lp.setObjective(
            pulp.LpAffineExpression(list(zip(xs, program.solver_objective().tolist(), strict=True)))
        )
        a = program.A
        ptr, idx, val = a.indptr.tolist(), a.indices.tolist(), a.data.tolist()
        rows: list[tuple[int, Any]] = []
        for i, (lo, hi) in enumerate(
            zip(program.row_lo.tolist(), program.row_hi.tolist(), strict=True)
        ):
            expr = pulp.LpAffineExpression(
                [
                    (xs[j], v)
                    for j, v in zip(idx[ptr[i] : ptr[i + 1]], val[ptr[i] : ptr[i + 1]], strict=True)
                ]
            )
            if lo == hi:
                senses = [(const.LpConstraintEQ, lo)]
            else:
                senses = [(const.LpConstraintGE, lo), (const.LpConstraintLE, hi)]
            for k, (sense, rhs) in enumerate(senses):
                if math.isfinite(rhs):
                    con = pulp.LpConstraint(expr, sense, f"r{i}_{k}", rhs)
                    lp.addConstraint(con)
                    rows.append((i, con))
        return lp, xs, rows

    def _solver(self, options: SolveOptions, workdir: str, *, warm: bool = False) -> Any:
        seed = int(options.seed) % _SEED_MOD + 1
        threads = int(options.threads)
        solver = self._pulp.COIN_CMD(
            path=self._path,
            msg=False,
            timeLimit=options.time_limit,
            gapRel=float(options.mip_gap),
            gapAbs=SOLVER_ABS_GAP,
            threads=100 + threads if threads > 1 else None,
            options=[f"randomCbcSeed {seed}", f"randomSeed {seed}"],
            logPath=str(Path(workdir) / "cbc.log"),
            warmStart=warm,
        )
        solver.tmpDir = workdir
        return solver

    def solve(self, program: Program, options: SolveOptions) -> RawResult:
        """Solve with CBC and map PuLP's reading of CBC's status honestly."""
        return self._run(program, options, None)

    def solve_from(self, program: Program, options: SolveOptions, start: np.ndarray) -> RawResult:
        """Solve from a MIP start (module text); the answer is the one :meth:`solve` gives."""
        return solved_from(program, options, start, self._run, again_if_rejected=True)

    def _run(self, program: Program, options: SolveOptions, start: np.ndarray | None) -> RawResult:
        """One CBC run, from `start` when one is given (``extra["start"]`` says how it went)."""
        if program.n_cols == 0:
            return self._empty(program)
        lp, xs, rows = self.build(program)
        if start is not None:
            for var, value in zip(xs, start.tolist(), strict=True):
                var.setInitialValue(value, check=False)  # within its bounds (start_values)
        with tempfile.TemporaryDirectory(prefix="sourceopt-cbc-") as workdir:
            solver = self._solver(options, workdir, warm=start is not None)
            began = time.perf_counter()
            try:
                lp.solve(solver)
            except self._pulp.PulpSolverError as exc:
                elapsed = time.perf_counter() - began
                return RawResult(
                    Status.ERROR, self.name, self.version, elapsed, message=f"CBC: {exc}"
                )
            elapsed = time.perf_counter() - began
            log = (Path(workdir) / "cbc.log").read_text(errors="replace")
        raw = self._result(
            program, lp=lp, xs=xs, rows=rows, log=log, options=options, elapsed=elapsed
        )
        nodes = _log_value(log, "Enumerated nodes:")
        extra: dict[str, object] = {} if nodes is None else {"nodes": int(nodes)}
        if start is not None:
            extra[START] = _start_use(log)
        return replace(raw, extra={**raw.extra, **extra})

    def _result(
        self,
        program: Program,
        *,
        lp: Any,
        xs: list[Any],
        rows: list[tuple[int, Any]],
        log: str,
        options: SolveOptions,
        elapsed: float,
    ) -> RawResult:
        const = self._pulp.constants
        common: dict[str, Any] = {"backend": self.name, "version": self.version, "time_s": elapsed}
        status, sol = int(lp.status), int(lp.sol_status)
        text = f"CBC: {_log_result(log) or const.LpStatus.get(status, status)}"
        if status == const.LpStatusInfeasible:
            return RawResult(Status.INFEASIBLE, message=text, **common)
        if status == const.LpStatusUnbounded:
            return RawResult(Status.UNBOUNDED, message=text, **common)
        if sol == const.LpSolutionNoSolutionFound and status == const.LpStatusNotSolved:
            return RawResult(Status.NO_SOLUTION, message=text, limit=_log_limit(log), **common)
        if sol not in (const.LpSolutionOptimal, const.LpSolutionIntegerFeasible):
            return RawResult(Status.ERROR, message=f"{text} (PuLP status {status}/{sol})", **common)
        x = np.array([0.0 if v.varValue is None else v.varValue for v in xs], dtype=float)
        objective = float(program.solver_objective() @ x + program.offset)
        if sol == const.LpSolutionIntegerFeasible:
            return _stopped(program, x, objective, log, text, common)
        duals = None if program.is_mip else self._duals(program, rows)
        slack = (
            max(SOLVER_ABS_GAP, float(options.mip_gap) * abs(objective)) if program.is_mip else 0.0
        )
        return RawResult(
            Status.OPTIMAL,
            x=x,
            objective=objective,
            bound=objective - slack,
            gap=relative_gap(objective, objective - slack),
            duals=duals,
            message=text,
            **common,
        )

    @staticmethod
    def _duals(program: Program, rows: list[tuple[int, Any]]) -> np.ndarray | None:
        """Row duals (a ranged row's two PuLP constraints summed), if CBC wrote them."""
        duals = np.zeros(program.n_rows)
        for i, con in rows:
            if con.pi is None:
                return None
            duals[i] += float(con.pi)
        return duals

    def _empty(self, program: Program) -> RawResult:
        """A program without columns: feasible iff every row admits zero."""
        ok = bool(np.all((program.row_lo <= 0.0) & (program.row_hi >= 0.0)))
        common: dict[str, Any] = {"backend": self.name, "version": self.version, "time_s": 0.0}
        if not ok:
            return RawResult(Status.INFEASIBLE, message="a row excludes zero", **common)
        return RawResult(
            Status.OPTIMAL,
            x=np.zeros(0),
            objective=program.offset,
            bound=program.offset,
            gap=0.0,
            duals=np.zeros(program.n_rows),
            **common,
        )
