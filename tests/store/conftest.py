"""Fixtures of the store tests: every test here runs on SQLite, and on PostgreSQL when one is reachable.

PostgreSQL: ``MATCHER_TEST_POSTGRES_URL`` (default ``postgresql+psycopg://postgres@127.0.0.1:5432/test``); each test
gets a schema of its own, dropped afterwards, so reruns start clean.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from matcher.store import Store
from tests.store.support import HashEmbedder, postgres_reachable, postgres_schema


@pytest.fixture(scope="session")
def postgres_skip_reason() -> str | None:
    return postgres_reachable()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def store_url(request: pytest.FixtureRequest, tmp_path: Path, postgres_skip_reason: str | None) -> Iterator[str]:
    """A URL of an empty database: a SQLite file, or a fresh PostgreSQL schema."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'store.db'}"
        return
    if postgres_skip_reason:
        pytest.skip(postgres_skip_reason)
    with postgres_schema() as url:
        yield url


@pytest.fixture
def store(store_url: str) -> Iterator[Store]:
    """A migrated, empty store."""
    opened = Store(store_url)
    opened.migrate()
    yield opened
    opened.close()


@pytest.fixture(scope="session")
def hash_embedder() -> HashEmbedder:
    return HashEmbedder()
