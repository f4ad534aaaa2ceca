"""Index kind → index (the ``MATCHER_INDEX`` setting): exact search while it is fast, HNSW above a size.

Measured on the 2-core dev machine with the real MiniLM vectors of the 100k synthetic store and 200 real free-text
query embeddings, one query at a time on one thread (``python -m benchmarks.index_scale``); k=200 is the candidate
depth of a request, which searches two indexes (partner descriptions and past projects)::

    vectors   Flat ms (k=200)   HNSW ms (k=200)   HNSW ms (k=10)   HNSW recall@10   efSearch   build s
      5000         0.55              0.18              0.06             0.990            64          1
     10000         1.09              0.20              0.07             0.985            64          1
     20000         2.22              0.26              0.08             0.979            64          3
     50000         6.00              0.49              0.16             0.960            64         14
    100000        11.52              0.60              0.21             0.954            64         39

Exact search costs ~0.11 ms per 1,000 vectors at that depth, so at :data:`AUTO_THRESHOLD` (10k) the two searches
of a request take ~2 ms of its 10 ms budget; above it ``auto`` switches to HNSW (:class:`HnswIndex`: ``m=32``,
``efConstruction=400``, 4-bit storage, ``efSearch`` tuned at build), which stays under 1 ms up to 1M vectors.
Catalogues of today's size (thousands of partners) keep exact search and its perfect recall.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Literal, get_args

import numpy as np

from matcher.index.base import VectorIndex
from matcher.index.faiss_index import FaissIndex
from matcher.index.hnsw import DEFAULT_STORAGE, HnswIndex, Storage

IndexSetting = Literal["auto", "flat", "hnsw"]
IndexKind = Literal["flat", "hnsw"]
INDEX_SETTINGS: tuple[str, ...] = get_args(IndexSetting)
#: ``auto`` uses exact search up to this many vectors and HNSW above (down again only below half of it).
AUTO_THRESHOLD = 10_000


def kind_of(index: VectorIndex) -> IndexKind:
    return "hnsw" if isinstance(index, HnswIndex) else "flat"


def choose_kind(
    setting: IndexSetting, n: int, *, current: IndexKind | None = None, threshold: int = AUTO_THRESHOLD
) -> IndexKind:
    """The kind of index for ``n`` vectors. ``auto`` has hysteresis: an HNSW index stays HNSW until ``n`` falls
    below half the threshold, so a catalogue hovering around the threshold is not rebuilt back and forth."""
    if setting not in INDEX_SETTINGS:
        raise ValueError(f"Unknown index setting {setting!r}; use one of: {', '.join(INDEX_SETTINGS)}.")
    if setting != "auto":
        return setting
    if current == "hnsw":
        return "hnsw" if n >= threshold // 2 else "flat"
    return "hnsw" if n > threshold else "flat"


def create_index(
    kind: IndexKind, dim: int, *, threads: int | None = None, storage: Storage = DEFAULT_STORAGE
) -> VectorIndex:
    """An empty index of ``kind`` (``storage``: how an HNSW graph keeps its copy of the vectors)."""
    if kind == "flat":
        return FaissIndex(dim)
    if kind == "hnsw":
        return HnswIndex(dim, threads=threads, storage=storage)
    raise ValueError(f"Unknown index kind {kind!r}; use 'flat' or 'hnsw'.")


def build_index(
    ids: Sequence[str],
    vectors: np.ndarray,
    *,
    dim: int | None = None,
    setting: IndexSetting = "auto",
    threshold: int = AUTO_THRESHOLD,
    threads: int | None = None,
    storage: Storage = DEFAULT_STORAGE,
) -> VectorIndex:
    """An index holding ``ids`` and ``vectors``, of the kind ``setting`` picks for their number; an HNSW index
    (its vectors kept as ``storage``) has its ``efSearch`` tuned and its recall@10 measured."""
    dim = dim or int(np.asarray(vectors).reshape(len(ids), -1).shape[1])
    kind = choose_kind(setting, len(ids), threshold=threshold)
    if kind == "hnsw":
        return HnswIndex(dim, threads=threads, storage=storage).build(ids, vectors)
    index = FaissIndex(dim)
    index.add(ids, vectors)
    return index


def load_index(path: Path, *, threads: int | None = None) -> VectorIndex:
    """Load an index saved by either implementation (its ``.ids.json`` says which)."""
    meta_path = path.with_suffix(".ids.json")
    kind = json.loads(meta_path.read_text()).get("class", "flat")
    if kind == "hnsw":
        return HnswIndex.load(path, threads=threads)
    if kind == "flat":
        return FaissIndex.load(path)
    raise ValueError(f"{meta_path} names an unknown index class {kind!r}: delete the index folder to rebuild it")
