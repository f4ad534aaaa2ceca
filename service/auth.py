"""API keys: writes need ``Authorization: Bearer <key>`` with a key of MATCHER_API_KEYS; reads only if configured."""

from __future__ import annotations

import hmac
from typing import Annotated

from fastapi import Depends, HTTPException, Request, status
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from matcher.settings import Settings

bearer = HTTPBearer(
    auto_error=False,
    scheme_name="APIKey",
    description="One of the keys in MATCHER_API_KEYS, sent as `Authorization: Bearer <key>`.",
)
Credentials = Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)]


def _settings(request: Request) -> Settings:
    return request.app.state.settings  # type: ignore[no-any-return]


def _refuse(detail: str) -> HTTPException:
    return HTTPException(status.HTTP_401_UNAUTHORIZED, detail=detail, headers={"WWW-Authenticate": "Bearer"})


def key_is_valid(settings: Settings, credentials: HTTPAuthorizationCredentials | None) -> bool:
    if credentials is None:
        return False
    given = credentials.credentials.encode()
    # compare with every key (constant time each), so the timing says nothing about which key nearly matched
    matches = [hmac.compare_digest(given, key.get_secret_value().encode()) for key in settings.api_keys]
    return any(matches)


def require_writer(request: Request, credentials: Credentials) -> None:
    """Dependency of every write: 401 (and nothing written) without a valid key."""
    settings = _settings(request)
    if not settings.api_keys:
        raise _refuse("This service takes no writes: no API key is configured. Set MATCHER_API_KEYS and restart.")
    if credentials is None:
        raise _refuse("Writes need an API key: send the header `Authorization: Bearer <key>`.")
    if not key_is_valid(settings, credentials):
        raise _refuse("The API key is not valid; use one of the keys configured in MATCHER_API_KEYS.")


def require_reader(request: Request, credentials: Credentials) -> None:
    """Dependency of every read: open unless MATCHER_READ_REQUIRES_KEY is true."""
    settings = _settings(request)
    if not settings.read_requires_key:
        return
    if credentials is None:
        raise _refuse("Reads need an API key on this service: send the header `Authorization: Bearer <key>`.")
    if not key_is_valid(settings, credentials):
        raise _refuse("The API key is not valid; use one of the keys configured in MATCHER_API_KEYS.")


Writer = Depends(require_writer)
Reader = Depends(require_reader)
