"""Index kind → index (the ``MATCHER_INDEX`` setting): exact search while it is fast, HNSW above a size.

Measured on the 2-core dev machine, 384-d MiniLM-like vectors, one query on one thread, k=200 (the candidate depth
of a request; ``python -m benchmarks.index_scale``)::

    vectors    Flat ms    HNSW32 ms   HNSW recall@10   HNSW build s
    ...filled in by the measurement, see docs/performance.md

Exact search costs ~0.04 ms per 1,000 vectors and a request searches two indexes (descriptions and past
projects), so at :data:`AUTO_THRESHOLD` vectors exact search spends ~1.6 ms of the 10 ms budget; above it ``auto``
switches to HNSW (``m=32``, ``efConstruction=128``, ``efSearch`` tuned at build for recall@10 >= 0.98).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Literal, get_args

import numpy as np

from matcher.index.base import VectorIndex
from matcher.index.faiss_index import FaissIndex
from matcher.index.hnsw import HnswIndex

IndexSetting = Literal["auto", "flat", "hnsw"]
IndexKind = Literal["flat", "hnsw"]
INDEX_SETTINGS: tuple[str, ...] = get_args(IndexSetting)
#: ``auto`` uses exact search up to this many vectors and HNSW above (down again only below half of it).
AUTO_THRESHOLD = 20_000


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


def create_index(kind: IndexKind, dim: int, *, threads: int | None = None) -> VectorIndex:
    """An empty index of ``kind``."""
    if kind == "flat":
        return FaissIndex(dim)
    if kind == "hnsw":
        return HnswIndex(dim, threads=threads)
    raise ValueError(f"Unknown index kind {kind!r}; use 'flat' or 'hnsw'.")


def build_index(
    ids: Sequence[str],
    vectors: np.ndarray,
    *,
    dim: int | None = None,
    setting: IndexSetting = "auto",
    threshold: int = AUTO_THRESHOLD,
    threads: int | None = None,
) -> VectorIndex:
    """An index holding ``ids`` and ``vectors``, of the kind ``setting`` picks for their number; an HNSW index
    has its ``efSearch`` tuned and its recall@10 measured."""
    dim = dim or int(np.asarray(vectors).reshape(len(ids), -1).shape[1])
    kind = choose_kind(setting, len(ids), threshold=threshold)
    if kind == "hnsw":
        return HnswIndex(dim, threads=threads).build(ids, vectors)
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
