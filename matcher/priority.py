"""Reads first: background work (a write, applying its delta) steps aside while requests are being answered.

CPython runs Python code on one thread at a time (the GIL), whatever the threads' OS priorities: a writer thread
made nicer (:func:`matcher.snapshot.background_thread`) still takes the GIL from a reader every few milliseconds,
and during a burst of writes on a 2-core machine it held it about half of the time (py-spy ``--gil``, 5k partners:
7 ms per membership write applying its delta, 3 ms committing it), which slowed the reads' tail 1.7x. So the
background work waits, at a few points between its steps, until no read runs, each piece of it at most
:attr:`ReadersFirst.patience` seconds in all (:class:`matcher.snapshot.SnapshotManager`: a write before it starts,
then its delta between its steps): under a steady stream of reads a write is late by at most twice that, it is never
starved, and reads are never blocked.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager


class ReadersFirst:
    """Counts the reads in progress (:meth:`reading`) and lets background work wait for a moment without any
    (:meth:`pauses`)."""

    def __init__(self, patience: float = 0.25) -> None:
        if patience < 0:
            raise ValueError(f"patience must be >= 0 seconds, got {patience}.")
        #: the most one piece of background work waits for reads, in all its pauses together (seconds)
        self.patience = patience
        self._reads = 0
        self._quiet = threading.Condition()

    @property
    def reads(self) -> int:
        """How many reads are in progress."""
        return self._reads

    @contextmanager
    def reading(self) -> Iterator[None]:
        """Mark the enclosed code as a read: background pauses wait for it to end."""
        with self._quiet:
            self._reads += 1
        try:
            yield
        finally:
            with self._quiet:
                self._reads -= 1
                if self._reads == 0:
                    self._quiet.notify_all()

    def pauses(self) -> Callable[[], float]:
        """A pause for one piece of background work (call it between its steps): each call waits while a read is
        in progress, all the calls of this pause together at most :attr:`patience` seconds; it returns the seconds
        it waited."""
        deadline = time.monotonic() + self.patience

        def pause() -> float:
            if self._reads == 0:
                return 0.0
            started = time.monotonic()
            with self._quiet:
                self._quiet.wait_for(lambda: self._reads == 0, timeout=max(0.0, deadline - started))
            return time.monotonic() - started

        return pause


def no_pause() -> float:
    """The pause of work that waits for nobody."""
    return 0.0
