"""What each committed write changed: a typed :class:`Delta`, logged by revision and announced to other processes.

Every write transaction calls :func:`record_change` as its last statement: it adds one to the store revision, keeps
the delta in the ``changes`` table under that revision, and on PostgreSQL sends ``pg_notify`` with the revision and
the delta (delivered to listeners only if the transaction commits). A process whose snapshot is at revision ``r``
reads :meth:`ChangesMixin.changes_since` ``r`` to catch up; a gap (pruned log, or a store written before the log
existed) or a bulk import (``Delta.everything``) means a full rebuild.

The revision row is updated first thing after the write's own statements and held until commit, so revisions are
committed in order and without gaps: a committed revision ``k`` means every revision below ``k`` is committed.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar, cast

from sqlalchemy import CursorResult, Integer, String, delete, insert, select, text, update
from sqlalchemy import cast as sql_cast
from sqlalchemy.orm import Session, sessionmaker

from matcher.store.tables import ChangeRow, MetaRow

K = TypeVar("K", str, tuple[str, str])

#: Revisions kept in the change log; a process further behind rebuilds from the store.
KEEP_REVISIONS = 10_000
#: Payloads above this many bytes are not sent with NOTIFY (PostgreSQL's limit is 8000): listeners read the log.
NOTIFY_LIMIT = 7_000
CHANNEL_PREFIX = "matcher_changes:"


@dataclass(frozen=True, slots=True)
class Changes(Generic[K]):
    """Ids added, changed and removed in one kind (memberships: ``(owner_id, partner_id)`` pairs)."""

    added: frozenset[K] = frozenset()
    changed: frozenset[K] = frozenset()
    removed: frozenset[K] = frozenset()

    @property
    def touched(self) -> frozenset[K]:
        return self.added | self.changed | self.removed

    def __bool__(self) -> bool:
        return bool(self.added or self.changed or self.removed)

    def then(self, later: Changes[K]) -> Changes[K]:
        """These changes followed by ``later``: an id added then removed is removed, removed then added changed."""
        removed = (self.removed - later.added) | later.removed
        readded = self.removed & later.added
        added = (self.added | later.added) - later.removed - readded
        changed = ((self.changed | later.changed | readded) - later.removed) - added
        return Changes(frozenset(added), frozenset(changed), frozenset(removed - added))


@dataclass(frozen=True, slots=True)
class Delta:
    """What one write (or several, merged with :meth:`then`) changed.

    ``ties``: the accepted suggestions (collaboration ties) may have changed. ``everything``: a bulk import replaced
    the data set; only a full rebuild follows it.
    """

    partners: Changes[str] = field(default_factory=Changes)
    projects: Changes[str] = field(default_factory=Changes)
    action_groups: Changes[str] = field(default_factory=Changes)
    project_members: Changes[tuple[str, str]] = field(default_factory=Changes)
    group_members: Changes[tuple[str, str]] = field(default_factory=Changes)
    ties: bool = False
    everything: bool = False

    def then(self, later: Delta) -> Delta:
        return Delta(
            self.partners.then(later.partners),
            self.projects.then(later.projects),
            self.action_groups.then(later.action_groups),
            self.project_members.then(later.project_members),
            self.group_members.then(later.group_members),
            ties=self.ties or later.ties,
            everything=self.everything or later.everything,
        )

    def __bool__(self) -> bool:
        return bool(
            self.partners
            or self.projects
            or self.action_groups
            or self.project_members
            or self.group_members
            or self.ties
            or self.everything
        )

    @staticmethod
    def of_entity(
        kind: str, *, added: Iterable[str] = (), changed: Iterable[str] = (), removed: Iterable[str] = ()
    ) -> Delta:
        changes: Changes[str] = Changes(frozenset(added), frozenset(changed), frozenset(removed))
        return Delta(**{kind: changes})  # type: ignore[arg-type]

    @staticmethod
    def of_members(
        kind: str, owner_id: str, partner_id: str, *, added: bool = False, changed: bool = False, removed: bool = False
    ) -> Delta:
        pair = frozenset({(owner_id, partner_id)})
        none: frozenset[tuple[str, str]] = frozenset()
        changes = Changes(pair if added else none, pair if changed else none, pair if removed else none)
        return Delta(**{kind: changes})  # type: ignore[arg-type]

    # -- serialisation (the change log and NOTIFY payloads) -----------------------------------------------------
    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for name in ("partners", "projects", "action_groups", "project_members", "group_members"):
            changes: Changes[Any] = getattr(self, name)
            part = {
                key: sorted(list(v) if isinstance(v, tuple) else v for v in values)
                for key, values in (
                    ("added", changes.added),
                    ("changed", changes.changed),
                    ("removed", changes.removed),
                )
                if values
            }
            if part:
                out[name] = part
        if self.ties:
            out["ties"] = True
        if self.everything:
            out["everything"] = True
        return out

    @staticmethod
    def from_json(data: dict[str, Any]) -> Delta:
        def entity(name: str) -> Changes[str]:
            part = data.get(name) or {}
            return Changes(*(frozenset(str(v) for v in part.get(key, ())) for key in ("added", "changed", "removed")))

        def pairs(name: str) -> Changes[tuple[str, str]]:
            part = data.get(name) or {}
            return Changes(
                *(frozenset((str(a), str(b)) for a, b in part.get(key, ())) for key in ("added", "changed", "removed"))
            )

        return Delta(
            entity("partners"),
            entity("projects"),
            entity("action_groups"),
            pairs("project_members"),
            pairs("group_members"),
            ties=bool(data.get("ties")),
            everything=bool(data.get("everything")),
        )


EVERYTHING = Delta(everything=True)


@dataclass(frozen=True, slots=True)
class ChangeLog:
    """The deltas after a revision: ``delta`` merged, ``revision`` the newest; ``complete`` is False when the log
    lacks some revision in between (pruned, or written before the log existed): rebuild from the store then."""

    revision: int
    delta: Delta
    complete: bool


def record_change(s: Session, delta: Delta) -> int:
    """Add one to the store revision, log ``delta`` under it and announce it (PostgreSQL); returns the revision.
    The one way a write moves the revision; call it last in the write's transaction."""
    result = s.execute(
        update(MetaRow)
        .where(MetaRow.key == "revision")
        .values(value=sql_cast(sql_cast(MetaRow.value, Integer) + 1, String))
    )
    if cast(CursorResult[Any], result).rowcount == 0:  # a store created before migration 0002 seeded the row
        s.add(MetaRow(key="revision", value="1"))
        s.flush()
    revision = int(s.scalar(select(MetaRow.value).where(MetaRow.key == "revision")) or 0)
    payload = delta.to_json()
    s.execute(insert(ChangeRow).values(revision=revision, delta=json.dumps(payload, separators=(",", ":"))))
    if revision % 100 == 0:
        s.execute(delete(ChangeRow).where(ChangeRow.revision <= revision - KEEP_REVISIONS))
    if s.get_bind().dialect.name == "postgresql":
        message = json.dumps({"revision": revision, "delta": payload}, separators=(",", ":"))
        if len(message.encode()) > NOTIFY_LIMIT:
            message = json.dumps({"revision": revision})
        s.execute(
            text("SELECT pg_notify(left(:prefix || current_schema(), 63), :message)"),
            {"prefix": CHANNEL_PREFIX, "message": message},
        )
    return revision


class ChangesMixin:
    """Change-log reads of :class:`~matcher.store.Store`."""

    sessions: sessionmaker[Session]

    def changes_since(self, revision: int, *, until: int | None = None) -> ChangeLog:
        """The deltas of the revisions after ``revision`` (up to ``until``), merged."""
        with self.sessions() as s:
            newest = int(s.scalar(select(MetaRow.value).where(MetaRow.key == "revision")) or 0)  # read first
            if until is not None:
                newest = min(newest, until)
            statement = select(ChangeRow.revision, ChangeRow.delta).where(
                ChangeRow.revision > revision, ChangeRow.revision <= newest
            )
            rows: Sequence[Any] = s.execute(statement.order_by(ChangeRow.revision)).all()
        merged = Delta()
        expected = revision + 1
        complete = revision >= 0
        for number, payload in rows:
            if number != expected:
                complete = False
            merged = merged.then(Delta.from_json(json.loads(payload)))
            expected = number + 1
        if expected <= newest or newest < revision:  # a gap at the end, or a store that went back
            complete = False
        return ChangeLog(newest, merged, complete)


def channel_of(schema: str) -> str:
    """The NOTIFY channel of the store in ``schema`` (what :func:`record_change` computes in SQL)."""
    return (CHANNEL_PREFIX + schema)[:63]
