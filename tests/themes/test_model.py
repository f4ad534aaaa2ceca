"""ThemeModel on the blob corpus: number of themes, stable ids, outliers, language centring, the estimator contract."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.exceptions import NotFittedError

from matcher.themes.corpus import ThemeCorpus
from matcher.themes.model import OUTLIER, ThemeModel
from tests.themes.blobs import FRENCH, TOPICS, make_corpus, shuffled
from tests.themes.conftest import theme_of


def topic_theme(model: ThemeModel, topic: str) -> int:
    return theme_of(model, f"partner:centre-{topic}")


def test_silhouette_finds_the_four_topics(fitted: ThemeModel) -> None:
    assert fitted.n_themes_ == 4
    assert fitted.selection_ is not None
    assert fitted.selection_.best == 4
    assert max(fitted.selection_.scores, key=fitted.selection_.scores.__getitem__) == 4
    assert sorted(fitted.selection_.scores) == list(range(2, 12))  # 55 documents, >= 5 per theme: k <= 11
    themes = {topic_theme(fitted, t) for t in TOPICS}
    assert themes == {0, 1, 2, 3}


def test_every_topic_member_is_in_its_topic_theme(fitted: ThemeModel, blobs: ThemeCorpus) -> None:
    for key in blobs.keys:
        topic = key.split(":")[1].split("-")[0]
        if topic in TOPICS:
            assert theme_of(fitted, key) == topic_theme(fitted, topic), key


def test_first_fit_numbers_themes_largest_first(fitted: ThemeModel) -> None:
    sizes = [fitted.theme(i).size for i in range(4)]
    assert sizes == sorted(sizes, reverse=True)
    assert sizes == [14, 14, 13, 13]  # ocean (with the bridge), garden (with the stray), stem, teachers
    assert [topic_theme(fitted, t) for t in ("ocean", "garden", "stem", "teachers")] == [0, 1, 2, 3]
    assert sum(t.size for t in fitted.themes_) == len(fitted.labels_) - 1  # all but the one outlier
    assert fitted.next_id_ == 4


def test_labels_hold_the_distinctive_terms(fitted: ThemeModel) -> None:
    expected = {"ocean": "ocean literacy", "garden": "school garden", "stem": "girls coding", "teachers": "teacher"}
    for topic, term in expected.items():
        theme = fitted.theme(topic_theme(fitted, topic))
        assert any(term in t for t in theme.terms[:3]), (topic, theme.terms)
        assert theme.label == ", ".join(theme.terms[:3])
        assert len(theme.scores) == len(theme.terms) == 10 and min(theme.scores) > 0


def test_labels_drop_the_stop_words_of_every_language_present(fitted: ThemeModel) -> None:
    assert fitted.languages_ == ["en", "fr"]
    words = {w for theme in fitted.themes_ for term in theme.terms for w in term.split()}
    assert not words & {"nous", "les", "des", "avec", "pour", "dans", "la", "et", "we", "our", "with"}


def test_refit_on_the_same_data_gives_the_same_ids_and_labels(fitted: ThemeModel, blobs: ThemeCorpus) -> None:
    again = ThemeModel().fit(blobs)
    with_previous = ThemeModel().fit(blobs, previous=fitted)

    for model in (again, with_previous):
        assert model.assignments_ == fitted.assignments_
        assert model.themes_ == fitted.themes_
    assert with_previous.lineage_ == {"kept": [0, 1, 2, 3], "new": [], "retired": []}


@pytest.mark.parametrize("seed", [1, 2])
def test_input_order_does_not_matter(fitted: ThemeModel, blobs: ThemeCorpus, seed: int) -> None:
    model = ThemeModel().fit(shuffled(blobs, seed))

    assert model.assignments_ == fitted.assignments_
    assert model.themes_ == fitted.themes_
    order = [model.corpus_.keys.index(k) for k in blobs.keys]
    np.testing.assert_array_equal(model.labels_[order], fitted.labels_)


def test_ids_follow_the_previous_fit_when_the_data_change(fitted: ThemeModel) -> None:
    # Without the previous fit, dropping most garden documents makes garden the smallest theme, numbered last.
    dropped = frozenset({f"garden-{i:02d}" for i in range(6)})
    changed = make_corpus(drop=dropped, seed=1)
    fresh = ThemeModel().fit(changed)
    followed = ThemeModel().fit(changed, previous=fitted)

    assert theme_of(fresh, "partner:centre-garden") == 3 != topic_theme(fitted, "garden")
    for topic in TOPICS:
        assert theme_of(followed, f"partner:centre-{topic}") == topic_theme(fitted, topic)
    assert followed.lineage_["kept"] == [0, 1, 2, 3]


def test_a_new_topic_gets_a_fresh_id_and_retired_ids_are_never_reused(fitted: ThemeModel) -> None:
    grown = ThemeModel().fit(make_corpus(extra_topic=True), previous=fitted)
    assert grown.n_themes_ == 5
    assert grown.lineage_ == {"kept": [0, 1, 2, 3], "new": [4], "retired": []}
    assert theme_of(grown, "partner:centre-radio") == 4
    assert "radio" in grown.theme(4).label or "podcast" in grown.theme(4).label

    no_stem = frozenset({f"stem-{i:02d}" for i in range(12)} | {"centre-stem"})
    shrunk = ThemeModel().fit(make_corpus(drop=no_stem, extra_topic=True), previous=grown)
    assert shrunk.lineage_ == {"kept": [0, 1, 3, 4], "new": [], "retired": [2]}
    regrown = ThemeModel().fit(make_corpus(extra_topic=True), previous=shrunk)
    assert theme_of(regrown, "partner:centre-stem") == 5  # neither the retired 2 nor radio's 4
    assert theme_of(regrown, "partner:centre-radio") == 4
    assert regrown.next_id_ == 6


def test_outliers_are_reported_and_close_noise_is_assigned(fitted: ThemeModel) -> None:
    assert theme_of(fitted, "partner:lost") == OUTLIER
    assert fitted.outlier_rate_ == pytest.approx(1 / 55)
    # The stray sits below the garden blob's Tukey fence (noise), but within min_similarity: it joins garden.
    assert fitted.noise_rate_ > fitted.outlier_rate_
    assert theme_of(fitted, "partner:stray") == topic_theme(fitted, "garden")
    stricter = ThemeModel(min_similarity=0.95).fit(make_corpus())
    assert theme_of(stricter, "partner:stray") == OUTLIER
    assert stricter.outlier_rate_ > fitted.outlier_rate_


def test_predict_is_the_assignment_rule(fitted: ThemeModel, blobs: ThemeCorpus) -> None:
    np.testing.assert_array_equal(fitted.predict(blobs.vectors, blobs.texts), fitted.labels_)
    sims = fitted.similarities(blobs.vectors, blobs.texts)
    assert sims.shape == (55, 4)
    np.testing.assert_allclose(sims.max(axis=1), fitted.similarity_, atol=1e-5)


def test_language_centring_keeps_french_documents_with_their_topic(fitted: ThemeModel) -> None:
    for topic in FRENCH:
        for i in (8, 9):
            assert theme_of(fitted, f"partner:{topic}-{i:02d}") == topic_theme(fitted, topic)
    assert fitted.centering_ is not None and fitted.centering_.languages_ == ["en", "fr"]
    # Without centring, the French offset is a theme of its own for the silhouette.
    plain = ThemeModel(center_languages=False).fit(make_corpus())
    assert plain.selection_ is not None and plain.selection_.best == 5


def test_hdbscan_finds_the_topics_too(blobs: ThemeCorpus) -> None:
    model = ThemeModel(method="hdbscan").fit(blobs)
    assert model.n_themes_ == 4
    assert model.selection_ is None
    assert theme_of(model, "partner:lost") == OUTLIER
    assert model.noise_rate_ > model.outlier_rate_ > 0


def test_a_fixed_number_of_themes(blobs: ThemeCorpus) -> None:
    model = ThemeModel(n_themes=3).fit(blobs)
    assert model.n_themes_ == 3
    assert model.selection_ is None


def test_contract_init_stores_fit_returns_self_and_guards(blobs: ThemeCorpus) -> None:
    model = ThemeModel(n_themes=4, min_similarity=0.5)
    assert model.get_params()["n_themes"] == 4 and model.get_params()["min_similarity"] == 0.5
    assert not [name for name in vars(model) if name.endswith("_")]
    with pytest.raises(NotFittedError):
        model.predict(blobs.vectors)
    assert model.fit(blobs) is model


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"method": "dbscan"}, "method='dbscan' is not supported; use 'kmeans' or 'hdbscan'"),
        ({"n_themes": 0}, "n_themes=0: give 'auto' or a whole number >= 1"),
        ({"min_similarity": 1.5}, "min_similarity=1.5 must lie in [0, 1] (a cosine similarity)"),
    ],
)
def test_bad_parameters_say_what_is_allowed(blobs: ThemeCorpus, params: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError) as info:
        ThemeModel(**params).fit(blobs)  # type: ignore[arg-type]
    assert str(info.value) == message


def test_too_few_documents(blobs: ThemeCorpus) -> None:
    tiny = ThemeCorpus(blobs.frame.iloc[:2].reset_index(drop=True), blobs.vectors[:2])
    with pytest.raises(ValueError, match="themes need at least 3 documents; the corpus has 2"):
        ThemeModel().fit(tiny)


def test_corpus_rejects_duplicate_keys(blobs: ThemeCorpus) -> None:
    frame = blobs.frame.iloc[[0, 0, 1]].reset_index(drop=True)
    with pytest.raises(ValueError, match="corpus keys must be unique; repeated"):
        ThemeCorpus(frame, blobs.vectors[[0, 0, 1]])
