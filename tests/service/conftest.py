"""The write-enabled client of the service tests (the read-only ``client`` is in tests/conftest.py)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from matcher.engine import Matcher
from tests.service.writes_support import client_for


@pytest.fixture
def writer(ingested: Matcher) -> Iterator[TestClient]:
    """The service over a private copy of the tiny alliance, taking writes with ``AUTH``."""
    with client_for(ingested) as client:
        yield client
