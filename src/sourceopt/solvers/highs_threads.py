"""HiGHS runs in one thread of a process, one after another, each with its own thread count.

HiGHS (1.16) sizes a thread scheduler for each calling thread at that thread's first run,
from the run's ``threads`` option; a later run in the same thread asking for another count
fails at once (status "Not Set": "the scheduler has already been initialized to use 1
threads"). So a batch worker or the service's worker that solved a scenario with
``threads: 1`` and is then handed one with ``threads: 2`` (or a script solving both) would
report an error for a scenario with nothing wrong in it. :func:`run` is how sourceopt runs a
HiGHS instance: where the calling thread's scheduler has another count (or was sized by a run
outside sourceopt) it is rebuilt for this one (``resetThreadScheduler``) first. Threads do
not share a scheduler, so solves in several threads (a portfolio's components) need nothing
more.
"""

from __future__ import annotations

import threading
from typing import Any

from sourceopt.solvers import stop

_SIZED = threading.local()  # .threads: the count this thread's scheduler was sized for here


def run(h: Any) -> None:
    """``h.run()`` with the calling thread's scheduler sized for `h` (module text).

    Under a :class:`~.stop.Stop` (:func:`.stop.current`) the run can be interrupted from
    another thread.
    """
    size_for(h)
    signal = stop.current()
    if signal is None:
        h.run()
        return
    with signal.watching(h):
        h.run()


def size_for(h: Any) -> None:
    """Size the calling thread's scheduler for `h`'s ``threads`` (before ``run``, ``getIis``)."""
    want = int(h.getOptionValue("threads")[1])
    if getattr(_SIZED, "threads", None) != want:
        type(h).resetThreadScheduler(True)
        _SIZED.threads = want
