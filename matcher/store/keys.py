"""API keys of the service, kept hashed: admin keys (every write) and partner keys (act as one partner only).

A key is ``mk_<key id>_<secret>`` with 32 random bytes of secret. Only its SHA-256 and its last 4 characters are
stored: the key itself is shown once, when it is created, and cannot be recovered. :meth:`KeyRing.authenticate`
finds the row by the key id and compares the hashes in constant time (:func:`hmac.compare_digest`).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Literal, get_args

from sqlalchemy import select, update
from sqlalchemy.orm import Session, sessionmaker

from matcher.store.errors import RecordNotFoundError
from matcher.store.tables import ApiKeyRow, PartnerRow

KeyScope = Literal["admin", "partner"]
KEY_SCOPES: tuple[str, ...] = get_args(KeyScope)
TOKEN_PREFIX = "mk"


@dataclass(frozen=True, slots=True)
class ApiKey:
    """A stored key, without its secret. ``partner_id`` is set for (and only for) partner keys."""

    id: str
    scope: KeyScope
    partner_id: str | None
    last4: str
    created_at: datetime | None = None
    revoked_at: datetime | None = None

    @property
    def active(self) -> bool:
        return self.revoked_at is None


@dataclass(frozen=True, slots=True)
class IssuedKey:
    """A new key and its token: the only moment the token exists outside its holder's hands."""

    key: ApiKey
    token: str


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _utc(moment: datetime | None) -> datetime | None:
    if moment is None:
        return None
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def _key(row: ApiKeyRow) -> ApiKey:
    return ApiKey(
        id=row.id,
        scope=row.scope,  # type: ignore[arg-type]
        partner_id=row.partner_id,
        last4=row.last4,
        created_at=_utc(row.created_at),
        revoked_at=_utc(row.revoked_at),
    )


def key_id_of(token: str) -> str | None:
    """The key id inside a token of the form ``mk_<id>_<secret>``; None for anything else."""
    parts = token.split("_", 2)
    if len(parts) != 3 or parts[0] != TOKEN_PREFIX or not parts[1] or not parts[2]:
        return None
    return parts[1]


class KeyRing:
    """Create, list, revoke and check API keys in the store's ``api_keys`` table (``KeyRing(store.sessions)``)."""

    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self.sessions = sessions

    def create(self, scope: KeyScope, partner_id: str | None = None) -> IssuedKey:
        """A new key; a partner key needs an existing partner (hidden or not), an admin key takes none."""
        if scope not in KEY_SCOPES:
            raise ValueError(f"unknown key scope {scope!r}; allowed: {', '.join(KEY_SCOPES)}")
        if (scope == "partner") != (partner_id is not None):
            raise ValueError("a partner key needs the partner's id, and an admin key takes none")
        key_id = secrets.token_hex(6)
        token = f"{TOKEN_PREFIX}_{key_id}_{secrets.token_urlsafe(32)}"
        with self.sessions.begin() as s:
            if partner_id is not None and s.get(PartnerRow, partner_id) is None:
                raise RecordNotFoundError("partner", partner_id)
            row = ApiKeyRow(
                id=key_id,
                scope=scope,
                partner_id=partner_id,
                token_hash=hash_token(token),
                last4=token[-4:],
                created_at=datetime.now(UTC),
            )
            s.add(row)
            s.flush()
            return IssuedKey(_key(row), token)

    def list_keys(self) -> list[ApiKey]:
        """Every key, revoked ones included, oldest first."""
        with self.sessions() as s:
            rows = s.scalars(select(ApiKeyRow).order_by(ApiKeyRow.created_at, ApiKeyRow.id))
            return [_key(r) for r in rows]

    def revoke(self, key_id: str) -> ApiKey:
        """Revoke a key at once (it stays listed, as revoked); revoking it again changes nothing."""
        with self.sessions.begin() as s:
            row = s.get(ApiKeyRow, key_id)
            if row is None:
                raise RecordNotFoundError(
                    "API key", key_id, f"No API key with id {key_id!r}: `matcher keys list` shows the ids."
                )
            if row.revoked_at is None:
                s.execute(update(ApiKeyRow).where(ApiKeyRow.id == key_id).values(revoked_at=datetime.now(UTC)))
                s.refresh(row)
            return _key(row)

    def authenticate(self, token: str) -> ApiKey | None:
        """The active key whose token this is, else None (unknown, malformed or revoked)."""
        key_id = key_id_of(token)
        if key_id is None:
            return None
        with self.sessions() as s:
            row = s.get(ApiKeyRow, key_id)
            if row is None or not hmac.compare_digest(row.token_hash.encode(), hash_token(token).encode()):
                return None
            key = _key(row)
        return key if key.active else None

    def any_active(self) -> bool:
        with self.sessions() as s:
            return s.scalar(select(ApiKeyRow.id).where(ApiKeyRow.revoked_at.is_(None)).limit(1)) is not None
