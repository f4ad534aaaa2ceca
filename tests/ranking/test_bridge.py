"""The lexical bridge: fitted on same-language pairs of the catalogue, a non-decreasing map from the multilingual
cosine to the TF-IDF cosine, used only for partners writing in another language than the request."""

from __future__ import annotations

import numpy as np

from matcher.catalog import build_catalog
from matcher.domain import Dataset, Partner, Project, ProjectMember
from matcher.evaluation.vectors import CachedVectors
from matcher.ranking.bridge import LexicalBridge
from tests.evaluation.fakes import BagOfWordsEmbedder

TOPICS = "ocean reef forest garden music robots coding teachers climate water soil energy".split()


def alliance(english: int = 40, french: int = 6, projects: int = 30) -> Dataset:
    rng = np.random.default_rng(1)

    def words() -> str:
        return " ".join(rng.choice(TOPICS, 3, replace=False))

    partners = [
        Partner(f"en{i}", f"Org {i}", f"We work on {words()} with the schools of the region") for i in range(english)
    ]
    partners += [
        Partner(f"fr{i}", f"Asso {i}", f"Nous travaillons sur {words()} avec les écoles de la région")
        for i in range(french)
    ]
    items = [
        Project(f"p{j}", f"Project {j}", f"A project on {words()} for the schools and the teachers")
        for j in range(projects)
    ]
    members = [ProjectMember(f"p{j}", f"en{(j + k) % english}") for j in range(projects) for k in range(3)]
    return Dataset(partners=partners, projects=items, project_members=members)


def test_the_bridge_is_fitted_on_same_language_pairs_and_never_decreases() -> None:
    embedder = BagOfWordsEmbedder()
    catalog = build_catalog(alliance(), CachedVectors(embedder), embedder.dim)
    bridge = LexicalBridge.fit(catalog, (0, embedder.dim), 1.0, min_pairs=100)
    assert bridge is not None
    assert bridge.pairs == 30 * 40  # every project with every English partner; the French ones left out
    assert np.all(np.diff(bridge.values) >= -1e-12) and np.all(np.diff(bridge.knots) > 0)
    low, high = bridge(np.array([bridge.knots[0], bridge.knots[-1]]))
    assert high > low >= 0.0  # closer in meaning: more words in common, on average
    np.testing.assert_allclose(bridge(np.array([-5.0, 5.0])), bridge.values[[0, -1]], rtol=1e-6)  # clipped at the ends


def test_too_few_pairs_give_no_bridge() -> None:
    embedder = BagOfWordsEmbedder()
    catalog = build_catalog(alliance(english=4, french=2, projects=3), CachedVectors(embedder), embedder.dim)
    assert LexicalBridge.fit(catalog, (0, embedder.dim), 1.0) is None  # 12 same-language pairs < 200
