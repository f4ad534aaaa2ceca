"""Recall of an index against exact inner-product search: measured when an approximate index is built."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from matcher.index.base import VectorIndex


def recall_at_k(found: Sequence[Sequence[str]], truth: Sequence[Sequence[str]], k: int = 10) -> float:
    """Mean share of each query's true top-``k`` ids that ``found`` (its top-``k``) contains."""
    if len(found) != len(truth):
        raise ValueError(f"recall_at_k() got {len(found)} result lists and {len(truth)} truth lists; they must match")
    if not truth:
        return 1.0
    hits = [len(set(f[:k]) & set(t[:k])) / max(min(k, len(t)), 1) for f, t in zip(found, truth, strict=True)]
    return float(np.mean(hits))


def exact_top_k(vectors: np.ndarray, queries: np.ndarray, k: int, *, chunk: int = 65_536) -> np.ndarray:
    """Rows of the ``k`` largest inner products per query, best first (numpy, in chunks of the database)."""
    k = min(k, len(vectors))
    best_scores = np.zeros((len(queries), 0), dtype=np.float32)
    best_rows = np.zeros((len(queries), 0), dtype=np.int64)
    for start in range(0, len(vectors), chunk):
        scores = np.concatenate([best_scores, queries @ vectors[start : start + chunk].T], axis=1)
        fresh = np.arange(start, start + scores.shape[1] - best_rows.shape[1])
        rows = np.concatenate([best_rows, np.broadcast_to(fresh, (len(queries), len(fresh)))], axis=1)
        keep = np.argpartition(-scores, k - 1, axis=1)[:, :k]
        best_scores = np.take_along_axis(scores, keep, axis=1)
        best_rows = np.take_along_axis(rows, keep, axis=1)
    order = np.argsort(-best_scores, axis=1, kind="stable")
    return np.take_along_axis(best_rows, order, axis=1)


#: Scores this close to a query's k-th best count as tied with it (float32 rounding of equal dot products).
TIE = 1e-6


def estimate_recall(
    index: VectorIndex,
    ids: Sequence[str],
    vectors: np.ndarray,
    *,
    k: int = 10,
    depth: int | None = None,
    sample: int = 256,
    seed: int = 0,
) -> float:
    """Recall@``k`` of ``index`` against exact search over ``vectors`` (the indexed ones, ids ``ids``): the mean
    share of each query's true top-``k`` among the ``depth`` ids the index returns (``k`` when None). A request
    searches at :data:`~matcher.index.base.SEARCH_DEPTH` and scores what it finds exactly, so the order within the
    depth does not matter to what it shows.

    The ``sample`` queries are each the normalised sum of two random indexed vectors: a query between two topics,
    farther from its neighbours than an indexed vector is from its own (on real text embeddings, free-text queries
    are too), so the estimate is not flattered by queries that sit on the data.

    Ties count: a returned id is a hit when its exact score reaches the query's k-th best exact score, so an index
    that returns one of several equal vectors is not charged for the exact search's arbitrary pick among them.
    Without that, vectors indexed more than once (the past-projects vectors of partners who share their only
    project: 31 % of the 100k synthetic store's) capped the estimate below the tuning's target at every efSearch,
    and :meth:`~matcher.index.hnsw.HnswIndex.tune` climbed to its widest beam (docs/performance.md).
    """
    if len(ids) <= k:
        return 1.0
    rng = np.random.default_rng(seed)
    pairs = rng.integers(0, len(ids), size=(min(sample, len(ids)), 2))
    queries = vectors[pairs[:, 0]] + vectors[pairs[:, 1]]
    queries = np.ascontiguousarray(queries / np.maximum(np.linalg.norm(queries, axis=1, keepdims=True), 1e-9))
    queries = queries.astype(np.float32)
    vectors = np.asarray(vectors, dtype=np.float32)
    exact = exact_top_k(vectors, queries, k)
    kth_best = np.einsum("ij,ij->i", vectors[exact[:, -1]], queries)
    _, found = index.search(queries, max(k, depth or k))
    row_of = {item: row for row, item in enumerate(ids)}
    hits = []
    for query, returned, bound in zip(queries, found, kth_best.tolist(), strict=True):
        scores = vectors[[row_of[i] for i in returned]] @ query
        hits.append(min(np.count_nonzero(scores >= bound - TIE), exact.shape[1]) / exact.shape[1])  # ties: k at most
    return float(np.mean(hits))
