"""The :class:`~matcher.embedding.base.Embedder` contract, run against every embedder (implicit's
``RecommenderBaseTestMixin`` is the model): a test class per embedder subclasses :class:`EmbedderContract` and
gives a ``subject`` fixture (session-scoped fixtures load each model once).

The known answer: a query about coral reef science for schools is nearest to the text about exactly that, among
texts on unrelated topics that share none of its words (so a bag-of-words fake passes too).
"""

from __future__ import annotations

from typing import ClassVar

import numpy as np
import pytest

from matcher.embedding.base import Embedder

TEXTS = [
    "Marine research institute bringing coral reef science into primary schools.",
    "Software company mentoring teenagers in app development and offering summer internships.",
    "Food bank partnering with supermarkets to redistribute surplus fresh produce to families in need.",
    "Theatre company touring rural villages with plays written together with local residents.",
    "Vocational college training electricians in heat-pump installation.",
]
QUERY = "coral reef science for schools"


class EmbedderContract:
    """What every embedder does; subclasses provide the ``subject`` fixture."""

    #: How close (cosine) the same text's vectors must be, alone or in a batch (quantised backends round).
    tolerance: ClassVar[float] = 2e-3

    def test_is_an_embedder_with_a_name_and_a_size(self, subject: Embedder) -> None:
        assert isinstance(subject, Embedder)
        assert isinstance(subject.name, str) and subject.name.strip()
        assert isinstance(subject.dim, int) and subject.dim > 0

    def test_unit_float32_rows_one_per_text(self, subject: Embedder) -> None:
        vectors = subject.encode(TEXTS, batch_size=2)
        assert vectors.shape == (len(TEXTS), subject.dim)
        assert vectors.dtype == np.float32
        np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-3)

    def test_no_texts_give_an_empty_array(self, subject: Embedder) -> None:
        vectors = subject.encode([])
        assert vectors.shape == (0, subject.dim)
        assert vectors.dtype == np.float32

    def test_rows_follow_the_input_order_whatever_the_batch(self, subject: Embedder) -> None:
        texts = [TEXTS[3], QUERY, TEXTS[0] * 3, TEXTS[1]]
        batch = subject.encode(texts, batch_size=3)
        one_by_one = np.vstack([subject.encode([t]) for t in texts])
        np.testing.assert_allclose(np.einsum("ij,ij->i", batch, one_by_one), 1.0, atol=self.tolerance)

    def test_the_same_text_gives_the_same_vector(self, subject: Embedder) -> None:
        twice = subject.encode([QUERY, QUERY])
        again = subject.encode([QUERY])
        assert float(twice[0] @ twice[1]) == pytest.approx(1.0, abs=self.tolerance)
        assert float(twice[0] @ again[0]) == pytest.approx(1.0, abs=self.tolerance)

    def test_the_related_text_is_nearest(self, subject: Embedder) -> None:
        similarities = subject.encode(TEXTS) @ subject.encode([QUERY])[0]
        assert int(np.argmax(similarities)) == 0
