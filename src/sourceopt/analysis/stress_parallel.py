"""A parallel stress: its suppliers shared with worker jobs (:mod:`sourceopt.analysis.parallel`).

The failures come back as the workers' ``stress`` results (a failed chunk: failed figures).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sourceopt.analysis.resolve import Progress
from sourceopt.scenario.model import Scenario
from sourceopt.solvers.base import RawResult, Status

if TYPE_CHECKING:
    from sourceopt.analysis.parallel import Chunks
    from sourceopt.analysis.stress import SupplierFailure


@dataclass(frozen=True)
class Share:
    """How a parallel stress shares its suppliers with worker jobs (:mod:`.parallel`)."""

    scenario: Scenario
    given: dict[str, Any]
    jobs: int
    executor: str
    scheduler: str | None
    deadline: float | None

    def start(self, names: list[str], base: RawResult | None) -> tuple[list[str], Chunks]:
        """The suppliers this process stresses itself, and the others' jobs started.

        `base`: a MIP base's raw result, handed to the workers (one queue of single
        suppliers on local workers); None: each worker solves its own base (chunks).
        """
        from sourceopt.analysis.parallel import Chunks, split

        own, parts, width = split(names, self.jobs, base is not None, self.executor)
        remote = Chunks(
            self.scenario, "stress", "suppliers", parts, self.given, executor=self.executor,
            scheduler=self.scheduler, deadline=self.deadline, base=base, width=width,
        )  # fmt: skip
        remote.start()
        return list(own), remote


def drawn(own: list[str], remote: Chunks) -> Iterator[str]:
    """The caller's figures: its own, then parts drawn from the queue shared with the workers."""
    yield from own
    while (part := remote.take()) is not None:
        yield from part


def collected(remote: Chunks, progress: Progress | None) -> tuple[list[SupplierFailure], bool]:
    """The failures stressed by the other chunks' workers (a failed chunk: failed figures)."""
    from sourceopt.analysis.parallel import failure_text
    from sourceopt.analysis.stress import SupplierFailure

    out, verified = [], True
    for part, payload in remote.results():
        if isinstance(payload, dict):
            for row in payload["suppliers"]:
                fields = {k: v for k, v in row.items() if k in SupplierFailure.__dataclass_fields__}
                fields["status_without"] = Status(row["status_without"])
                out.append(SupplierFailure(**fields))
                verified &= bool(row["verified"])
        else:
            why = failure_text(payload)
            out += [
                SupplierFailure(sid, None, None, None, Status.ERROR, why, final=False)
                for sid in part
            ]
        if progress is not None:
            progress.done(len(part))
    return out, verified
