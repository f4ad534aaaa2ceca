"""ANN at scale: the index ``MATCHER_INDEX=auto`` picks against exact ``IndexFlatIP`` on the same vectors.

The vectors are real MiniLM embeddings (the partner and project texts of the 100k synthetic store, ~120k vectors)
extended to the wanted size: each extra vector is ``normalise(x_i + a * x_j + noise)`` for random stored vectors
``x_i``, ``x_j``, ``a ~ U(0, 0.5)`` and isotropic noise of norm 0.2. That keeps the data on the embedding manifold
(same anisotropy and neighbourhood scale as real text vectors, neighbours of a vector are other texts of its topic)
while filling it more densely, as a bigger directory would; pure random vectors would be far easier to fool (no
structure) and near-copies far easier to search (trivial neighbours). Queries are real embeddings of free-text
collaborator queries that are not in the data.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from benchmarks.synthetic import query_texts
from matcher.index.factory import build_index, kind_of
from matcher.index.faiss_index import FaissIndex
from matcher.index.recall import recall_at_k


def stored_vectors(home: Path, model: str) -> np.ndarray:
    """Every cached partner and project vector of ``model`` in the store under ``home``."""
    from matcher.settings import Settings
    from matcher.store import Store

    store = Store(Settings(home=home, database_url=None).store_url)
    try:
        hashes = list(store.content_hashes("partners").values()) + list(store.content_hashes("projects").values())
        found = store.cached_vectors(model, hashes)
    finally:
        store.close()
    if not found:
        raise RuntimeError(f"no {model} vectors in the store under {home}")
    return np.stack(list(found.values())).astype(np.float32)


def extend(base: np.ndarray, n: int, *, seed: int = 0, chunk: int = 100_000) -> np.ndarray:
    """``n`` unit vectors: ``base`` first, then mixtures of two base vectors plus noise (module docstring)."""
    rng = np.random.default_rng(seed)
    out = np.empty((n, base.shape[1]), dtype=np.float32)
    head = min(n, len(base))
    out[:head] = base[:head]
    for start in range(head, n, chunk):
        size = min(chunk, n - start)
        i, j = rng.integers(0, len(base), size), rng.integers(0, len(base), size)
        noise = rng.standard_normal((size, base.shape[1])).astype(np.float32)
        noise *= 0.2 / np.linalg.norm(noise, axis=1, keepdims=True)
        mixed = base[i] + rng.uniform(0, 0.5, (size, 1)).astype(np.float32) * base[j] + noise
        out[start : start + size] = mixed / np.linalg.norm(mixed, axis=1, keepdims=True)
    return out


def timed_searches(index: Any, queries: np.ndarray, k: int) -> tuple[list[list[str]], list[float]]:
    """One query at a time (as a request does); ids and per-query milliseconds."""
    found, times = [], []
    for query in queries:
        started = time.perf_counter()
        _, ids = index.search(query[None, :], k)
        times.append((time.perf_counter() - started) * 1000)
        found.append(ids[0])
    return found, times


def bench_ann(home: Path, embedder: Any, n: int, n_queries: int, log: Callable[[str], None]) -> list[Any]:
    from benchmarks.run import Row, verdict

    base = stored_vectors(home, embedder.name)
    vectors = extend(base, n)
    del base
    ids = [f"v{i}" for i in range(n)]
    queries = embedder.encode(query_texts(n_queries, seed=2))
    label = f"{n / 1e6:g}M" if n >= 1_000_000 else f"{n // 1000}k"
    log(f"ANN: {n} vectors ({len(ids)} ids), {len(queries)} queries; exact Flat ...")
    flat = FaissIndex(vectors.shape[1])
    flat.add(ids, vectors)
    truth, flat_ms = timed_searches(flat, queries, 10)
    del flat
    log(f"Flat median {statistics.median(flat_ms):.1f} ms; building the auto index ...")
    started = time.perf_counter()
    index = build_index(ids, vectors, setting="auto")
    build_s = time.perf_counter() - started
    described = index.describe()
    log(f"built {described} in {build_s:.0f} s")
    found, ann_ms = timed_searches(index, queries, 10)
    _, deep_ms = timed_searches(index, queries, 200)
    recall = recall_at_k(found, truth, 10)
    ann, exact = statistics.median(ann_ms), statistics.median(flat_ms)
    params = f"{index.kind}, efConstruction {described.get('ef_construction')}, efSearch {described.get('ef_search')}"
    return [
        Row(f"ANN recall@10 at {label} vectors ({params}; {len(queries)} real query embeddings vs exact Flat; "
            f"measured at build: {described['recall_at_10']})", f"{recall:.3f}", "1.000 (Flat)", "", ">= 0.95",
            verdict(recall >= 0.95 and kind_of(index) == "hnsw")),
        Row(f"ANN query latency, ms ({label}, k=10, one query on one thread; p99 {np.percentile(ann_ms, 99):.2f})",
            f"{ann:.2f}", f"{exact:.1f} (Flat)", f"{exact / ann:.0f}x faster", "<= 1", verdict(ann <= 1)),
        Row(f"ANN query latency at k=200 (the service's candidate depth), ms ({label})",
            f"{statistics.median(deep_ms):.2f}"),
        Row(f"ANN index build, s ({label}, incl. efSearch tuning and the recall measurement)", f"{build_s:.0f}"),
    ]  # fmt: skip
