"""Stable theme ids: a refit's clusters inherit the ids of the previous fit's themes they resemble.

New and old centroids are paired one-to-one to maximise total cosine similarity (Hungarian algorithm); a pair counts
only when the similarity reaches ``min_similarity``. Unpaired new clusters get fresh ids that were never used before,
so an id always names one theme, even after that theme disappears.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from scipy.optimize import linear_sum_assignment


def match_ids(
    new_centroids: np.ndarray,
    old_centroids: np.ndarray,
    old_ids: Sequence[int],
    *,
    next_id: int,
    min_similarity: float,
) -> tuple[list[int], int]:
    """Ids for the new clusters (in their order) and the next unused id.

    ``new_centroids`` are assumed in a canonical order (largest first), which decides which new cluster gets the lower
    fresh id.
    """
    ids: list[int | None] = [None] * len(new_centroids)
    if len(new_centroids) and len(old_centroids):
        similarity = new_centroids @ old_centroids.T
        rows, cols = linear_sum_assignment(-similarity)
        for r, c in zip(rows.tolist(), cols.tolist(), strict=True):
            if similarity[r, c] >= min_similarity:
                ids[r] = int(old_ids[c])
    fresh = max(next_id, max((int(i) for i in old_ids), default=-1) + 1)
    out: list[int] = []
    for theme_id in ids:
        if theme_id is None:
            theme_id, fresh = fresh, fresh + 1
        out.append(theme_id)
    return out, fresh
