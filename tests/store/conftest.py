"""Fixtures of the store tests: every test here runs on SQLite, and on PostgreSQL when one is reachable."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from matcher.store import Store
from tests.store.fixtures import postgres_skip_reason, store_url  # noqa: F401 - fixtures
from tests.store.support import HashEmbedder


@pytest.fixture
def store(store_url: str) -> Iterator[Store]:  # noqa: F811 - the fixture, by name
    """A migrated, empty store."""
    opened = Store(store_url)
    opened.migrate()
    yield opened
    opened.close()


@pytest.fixture(scope="session")
def hash_embedder() -> HashEmbedder:
    return HashEmbedder()
