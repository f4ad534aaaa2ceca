"""c-TF-IDF labels and the stop words of the languages present."""

from __future__ import annotations

import pytest
from sklearn.exceptions import NotFittedError

from matcher.themes.labels import ClassTfidf, label_from_terms
from matcher.themes.stopwords import detect_language, languages_present, stop_words_for


def test_distinctive_terms_rise_and_shared_terms_sink() -> None:
    texts = ["ocean reef schools", "ocean marine schools", "garden compost schools", "garden soil schools"]
    model = ClassTfidf(min_df=1, ngram_range=(1, 1)).fit(texts, [0, 0, 1, 1])

    assert [t for t, _ in model.top_terms(0, 2)] == ["ocean", "marine"]
    assert [t for t, _ in model.top_terms(1, 2)] == ["garden", "compost"]
    ocean = dict(model.top_terms(0, 10))
    assert ocean["ocean"] > ocean["schools"]  # in every class: lowest idf


def test_a_phrase_replaces_its_words_and_plurals_are_not_repeated() -> None:
    texts = ["lifelong learning cities", "lifelong learning for adults", "coral reefs and reef fish", "reefs reef"]
    model = ClassTfidf(min_df=1).fit(texts, [0, 0, 1, 1])

    terms = [t for t, _ in model.top_terms(0, 3)]
    assert terms[0] == "lifelong learning"
    assert "lifelong" not in terms and "learning" not in terms
    words = ClassTfidf(min_df=1, ngram_range=(1, 1), stop_words=stop_words_for(["en"])).fit(texts, [0, 0, 1, 1])
    reef = [t for t, _ in words.top_terms(1, 5)]
    assert sorted(reef) == ["coral", "fish", "reef"]  # "reefs" says "reef" again


def test_idf_is_taken_within_each_language() -> None:
    # One Spanish text in class 1: "escuelas" is common in Spanish, but rare among all words.
    texts = ["ocean reef marine", "ocean reef coral", "garden compost soil", "escuelas huertos escuelas escuelas"]
    classes, languages = [0, 0, 1, 1], ["en", "en", "en", "es"]
    single = ClassTfidf(min_df=1, ngram_range=(1, 1)).fit(texts, classes)
    per_language = ClassTfidf(min_df=1, ngram_range=(1, 1)).fit(texts, classes, languages=languages)

    assert single.top_terms(1, 1)[0][0] == "escuelas"
    assert per_language.top_terms(1, 1)[0][0] != "escuelas"


def test_stop_words_leave_the_labels() -> None:
    texts = ["Nous travaillons avec les écoles pour la mer", "We teach ocean literacy in our schools"]
    model = ClassTfidf(min_df=1, stop_words=stop_words_for(["en", "fr"])).fit(texts, [0, 1])
    words = {w for c in (0, 1) for t, _ in model.top_terms(c, 20) for w in t.split()}
    assert words == {"travaillons", "ecoles", "mer", "teach", "ocean", "literacy", "schools"}


def test_top_terms_errors() -> None:
    with pytest.raises(NotFittedError):
        ClassTfidf().top_terms(0)
    model = ClassTfidf(min_df=1).fit(["a text", "another text"], [0, 1])
    with pytest.raises(KeyError, match=r"class 7 was not in the fitted classes \[0, 1\]"):
        model.top_terms(7)
    with pytest.raises(ValueError, match="got 2 texts, 1 class ids"):
        ClassTfidf().fit(["a", "b"], [0])


def test_label_from_terms() -> None:
    assert label_from_terms(["ocean literacy", "marine", "reef", "pacific"]) == "ocean literacy, marine, reef"
    assert label_from_terms([]) == "unlabelled"


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("Nous accompagnons les enseignants dans les écoles rurales avec des formations.", "fr"),
        ("Colectivo de jóvenes: hacemos talleres en colegios sobre el cuidado del agua y los glaciares.", "es"),
        ("We run ocean literacy clubs for the schools of our island and the teachers.", "en"),
        ("Ocean literacy", None),
    ],
)
def test_detect_language(text: str, language: str | None) -> None:
    assert detect_language(text) == language


def test_languages_present_and_unknown_language() -> None:
    assert languages_present(["Nous sommes avec les écoles et les élèves.", "short"]) == ["en", "fr"]
    with pytest.raises(ValueError, match="no stop words for language 'xx'; supported: de, en, es, fr, it, nl, pt"):
        stop_words_for(["xx"])
