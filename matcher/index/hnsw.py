"""Approximate search for big catalogues: FAISS HNSW with string ids and tombstone deletes.

The graph only steers a request to its candidates: a request asks for :data:`~matcher.index.base.SEARCH_DEPTH`
ids and scores them again exactly from the catalogue's vectors, so the graph's own copy of the vectors may be
coarse. It is kept with 4 bits a component by default (``sq4``: ``IndexHNSWSQ`` with ``QT_4bit``, each dimension's
range learned from the vectors the index is built with), a quarter of float16's memory (45 against 179 MB at 100k
partners): on the 100k store's partner vectors and 300 real free-text queries, the true top-10 is among the 200 ids
returned for 98.9 % of it, against 98.5 % with float16 (docs/performance.md). ``fp16`` (``QT_fp16``), ``sq8``
(``QT_8bit``) and ``flat`` (float32) keep finer copies, for a search that ranks by the index's own scores.

FAISS's HNSW graph cannot remove vectors. Removing (or replacing) an id therefore marks its slot dead: searches
pass FAISS a bitmap of the live slots (``IDSelectorBitmap``), so dead vectors still route the graph walk but are
never returned, and results stay exact in count. When dead slots pass :attr:`HnswIndex.compact_at` of the graph,
the next write rebuilds the graph from the live vectors (read back from the index itself) and measures the recall
again. Recall@10 against exact search is measured when the graph is built (:meth:`HnswIndex.build`) and kept on
the index and in its saved metadata.
"""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Sequence
from functools import partial
from pathlib import Path
from typing import Any, Literal, get_args

import numpy as np

from matcher.index.base import SEARCH_DEPTH
from matcher.index.faiss_index import atomic_write, faiss_module, set_search_threads
from matcher.index.recall import RecallProbe

#: efSearch values tried by :meth:`HnswIndex.tune`, smallest first. Never below 64: on small indexes a lower beam
#: saves microseconds and loses recall on real queries (20k vectors: 0.943 at efSearch 32).
EF_SEARCH_STEPS: tuple[int, ...] = (64, 96, 128, 192, 256, 384, 512, 768, 1024)

#: How the graph keeps its copy of the vectors: 4 bits, one byte or two bytes (float16) a component, or float32.
Storage = Literal["sq4", "sq8", "fp16", "flat"]
STORAGES: tuple[str, ...] = get_args(Storage)
#: The storage of a new index unless the settings say otherwise (``MATCHER_INDEX_STORAGE``; see the module docstring).
DEFAULT_STORAGE: Storage = "sq4"
#: FAISS's scalar quantizer and the kind's suffix of each storage (``flat``: no quantizer, ``IndexHNSWFlat``)
_QUANTIZERS: dict[str, tuple[str, str]] = {"sq4": ("QT_4bit", ",SQ4"), "sq8": ("QT_8bit", ",SQ8"),
                                           "fp16": ("QT_fp16", ",SQfp16")}  # fmt: skip


#: Vectors read and added to a graph at a time (:meth:`HnswIndex.add`): 59 MB of float32 at 896 dimensions.
ADD_CHUNK = 16_384


def extremes(vectors: np.ndarray, dim: int) -> np.ndarray:
    """Two rows: each dimension's minimum and maximum over ``vectors`` (read :data:`ADD_CHUNK` rows at a time).

    A scalar quantizer learns its ranges from a training set's minimum and maximum per dimension (FAISS's
    ``RS_minmax``, its default, with no margin), so these two rows train it exactly as every vector would
    (``tests/index/test_factory.py``)."""
    low = np.full(dim, np.inf, dtype=np.float32)
    high = np.full(dim, -np.inf, dtype=np.float32)
    for first in range(0, len(vectors), ADD_CHUNK):
        chunk = np.asarray(vectors[first : first + ADD_CHUNK], dtype=np.float32).reshape(-1, dim)
        np.minimum(low, chunk.min(axis=0), out=low)
        np.maximum(high, chunk.max(axis=0), out=high)
    return np.stack([low, high])


class HnswIndex:
    """HNSW over unit vectors (inner product), ids are strings; see the module docstring for deletes.

    ``m`` links per node and ``ef_construction`` are build-time parameters; ``ef_search`` is the search beam (FAISS
    uses ``max(ef_search, k)``); ``storage`` is how the graph keeps the vectors (:data:`STORAGES`); ``depth`` is how
    many ids the searches that matter ask for, at which the build measures recall@10 and tunes ``ef_search``.
    ``threads`` bounds the OpenMP threads of builds and batch searches (default: all cores); a single query always
    runs on one thread, which is faster on a busy 2-core machine.
    """

    compact_at = 0.2

    def __init__(
        self,
        dim: int,
        *,
        m: int = 32,
        ef_construction: int = 400,
        ef_search: int = 64,
        storage: Storage = DEFAULT_STORAGE,
        depth: int = SEARCH_DEPTH,
        threads: int | None = None,
    ) -> None:
        if storage not in STORAGES:
            raise ValueError(f"HnswIndex storage must be one of {', '.join(STORAGES)}; got {storage!r}")
        self.dim = dim
        self.m = m
        self.ef_construction = ef_construction
        self.ef_search = ef_search
        self.storage = storage
        self.depth = depth
        self.threads = threads
        self.kind = f"faiss:HNSW{m}" + (_QUANTIZERS[storage][1] if storage in _QUANTIZERS else "")
        self.recall_at_10: float | None = None
        self._lock = threading.RLock()
        self._reset()

    def _reset(self, ranges: np.ndarray | None = None) -> None:
        """An empty graph; ``ranges``: the ranges its scalar quantizer keeps instead of learning them from the first
        vectors added."""
        faiss = faiss_module()
        if self.storage in _QUANTIZERS:
            quantizer = getattr(faiss.ScalarQuantizer, _QUANTIZERS[self.storage][0])
            self._index = faiss.IndexHNSWSQ(self.dim, quantizer, self.m, faiss.METRIC_INNER_PRODUCT)
            if ranges is not None:
                storage = faiss.downcast_index(self._index.storage)
                faiss.copy_array_to_vector(ranges, storage.sq.trained)
                storage.is_trained = self._index.is_trained = True
        else:
            self._index = faiss.IndexHNSWFlat(self.dim, self.m, faiss.METRIC_INNER_PRODUCT)
        self._index.hnsw.efConstruction = self.ef_construction
        self._labels: list[str | None] = []  # slot -> id, None for a dead slot
        self._key_of: dict[str, int] = {}
        self._live = np.zeros(0, dtype=bool)
        self._selector: Any = None  # (bitmap, IDSelectorBitmap) while some slot is dead

    # -- reading --------------------------------------------------------------------------------------------------
    def count(self) -> int:
        return len(self._key_of)

    def nbytes(self) -> dict[str, int]:
        """The graph's copy of the vectors (live and dead slots) and its links (4 bytes each, every level)."""
        with self._lock:
            storage = faiss_module().downcast_index(self._index.storage)
            hnsw = self._index.hnsw
            links = hnsw.neighbors.size() * 4 + hnsw.levels.size() * 4 + hnsw.offsets.size() * 8
            return {"vectors": int(storage.ntotal) * int(storage.code_size), "graph": int(links)}

    def ids(self) -> list[str]:
        with self._lock:
            return list(self._key_of)

    @property
    def tombstones(self) -> int:
        return len(self._labels) - len(self._key_of)

    def search(self, queries: np.ndarray, k: int) -> tuple[np.ndarray, list[list[str]]]:
        faiss = faiss_module()
        queries = np.ascontiguousarray(queries, dtype=np.float32).reshape(-1, self.dim)
        with self._lock:
            k = max(0, min(k, self.count()))
            if k == 0:
                return np.zeros((len(queries), 0), dtype=np.float32), [[] for _ in range(len(queries))]
            params = faiss.SearchParametersHNSW()
            params.efSearch = max(self.ef_search, k)
            if self.tombstones:
                params.sel = self._live_selector()
            set_search_threads(len(queries), self.threads)
            scores, keys = self._index.search(queries, k, params=params)
            labels = self._labels
            ids = [[labels[key] for key in row.tolist() if key >= 0] for row in keys]
        width = max((len(row) for row in ids), default=0)
        return scores[:, :width], ids  # type: ignore[return-value]  # live slots only: never None

    def _live_selector(self) -> Any:
        if self._selector is None:
            faiss = faiss_module()
            bitmap = np.packbits(self._live, bitorder="little")
            # n is the bitmap's size in bytes; slot i is live when bit i % 8 of byte i // 8 is set
            self._selector = (bitmap, faiss.IDSelectorBitmap(len(bitmap), faiss.swig_ptr(bitmap)))
        return self._selector[1]

    # -- writing --------------------------------------------------------------------------------------------------
    def add(self, ids: Sequence[str], vectors: np.ndarray) -> None:
        """Add or replace ``ids``. ``vectors`` may be any rows that read as an array (``len``, slices): they are
        read and added :data:`ADD_CHUNK` at a time, so a build never holds a float32 copy of them all (3.6 GB of
        a 1M-partner ingest's peak). A new scalar quantizer learns each dimension's range (minimum and maximum)
        from every vector, read the same way."""
        if isinstance(vectors, np.ndarray):
            vectors = vectors.reshape(-1, self.dim)
        if len(ids) != len(vectors):
            raise ValueError(f"add() got {len(ids)} ids and {len(vectors)} vectors; they must match")
        if len(set(ids)) != len(ids):
            raise ValueError("add() got the same id twice; give each id once")
        with self._lock:
            self._bury([i for i in ids if i in self._key_of])
            start = len(self._labels)
            self._labels.extend(ids)
            self._key_of.update((item, start + n) for n, item in enumerate(ids))
            self._live = np.concatenate([self._live, np.ones(len(ids), dtype=bool)])
            self._selector = None
            if len(ids):
                if not self._index.is_trained:
                    self._index.train(extremes(vectors, self.dim))
                for first in range(0, len(ids), ADD_CHUNK):
                    chunk = np.ascontiguousarray(vectors[first : first + ADD_CHUNK], dtype=np.float32)
                    self._with_threads(partial(self._index.add, chunk.reshape(-1, self.dim)))
            self._compact_if_needed()

    def remove(self, ids: Sequence[str]) -> int:
        with self._lock:
            removed = self._bury(ids)
            self._compact_if_needed()
            return removed

    def _bury(self, ids: Sequence[str]) -> int:
        keys = [self._key_of.pop(i) for i in dict.fromkeys(ids) if i in self._key_of]
        for key in keys:
            self._labels[key] = None
        if keys:
            self._live[keys] = False
            self._selector = None
        return len(keys)

    def _compact_if_needed(self) -> None:
        if self.tombstones and self.tombstones > self.compact_at * len(self._labels):
            self.compact()

    def compact(self) -> None:
        """Rebuild the graph from the live vectors only (drops every tombstone) and measure the recall again.

        The vectors are read back from the graph's copy, so a quantized storage keeps the ranges it learned: the
        read-back vectors encode to the very same codes, where learning the ranges again from them would move
        about half of a 4-bit copy's codes at every compaction."""
        with self._lock:
            live = np.flatnonzero(self._live)
            vectors = self._index.storage.reconstruct_n(0, len(self._labels))[live] if len(live) else None
            ids = [self._labels[key] for key in live.tolist()]
            self._reset(self._trained_ranges())
            if vectors is not None:
                self.build([str(i) for i in ids], vectors)

    def _trained_ranges(self) -> np.ndarray | None:
        """The ranges a trained scalar quantizer learned (None for float32 storage or before any vector)."""
        if self.storage not in _QUANTIZERS or not self._index.is_trained:
            return None
        faiss = faiss_module()
        return faiss.vector_to_array(faiss.downcast_index(self._index.storage).sq.trained).copy()

    def build(self, ids: Sequence[str], vectors: np.ndarray, *, target_recall: float = 0.98) -> HnswIndex:
        """Add ``ids`` and ``vectors``, then pick ``ef_search`` (:meth:`tune`) and record ``recall_at_10``."""
        self.add(ids, vectors)
        self.tune(ids, vectors, target_recall=target_recall)
        return self

    def tune(self, ids: Sequence[str], vectors: np.ndarray, *, target_recall: float = 0.98) -> float:
        """Smallest ``ef_search`` of :data:`EF_SEARCH_STEPS` whose recall@10 at ``depth`` on synthetic queries built
        from the indexed vectors (:func:`~matcher.index.recall.estimate_recall`) reaches ``target_recall``; sets it
        and ``recall_at_10``, returns the recall (of the largest step when none reaches the target). FAISS searches
        with ``max(ef_search, depth)``, so the steps below ``depth`` measure the same search.

        Real free-text queries are harder than the synthetic ones (they come from another region of the space),
        so the estimate runs high: at 1M vectors, efSearch 384 gave 0.985 on synthetic queries and 0.966 on held-out
        free-text queries (efSearch 256: 0.976 and 0.954); at 100k, efSearch 128 gave 0.993 and 0.978. A target of
        0.98 on synthetic queries keeps real queries above 0.95 at both sizes.
        """
        with self._lock:
            recall = 1.0
            probe = RecallProbe.of(ids, vectors)  # the exact answers, searched once for every beam
            for ef in EF_SEARCH_STEPS:
                self.ef_search = ef
                recall = probe.recall(self, self.depth)
                if recall >= target_recall:
                    break
            self.recall_at_10 = round(recall, 4)
            return recall

    def _with_threads(self, work: Any) -> None:
        faiss = faiss_module()
        faiss.omp_set_num_threads(self.threads or os.cpu_count() or 1)
        try:
            work()
        finally:
            faiss.omp_set_num_threads(1)

    # -- files ----------------------------------------------------------------------------------------------------
    def describe(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "vectors": self.count(),
            "recall_at_10": self.recall_at_10,
            "ef_search": self.ef_search,
            "ef_construction": self.ef_construction,
            "storage": self.storage,
            "depth": self.depth,
            "tombstones": self.tombstones,
        }

    def save(self, path: Path) -> None:
        """Write the index and its ids; searches wait only while it is copied in memory, not for the disk."""
        faiss = faiss_module()
        with self._lock:
            blob = faiss.serialize_index(self._index)
            meta = {
                "class": "hnsw",
                "dim": self.dim,
                "m": self.m,
                "ef_construction": self.ef_construction,
                "ef_search": self.ef_search,
                "storage": self.storage,
                "depth": self.depth,
                "recall_at_10": self.recall_at_10,
                "labels": list(self._labels),
            }
        atomic_write(path, blob.tofile)
        atomic_write(path.with_suffix(".ids.json"), lambda tmp: Path(tmp).write_text(json.dumps(meta)))

    @classmethod
    def load(cls, path: Path, *, threads: int | None = None) -> HnswIndex:
        faiss = faiss_module()
        meta = json.loads(path.with_suffix(".ids.json").read_text())
        index = cls(
            int(meta["dim"]),
            m=int(meta["m"]),
            ef_construction=int(meta["ef_construction"]),
            ef_search=int(meta["ef_search"]),
            storage=meta.get("storage", "flat"),
            depth=int(meta.get("depth", 10)),  # saved before depths were: recall@10 was measured at 10
            threads=threads,
        )
        index._index = faiss.read_index(str(path))
        index._labels = [None if label is None else str(label) for label in meta["labels"]]
        index._key_of = {label: key for key, label in enumerate(index._labels) if label is not None}
        index._live = np.array([label is not None for label in index._labels], dtype=bool)
        index.recall_at_10 = meta.get("recall_at_10")
        if index._index.ntotal != len(index._labels):
            raise ValueError(
                f"{path} holds {index._index.ntotal} vectors but {len(index._labels)} slots: rebuild the index"
            )
        return index
