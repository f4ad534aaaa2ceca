"""Theme ids across refits: Hungarian matching of centroids, fresh ids for the rest."""

from __future__ import annotations

import numpy as np

from matcher.themes.matching import match_ids

E = np.eye(4, dtype=np.float32)


def test_permuted_centroids_keep_their_ids() -> None:
    ids, next_id = match_ids(E[[2, 0, 1]], E[:3], [10, 11, 12], next_id=13, min_similarity=0.5)
    assert ids == [12, 10, 11]
    assert next_id == 13


def test_unmatched_clusters_get_fresh_ids_in_order() -> None:
    # The second new centroid resembles nothing old; the first old theme is gone.
    ids, next_id = match_ids(E[[1, 3, 2]], E[:3], [0, 1, 2], next_id=7, min_similarity=0.5)
    assert ids == [1, 7, 2]
    assert next_id == 8


def test_a_pair_below_the_threshold_is_not_a_match() -> None:
    half = np.array([[0.6, 0.8, 0, 0]], dtype=np.float32)  # cosine 0.6 with the first old centroid
    assert match_ids(half, E[:1], [5], next_id=6, min_similarity=0.7) == ([6], 7)
    assert match_ids(half, E[:1], [5], next_id=6, min_similarity=0.5) == ([5], 6)


def test_no_previous_themes() -> None:
    assert match_ids(E[:2], np.zeros((0, 4)), [], next_id=0, min_similarity=0.5) == ([0, 1], 2)
