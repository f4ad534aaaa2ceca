"""Conversions between domain records and table rows."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any, TypeVar

from matcher.domain import ActionGroup, Partner, Project, content_hash
from matcher.store.tables import ActionGroupRow, PartnerRow, ProjectRow

T = TypeVar("T")

#: ids or hashes per ``IN (...)`` of a query: PostgreSQL binds at most 65,535 parameters a statement, SQLite (before
#: 3.32) 999
CHUNK = 500


def chunks(items: Sequence[T]) -> Iterator[Sequence[T]]:
    """``items`` a :data:`CHUNK` at a time, for queries that select or delete by a list of keys."""
    for start in range(0, len(items), CHUNK):
        yield items[start : start + CHUNK]


def join(values: tuple[Any, ...]) -> str:
    return ";".join(str(v) for v in values)


def split_ints(text: str | None) -> tuple[int, ...]:
    return tuple(int(v) for v in (text or "").split(";") if v)


def split_strs(text: str | None) -> tuple[str, ...]:
    return tuple(v for v in (text or "").split(";") if v)


def partner_values(p: Partner) -> dict[str, Any]:
    return {
        "id": p.id,
        "name": p.name,
        "type": p.type,
        "country": p.country,
        "city": p.city,
        "languages": join(p.languages),
        "description": p.description,
        "website": p.website,
        "sdgs": join(p.sdgs),
        "discoverable": p.discoverable,
        "content_hash": content_hash(p.text),
    }


def project_values(p: Project) -> dict[str, Any]:
    return {
        "id": p.id,
        "title": p.title,
        "description": p.description,
        "sdgs": join(p.sdgs),
        "status": p.status,
        "seeking": p.seeking,
        "start_date": p.start_date,
        "content_hash": content_hash(p.text),
    }


def group_values(g: ActionGroup) -> dict[str, Any]:
    return {"id": g.id, "name": g.name, "description": g.description, "content_hash": content_hash(g.text)}


def partner_from_row(r: PartnerRow) -> Partner:
    return Partner(
        id=r.id,
        name=r.name,
        description=r.description,
        type=r.type,
        country=r.country,
        city=r.city,
        languages=split_strs(r.languages),
        website=r.website,
        sdgs=split_ints(r.sdgs),
        discoverable=r.discoverable,
    )


def project_from_row(r: ProjectRow) -> Project:
    return Project(
        id=r.id,
        title=r.title,
        description=r.description,
        sdgs=split_ints(r.sdgs),
        status=r.status,  # type: ignore[arg-type]
        seeking=r.seeking,
        start_date=r.start_date,
    )


def group_from_row(r: ActionGroupRow) -> ActionGroup:
    return ActionGroup(id=r.id, name=r.name, description=r.description)
