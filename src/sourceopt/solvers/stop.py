"""Stopping a solve from another thread: what lets two questions race.

A :class:`Stop` is handed the code a thread runs (:meth:`Stop.run`); every HiGHS run that
code starts (through :func:`.highs_threads.run`) watches it, and :meth:`Stop.set`, from any
other thread, interrupts the run under way and every later one at once. HiGHS then reports
``kInterrupt``: a limit, never a proof. Backends that honour it declare
``Capabilities.stoppable``; the others run to their end.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, TypeVar

T = TypeVar("T")

_CURRENT: ContextVar[Stop | None] = ContextVar("sourceopt_stop", default=None)


class Stop:
    """A signal that interrupts the solves started under it (see the module text)."""

    def __init__(self) -> None:
        self._event = threading.Event()

    @property
    def is_set(self) -> bool:
        """Whether :meth:`set` was called."""
        return self._event.is_set()

    def set(self) -> None:
        """Interrupt the run under way, and every run started under this signal from now."""
        self._event.set()

    def run(self, fn: Callable[[], T]) -> T:
        """``fn()`` with this signal watched by every HiGHS run it starts (in this thread)."""
        token = _CURRENT.set(self)
        try:
            return fn()
        finally:
            _CURRENT.reset(token)

    @contextmanager
    def watching(self, h: Any) -> Iterator[None]:
        """While the block runs `h`, :meth:`set` interrupts it (at once if already set).

        HiGHS asks its interrupt callbacks (simplex, interior point, MIP) at intervals; the
        one subscribed here says "stop" once the signal is set. It is unsubscribed after the
        block, so the instance runs unwatched again.
        """
        event = self._event

        def interrupt(e: Any) -> None:
            if event.is_set():
                e.interrupt()

        hooks = (h.cbSimplexInterrupt, h.cbIpmInterrupt, h.cbMipInterrupt)
        for hook in hooks:
            hook.subscribe(interrupt)
        try:
            yield
        finally:
            for hook in hooks:
                hook.unsubscribe(interrupt)


def current() -> Stop | None:
    """The signal the calling thread's solves watch, if any."""
    return _CURRENT.get()
