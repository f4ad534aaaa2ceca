"""Single-record reads and writes of the store: partners, projects, action groups and memberships.

Every write is one transaction that also records what it changed (:func:`matcher.store.changes.record_change`:
the store's ``revision`` moves, the delta is logged, other processes are told).
Updates are compare-and-set on the ``version`` column, so two concurrent writers never silently overwrite each other:
the loser gets :class:`~matcher.store.errors.StaleVersionError` and re-reads. This works the same on SQLite and
PostgreSQL without row locks.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Generic, Literal, TypeVar, cast

from sqlalchemy import ColumnElement, CursorResult, delete, func, insert, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from matcher.domain import ActionGroup, GroupMember, Partner, Project, ProjectMember
from matcher.store import mapping as m
from matcher.store.changes import Delta, record_change
from matcher.store.errors import DuplicateRecordError, RecordNotFoundError, StaleVersionError
from matcher.store.tables import (
    ActionGroupRow,
    FeedbackRow,
    GroupMemberRow,
    PartnerRow,
    ProjectMemberRow,
    ProjectRow,
)

Kind = Literal["partners", "projects", "action_groups"]
MemberKind = Literal["project_members", "group_members"]
T = TypeVar("T", Partner, Project, ActionGroup)


@dataclass(frozen=True, slots=True)
class Stored(Generic[T]):
    """A record as stored: the domain object, its version (the HTTP ETag) and when it last changed (UTC)."""

    item: T
    version: int
    updated_at: datetime


@dataclass(frozen=True, slots=True)
class Page(Generic[T]):
    """One page of a listing and the number of records that match the filters in all pages."""

    items: list[Stored[T]]
    total: int


@dataclass(frozen=True, slots=True)
class KindSpec:
    table: Any
    label: str
    values: Callable[[Any], dict[str, Any]]
    from_row: Callable[[Any], Any]


KINDS: dict[str, KindSpec] = {
    "partners": KindSpec(PartnerRow, "partner", m.partner_values, m.partner_from_row),
    "projects": KindSpec(ProjectRow, "project", m.project_values, m.project_from_row),
    "action_groups": KindSpec(ActionGroupRow, "action group", m.group_values, m.group_from_row),
}


def _utc(value: datetime) -> datetime:
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _stored(spec: KindSpec, row: Any) -> Stored[Any]:
    return Stored(spec.from_row(row), int(row.version), _utc(row.updated_at))


def _in_list(column: Any, value: str) -> ColumnElement[bool]:
    """``value`` is one of the ';'-separated items of a text column."""
    return or_(column == value, column.like(f"{value};%"), column.like(f"%;{value}"), column.like(f"%;{value};%"))


def _rowcount(result: Any) -> int:
    return int(cast(CursorResult[Any], result).rowcount)


class RecordsMixin:
    """Record-level methods of :class:`~matcher.store.Store`."""

    sessions: sessionmaker[Session]

    # -- entities -------------------------------------------------------------------------------------------------
    def get_record(self, kind: Kind, item_id: str) -> Stored[Any] | None:
        spec = KINDS[kind]
        with self.sessions() as s:
            row = s.get(spec.table, item_id)
            return None if row is None else _stored(spec, row)

    def create_record(self, kind: Kind, item: T) -> Stored[T]:
        """Insert a new record; :class:`DuplicateRecordError` when the id is taken."""
        spec = KINDS[kind]
        try:
            with self.sessions.begin() as s:
                s.execute(insert(spec.table).values(**spec.values(item), version=1))
                record_change(s, Delta.of_entity(kind, added=[item.id]))
                return _stored(spec, s.get_one(spec.table, item.id))
        except IntegrityError:
            raise DuplicateRecordError(
                spec.label, item.id, "update it instead (PUT or PATCH), or choose another id."
            ) from None

    def update_record(self, kind: Kind, item: T, *, expected_version: int | None = None) -> Stored[T]:
        """Overwrite a record's fields and add one to its version.

        With ``expected_version``, only when the record is still at that version (else :class:`StaleVersionError`).
        """
        spec = KINDS[kind]
        table = spec.table
        with self.sessions.begin() as s:
            statement = update(table).where(table.id == item.id)
            if expected_version is not None:
                statement = statement.where(table.version == expected_version)
            values = spec.values(item)
            result = s.execute(statement.values(**values, version=table.version + 1, updated_at=func.now()))
            if _rowcount(result) == 0:
                current = s.scalar(select(table.version).where(table.id == item.id))
                if current is None:
                    raise RecordNotFoundError(spec.label, item.id)
                raise StaleVersionError(spec.label, item.id, expected=expected_version or 0, current=int(current))
            record_change(s, Delta.of_entity(kind, changed=[item.id]))
            return _stored(spec, s.get_one(table, item.id, populate_existing=True))

    def delete_record(self, kind: Kind, item_id: str, *, expected_version: int | None = None) -> None:
        """Delete a record and its memberships; a deleted partner's feedback (given or received) goes too."""
        spec = KINDS[kind]
        table = spec.table
        with self.sessions.begin() as s:
            statement = delete(table).where(table.id == item_id)
            if expected_version is not None:
                statement = statement.where(table.version == expected_version)
            if _rowcount(s.execute(statement)) == 0:
                current = s.scalar(select(table.version).where(table.id == item_id))
                if current is None:
                    raise RecordNotFoundError(spec.label, item_id)
                raise StaleVersionError(spec.label, item_id, expected=expected_version or 0, current=int(current))
            if kind == "partners":
                s.execute(
                    delete(FeedbackRow).where(
                        or_(FeedbackRow.partner_id == item_id, FeedbackRow.requester_id == item_id)
                    )
                )
            # memberships go with the record (ON DELETE CASCADE): a reader of the delta knows them from its snapshot
            delta = Delta.of_entity(kind, removed=[item_id])
            record_change(s, Delta(partners=delta.partners, ties=True) if kind == "partners" else delta)

    def get_records(self, kind: Kind, ids: Iterable[str]) -> dict[str, Any]:
        """The domain objects of those of ``ids`` that exist, by id."""
        spec = KINDS[kind]
        wanted = sorted(set(ids))
        out: dict[str, Any] = {}
        with self.sessions() as s:
            for chunk in m.chunks(wanted):
                for row in s.scalars(select(spec.table).where(spec.table.id.in_(chunk))):
                    out[row.id] = spec.from_row(row)
        return out

    def members_of(self, kind: MemberKind, owner_ids: Iterable[str]) -> dict[str, list[Any]]:
        """The members of each of ``owner_ids`` (projects or groups) in the store's order; owners without members
        (or that do not exist) are absent."""
        table: Any = ProjectMemberRow if kind == "project_members" else GroupMemberRow
        owner = table.project_id if kind == "project_members" else table.group_id
        wanted = sorted(set(owner_ids))
        out: dict[str, list[Any]] = {}
        with self.sessions() as s:
            for chunk in m.chunks(wanted):
                rows = s.scalars(select(table).where(owner.in_(chunk)).order_by(owner, table.partner_id))
                for r in rows:
                    if kind == "project_members":
                        member: Any = ProjectMember(r.project_id, r.partner_id, r.role)
                        out.setdefault(r.project_id, []).append(member)
                    else:
                        out.setdefault(r.group_id, []).append(GroupMember(r.group_id, r.partner_id))
        return out

    # -- listings -------------------------------------------------------------------------------------------------
    def _page(self, kind: Kind, conditions: list[Any], offset: int, limit: int) -> Page[Any]:
        spec = KINDS[kind]
        with self.sessions() as s:
            total = s.scalar(select(func.count()).select_from(spec.table).where(*conditions)) or 0
            rows = s.scalars(select(spec.table).where(*conditions).order_by(spec.table.id).offset(offset).limit(limit))
            return Page([_stored(spec, row) for row in rows], int(total))

    def list_partners(
        self,
        *,
        offset: int = 0,
        limit: int = 50,
        country: str | None = None,
        type: str | None = None,
        language: str | None = None,
        sdg: int | None = None,
        q: str | None = None,
        include_hidden: bool = False,
    ) -> Page[Partner]:
        """Partners by id; filters combine with AND. Those that opted out of discovery only with ``include_hidden``."""
        conditions: list[Any] = [] if include_hidden else [PartnerRow.discoverable.is_(True)]
        if country:
            conditions.append(PartnerRow.country == country.upper())
        if type:
            conditions.append(PartnerRow.type == type)
        if language:
            conditions.append(_in_list(PartnerRow.languages, language.lower()))
        if sdg is not None:
            conditions.append(_in_list(PartnerRow.sdgs, str(sdg)))
        if q:
            conditions.append(func.lower(PartnerRow.name).contains(q.lower(), autoescape=True))
        return self._page("partners", conditions, offset, limit)

    def list_projects(
        self,
        *,
        offset: int = 0,
        limit: int = 50,
        status: str | None = None,
        sdg: int | None = None,
        partner_id: str | None = None,
        q: str | None = None,
    ) -> Page[Project]:
        conditions: list[Any] = []
        if status:
            conditions.append(ProjectRow.status == status)
        if sdg is not None:
            conditions.append(_in_list(ProjectRow.sdgs, str(sdg)))
        if partner_id:
            members = select(ProjectMemberRow.project_id).where(ProjectMemberRow.partner_id == partner_id)
            conditions.append(ProjectRow.id.in_(members))
        if q:
            conditions.append(func.lower(ProjectRow.title).contains(q.lower(), autoescape=True))
        return self._page("projects", conditions, offset, limit)

    def list_groups(
        self, *, offset: int = 0, limit: int = 50, partner_id: str | None = None, q: str | None = None
    ) -> Page[ActionGroup]:
        conditions: list[Any] = []
        if partner_id:
            members = select(GroupMemberRow.group_id).where(GroupMemberRow.partner_id == partner_id)
            conditions.append(ActionGroupRow.id.in_(members))
        if q:
            conditions.append(func.lower(ActionGroupRow.name).contains(q.lower(), autoescape=True))
        return self._page("action_groups", conditions, offset, limit)

    def hidden_partners(self, ids: list[str]) -> set[str]:
        """Those of ``ids`` that opted out of discovery."""
        with self.sessions() as s:
            hidden: set[str] = set()
            for chunk in m.chunks(ids):
                hidden.update(
                    s.scalars(select(PartnerRow.id).where(PartnerRow.id.in_(chunk), PartnerRow.discoverable.is_(False)))
                )
            return hidden

    # -- memberships ----------------------------------------------------------------------------------------------
    def project_members(self, project_id: str) -> list[ProjectMember]:
        with self.sessions() as s:
            if s.get(ProjectRow, project_id) is None:
                raise RecordNotFoundError("project", project_id)
            rows = s.scalars(
                select(ProjectMemberRow)
                .where(ProjectMemberRow.project_id == project_id)
                .order_by(ProjectMemberRow.partner_id)
            )
            return [ProjectMember(r.project_id, r.partner_id, r.role) for r in rows]  # type: ignore[arg-type]

    def group_members(self, group_id: str) -> list[GroupMember]:
        with self.sessions() as s:
            if s.get(ActionGroupRow, group_id) is None:
                raise RecordNotFoundError("action group", group_id)
            rows = s.scalars(
                select(GroupMemberRow).where(GroupMemberRow.group_id == group_id).order_by(GroupMemberRow.partner_id)
            )
            return [GroupMember(r.group_id, r.partner_id) for r in rows]

    def add_project_member(self, member: ProjectMember) -> ProjectMember:
        values = {"project_id": member.project_id, "partner_id": member.partner_id, "role": member.role}
        self._add_member(ProjectMemberRow, values, ("project", ProjectRow, member.project_id))
        return member

    def add_group_member(self, member: GroupMember) -> GroupMember:
        values = {"group_id": member.group_id, "partner_id": member.partner_id}
        self._add_member(GroupMemberRow, values, ("action group", ActionGroupRow, member.group_id))
        return member

    def set_project_role(self, project_id: str, partner_id: str, role: str) -> ProjectMember:
        with self.sessions.begin() as s:
            result = s.execute(
                update(ProjectMemberRow)
                .where(ProjectMemberRow.project_id == project_id, ProjectMemberRow.partner_id == partner_id)
                .values(role=role)
            )
            if _rowcount(result) == 0:
                raise self._missing_member(s, ("project", ProjectRow, project_id), partner_id)
            record_change(s, Delta.of_members("project_members", project_id, partner_id, changed=True))
        return ProjectMember(project_id, partner_id, role)  # type: ignore[arg-type]

    def remove_project_member(self, project_id: str, partner_id: str) -> None:
        owner = ("project", ProjectRow, project_id)
        self._remove_member(ProjectMemberRow, ProjectMemberRow.project_id, owner, partner_id)

    def remove_group_member(self, group_id: str, partner_id: str) -> None:
        owner = ("action group", ActionGroupRow, group_id)
        self._remove_member(GroupMemberRow, GroupMemberRow.group_id, owner, partner_id)

    def _add_member(self, table: Any, values: dict[str, Any], owner: tuple[str, Any, str]) -> None:
        kind = "project_members" if table is ProjectMemberRow else "group_members"
        try:
            with self.sessions.begin() as s:
                s.execute(insert(table).values(**values))
                record_change(s, Delta.of_members(kind, owner[2], values["partner_id"], added=True))
        except IntegrityError:
            # A foreign key (unknown project, group or partner) or the primary key (already a member): say which.
            with self.sessions() as s:
                label, owner_table, owner_id = owner
                if s.get(owner_table, owner_id) is None:
                    raise RecordNotFoundError(label, owner_id) from None
                if s.get(PartnerRow, values["partner_id"]) is None:
                    raise RecordNotFoundError("partner", values["partner_id"]) from None
            raise DuplicateRecordError(
                f"{label} member", f"{owner_id}/{values['partner_id']}", "the partner is a member already."
            ) from None

    def _remove_member(self, table: Any, owner_column: Any, owner: tuple[str, Any, str], partner_id: str) -> None:
        with self.sessions.begin() as s:
            result = s.execute(delete(table).where(owner_column == owner[2], table.partner_id == partner_id))
            if _rowcount(result) == 0:
                raise self._missing_member(s, owner, partner_id)
            kind = "project_members" if table is ProjectMemberRow else "group_members"
            record_change(s, Delta.of_members(kind, owner[2], partner_id, removed=True))

    @staticmethod
    def _missing_member(s: Session, owner: tuple[str, Any, str], partner_id: str) -> RecordNotFoundError:
        label, owner_table, owner_id = owner
        if s.get(owner_table, owner_id) is None:
            return RecordNotFoundError(label, owner_id)
        if s.get(PartnerRow, partner_id) is None:
            return RecordNotFoundError("partner", partner_id)
        return RecordNotFoundError(
            f"{label} member",
            f"{owner_id}/{partner_id}",
            f"The partner {partner_id!r} is not a member of the {label} {owner_id!r}.",
        )
