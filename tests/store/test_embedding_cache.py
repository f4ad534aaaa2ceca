"""The embeddings cache of the store, on SQLite and PostgreSQL: vectors by hash, as rows of one array, and which
hashes it holds."""

from __future__ import annotations

import numpy as np

from matcher.store import Store
from matcher.store.mapping import CHUNK

MODEL = "test-model"


def unit_rows(n: int, dim: int = 8, seed: int = 0) -> np.ndarray:
    rows = np.random.default_rng(seed).standard_normal((n, dim)).astype(np.float32)
    return rows / np.linalg.norm(rows, axis=1, keepdims=True)


def test_cached_rows_fill_each_given_hash_in_order_and_say_which_were_cached(store: Store) -> None:
    vectors = unit_rows(3)
    store.put_vectors(MODEL, {"a": vectors[0], "b": vectors[1], "c": vectors[2]})

    rows, found = store.cached_rows(MODEL, ["c", "missing", "a", "c"], dim=8)

    assert rows.dtype == np.float32 and rows.shape == (4, 8)
    np.testing.assert_array_equal(rows[0], vectors[2])
    np.testing.assert_array_equal(rows[2], vectors[0])
    np.testing.assert_array_equal(rows[3], vectors[2])  # a hash given twice fills both rows
    np.testing.assert_array_equal(rows[1], np.zeros(8, dtype=np.float32))
    assert found.tolist() == [True, False, True, True]
    assert store.cached_rows("another-model", ["a"], dim=8)[1].tolist() == [False]  # keyed by model too


def test_cached_rows_and_hashes_read_more_hashes_than_one_query_binds(store: Store) -> None:
    n = 2 * CHUNK + 7
    vectors = unit_rows(n, seed=1)
    hashes = [f"h{i:05d}" for i in range(n)]
    store.put_vectors(MODEL, dict(zip(hashes[::2], vectors[::2], strict=True)))  # every other one cached

    rows, found = store.cached_rows(MODEL, hashes, dim=8)

    assert found.tolist() == [i % 2 == 0 for i in range(n)]
    np.testing.assert_array_equal(rows[::2], vectors[::2])
    assert not rows[1::2].any()
    assert store.cached_hashes(MODEL, [*hashes, "unknown"]) == set(hashes[::2])
    assert store.cached_vectors(MODEL, hashes[:4]).keys() == {"h00000", "h00002"}
    np.testing.assert_array_equal(store.cached_vectors(MODEL, ["h00002"])["h00002"], vectors[2])

    store.put_vectors(MODEL, dict(zip(hashes, vectors[::-1], strict=True)))  # half known: only the others added

    rows, found = store.cached_rows(MODEL, hashes, dim=8)
    assert found.all()
    np.testing.assert_array_equal(rows[::2], vectors[::2])  # a cached vector is kept, never replaced
    np.testing.assert_array_equal(rows[1::2], vectors[::-1][1::2])


def test_an_empty_request_reads_nothing(store: Store) -> None:
    rows, found = store.cached_rows(MODEL, [], dim=8)

    assert rows.shape == (0, 8) and found.shape == (0,)
    assert store.cached_hashes(MODEL, []) == set()
