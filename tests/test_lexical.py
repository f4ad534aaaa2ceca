"""TF-IDF without function words of any language; key terms never a stop word nor an asked place or kind word."""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

from matcher.lexical import Analyzer, LexicalModel, column_scores
from matcher.recommender import Recommender
from matcher.understand import all_stop_words, understand


def test_a_text_loses_its_own_and_shared_function_words() -> None:
    analyze = Analyzer()
    assert analyze("Nous travaillons avec les écoles de la mer") == [
        "travaillons", "ecoles", "mer", "travaillons ecoles", "ecoles mer",
    ]  # fmt: skip
    # "sea" is a Spanish stop word only: an English text keeps it
    assert analyze("We run sea turtle clubs in the schools") == [
        "sea", "turtle", "clubs", "schools", "sea turtle", "turtle clubs", "clubs schools",
    ]  # fmt: skip


def test_a_french_query_and_an_english_document_sharing_only_function_words_score_zero() -> None:
    docs = ["The University of La Plata de la Costa teaches marine science", "School gardens and nutrition education"]
    model = LexicalModel().fit(docs)
    query = model.transform(["Nous cherchons de la formation pour les enseignants de la côte"])
    np.testing.assert_array_equal(model.scores(query), [0.0, 0.0])
    query = model.transform(["marine science for schools"])
    assert model.scores(query)[0] > 0


def test_key_terms_are_never_stop_words() -> None:
    docs = [
        "We run the ocean literacy programme; les écoles de la mer run it with us",
        "They run school gardens and the compost of the city",
    ]
    model = LexicalModel().fit(docs)
    query = model.transform(["We run ocean literacy and school gardens; de la mer, les écoles"])
    terms = model.shared_terms_of_rows(query, [0, 1], n=10)
    assert {"ocean", "literacy", "ecoles", "mer"} <= {w for t in terms[0] for w in t.split()}
    assert {"school", "gardens"} <= {w for t in terms[1] for w in t.split()}
    words = {w for row in terms for t in row for w in t.split()}
    assert words and not words & all_stop_words()
    assert "run" not in words and "the" not in words and "les" not in words and "de" not in words


def test_key_terms_leave_out_what_the_query_asked() -> None:
    text = "Ocean literacy in primary schools in West Africa"
    model = LexicalModel().fit(["Ocean literacy for primary schools across West Africa", "Coral reef monitoring"])
    query = model.transform([text])
    before = {w for t in model.shared_terms(query, 0, n=10) for w in t.split()}
    assert {"west", "africa", "schools", "ocean", "literacy"} <= before
    asked = understand(text).words  # "primary schools", "West Africa"
    after = {w for t in model.shared_terms(query, 0, n=10, exclude=asked) for w in t.split()}
    assert after == {"ocean", "literacy"}


DOCS = [
    "Coral reef monitoring and ocean literacy with coastal schools",
    "Ocean literacy kits for primary schools and teachers",
    "Solar microgrids for rural schools",
    "Girls in science mentoring with universities",
    "Reef restoration research with a marine biology institute",
]


def test_column_scores_are_the_full_product_read_from_the_query_columns_only() -> None:
    model = LexicalModel().fit(DOCS)
    full = sp.csr_matrix(model.columns_)  # documents x terms, row-major: the straightforward product
    queries = ["ocean literacy for schools", "reef research", "solar schools for girls", "nothing known here"]

    for text in queries:
        query = model.transform([text])
        expected = np.asarray((full @ query.T).todense(), dtype=np.float32).ravel()
        np.testing.assert_array_equal(column_scores(model.columns_, query), expected)  # the same bits
        np.testing.assert_array_equal(model.scores(query), expected)
    ocean = model.scores(model.transform(["ocean literacy for schools"]))
    assert ocean.argmax() == 1 and ocean[2] > 0 and ocean[3] == 0  # schools only / no shared term
    shuffled = model.transform(["reef research"])
    shuffled.indices, shuffled.data = shuffled.indices[::-1].copy(), shuffled.data[::-1].copy()
    shuffled.has_sorted_indices = False
    np.testing.assert_array_equal(
        column_scores(model.columns_, shuffled), model.scores(model.transform(["reef research"]))
    )


def test_project_lexical_reads_the_query_columns_and_keeps_the_full_products(recommender: Recommender) -> None:
    catalog = recommender.catalog
    query = catalog.lexical.transform(["coral reef ocean literacy for schools"])

    lexical = catalog.project_lexical(query)

    expected = np.asarray((catalog.project_terms @ query.T).todense(), dtype=np.float32).ravel()
    np.testing.assert_array_equal(lexical, expected)
    assert lexical.max() > 0
