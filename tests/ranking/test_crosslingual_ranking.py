"""A request in another language finds the partners doing the work, whatever language they write in (issue 14):
the tiny alliance with the default encoders (MiniLM + multilingual USE), asked the same thing in five languages."""

from __future__ import annotations

import numpy as np
import pytest

from matcher.catalog import build_catalog
from matcher.embedding.base import Embedder
from matcher.embedding.composite import DENSE_EN, DENSE_ML, CompositeEmbedder
from matcher.evaluation.vectors import CachedVectors
from matcher.io.importer import read_directory
from matcher.ranking.features import DenseLayout
from matcher.recommender import Recommender
from tests.conftest import TINY

REQUESTS = {
    "en": "Coral reef monitoring and ocean literacy lessons for primary schools, with marine science kits",
    "fr": "Suivi des récifs coralliens et cours d'éducation à l'océan pour les écoles primaires, avec des kits de "
    "sciences marines",
    "es": "Seguimiento de arrecifes de coral y clases de cultura oceánica para escuelas primarias, con kits de "
    "ciencias marinas",
    "pt": "Monitoramento de recifes de coral e aulas de literacia oceânica para escolas primárias, com kits de "
    "ciências marinhas",
    "ar": "رصد الشعاب المرجانية ودروس في الثقافة المحيطية للمدارس الابتدائية، مع مجموعات أدوات لعلوم البحار",
}


@pytest.fixture(scope="module")
def multilingual(embedder: Embedder) -> Recommender:
    from matcher.embedding.usem import UsemEmbedder

    composite = CompositeEmbedder({DENSE_EN: embedder, DENSE_ML: UsemEmbedder(threads=2)})
    dataset = read_directory(TINY).dataset
    catalog = build_catalog(dataset, CachedVectors(composite), composite.dim)
    return Recommender(catalog, composite, layout=DenseLayout.of(composite))


@pytest.mark.parametrize("language", sorted(REQUESTS))
def test_the_ocean_partners_come_first_in_every_language(multilingual: Recommender, language: str) -> None:
    top = [m.partner_id for m in multilingual.collaborators(text=REQUESTS[language], k=5)]
    assert set(top[:2]) == {"ocean-school", "ocean-ngo"}, top
    assert "garden-city" not in top  # the one partner writing in French is not pulled up by the language


def test_a_translated_request_keeps_the_english_answer(multilingual: Recommender) -> None:
    english = [m.partner_id for m in multilingual.collaborators(text=REQUESTS["en"], k=5)]
    for language in ("fr", "es", "pt", "ar"):
        translated = [m.partner_id for m in multilingual.collaborators(text=REQUESTS[language], k=5)]
        assert len(set(translated) & set(english)) >= 3, (language, translated, english)


def test_the_script_tells_the_language_where_function_words_cannot() -> None:
    from matcher.understand import script_language, written_language

    assert written_language(REQUESTS["ar"]) == "ar"
    assert script_language("Образование для устойчивого развития") == "ru"
    assert script_language("可持续发展教育") == "zh" and script_language("持続可能な開発のための教育") == "ja"
    assert script_language("Ocean literacy") is None and written_language(REQUESTS["fr"]) == "fr"
    assert script_language("UNESCO and UNICEF مدارس") is None  # a mix: no script has most of the letters


def test_a_request_not_in_english_compares_through_the_multilingual_block(multilingual: Recommender) -> None:
    rec = multilingual
    query = rec.resolve(REQUESTS["fr"])
    layout = rec.layout
    assert query.language == "fr" and layout is not None and layout.multilingual is not None
    m0, m1 = layout.multilingual
    # the comparison vector's dot product with a past project is that project's multilingual cosine
    ml = rec.catalog.project_vectors[:, m0:m1] / layout.scale
    expected = ml @ (query.vector[m0:m1] / layout.scale)
    every = np.arange(len(rec.catalog.projects))
    assert query.projects is not None
    np.testing.assert_allclose(query.projects.dense(every), expected, atol=1e-5)
    english = rec.resolve(REQUESTS["en"])
    assert english.search_vector is None and english.projects is not None
    np.testing.assert_allclose(english.projects.dense(every), rec.catalog.project_vectors @ english.vector, atol=1e-6)


def test_the_bridge_gives_other_language_partners_their_lexical_features(multilingual: Recommender) -> None:
    from matcher.ranking.bridge import LexicalBridge
    from matcher.ranking.features import FEATURES, compute_features

    rec = multilingual
    query = rec.resolve(REQUESTS["fr"])
    query.lexical_bridge = LexicalBridge(np.array([0.0, 1.0]), np.array([0.0, 0.5]))
    rows = np.arange(len(rec.catalog.partners))
    features = compute_features(rec.catalog, query, rows, rec.layout)
    col = {name: j for j, name in enumerate(FEATURES)}
    for row, partner in enumerate(rec.catalog.partners):
        if partner.id == "garden-city":  # writes in French, like the request: its own words count
            assert features[row, col["lexical"]] == pytest.approx(query.lexical_scores[row], abs=1e-6)
        elif rec.catalog.text_languages(np.array([row]))[0] == "en":  # the bridge is a floor under its own words
            expected = max(query.lexical_scores[row], 0.5 * np.clip(features[row, col["dense_ml"]], 0.0, 1.0))
            assert features[row, col["lexical"]] == pytest.approx(expected, abs=1e-5)
            assert (
                features[row, col["history_lexical"]] >= 0.5 * np.clip(features[row, col["history_max"]], 0, 1) - 1e-5
            )
