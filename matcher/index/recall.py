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


def self_recall(
    index: VectorIndex, ids: Sequence[str], vectors: np.ndarray, *, k: int = 10, sample: int = 256, seed: int = 0
) -> float:
    """Recall@``k`` of ``index`` against exact search, with ``sample`` of the indexed vectors as queries.

    Each query's own id is dropped from both result lists, so the trivial self-match does not inflate the recall.
    """
    if len(ids) <= k + 1:
        return 1.0
    rng = np.random.default_rng(seed)
    picked = rng.choice(len(ids), size=min(sample, len(ids)), replace=False)
    queries = np.ascontiguousarray(vectors[picked], dtype=np.float32)
    exact = exact_top_k(vectors, queries, k + 1)
    _, approx = index.search(queries, k + 1)
    truth = [[ids[r] for r in row if r != q][:k] for row, q in zip(exact.tolist(), picked.tolist(), strict=True)]
    found = [[i for i in row if i != ids[q]][:k] for row, q in zip(approx, picked.tolist(), strict=True)]
    return recall_at_k(found, truth, k)
