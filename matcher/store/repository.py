"""The store: every read and write of the relational database goes through :class:`Store`."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

import numpy as np
from sqlalchemy import Engine, create_engine, delete, event, func, select, update
from sqlalchemy.orm import Session, sessionmaker

from matcher.domain import ActionGroup, Dataset, GroupMember, Partner, Project, ProjectMember
from matcher.store import mapping as m
from matcher.store.changes import EVERYTHING, ChangesMixin, record_change
from matcher.store.feedback import FeedbackMixin
from matcher.store.records import RecordsMixin
from matcher.store.tables import (
    ActionGroupRow,
    EmbeddingRow,
    GroupMemberRow,
    MetaRow,
    PartnerRow,
    ProjectMemberRow,
    ProjectRow,
)

#: rows fetched from the database at a time when every record is read (load_dataset)
LOAD_BATCH = 5_000


def _plain_rows(session: Session, *selected: Any, order: Sequence[Any]) -> Iterator[Any]:
    """The ``selected`` columns of every row as plain rows, in ``order``, fetched :data:`LOAD_BATCH` at a time."""
    return iter(session.execute(select(*selected).order_by(*order).execution_options(yield_per=LOAD_BATCH)))


ENTITY_TABLES: dict[str, Any] = {"partners": PartnerRow, "projects": ProjectRow, "action_groups": ActionGroupRow}


@dataclass(frozen=True, slots=True)
class SyncReport:
    """What an import changed, per entity kind: added, updated, removed and unchanged counts."""

    added: dict[str, int]
    updated: dict[str, int]
    removed: dict[str, int]
    unchanged: dict[str, int]


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.close()


def make_engine(url: str) -> Engine:
    if url.startswith("sqlite"):
        path = url.split("///", 1)[-1]
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"timeout": 10})
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    return create_engine(url, pool_pre_ping=True)


class Store(RecordsMixin, FeedbackMixin, ChangesMixin):
    """Source of truth for partners, projects, action groups, memberships, embeddings cache and feedback.

    Bulk import is here; single-record writes and listings are in :class:`~matcher.store.records.RecordsMixin`,
    feedback in :class:`~matcher.store.feedback.FeedbackMixin`, the change log in
    :class:`~matcher.store.changes.ChangesMixin`.
    """

    def __init__(self, url: str) -> None:
        self.url = url
        self.engine = make_engine(url)
        self.sessions = sessionmaker(self.engine, expire_on_commit=False)

    # -- schema -----------------------------------------------------------------------------------------------
    def migrate(self) -> None:
        """Bring the schema to the newest Alembic revision (idempotent)."""
        from alembic import command
        from alembic.config import Config

        config = Config()
        config.set_main_option("script_location", "matcher:migrations")
        with self.engine.begin() as connection:
            config.attributes["connection"] = connection
            command.upgrade(config, "head")

    def close(self) -> None:
        self.engine.dispose()

    # -- reads --------------------------------------------------------------------------------------------------
    def load_dataset(self) -> Dataset:
        """Every record, read as plain rows (no ORM objects) a batch at a time, with the values records repeat kept
        once (:class:`~matcher.store.mapping.Shared`): what a snapshot is built from."""
        share = m.Shared()
        with self.sessions() as s:
            rows = partial(_plain_rows, s)
            return Dataset(
                partners=[
                    m.partner_from_row(r, share) for r in rows(*m.columns(PartnerRow, Partner), order=[PartnerRow.id])
                ],
                projects=[
                    m.project_from_row(r, share) for r in rows(*m.columns(ProjectRow, Project), order=[ProjectRow.id])
                ],
                action_groups=[
                    m.group_from_row(r, share)
                    for r in rows(*m.columns(ActionGroupRow, ActionGroup), order=[ActionGroupRow.id])
                ],
                project_members=[
                    ProjectMember(share(project), share(partner), share(role))
                    for project, partner, role in rows(
                        ProjectMemberRow.project_id,
                        ProjectMemberRow.partner_id,
                        ProjectMemberRow.role,
                        order=[ProjectMemberRow.project_id, ProjectMemberRow.partner_id],
                    )
                ],
                group_members=[
                    GroupMember(share(group), share(partner))
                    for group, partner in rows(
                        GroupMemberRow.group_id,
                        GroupMemberRow.partner_id,
                        order=[GroupMemberRow.group_id, GroupMemberRow.partner_id],
                    )
                ],
            )

    def counts(self) -> dict[str, int]:
        tables = {
            "partners": PartnerRow,
            "projects": ProjectRow,
            "action_groups": ActionGroupRow,
            "project_members": ProjectMemberRow,
            "group_members": GroupMemberRow,
        }
        with self.sessions() as s:
            return {name: int(s.scalar(select(func.count()).select_from(t)) or 0) for name, t in tables.items()}

    def content_hashes(self, kind: str) -> dict[str, str]:
        table = ENTITY_TABLES[kind]
        with self.sessions() as s:
            return dict(s.execute(select(table.id, table.content_hash)).all())

    def revision(self) -> int:
        with self.sessions() as s:
            value = s.scalar(select(MetaRow.value).where(MetaRow.key == "revision"))
        return int(value or 0)

    # -- embeddings cache -------------------------------------------------------------------------------------
    def cached_vectors(self, model: str, hashes: Iterable[str]) -> dict[str, np.ndarray]:
        """The cached vectors of ``hashes`` that the cache holds, by hash (one array each: for a few; see
        :meth:`cached_rows` for many)."""
        return {digest: np.frombuffer(blob, dtype=np.float32) for digest, blob in self._cached_blobs(model, hashes)}

    def cached_rows(self, model: str, hashes: Sequence[str], dim: int) -> tuple[np.ndarray, np.ndarray]:
        """The cached vectors of ``hashes`` as rows of one float32 array, in order (a hash given twice fills both
        rows), and which rows the cache held (the others are zero). Each vector is copied straight into its row: at
        1M texts, a dict of one array per vector held 3.7 GB more than the rows themselves while it was stacked."""
        row_of: dict[str, list[int]] = {}
        for row, digest in enumerate(hashes):
            row_of.setdefault(digest, []).append(row)
        out = np.zeros((len(hashes), dim), dtype=np.float32)
        found = np.zeros(len(hashes), dtype=bool)
        for digest, blob in self._cached_blobs(model, row_of):
            rows = row_of[digest]
            out[rows] = np.frombuffer(blob, dtype=np.float32)
            found[rows] = True
        return out, found

    def cached_hashes(self, model: str, hashes: Iterable[str]) -> set[str]:
        """Which of ``hashes`` the embeddings cache holds a vector of (without reading the vectors)."""
        with self.sessions() as s:
            return self._cached_hashes(s, model, hashes)

    @staticmethod
    def _cached_hashes(s: Session, model: str, hashes: Iterable[str]) -> set[str]:
        known: set[str] = set()
        for chunk in m.chunks(list(dict.fromkeys(hashes))):
            known.update(
                s.scalars(
                    select(EmbeddingRow.content_hash).where(
                        EmbeddingRow.model == model, EmbeddingRow.content_hash.in_(chunk)
                    )
                )
            )
        return known

    def _cached_blobs(self, model: str, hashes: Iterable[str]) -> Iterator[tuple[str, bytes]]:
        """(hash, vector bytes) of the cached vectors among ``hashes``, each once, a few hundred at a time."""
        with self.sessions() as s:
            for chunk in m.chunks(list(dict.fromkeys(hashes))):
                yield from s.execute(
                    select(EmbeddingRow.content_hash, EmbeddingRow.vector).where(
                        EmbeddingRow.model == model, EmbeddingRow.content_hash.in_(chunk)
                    )
                ).tuples()

    def put_vectors(self, model: str, vectors: dict[str, np.ndarray]) -> None:
        """Add vectors to the embeddings cache (existing ones are kept)."""
        with self.sessions.begin() as s:
            self._put_vectors(s, model, vectors)

    @staticmethod
    def _put_vectors(s: Session, model: str, vectors: dict[str, np.ndarray]) -> None:
        if not vectors:
            return
        existing = Store._cached_hashes(s, model, vectors)  # a chunk at a time, as every IN of the store
        s.add_all(
            EmbeddingRow(model=model, content_hash=h, vector=np.asarray(v, dtype=np.float32).tobytes())
            for h, v in vectors.items()
            if h not in existing
        )

    @staticmethod
    def _bump_revision(s: Session) -> None:
        """A bulk import's change: everything (processes rebuild their snapshot from the store)."""
        record_change(s, EVERYTHING)

    # -- bulk import ------------------------------------------------------------------------------------------
    def replace_dataset(self, dataset: Dataset, *, model: str, vectors: dict[str, np.ndarray]) -> SyncReport:
        """Make the store hold exactly ``dataset``, in one transaction: the old data set or the new, never a mix.

        Unchanged rows are left alone; ``vectors`` (content hash -> vector) are added to the embeddings cache.
        """
        added: dict[str, int] = {}
        updated: dict[str, int] = {}
        removed: dict[str, int] = {}
        unchanged: dict[str, int] = {}
        entity_values = {
            "partners": [m.partner_values(p) for p in dataset.partners],
            "projects": [m.project_values(p) for p in dataset.projects],
            "action_groups": [m.group_values(g) for g in dataset.action_groups],
        }
        with self.sessions.begin() as s:
            self._put_vectors(s, model, vectors)
            s.execute(delete(ProjectMemberRow))
            s.execute(delete(GroupMemberRow))
            for kind, table in ENTITY_TABLES.items():
                new = {v["id"]: v for v in entity_values[kind]}
                old = {row.id: row for row in s.scalars(select(table))}
                gone = [key for key in old if key not in new]
                for chunk in m.chunks(gone):
                    s.execute(delete(table).where(table.id.in_(chunk)))
                removed[kind] = len(gone)
                added[kind] = updated[kind] = unchanged[kind] = 0
                inserts = []
                for key, values in new.items():
                    row = old.get(key)
                    if row is None:
                        inserts.append(values)
                        added[kind] += 1
                    elif any(getattr(row, name) != value for name, value in values.items()):
                        s.execute(
                            update(table)
                            .where(table.id == key)
                            .values(**values, version=row.version + 1, updated_at=func.now())
                        )
                        updated[kind] += 1
                    else:
                        unchanged[kind] += 1
                if inserts:
                    s.execute(table.__table__.insert(), inserts)
            if dataset.project_members:
                s.execute(
                    ProjectMemberRow.__table__.insert(),  # type: ignore[attr-defined]
                    [
                        {"project_id": x.project_id, "partner_id": x.partner_id, "role": x.role}
                        for x in dataset.project_members
                    ],
                )
            if dataset.group_members:
                s.execute(
                    GroupMemberRow.__table__.insert(),  # type: ignore[attr-defined]
                    [{"group_id": x.group_id, "partner_id": x.partner_id} for x in dataset.group_members],
                )
            self._bump_revision(s)
        return SyncReport(added, updated, removed, unchanged)
