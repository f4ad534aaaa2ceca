"""Database fixtures shared by ``tests/store/`` (through its conftest) and ``tests/test_faults.py`` (by import).

Every test using ``store_url`` runs on SQLite, and on PostgreSQL when one is reachable at
``MATCHER_TEST_POSTGRES_URL`` (default ``postgresql+psycopg://postgres@127.0.0.1:5432/test``); otherwise the
PostgreSQL run is skipped with the reason. Each PostgreSQL test gets a schema of its own, dropped afterwards.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.store.support import postgres_reachable, postgres_schema


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
