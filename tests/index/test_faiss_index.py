"""FaissIndex against exact numpy search, and its add/replace/remove/save/load contract."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from matcher.embedding.base import normalize_rows
from matcher.index.faiss_index import FaissIndex

DIM = 32


def unit_vectors(n: int, seed: int) -> np.ndarray:
    return normalize_rows(np.random.default_rng(seed).standard_normal((n, DIM)).astype(np.float32))


def exact_search(ids: list[str], vectors: np.ndarray, queries: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    scores = queries @ vectors.T
    order = np.argsort(-scores, axis=1, kind="stable")[:, :k]
    return np.take_along_axis(scores, order, axis=1), np.asarray(ids)[order]


@pytest.fixture
def data() -> tuple[list[str], np.ndarray]:
    vectors = unit_vectors(200, seed=0)
    return [f"p{i:03d}" for i in range(len(vectors))], vectors


@pytest.fixture
def index(data: tuple[list[str], np.ndarray]) -> FaissIndex:
    ids, vectors = data
    built = FaissIndex(DIM)
    built.add(ids, vectors)
    return built


def test_search_equals_exact_numpy_search(index: FaissIndex, data: tuple[list[str], np.ndarray]) -> None:
    queries = unit_vectors(25, seed=1)

    scores, ids = index.search(queries, 10)
    ref_scores, ref_ids = exact_search(*data, queries, 10)

    assert index.kind == "faiss:Flat"
    np.testing.assert_array_equal(np.asarray(ids), ref_ids)
    np.testing.assert_allclose(scores, ref_scores, atol=1e-5)


def test_count_and_ids(index: FaissIndex, data: tuple[list[str], np.ndarray]) -> None:
    assert index.count() == 200
    assert sorted(index.ids()) == sorted(data[0])


def test_k_larger_than_count_returns_everything_once(data: tuple[list[str], np.ndarray]) -> None:
    ids, vectors = data
    small = FaissIndex(DIM)
    small.add(ids[:5], vectors[:5])

    scores, found = small.search(vectors[:1], 50)

    assert scores.shape == (1, 5)
    assert found[0][0] == "p000"
    assert sorted(found[0]) == ids[:5]


def test_empty_index_search(data: tuple[list[str], np.ndarray]) -> None:
    scores, found = FaissIndex(DIM).search(data[1][:3], 10)

    assert scores.shape == (3, 0)
    assert found == [[], [], []]


def test_add_replaces_an_existing_id(index: FaissIndex, data: tuple[list[str], np.ndarray]) -> None:
    ids, vectors = data
    new = vectors[1:2]  # p007 now points where p001 points

    index.add(["p007"], new)

    assert index.count() == 200
    _, found = index.search(new, 2)
    assert set(found[0]) == {"p001", "p007"}
    updated = vectors.copy()
    updated[7] = new[0]
    queries = unit_vectors(10, seed=2)
    np.testing.assert_array_equal(np.asarray(index.search(queries, 5)[1]), exact_search(ids, updated, queries, 5)[1])


def test_remove(index: FaissIndex, data: tuple[list[str], np.ndarray]) -> None:
    ids, vectors = data

    assert index.remove(["p000", "p001", "unknown"]) == 2
    assert index.remove(["p000"]) == 0

    assert index.count() == 198
    assert "p000" not in index.ids()
    queries = unit_vectors(10, seed=3)
    np.testing.assert_array_equal(
        np.asarray(index.search(queries, 5)[1]), exact_search(ids[2:], vectors[2:], queries, 5)[1]
    )


def test_add_rejects_mismatched_ids_and_vectors(data: tuple[list[str], np.ndarray]) -> None:
    with pytest.raises(ValueError, match="2 ids and 3 vectors"):
        FaissIndex(DIM).add(["a", "b"], data[1][:3])


def test_save_load_round_trip_is_atomic(tmp_path: Path, index: FaissIndex, data: tuple[list[str], np.ndarray]) -> None:
    index.remove(["p010"])
    index.add(["p011"], data[1][12:13])
    path = tmp_path / "index" / "partners.faiss"

    index.save(path)
    loaded = FaissIndex.load(path)

    assert sorted(p.name for p in path.parent.iterdir()) == ["partners.faiss", "partners.ids.json"]  # no temp files
    assert loaded.count() == index.count() == 199
    assert sorted(loaded.ids()) == sorted(index.ids())
    queries = unit_vectors(10, seed=4)
    np.testing.assert_array_equal(np.asarray(loaded.search(queries, 7)[1]), np.asarray(index.search(queries, 7)[1]))
    np.testing.assert_allclose(loaded.search(queries, 7)[0], index.search(queries, 7)[0])
    loaded.add(["fresh"], data[1][:1])  # keys keep counting after a load: no clash with existing ones
    assert loaded.count() == 200
    assert set(loaded.search(data[1][:1], 2)[1][0]) == {"p000", "fresh"}


def test_load_rejects_ids_that_do_not_match_the_vectors(tmp_path: Path, index: FaissIndex) -> None:
    path = tmp_path / "partners.faiss"
    index.save(path)
    other = FaissIndex(DIM)
    other.add(["only"], unit_vectors(1, seed=5))
    other.save(tmp_path / "other.faiss")
    (tmp_path / "other.ids.json").replace(path.with_suffix(".ids.json"))

    with pytest.raises(ValueError, match="200 vectors but 1 ids"):
        FaissIndex.load(path)
