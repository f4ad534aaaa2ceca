"""FAISS implementation of :class:`~matcher.index.base.VectorIndex` (exact ``IndexFlatIP`` by default)."""

from __future__ import annotations

import json
import os
import tempfile
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np


def faiss_module() -> Any:
    """The faiss module, configured; a clear error when faiss-cpu is missing."""
    try:
        import faiss
    except ImportError as exc:  # pragma: no cover - install problem
        raise RuntimeError("FAISS is not available: install faiss-cpu (`make setup` does)") from exc
    faiss.cvar.distance_compute_blas_threshold = BLAS_FROM
    return faiss


#: Exact (flat) searches compute their distances with a BLAS matrix product once queries x dimensions reach this
#: (FAISS >= 1.15 compares ``nx * d``; its default, 128,000, waits for ~140 queries of 896 dimensions), else with
#: its SIMD loop. Measured on a Zen4 at 10k x 896 vectors, one thread, ms per query: one query 1.3-1.6 on the loop,
#: 4.4-4.9 through BLAS (the service's requests search one query at a time); 4 queries 1.0 (BLAS) against 1.5; 16-64
#: queries 0.22-0.40 against 1.4-1.6 (docs/performance.md). 2048: one query of up to 2,047 dimensions takes the
#: loop, batches of 3 or more of the service's 896 take BLAS.
BLAS_FROM = 2048


def set_search_threads(n_queries: int, threads: int | None = None) -> None:
    """OpenMP threads for a search in the calling thread (the setting is per thread): one for a few queries, where
    OpenMP's start-up and spinning cost more than they save (60x slower on a busy 2-core machine, measured), else
    ``threads`` (default: all cores)."""
    faiss_module().omp_set_num_threads(1 if n_queries < 16 else threads or os.cpu_count() or 1)


def atomic_write(path: Path, write: Any) -> None:
    """Write ``path`` through a temporary file in the same folder, fsync it, then rename it into place."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    os.close(fd)
    try:
        write(tmp)
        with open(tmp, "rb") as handle:
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


class FaissIndex:
    """String ids over a FAISS index wrapped in ``IndexIDMap2`` (so vectors can be removed and replaced).

    ``factory`` is a FAISS index-factory string without the metric; ``"Flat"`` is exact search (recall 1 by
    definition). Thread-safe: request threads may search while a writer adds and removes vectors (one lock around
    every operation).
    """

    recall_at_10: float | None = 1.0

    def __init__(self, dim: int, factory: str = "Flat") -> None:
        self.dim = dim
        self.factory = factory
        self.kind = f"faiss:{factory}"
        faiss = faiss_module()
        self._index = faiss.IndexIDMap2(faiss.index_factory(dim, factory, faiss.METRIC_INNER_PRODUCT))
        self._next = 0
        self._key_of: dict[str, int] = {}
        self._id_of: dict[int, str] = {}
        self._lock = threading.RLock()

    def count(self) -> int:
        return int(self._index.ntotal)

    def nbytes(self) -> dict[str, int]:
        """The vectors FAISS holds, and its id map (8 bytes a vector, and the reverse map's ~40)."""
        faiss = faiss_module()
        with self._lock:
            inner = faiss.downcast_index(self._index.index)
            n = int(self._index.ntotal)
            return {"vectors": n * int(inner.code_size), "ids": n * 48}

    def ids(self) -> list[str]:
        with self._lock:
            return list(self._key_of)

    def add(self, ids: Sequence[str], vectors: np.ndarray) -> None:
        vectors = np.ascontiguousarray(vectors, dtype=np.float32).reshape(-1, self.dim)
        if len(ids) != len(vectors):
            raise ValueError(f"add() got {len(ids)} ids and {len(vectors)} vectors; they must match")
        with self._lock:
            self._add(ids, vectors)

    def _add(self, ids: Sequence[str], vectors: np.ndarray) -> None:
        self._remove([i for i in ids if i in self._key_of])
        keys = np.arange(self._next, self._next + len(ids), dtype=np.int64)
        self._next += len(ids)
        for key, item in zip(keys.tolist(), ids, strict=True):
            self._key_of[item] = key
            self._id_of[key] = item
        if len(ids):
            self._index.add_with_ids(vectors, keys)

    def remove(self, ids: Sequence[str]) -> int:
        with self._lock:
            return self._remove(ids)

    def _remove(self, ids: Sequence[str]) -> int:
        keys = [self._key_of.pop(i) for i in ids if i in self._key_of]
        for key in keys:
            del self._id_of[key]
        if not keys:
            return 0
        return int(self._index.remove_ids(np.asarray(keys, dtype=np.int64)))

    def search(self, queries: np.ndarray, k: int) -> tuple[np.ndarray, list[list[str]]]:
        queries = np.ascontiguousarray(queries, dtype=np.float32).reshape(-1, self.dim)
        with self._lock:
            k = max(0, min(k, self.count()))
            if k == 0:
                return np.zeros((len(queries), 0), dtype=np.float32), [[] for _ in range(len(queries))]
            set_search_threads(len(queries))
            scores, keys = self._index.search(queries, k)
            id_of = self._id_of
            ids = [[id_of[key] for key in row if key >= 0] for row in keys.tolist()]
        return scores[:, : max(len(r) for r in ids)] if ids else scores, ids

    def describe(self) -> dict[str, Any]:
        return {"kind": self.kind, "vectors": self.count(), "recall_at_10": self.recall_at_10}

    def save(self, path: Path) -> None:
        """Write the index and its ids; searches wait only while it is copied in memory, not for the disk."""
        faiss = faiss_module()
        with self._lock:
            blob = faiss.serialize_index(self._index)
            meta = {"class": "flat", "dim": self.dim, "factory": self.factory, "next": self._next}
            meta["keys"] = dict(self._key_of)
        atomic_write(path, blob.tofile)
        atomic_write(path.with_suffix(".ids.json"), lambda tmp: Path(tmp).write_text(json.dumps(meta)))

    @classmethod
    def load(cls, path: Path) -> FaissIndex:
        faiss = faiss_module()
        meta = json.loads(path.with_suffix(".ids.json").read_text())
        index = cls(int(meta["dim"]), meta["factory"])
        index._index = faiss.read_index(str(path))
        index._next = int(meta["next"])
        index._key_of = {str(k): int(v) for k, v in meta["keys"].items()}
        index._id_of = {v: k for k, v in index._key_of.items()}
        if index.count() != len(index._key_of):
            raise ValueError(f"{path} holds {index.count()} vectors but {len(index._key_of)} ids: rebuild the index")
        return index
