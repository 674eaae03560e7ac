"""``compare --jobs N``: variants solved as ``solve`` jobs on the supervised pool, at once.

The calling process solves its own share of the variants (the first of
:func:`~sourceopt.analysis.parallel.chunks`); every other variant is one ``solve`` job (not
diagnosed: a comparison names no conflict) run on one of ``jobs - 1`` worker processes of
the batch's supervised pool (same memory cap, watchdog and crash handling), or on a Dask
cluster. Each job's result contract is read back as a :class:`~sourceopt.result.SolveResult`
(its document, verified in the worker against the variant's scenario); a job whose worker
crashed or overran is a result of status ``error`` naming the reason, never a failed
comparison; one the comparison's budget left unstarted is ``no_solution`` (limit
``time_limit``), as in the calling process.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sourceopt.analysis.parallel import Chunks, chunks, failed_result
from sourceopt.result import ResultDocument, SolveResult
from sourceopt.scenario.model import Scenario


class RemoteVariants:
    """The variants other than this process' share, solved on worker processes (module text)."""

    def __init__(
        self,
        scenario: Scenario,
        names: Sequence[str],
        jobs: int,
        options: Mapping[str, Any],
        executor: str = "local",
        scheduler: str | None = None,
        deadline: float | None = None,
    ) -> None:
        parts = chunks(list(names), jobs)
        self.local = parts[0]
        self.scenario = scenario
        remote = [[n] for part in parts[1:] for n in part]
        given = {**options, "diagnose": False}
        self._chunks = Chunks(
            scenario, "solve", "variant", remote, given,
            executor=executor, scheduler=scheduler, single=True, width=jobs - 1,
            deadline=deadline,
        )  # fmt: skip

    def start(self) -> None:
        """Start solving the remote variants (in the background)."""
        self._chunks.start()

    def results(self) -> dict[str, SolveResult]:
        """Wait for every remote variant: its result (status ``error`` if its job failed)."""
        out = {}
        for part, payload in self._chunks.results():
            name = part[0]
            if isinstance(payload, dict):
                out[name] = SolveResult(ResultDocument.model_validate(payload))
            else:
                out[name] = failed_result(self.scenario, payload, variant=name)
        return out
