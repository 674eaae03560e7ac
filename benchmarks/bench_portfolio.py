"""The ``portfolio`` family: the stacked monolithic solve and the decomposition, side by side.

One run loads the generated portfolio once (timed as ``load``), then solves it with
``method="monolithic"`` and with ``method="decomposed"`` (each timed end to end: build, solve,
map back, verify; the coordination figures, which solve every category alone for both
methods alike, are left out: ``independent=False``) and records both, their ratio, and
whether they agree (the same objective within the gap).
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from benchmarks.portfolio_gen import shape, write_portfolio
from benchmarks.registry import PORTFOLIO, RESULTS_DIR, Case

CACHE = RESULTS_DIR / "cache"


def portfolio_file(case: Case, seed: int = 0, cache: Path = CACHE) -> Path:
    """The case's portfolio.yaml (+ category files), generated once into results/cache."""
    n_cat, per = shape(int(case.size))
    folder = cache / f"portfolio-{n_cat}x{per}-s{seed}"
    path = folder / "portfolio.yaml"
    if not path.exists():
        write_portfolio(n_cat, per, folder, seed=seed)
    return path


def _run(portfolio: Any, method: str, time_limit: float) -> tuple[Any, float]:
    from sourceopt.portfolio import solve_portfolio

    start = time.perf_counter()
    result = solve_portfolio(portfolio, time_limit=time_limit, method=method, independent=False)
    return result, time.perf_counter() - start


def _summary(result: Any, seconds: float) -> dict[str, Any]:
    doc = result.document
    return {
        "seconds": seconds,
        "status": doc.status.value,
        "objective": doc.objective,
        "verified": bool(doc.verification is None or doc.verification.ok)
        and all(c.verification is not None and c.verification.ok for c in doc.categories),
        "goals_met": all(g.met for g in doc.goals),
        "solver_s": max((c.solver.time_s for c in doc.categories if c.solver), default=None),
    }


def run_portfolio_case(
    case: Case, *, time_limit: float | None = None, cache: Path = CACHE
) -> dict[str, Any]:
    """Load once, then both methods; the record of benchmarks/__main__.py."""
    from benchmarks.cases import peak_mb
    from sourceopt.portfolio import load_portfolio

    limit = time_limit if time_limit is not None else PORTFOLIO.time_limit
    path = portfolio_file(case, cache=cache)
    start = time.perf_counter()
    portfolio = load_portfolio(path)
    load_s = time.perf_counter() - start
    mono, mono_s = _run(portfolio, "monolithic", limit)
    deco, deco_s = _run(portfolio, "decomposed", limit)
    a, b = mono.document, deco.document
    same = (
        a.objective is not None
        and b.objective is not None
        and abs(a.objective - b.objective) <= 2e-6 * max(1.0, abs(a.objective))
    )
    total = load_s + mono_s
    return {
        "case": case.label,
        "family": case.family,
        "size": case.size,
        "phases": {
            "load": load_s,
            "build": 0.0,
            "handoff": 0.0,
            "solve": mono_s,
            "mapback": 0.0,
            "total": total,
        },
        "status": a.status.value,
        "objective": a.objective,
        "gap": None,
        "verified": _summary(mono, mono_s)["verified"],
        "peak_mb": peak_mb(),
        "decomposition": {
            "categories": len(portfolio.categories),
            "load_s": load_s,
            "monolithic": _summary(mono, mono_s),
            "decomposed": _summary(deco, deco_s),
            "ratio": mono_s / deco_s if deco_s > 0 else None,
            "same_objective": same,
        },
    }
