"""A bounded LRU of query vectors keyed by the normalised text: the web page sends the same text again whenever a
filter changes, and a repeated query should not pay for its embedding twice."""

from __future__ import annotations

import threading
import time
import unicodedata
from collections import OrderedDict
from collections.abc import Sequence

import numpy as np

from matcher.embedding.base import Embedder


def query_key(text: str) -> str:
    """The cache key of a query text: Unicode NFC, surrounding and repeated whitespace removed (case kept: some
    encoders are case-sensitive)."""
    return " ".join(unicodedata.normalize("NFC", text).split())


class QueryCacheEmbedder:
    """Wraps an embedder: query texts are served from an LRU of ``size`` vectors; ``hits`` and ``misses`` count
    texts looked up."""

    def __init__(self, embedder: Embedder, *, size: int = 1024, max_batch: int = 32) -> None:
        if size < 1:
            raise ValueError(f"the query cache needs a size of at least 1, got {size}")
        self.embedder = embedder
        self.name = embedder.name
        self.dim = embedder.dim
        self.size = size
        self.max_batch = max_batch
        self._vectors: OrderedDict[str, np.ndarray] = OrderedDict()
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0
        self.embedding_seconds = 0.0  # spent embedding the texts the cache did not have
        self.embedding_calls = 0

    def __len__(self) -> int:
        """How many query vectors the cache holds."""
        return len(self._vectors)

    def encode(self, texts: Sequence[str], *, batch_size: int = 32, show_progress: bool = False) -> np.ndarray:
        """Vectors of ``texts``: short lists (queries, alone or merged by the coalescing wrapper: at most
        ``max_batch``) are looked up first and only the missing texts embedded; longer lists (ingest) go straight
        through, so documents never crowd the queries out of the cache."""
        if len(texts) > self.max_batch:
            return self.embedder.encode(texts, batch_size=batch_size, show_progress=show_progress)
        keys = [query_key(t) for t in texts]
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        missing: dict[str, int] = {}
        with self._lock:
            for i, key in enumerate(keys):
                found = self._vectors.get(key)
                if found is None:
                    missing.setdefault(key, i)
                    self.misses += 1
                else:
                    self._vectors.move_to_end(key)
                    out[i] = found
                    self.hits += 1
        if missing:
            started = time.perf_counter()
            computed = np.asarray(
                self.embedder.encode([texts[i] for i in missing.values()], batch_size=batch_size), dtype=np.float32
            )
            with self._lock:
                self.embedding_seconds += time.perf_counter() - started
                self.embedding_calls += 1
                for key, vector in zip(missing, computed, strict=True):
                    self._vectors[key] = vector
                    self._vectors.move_to_end(key)
                while len(self._vectors) > self.size:
                    self._vectors.popitem(last=False)
            fresh = dict(zip(missing, computed, strict=True))
            for i, key in enumerate(keys):
                if key in fresh:
                    out[i] = fresh[key]
        return out
