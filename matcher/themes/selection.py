"""How many themes: fit KMeans for each candidate k and keep the k with the best mean silhouette (cosine).

The silhouette of a document is ``(b - a) / max(a, b)`` with ``a`` its mean cosine distance to its own theme and
``b`` to the nearest other theme; its mean over documents is near 1 for tight, separated themes and near 0 for
arbitrary cuts. Unlike inertia it does not improve by itself as k grows, so its maximum is a choice, not an elbow to
eyeball.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from sklearn.cluster import KMeans
from sklearn.metrics import silhouette_score
from threadpoolctl import threadpool_limits

SMALL = 5000


@dataclass(frozen=True, slots=True)
class KChoice:
    """The silhouette of every candidate k and the chosen one."""

    scores: dict[int, float]
    best: int
    labels: np.ndarray | None = None  # KMeans labels at the best k (not persisted)


def kmeans(vectors: np.ndarray, k: int, *, random_state: int, n_init: int = 10) -> np.ndarray:
    """KMeans labels of unit ``vectors`` (Euclidean on the unit sphere ranks like cosine).

    Below a few thousand documents one thread is several times faster than many (thread start-up dominates).
    """
    with threadpool_limits(limits=1 if len(vectors) < SMALL else None):
        return KMeans(n_clusters=k, n_init=n_init, random_state=random_state).fit_predict(vectors)  # type: ignore[no-any-return]


def candidate_ks(n: int, *, k_min: int, k_max: int, min_size: int) -> list[int]:
    """Candidate numbers of themes for ``n`` documents: at least ``min_size`` documents per theme on average."""
    upper = min(k_max, n // max(min_size, 1), n - 1)
    return list(range(max(k_min, 2), upper + 1))


def choose_k(
    vectors: np.ndarray,
    ks: list[int],
    *,
    random_state: int,
    sample_size: int | None = 2000,
    tolerance: float = 0.0,
) -> KChoice:
    """Silhouette (cosine) per k in ``ks``; the best k, or the smallest within ``tolerance`` of the best."""
    if not ks:
        raise ValueError("no candidate number of themes: give at least one k >= 2 below the number of documents")
    scores: dict[int, float] = {}
    partitions: dict[int, np.ndarray] = {}
    size = sample_size if sample_size is not None and len(vectors) > sample_size else None
    for k in ks:
        partitions[k] = labels = kmeans(vectors, k, random_state=random_state)
        if len(set(labels.tolist())) < 2:
            scores[k] = -1.0
            continue
        value = silhouette_score(vectors, labels, metric="cosine", sample_size=size, random_state=random_state)
        scores[k] = round(float(value), 6)
    top = max(scores.values())
    best = min(k for k, s in scores.items() if s >= top - tolerance)
    return KChoice(scores, best, partitions[best])
