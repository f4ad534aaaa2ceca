"""The write-enabled HTTP client of ``test_writes.py``, ``test_feedback.py`` and ``tests/test_faults.py``."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient
from pydantic import SecretStr

from matcher.engine import Matcher

KEY = "test-key-0123456789abcdef"
SECOND_KEY = "second-key-0123456789abcdef"
AUTH = {"Authorization": f"Bearer {KEY}"}


def client_for(matcher: Matcher, **settings: Any) -> TestClient:
    """A client of the service over ``matcher``, with two API keys unless ``api_keys`` is given."""
    from service.app import create_app

    values = {"api_keys": [SecretStr(KEY), SecretStr(SECOND_KEY)], **settings}
    return TestClient(create_app(matcher.settings.model_copy(update=values), matcher=matcher))
