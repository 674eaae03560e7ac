"""``price-to-win --jobs N``: the offers to price shared among the caller and N-1 workers.

The calling process solves the base once and lists the offers to price as the sequential run
does (:mod:`sourceopt.analysis.price_to_win`). On local workers every offer is a part of its
own in one queue that the caller and ``jobs - 1`` supervised worker processes draw from as
each is free (an offer takes a dozen re-solves or more: building the program once more per
offer costs little beside them); on a Dask cluster, round-robin chunks, the first the
caller's. Each worker runs one ``price-to-win-offers`` job
(:func:`~sourceopt.analysis.price_to_win.price_offers`, an internal job kind) given the base
solve's raw result, so that it prices against the very award the caller does, and returns
every figure of each offer; the output is in the sequential order. An offer whose worker
crashed or overran has no price (``method: "error"``, ``final: false``), never a failed
analysis.
"""

from __future__ import annotations

import time
from collections.abc import Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from sourceopt.analysis.parallel import NOT_STARTED, Chunks, chunks
from sourceopt.analysis.price_to_win import OfferToWin
from sourceopt.analysis.resolve import Progress
from sourceopt.scenario.model import Scenario

if TYPE_CHECKING:
    from sourceopt.analysis.price_to_win import _Pricer

SOLVES_PER_OFFER = 80
"""More re-solves than one offer takes (at most 50 parametric steps, a confirmation, then a
bisection: 20 halvings reach 1e-6): a worker's wall-clock cap without a budget is that many
per-solve limits per offer."""


def price_shared(
    scenario: Scenario,
    pricer: _Pricer,
    todo: Sequence[int],
    job: Mapping[str, Any],
    *,
    jobs: int,
    executor: str = "local",
    scheduler: str | None = None,
    deadline: float | None = None,
    progress: Progress | None = None,
) -> tuple[list[OfferToWin], bool]:
    """The offers `todo` priced by this process (`pricer`) and the workers, in `todo`'s order.

    `job` holds the options of each worker's job other than its offers (the variant, the
    solver settings, the tolerance). Also: whether every re-solve of the workers verified.
    `deadline`: the analysis' budget (each worker gets what is left of it; its watchdog too).
    """
    if executor == "local":
        own: list[int] = []
        parts, width = [[o] for o in todo], jobs - 1
    else:
        own, *parts = chunks(list(todo), jobs)
        width = None
    tolerance = float(job.get("tolerance") or 1e-6)
    given = dict(job)
    if deadline is not None:
        given["analysis_time_limit"] = max(deadline - time.monotonic(), 1e-3)
    remote = Chunks(
        scenario, "price-to-win-offers", "offers", parts, given, executor=executor,
        scheduler=scheduler, deadline=deadline, base=pricer.base.raw, width=width,
        solves=SOLVES_PER_OFFER,
    )  # fmt: skip
    remote.start()
    out: dict[int, OfferToWin] = {}
    for o in _drawn(own, remote):
        out[o] = pricer.offer(o, tolerance)
        if progress is not None:
            progress.done()
    verified = True
    for part, payload in remote.results():
        if isinstance(payload, dict):
            for o, row in zip(part, payload["offers"], strict=True):
                out[o] = OfferToWin(**row)
            verified &= bool(payload["verified"])
        else:  # not started (the budget was spent) as in this process, or failed
            method = "time_limit" if payload == NOT_STARTED else "error"
            for o in part:
                out[o] = pricer.failed(o, method)
        if progress is not None:
            progress.done(len(part))
    return [out[o] for o in todo], verified


def _drawn(own: list[int], remote: Chunks) -> Iterator[int]:
    """The offers priced here: its own, then parts drawn from the queue the workers share."""
    yield from own
    while (part := remote.take()) is not None:
        yield from part
