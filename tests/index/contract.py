"""The :class:`~matcher.index.base.VectorIndex` contract, run against every implementation (implicit's
``RecommenderBaseTestMixin`` is the model): a test class per implementation subclasses :class:`VectorIndexContract`
and says how to make an empty index and how to load a saved one.

Every answer is checked against exact numpy search on 300 unit vectors around 30 centres (neighbourhoods like
those of text embeddings): an exact index must give the same ids, an approximate one at least ``min_recall`` of them.
"""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

import numpy as np
import pytest

from matcher.embedding.base import normalize_rows
from matcher.index.base import VectorIndex
from matcher.index.recall import exact_top_k, recall_at_k

DIM = 32


def clustered(n: int, seed: int, clusters: int = 30) -> np.ndarray:
    centres = normalize_rows(np.random.default_rng(1234).standard_normal((clusters, DIM)))
    rng = np.random.default_rng(seed)
    return normalize_rows(centres[rng.integers(0, clusters, n)] + 0.35 * rng.standard_normal((n, DIM)))


def exact_ids(ids: list[str], vectors: np.ndarray, queries: np.ndarray, k: int) -> list[list[str]]:
    return [[ids[r] for r in row] for row in exact_top_k(vectors, queries, k).tolist()]


class VectorIndexContract:
    """What every vector index does. Subclasses set ``kind`` and implement :meth:`make` and :meth:`load`."""

    kind: ClassVar[str]
    #: Share of the exact top-10 an index must find (1.0: it is exact) among the ids it returns at ``depth``.
    min_recall: ClassVar[float] = 1.0
    #: How many ids the recall is measured among (a routing index: its candidates are scored again exactly).
    depth: ClassVar[int] = 10
    #: How far a returned score may be from the inner product (float16 storage rounds).
    score_tolerance: ClassVar[float] = 1e-5

    def make(self) -> VectorIndex:
        raise NotImplementedError

    def load(self, path: Path) -> VectorIndex:
        raise NotImplementedError

    @pytest.fixture
    def data(self) -> tuple[list[str], np.ndarray]:
        vectors = clustered(300, seed=0)
        return [f"p{i:03d}" for i in range(len(vectors))], vectors

    @pytest.fixture
    def index(self, data: tuple[list[str], np.ndarray]) -> VectorIndex:
        built = self.make()
        built.add(*data)
        return built

    def assert_finds(self, index: VectorIndex, ids: list[str], vectors: np.ndarray, queries: np.ndarray) -> None:
        """``index`` answers ``queries`` as exact search over (``ids``, ``vectors``) does, up to ``min_recall``."""
        _, found = index.search(queries, self.depth)
        expected = exact_ids(ids, vectors, queries, 10)
        if self.depth > 10:
            hits = [len(set(row) & set(truth)) / len(truth) for row, truth in zip(found, expected, strict=True)]
            assert np.mean(hits) >= self.min_recall
        elif self.min_recall == 1.0:  # the same ids; two equal vectors (an exact tie) may come in either order
            assert [sorted(row) for row in found] == [sorted(row) for row in expected]
        else:
            assert recall_at_k(found, expected, k=10) >= self.min_recall

    def test_kind_dim_and_describe(self, index: VectorIndex) -> None:
        assert (index.kind, index.dim) == (self.kind, DIM)
        described = index.describe()
        assert described["kind"] == self.kind and described["vectors"] == 300

    #: Bytes an index stores per vector component (float32 4, float16 2, 8-bit codes 1).
    bytes_per_component: ClassVar[float] = 4

    def test_nbytes_counts_the_vectors_copy(self, index: VectorIndex) -> None:
        sizes = index.nbytes()
        assert sizes["vectors"] == 300 * DIM * self.bytes_per_component
        assert all(size >= 0 for size in sizes.values())

    def test_search_finds_the_exact_neighbours(self, index: VectorIndex, data: tuple[list[str], np.ndarray]) -> None:
        self.assert_finds(index, *data, clustered(40, seed=1))

    def test_scores_are_inner_products_best_first(self, index: VectorIndex, data: tuple[list[str], np.ndarray]) -> None:
        ids, vectors = data
        queries = clustered(5, seed=2)
        scores, found = index.search(queries, 10)
        assert scores.shape == (5, 10)
        position = {item: row for row, item in enumerate(ids)}
        for query, row_scores, row_ids in zip(queries, scores, found, strict=True):
            expected = np.array([vectors[position[i]] @ query for i in row_ids])
            np.testing.assert_allclose(row_scores, expected, atol=self.score_tolerance)
            assert np.all(np.diff(row_scores) <= self.score_tolerance)

    def test_count_and_ids(self, index: VectorIndex, data: tuple[list[str], np.ndarray]) -> None:
        assert index.count() == 300
        assert sorted(index.ids()) == data[0]

    def test_k_larger_than_count_returns_everything_once(self, data: tuple[list[str], np.ndarray]) -> None:
        ids, vectors = data
        small = self.make()
        small.add(ids[:5], vectors[:5])

        scores, found = small.search(vectors[:1], 50)

        assert scores.shape == (1, 5)
        assert found[0][0] == "p000" and sorted(found[0]) == ids[:5]

    def test_an_empty_index_finds_nothing(self, data: tuple[list[str], np.ndarray]) -> None:
        scores, found = self.make().search(data[1][:3], 10)
        assert scores.shape == (3, 0)
        assert found == [[], [], []]

    def test_add_replaces_the_vector_of_an_existing_id(
        self, index: VectorIndex, data: tuple[list[str], np.ndarray]
    ) -> None:
        ids, vectors = data
        index.add(["p007"], vectors[1:2])  # p007 now points where p001 points

        assert index.count() == 300
        assert set(index.search(vectors[1:2], 2)[1][0]) == {"p001", "p007"}
        updated = vectors.copy()
        updated[7] = vectors[1]
        self.assert_finds(index, ids, updated, clustered(20, seed=3))

    def test_removed_ids_are_never_found(self, index: VectorIndex, data: tuple[list[str], np.ndarray]) -> None:
        ids, vectors = data

        assert index.remove(["p000", "p001", "unknown"]) == 2
        assert index.remove(["p000"]) == 0

        assert index.count() == 298 and "p000" not in index.ids()
        _, found = index.search(vectors[:2], 10)
        assert not {"p000", "p001"} & {i for row in found for i in row}
        self.assert_finds(index, ids[2:], vectors[2:], clustered(20, seed=4))

    def test_add_refuses_ids_and_vectors_of_different_lengths(self, data: tuple[list[str], np.ndarray]) -> None:
        with pytest.raises(ValueError, match="2 ids and 3 vectors"):
            self.make().add(["a", "b"], data[1][:3])

    def test_save_then_load_gives_the_same_answers(
        self, tmp_path: Path, index: VectorIndex, data: tuple[list[str], np.ndarray]
    ) -> None:
        index.remove(["p010"])
        index.add(["p011"], data[1][12:13])
        path = tmp_path / "index" / "partners.faiss"

        index.save(path)
        loaded = self.load(path)

        assert sorted(p.name for p in path.parent.iterdir()) == ["partners.faiss", "partners.ids.json"]  # no temp
        assert loaded.count() == index.count() == 299
        assert sorted(loaded.ids()) == sorted(index.ids())
        queries = clustered(10, seed=5)
        assert loaded.search(queries, 7)[1] == index.search(queries, 7)[1]
        np.testing.assert_allclose(loaded.search(queries, 7)[0], index.search(queries, 7)[0])
        loaded.add(["fresh"], data[1][:1])  # a loaded index takes new ids without clashing with its own
        assert loaded.count() == 300
        assert set(loaded.search(data[1][:1], 2)[1][0]) == {"p000", "fresh"}
