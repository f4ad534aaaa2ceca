"""Conversions between domain records and table rows."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import fields
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


def columns(table: Any, record: type) -> list[Any]:
    """The columns of ``table`` that hold the fields of the domain type ``record`` (the same names), to select plain
    rows: a read of every record builds no ORM objects (at 100k partners the identity map and its instance states
    cost more than the records), and the version and times stay the listings' business."""
    return [getattr(table, f.name) for f in fields(record)]


class Shared:
    """One object for each distinct value among records read together: the countries, types, cities, language and
    SDG lists that thousands of partners repeat, and the ids that memberships repeat, are each kept once instead of
    once a row (equal immutable values, so nothing that reads them can tell)."""

    __slots__ = ("_values",)

    def __init__(self) -> None:
        self._values: dict[Any, Any] = {}

    def __call__(self, value: T) -> T:
        return self._values.setdefault(value, value)  # type: ignore[no-any-return]


def unshared(value: T) -> T:
    """What :class:`Shared` is for a record read alone: the value itself."""
    return value


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


def partner_from_row(r: PartnerRow | Any, share: Callable[[Any], Any] = unshared) -> Partner:
    """A partner from its table row or a plain row of its :func:`columns`; ``share`` (a :class:`Shared`) keeps
    the values records repeat once."""
    return Partner(
        id=share(r.id),
        name=r.name,
        description=r.description,
        type=share(r.type),
        country=share(r.country),
        city=share(r.city),
        languages=share(split_strs(r.languages)),
        website=r.website,
        sdgs=share(split_ints(r.sdgs)),
        discoverable=bool(r.discoverable),
    )


def project_from_row(r: ProjectRow | Any, share: Callable[[Any], Any] = unshared) -> Project:
    return Project(
        id=share(r.id),
        title=r.title,
        description=r.description,
        sdgs=share(split_ints(r.sdgs)),
        status=share(r.status),
        seeking=r.seeking,
        start_date=r.start_date,
    )


def group_from_row(r: ActionGroupRow | Any, share: Callable[[Any], Any] = unshared) -> ActionGroup:
    return ActionGroup(id=share(r.id), name=r.name, description=r.description)
