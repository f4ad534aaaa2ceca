"""Who is calling: API keys sent as ``Authorization: Bearer <key>``.

Three kinds of caller (:class:`Caller`):

- **admin**: a key of ``MATCHER_API_KEYS`` or an admin key made with ``matcher keys create --admin``; every write.
- **partner**: a key made with ``matcher keys create --partner ID``; it may act as that partner only (as
  ``requester_id``, for the feedback it gives, to read and update its own record, to see itself while hidden) and
  gets 403 for anything else.
- **anonymous**: no key (or a key that is not valid); reads only, unless ``MATCHER_READ_REQUIRES_KEY`` is true.

What a caller may *see* of partners that opted out of discovery is :mod:`service.visibility`.
"""

from __future__ import annotations

import hmac
from dataclasses import dataclass
from typing import Annotated, Literal

from fastapi import Depends, HTTPException, Request, status
from fastapi.concurrency import run_in_threadpool
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from matcher.settings import Settings
from matcher.store.keys import KeyRing, key_id_of

bearer = HTTPBearer(
    auto_error=False,
    scheme_name="APIKey",
    # keys made with `matcher keys create` work too; the wording is pinned by tests/service/test_writes.py
    description="One of the keys in MATCHER_API_KEYS, sent as `Authorization: Bearer <key>`.",
)
Credentials = Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)]

NO_KEY = "Writes need an API key: send the header `Authorization: Bearer <key>`."
BAD_KEY = "The API key is not valid; use one of the keys configured in MATCHER_API_KEYS."
NO_WRITES = "This service takes no writes: no API key is configured. Set MATCHER_API_KEYS and restart."


@dataclass(frozen=True, slots=True)
class Caller:
    """The caller of a request. ``bad_key``: a key was sent but is unknown, malformed or revoked."""

    scope: Literal["anonymous", "admin", "partner"] = "anonymous"
    partner_id: str | None = None
    bad_key: bool = False

    @property
    def is_admin(self) -> bool:
        return self.scope == "admin"

    @property
    def has_key(self) -> bool:
        return self.scope != "anonymous"

    def acts_for(self, partner_id: str) -> bool:
        """May this caller act as (and see) ``partner_id``: an admin key, or that partner's own key."""
        return self.is_admin or (self.scope == "partner" and self.partner_id == partner_id)


def _settings(request: Request) -> Settings:
    return request.app.state.settings  # type: ignore[no-any-return]


def _keyring(request: Request) -> KeyRing:
    return KeyRing(request.app.state.matcher.store.sessions)


def _refuse(detail: str) -> HTTPException:
    return HTTPException(status.HTTP_401_UNAUTHORIZED, detail=detail, headers={"WWW-Authenticate": "Bearer"})


def forbidden(caller: Caller, needed: str) -> HTTPException:
    """403 for a partner key used beyond its partner; ``needed`` says what the request needs instead."""
    return HTTPException(
        status.HTTP_403_FORBIDDEN,
        detail=f"This API key acts only as partner {caller.partner_id!r} (as requester_id, for its feedback and its "
        f"own record); {needed}.",
    )


def key_is_valid(settings: Settings, credentials: HTTPAuthorizationCredentials | None) -> bool:
    """Is the key one of ``MATCHER_API_KEYS`` (keys made with ``matcher keys`` are checked by :func:`get_caller`)."""
    if credentials is None:
        return False
    given = credentials.credentials.encode()
    # compare with every key (constant time each), so the timing says nothing about which key nearly matched
    matches = [hmac.compare_digest(given, key.get_secret_value().encode()) for key in settings.api_keys]
    return any(matches)


async def get_caller(request: Request, credentials: Credentials) -> Caller:
    """The caller of this request (computed once per request: FastAPI caches dependencies). Async on purpose: without
    a key, or with a key of MATCHER_API_KEYS, it costs no hop through the thread pool; only a key made with
    ``matcher keys`` is looked up in the store, in the thread pool."""
    if credentials is None:
        return Caller()
    if key_is_valid(_settings(request), credentials):
        return Caller("admin")
    if key_id_of(credentials.credentials) is not None:
        key = await run_in_threadpool(_keyring(request).authenticate, credentials.credentials)
        if key is not None:
            return Caller(key.scope, key.partner_id)
    return Caller(bad_key=True)


CallerDep = Annotated[Caller, Depends(get_caller)]


def _refuse_anonymous(request: Request, caller: Caller) -> HTTPException:
    if not _settings(request).api_keys and not _keyring(request).any_active():
        return _refuse(NO_WRITES)
    return _refuse(BAD_KEY if caller.bad_key else NO_KEY)


def require_key(request: Request, caller: CallerDep) -> Caller:
    """Any valid key, admin or partner (401 otherwise); the route then checks what a partner key may do."""
    if not caller.has_key:
        raise _refuse_anonymous(request, caller)
    return caller


KeyHolder = Annotated[Caller, Depends(require_key)]


def require_writer(request: Request, caller: CallerDep) -> None:
    """Dependency of every admin write: 401 (nothing written) without a valid key, 403 with a partner key."""
    if caller.is_admin:
        return
    if caller.has_key:
        raise forbidden(caller, "this request needs an admin key")
    raise _refuse_anonymous(request, caller)


def require_partner_or_admin(partner_id: str, caller: KeyHolder) -> None:
    """Dependency of the routes on one partner's record (path ``{partner_id}``): an admin key or that partner's."""
    if not caller.acts_for(partner_id):
        raise forbidden(caller, f"the record of partner {partner_id!r} needs an admin key or that partner's key")


async def require_reader(request: Request, caller: CallerDep) -> None:
    """Dependency of every read: open unless MATCHER_READ_REQUIRES_KEY is true; then any valid key will do."""
    if not _settings(request).read_requires_key or caller.has_key:
        return
    if caller.bad_key:
        raise _refuse(BAD_KEY)
    raise _refuse("Reads need an API key on this service: send the header `Authorization: Bearer <key>`.")


Writer = Depends(require_writer)
PartnerWriter = Depends(require_partner_or_admin)
Reader = Depends(require_reader)
