"""The most similar past projects: exact (every project's vector) while their index is exact; above the index
threshold, from the union of the HNSW index's nearest and TF-IDF's best, reading only those vectors."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pytest

from matcher.index.factory import build_index
from matcher.lexical import top_positive
from matcher.ranking.similar import MIN_DEPTH, SimilarProjects


@dataclass
class Projects:
    """What SimilarProjects reads of a catalogue: the past projects' ids, positions and vectors."""

    project_vectors: np.ndarray
    project_pos: dict[str, int] = field(default_factory=dict)
    reads: list[int] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.project_pos = {f"p{i}": i for i in range(len(self.project_vectors))}
        vectors, reads = self.project_vectors, self.reads

        class Counted:  # counts the vectors read, gathered or multiplied whole
            def __getitem__(self, rows: Any) -> np.ndarray:
                rows = np.asarray(rows)
                reads.append(int(rows.size))
                return vectors[rows]

            def __matmul__(self, other: np.ndarray) -> np.ndarray:
                reads.append(len(vectors))
                return vectors @ other

        self.project_vectors = Counted()  # type: ignore[assignment]
        self.vectors = vectors


def unit(rng: np.random.Generator, n: int, dim: int = 24) -> np.ndarray:
    v = rng.standard_normal((n, dim)).astype(np.float32)
    return v / np.linalg.norm(v, axis=1, keepdims=True)


def exhaustive(vectors: np.ndarray, query: np.ndarray, lexical: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    similarity = lexical + vectors @ query
    cols = top_positive(similarity, k)
    return cols, similarity[cols]


def case(seed: int, n: int, lexical_share: float) -> tuple[Projects, np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    vectors = unit(rng, n)
    query = unit(rng, 1)[0]
    lexical = np.where(rng.random(n) < lexical_share, rng.random(n), 0.0).astype(np.float32)
    return Projects(vectors), query, lexical


@pytest.mark.parametrize("seed", range(3))
@pytest.mark.parametrize("k", [1, 30, 150])
def test_with_an_exact_index_the_top_is_the_exhaustive_top(seed: int, k: int) -> None:
    catalog, query, lexical = case(seed, 3_000, lexical_share=0.3)
    index = build_index(list(catalog.project_pos), catalog.vectors, setting="flat")
    cols, similarity = SimilarProjects(catalog, index, query, lexical).top(k)  # type: ignore[arg-type]
    want_cols, want = exhaustive(catalog.vectors, query, lexical, k)
    assert cols.tolist() == want_cols.tolist()
    np.testing.assert_allclose(similarity, want, rtol=1e-5)
    assert catalog.reads == [len(lexical)]  # one product with every project


def test_a_project_strong_in_neither_list_alone_is_found_while_the_index_is_exact() -> None:
    """The best sum may be a project that is only middling in both lists (deeper than either list's top reads)."""
    rng = np.random.default_rng(7)
    n, dim = 2_000, 24
    query = unit(rng, 1, dim)[0]
    vectors = unit(rng, n, dim)
    vectors -= np.outer(vectors @ query, query) * 1.0  # every other project orthogonal to the query ...
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    lexical = np.zeros(n, dtype=np.float32)
    strong_dense = np.arange(0, 3 * MIN_DEPTH)  # ... but for many projects close in meaning and not in words,
    strong_words = np.arange(3 * MIN_DEPTH, 6 * MIN_DEPTH)  # many sharing words and not meaning,
    middling = 1_999  # and one that is second-best in both
    for rows, cosine in ((strong_dense, 0.8), ([middling], 0.7)):
        for row in rows:
            other = unit(rng, 1, dim)[0]
            other -= (other @ query) * query
            other /= np.linalg.norm(other)
            vectors[row] = cosine * query + np.sqrt(1 - cosine**2) * other
    lexical[strong_words] = 0.8
    lexical[middling] = 0.7
    catalog = Projects(vectors.astype(np.float32))
    index = build_index(list(catalog.project_pos), catalog.vectors, setting="flat")
    cols, similarity = SimilarProjects(catalog, index, query, lexical).top(1)  # type: ignore[arg-type]
    assert cols.tolist() == [middling] and similarity[0] == pytest.approx(1.4, abs=1e-4)


def test_fewer_positive_projects_than_asked_are_all_returned() -> None:
    catalog, query, lexical = case(3, 500, lexical_share=0.0)
    catalog.vectors[:] = -np.abs(catalog.vectors @ query)[:, None] * query  # every cosine negative ...
    catalog.vectors[[10, 20]] = query  # ... but two
    index = build_index(list(catalog.project_pos), catalog.vectors, setting="flat")
    cols, similarity = SimilarProjects(catalog, index, query, lexical).top(30)  # type: ignore[arg-type]
    assert sorted(cols.tolist()) == [10, 20] and similarity.tolist() == pytest.approx([1.0, 1.0], abs=1e-5)


def test_over_hnsw_only_the_two_lists_are_read_and_the_top_is_close() -> None:
    catalog, query, lexical = case(11, 12_000, lexical_share=0.02)
    index = build_index(list(catalog.project_pos), catalog.vectors, setting="hnsw")
    similar = SimilarProjects(catalog, index, query, lexical)  # type: ignore[arg-type]
    cols, similarity = similar.top(30)
    want, want_similarity = exhaustive(catalog.vectors, query, lexical, 30)
    assert len(set(cols.tolist()) & set(want.tolist())) >= 27
    assert similarity.sum() >= 0.99 * want_similarity.sum()
    assert len(catalog.reads) == 1 and catalog.reads[0] <= 2 * MIN_DEPTH  # one gather: the union of the two lists
    np.testing.assert_allclose(similarity, lexical[cols] + catalog.vectors[cols] @ query, rtol=1e-5)


def test_no_index_reads_every_project_and_the_top_is_cached() -> None:
    catalog, query, lexical = case(5, 400, lexical_share=0.5)
    similar = SimilarProjects(catalog, None, query, lexical)  # type: ignore[arg-type]
    cols, _ = similar.top(30)
    assert cols.tolist() == exhaustive(catalog.vectors, query, lexical, 30)[0].tolist()
    assert catalog.reads == [400]
    assert similar.top(30)[0] is cols and catalog.reads == [400]  # asked again by the features: not searched again


def test_a_recommender_above_the_threshold_ranks_with_the_projects_index() -> None:
    """The approximate path end to end: a recommender whose past projects' index is HNSW resolves queries against it
    (the union of two lists of MIN_DEPTH, never every project's vector), and the similar-projects source and the
    ``project_vote`` feature read that top."""
    from matcher.catalog import build_catalog
    from matcher.domain import Dataset, Partner, Project, ProjectMember
    from matcher.evaluation.vectors import CachedVectors
    from matcher.index.factory import kind_of
    from matcher.ranking.features import FEATURES, VOTING_PROJECTS, compute_features
    from matcher.recommender import Recommender
    from tests.evaluation.fakes import BagOfWordsEmbedder

    rng = np.random.default_rng(4)
    words = [f"w{i}" for i in range(300)]
    partners = [
        Partner(id=f"a{i:03d}", name=f"Partner {i}", description=" ".join(rng.choice(words, 6))) for i in range(80)
    ]
    projects = [
        Project(id=f"p{i:03d}", title=f"Project {i}", description=" ".join(rng.choice(words, 8)))
        for i in range(3 * MIN_DEPTH)
    ]
    members = [ProjectMember(p.id, partners[i % len(partners)].id) for i, p in enumerate(projects)]
    embedder = BagOfWordsEmbedder()
    dataset = Dataset(partners=partners, projects=projects, project_members=members)
    catalog = build_catalog(dataset, CachedVectors(embedder), embedder.dim)
    rec = Recommender(catalog, embedder, index_setting="hnsw")
    assert kind_of(rec.project_index) == "hnsw"

    query = rec.resolve(projects[17].description)
    assert query.projects is not None and query.projects.index is rec.project_index
    cols, _ = query.similar_projects(VOTING_PROJECTS)
    want, _ = exhaustive(np.asarray(catalog.project_vectors), query.vector, query.projects.lexical, VOTING_PROJECTS)
    assert cols[0] == 17 and len(set(cols.tolist()) & set(want.tolist())) >= VOTING_PROJECTS - 3

    rows = rec.candidates.generate(query, rec.themes)
    lead = catalog.partner_pos[members[17].partner_id]
    assert lead in rows.tolist()  # the member of the most similar project is a candidate
    vote = compute_features(catalog, query, rows, rec.layout)[:, FEATURES.index("project_vote")]
    assert vote[rows.tolist().index(lead)] == vote.max() > 0
