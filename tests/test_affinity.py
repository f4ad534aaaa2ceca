"""Who works with whom, on graphs small enough to work out by hand: pair affinities and the random walk."""

from __future__ import annotations

import math
import threading
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest
import scipy.sparse as sp

from matcher.affinity import AFFINITY_CLIP, CollaborationWalk, pair_affinity, pair_counts, patched_pair_counts


def membership(projects: list[list[int]], partners: int) -> sp.csr_matrix:
    rows = [p for members in projects for p in members]
    cols = [j for j, members in enumerate(projects) for _ in members]
    return sp.csr_matrix((np.ones(len(rows), dtype=np.float32), (rows, cols)), shape=(partners, len(projects)))


def test_pair_affinity_is_the_log_lift_of_meeting_in_projects() -> None:
    codes = np.array([1, 1, 2, 2, 3])  # two of value 1, two of value 2, one of value 3
    links = membership([[0, 2], [1, 3], [4, 0]], 5)  # 1-2 twice, 1-3 once; never 2-2 nor 2-3

    lift = pair_affinity(codes, links, 3, smoothing=0.0)

    # pair ends: value 1 three times, 2 twice, 3 once (of 6); P(2 | 1) = 2/3 against P(2) = 1/3
    assert lift[1, 2] == pytest.approx(math.log(2))
    assert lift[1, 3] == pytest.approx(math.log((1 / 3) / (1 / 6)))
    assert lift[2, 1] == pytest.approx(math.log(1 / 0.5))
    assert lift[2, 2] == lift[2, 3] == -AFFINITY_CLIP  # never seen: as low as it goes
    assert np.all(lift[0, :] == 0) and np.all(lift[:, 0] == 0)  # unknown values carry no preference


def test_smoothing_pulls_a_rarely_seen_pair_towards_no_preference() -> None:
    codes = np.array([1, 1, 2, 2, 3])
    links = membership([[0, 2], [1, 3], [4, 0]], 5)

    raw, smoothed = pair_affinity(codes, links, 3, smoothing=0.0), pair_affinity(codes, links, 3, smoothing=10.0)

    assert 0 < smoothed[1, 2] < raw[1, 2]
    assert raw[2, 2] < smoothed[2, 2] < 0


def test_a_big_project_counts_each_pair_less() -> None:
    codes = np.array([1, 2, 1, 2, 2, 2, 2])
    small = pair_affinity(codes, membership([[0, 1], [2, 3]], 7), 2, smoothing=0.0)
    with_network = pair_affinity(codes, membership([[0, 1], [2, 3], [2, 4, 5, 6]], 7), 2, smoothing=0.0)

    assert small[1, 2] > 0 and with_network[2, 2] > small[2, 2]  # the network adds 2-2 pairs, each at 1/3


def test_the_walk_reaches_partners_of_partners_and_never_the_unconnected() -> None:
    # 0-1 in a project, 1-2 in another, 3-4 apart
    walk = CollaborationWalk.of(membership([[0, 1], [1, 2], [3, 4]], 5))

    scores = walk.scores([0])

    assert scores is not None
    assert scores[1] == pytest.approx(1.0)  # the direct partner is the best
    assert 0 < scores[2] < scores[1]  # two hops away
    assert scores[0] == scores[3] == scores[4] == 0.0  # the anchor itself and the unconnected pair
    assert walk.scores([]) is None
    assert CollaborationWalk.of(membership([[0], [1]], 2)).scores([0]) is None  # nobody to reach


def test_pair_counts_patched_per_project_are_the_counts_of_the_new_links() -> None:
    codes = np.array([1, 1, 2, 2, 3, 0])  # partner 5's value is unknown
    before = pair_counts(codes, membership([[0, 2], [1, 3, 5], [4, 0]], 6), 3)
    # project 1-3-5: two pairs with a partner of unknown value, one 1-2 pair, each 1/2
    assert before[1, 2] == pytest.approx(1 + 0.5) and before[2, 1] == pytest.approx(1.5)
    assert before[1, 3] == before[3, 1] == 1.0 and before[2, 2] == 0.0
    assert np.all(before[0, :] == 0) and np.all(before[:, 0] == 0)
    # project [1, 3, 5] becomes [1, 3, 2, 6] (6: a new partner of a new value 4); project [4, 0] is deleted
    codes = np.append(codes, 4)
    after_links = membership([[0, 2], [1, 3, 2, 6], []], 7)
    patched = patched_pair_counts(before, 4, [codes[[1, 3, 5]], codes[[4, 0]]], [codes[[1, 3, 2, 6]], codes[[]]])
    np.testing.assert_allclose(patched, pair_counts(codes, after_links, 4), rtol=0, atol=1e-12)
    assert patched[2, 2] == pytest.approx(2 / 3) and patched[1, 3] == 0.0  # exactly 0: the only 1-3 project left
    assert patched.shape == (5, 5) and before.shape == (4, 4)  # a new array, the old one untouched
    assert before[1, 3] == 1.0


def test_the_walk_is_built_once_on_first_use_whichever_thread_asks() -> None:
    links, ties = membership([[0, 1], [1, 2], [3, 4]], 5), membership([[2, 4]], 5)
    walk = CollaborationWalk.of(links, ties)
    assert not walk.built
    assert walk.scores([]) is None and not walk.built  # nothing to walk from: nothing built
    start = threading.Barrier(8)

    def steps() -> object:
        start.wait()
        return walk.steps

    with ThreadPoolExecutor(8) as pool:
        built = list(pool.map(lambda _: steps(), range(8)))
    assert walk.built and all(b is built[0] for b in built)
    scores = walk.scores([0])
    assert scores is not None and scores[4] > 0  # reached through the tie 2-4
    whole = CollaborationWalk.of(sp.hstack([links, ties]).tocsr())
    np.testing.assert_array_equal(walk.to_partners.toarray(), whole.to_partners.toarray())
    np.testing.assert_array_equal(scores, whole.scores([0]))
