"""The embedders the tests use in place of a model keep the Embedder contract too (the known answer included: the
fake's texts sharing words are close)."""

from __future__ import annotations

import pytest

from tests.embedding.contract import EmbedderContract
from tests.store.support import HashEmbedder


class TestHashEmbedder(EmbedderContract):
    tolerance = 1e-6

    @pytest.fixture
    def subject(self) -> HashEmbedder:
        return HashEmbedder()
