"""Opportunistic batching of query embeddings across request threads.

A free-text request embeds one short text. Run one at a time, eight concurrent requests pay for eight inferences,
each of which already uses every core; batched, the eight texts cost little more than one (a transformer's cost per
text falls steeply with the batch on a CPU). :class:`CoalescingEmbedder` therefore lets the first caller run at
once, and the callers that arrive while an inference runs wait for it to end and then go through together as the next
batch. Nothing waits on a timer, so a lone request pays no extra latency; under load the batch grows by itself.

Large calls (bulk embedding at ingest) bypass the queue: they are already batches. So do the calls of a thread marked
with :func:`alone_in_this_thread`: a background thread that runs at a lower CPU priority than the requests (a write's
embedding, :meth:`matcher.snapshot.SnapshotManager.write`) must neither run a request's text in its batch (the
request would wait at that priority) nor put its text in a request's batch (the request would pay for it).
"""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Sequence

import numpy as np

from matcher.embedding.base import Embedder

_this_thread = threading.local()  # .alone: this thread's calls are never merged (alone_in_this_thread)


def alone_in_this_thread() -> None:
    """From now on, the calling thread's ``encode`` calls of every :class:`CoalescingEmbedder` go straight to the
    wrapped embedder, neither waiting in nor joining the queue of the other threads' calls."""
    _this_thread.alone = True


def alone() -> bool:
    """Whether the calling thread is marked with :func:`alone_in_this_thread`."""
    return bool(getattr(_this_thread, "alone", False))


class _Call:
    __slots__ = ("done", "error", "texts", "vectors")

    def __init__(self, texts: list[str]) -> None:
        self.texts = texts
        self.vectors: np.ndarray | None = None
        self.error: BaseException | None = None
        self.done = False


class CoalescingEmbedder:
    """An :class:`~matcher.embedding.base.Embedder` that merges small concurrent ``encode`` calls into one batch.

    Parameters
    ----------
    embedder:
        The embedder that runs the batches (its ``name`` and ``dim`` are this one's).
    max_texts:
        Calls with more texts than this go straight to ``embedder``; it is also the largest merged batch.

    Results are the same vectors the wrapped embedder gives for each text (up to the batch's padding, which the
    exported models mask out), in the caller's order. An error in a merged batch is raised in every caller of it.
    """

    def __init__(self, embedder: Embedder, *, max_texts: int = 32) -> None:
        if max_texts < 1:
            raise ValueError(f"max_texts must be >= 1, got {max_texts}.")
        self.embedder = embedder
        self.name = embedder.name
        self.dim = embedder.dim
        self.max_texts = max_texts
        self._condition = threading.Condition()
        self._queue: deque[_Call] = deque()
        self._running = False
        self.batches_run = 0  # merged batches so far (a counter for tests and diagnostics)
        self.calls_served = 0

    @property
    def waiting(self) -> int:
        """Calls queued behind the running batch (they will run merged)."""
        with self._condition:
            return len(self._queue)

    def encode(self, texts: Sequence[str], *, batch_size: int = 32, show_progress: bool = False) -> np.ndarray:
        if isinstance(texts, str):
            raise TypeError("encode() takes a sequence of texts, not a single string: wrap it as [text].")
        if len(texts) == 0 or len(texts) > self.max_texts or show_progress or alone():
            return self.embedder.encode(texts, batch_size=batch_size, show_progress=show_progress)
        call = _Call([str(t) for t in texts])
        with self._condition:
            self._queue.append(call)
            while not call.done:
                if self._running:
                    self._condition.wait()
                    continue
                batch = self._take()
                self._running = True
                self._condition.release()
                try:
                    self._run(batch)
                finally:
                    self._condition.acquire()
                    self._running = False
                    self._condition.notify_all()
        if call.error is not None:
            raise call.error
        assert call.vectors is not None
        return call.vectors

    def _take(self) -> list[_Call]:
        """The oldest waiting calls, up to ``max_texts`` texts (always at least one call)."""
        batch = [self._queue.popleft()]
        size = len(batch[0].texts)
        while self._queue and size + len(self._queue[0].texts) <= self.max_texts:
            call = self._queue.popleft()
            batch.append(call)
            size += len(call.texts)
        return batch

    def _run(self, batch: list[_Call]) -> None:
        texts = [text for call in batch for text in call.texts]
        try:
            vectors = self.embedder.encode(texts, batch_size=max(len(texts), 1))
        except BaseException as exc:  # every waiting caller must wake up and see it
            for call in batch:
                call.error, call.done = exc, True
            return
        start = 0
        for call in batch:
            call.vectors = vectors[start : start + len(call.texts)]
            call.done = True
            start += len(call.texts)
        self.batches_run += 1
        self.calls_served += len(batch)
