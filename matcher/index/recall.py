"""Recall of an index against exact inner-product search: measured when an approximate index is built."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

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


def exact_top_k(vectors: np.ndarray, queries: np.ndarray, k: int, *, chunk: int = 16_384) -> np.ndarray:
    """Rows of the ``k`` largest inner products per query, best first (numpy, in chunks of the database: 256
    queries against 16,384 rows of 896 dimensions hold ~100 MB at a time)."""
    k = min(k, len(vectors))
    best_scores = np.zeros((len(queries), 0), dtype=np.float32)
    best_rows = np.zeros((len(queries), 0), dtype=np.int64)
    for start in range(0, len(vectors), chunk):
        block = np.asarray(vectors[start : start + chunk], dtype=np.float32)  # rows that read as an array: a chunk
        scores = np.concatenate([best_scores, queries @ block.T], axis=1)
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
    depth does not matter to what it shows. :class:`RecallProbe` holds the queries and their exact answers, for
    measuring several searches of the same vectors (:meth:`~matcher.index.hnsw.HnswIndex.tune`).

    The ``sample`` queries are each the normalised sum of two random indexed vectors: a query between two topics,
    farther from its neighbours than an indexed vector is from its own (on real text embeddings, free-text queries
    are too), so the estimate is not flattered by queries that sit on the data.

    Ties count: a returned id is a hit when its exact score reaches the query's k-th best exact score, so an index
    that returns one of several equal vectors is not charged for the exact search's arbitrary pick among them.
    Without that, vectors indexed more than once (the past-projects vectors of partners who share their only
    project: 31 % of the 100k synthetic store's) capped the estimate below the tuning's target at every efSearch,
    and :meth:`~matcher.index.hnsw.HnswIndex.tune` climbed to its widest beam (docs/performance.md).
    """
    return RecallProbe.of(ids, vectors, k=k, sample=sample, seed=seed).recall(index, depth)


@dataclass(frozen=True)
class RecallProbe:
    """Synthetic queries over indexed vectors and their exact answers (:func:`estimate_recall`), computed once:
    the exact search reads every vector (a chunk at a time), so an efSearch tuning that measures several beams
    scores each against the same answers instead of searching exactly again."""

    row_of: dict[str, int]  # each indexed id's row of ``vectors``
    vectors: np.ndarray
    queries: np.ndarray
    exact: np.ndarray
    kth_best: np.ndarray

    @classmethod
    def of(
        cls, ids: Sequence[str], vectors: np.ndarray, *, k: int = 10, sample: int = 256, seed: int = 0
    ) -> RecallProbe:
        """``sample`` queries and their exact top ``k``; none when there are ``k`` vectors or fewer (an index
        returns them all: recall 1.0)."""
        row_of = {item: row for row, item in enumerate(ids)}
        if len(ids) <= k:
            none = np.zeros((0, k), dtype=np.int64)
            return cls(row_of, vectors, np.zeros((0, vectors.shape[1]), dtype=np.float32), none, np.zeros(0))
        rng = np.random.default_rng(seed)
        pairs = rng.integers(0, len(ids), size=(min(sample, len(ids)), 2))
        queries = np.asarray(vectors[pairs[:, 0]], dtype=np.float32) + np.asarray(
            vectors[pairs[:, 1]], dtype=np.float32
        )
        queries = np.ascontiguousarray(queries / np.maximum(np.linalg.norm(queries, axis=1, keepdims=True), 1e-9))
        queries = queries.astype(np.float32)
        exact = exact_top_k(vectors, queries, k)  # reads ``vectors`` a chunk at a time: never a copy of them all
        kth_best = np.einsum("ij,ij->i", np.asarray(vectors[exact[:, -1]], dtype=np.float32), queries)
        return cls(row_of, vectors, queries, exact, kth_best)

    def recall(self, index: VectorIndex, depth: int | None = None) -> float:
        """The share of each query's true top-k among the ``depth`` ids ``index`` returns (k when None)."""
        if not len(self.queries):
            return 1.0
        k = self.exact.shape[1]
        _, found = index.search(self.queries, max(k, depth or k))
        hits = []
        for query, returned, bound in zip(self.queries, found, self.kth_best.tolist(), strict=True):
            scores = np.asarray(self.vectors[[self.row_of[i] for i in returned]], dtype=np.float32) @ query
            hits.append(min(np.count_nonzero(scores >= bound - TIE), k) / k)  # ties: k at most
        return float(np.mean(hits))
