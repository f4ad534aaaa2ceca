"""The reference embedder: packaged all-MiniLM-L6-v2 on torch."""

from __future__ import annotations

import numpy as np

from matcher.embedding.base import Embedder

TEXTS = [
    "Ocean literacy kits for primary schools.",
    "Coding clubs for girls with mentors from industry.",
    "La ville soutient les jardins scolaires.",
]


def test_encode_shape_dtype_and_unit_norm(embedder: Embedder) -> None:
    vectors = embedder.encode(TEXTS)

    assert embedder.dim == 384
    assert vectors.shape == (3, 384)
    assert vectors.dtype == np.float32
    assert np.all(np.abs(np.linalg.norm(vectors, axis=1) - 1.0) < 1e-3)


def test_name_identifies_model_and_backend(embedder: Embedder) -> None:
    assert embedder.name == "all-MiniLM-L6-v2:torch-fp32"


def test_empty_input_gives_an_empty_matrix(embedder: Embedder) -> None:
    vectors = embedder.encode([])

    assert vectors.shape == (0, 384)
    assert vectors.dtype == np.float32


def test_identical_texts_give_identical_vectors(embedder: Embedder) -> None:
    vectors = embedder.encode([TEXTS[0], TEXTS[1], TEXTS[0]])

    np.testing.assert_allclose(vectors[0], vectors[2], atol=1e-6)


def test_batching_does_not_change_vectors(embedder: Embedder) -> None:
    together = embedder.encode(TEXTS, batch_size=32)
    one_by_one = embedder.encode(TEXTS, batch_size=1)

    np.testing.assert_allclose(together, one_by_one, atol=1e-5)


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
