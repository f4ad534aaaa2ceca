"""The query-vector LRU: a repeated query text (normalised) is embedded once; long lists bypass it; bounded."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pytest

from matcher.embedding.cached import QueryCacheEmbedder, query_key
from tests.embedding.contract import EmbedderContract
from tests.store.support import HashEmbedder


class CountingEmbedder:
    name = "counting"
    dim = 3

    def __init__(self) -> None:
        self.texts: list[str] = []

    def encode(self, texts: Sequence[str], *, batch_size: int = 32, show_progress: bool = False) -> np.ndarray:
        self.texts += list(texts)
        return np.array([[len(t), t.count("a"), 1.0] for t in texts], dtype=np.float32)


class TestQueryCacheEmbedder(EmbedderContract):
    @pytest.fixture
    def subject(self) -> QueryCacheEmbedder:
        return QueryCacheEmbedder(HashEmbedder(), size=4)


def test_a_repeated_query_is_embedded_once_and_normalised_text_shares_the_entry() -> None:
    inner = CountingEmbedder()
    cached = QueryCacheEmbedder(inner, size=2)

    first = cached.encode(["ocean  schools "])
    again = cached.encode([" ocean schools"])

    np.testing.assert_array_equal(first, again)
    np.testing.assert_array_equal(first, [[15, 1, 1]])  # the first spelling's vector
    assert inner.texts == ["ocean  schools "] and (cached.hits, cached.misses) == (1, 1)
    assert query_key("  a\u0301  b ") == "\u00e1 b"  # NFC and whitespace


def test_a_mixed_batch_embeds_only_the_missing_texts_in_order() -> None:
    inner = CountingEmbedder()
    cached = QueryCacheEmbedder(inner, size=10)
    cached.encode(["aa"])

    out = cached.encode(["b", "aa", "b", "aaa"])

    assert inner.texts == ["aa", "b", "aaa"]  # "b" once, "aa" from the cache
    np.testing.assert_array_equal(out[:, 1], [0, 2, 0, 3])


def test_the_cache_is_bounded_and_long_lists_bypass_it() -> None:
    inner = CountingEmbedder()
    cached = QueryCacheEmbedder(inner, size=2, max_batch=3)
    for text in ("x", "y", "z", "x"):
        cached.encode([text])
    assert inner.texts == ["x", "y", "z", "x"]  # "x" was evicted by "z"
    cached.encode(["x", "y", "z", "w"])  # four texts: an ingest batch, not looked up
    assert inner.texts[-4:] == ["x", "y", "z", "w"] and len(cached) == 2
