"""The reference embedder: packaged all-MiniLM-L6-v2 on torch."""

from __future__ import annotations

import pytest

from matcher.embedding.base import Embedder
from tests.embedding.contract import EmbedderContract

TEXTS = [
    "Ocean literacy kits for primary schools.",
    "Coding clubs for girls with mentors from industry.",
    "La ville soutient les jardins scolaires.",
]


class TestSentenceTransformerEmbedder(EmbedderContract):
    tolerance = 1e-5

    @pytest.fixture
    def subject(self, embedder: Embedder) -> Embedder:
        return embedder


def test_vectors_have_384_dimensions(embedder: Embedder) -> None:
    assert embedder.dim == 384
    assert embedder.encode(TEXTS).shape == (3, 384)


def test_name_identifies_model_and_backend(embedder: Embedder) -> None:
    assert embedder.name == "all-MiniLM-L6-v2:torch-fp32"


def test_paraphrase_is_closer_than_an_unrelated_text(embedder: Embedder) -> None:
    anchor, paraphrase, unrelated = embedder.encode(
        [
            "Teaching children about coral reefs and the ocean.",
            "Lessons for pupils on marine life and reef conservation.",
            "Quarterly tax reporting obligations for small companies.",
        ]
    )

    close, far = float(anchor @ paraphrase), float(anchor @ unrelated)
    assert close > 0.5
    assert far < 0.2
    assert close > far + 0.3
