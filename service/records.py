"""Stored records over HTTP: the version as ``ETag`` and ``If-Match``, the ``Location`` of a new record, pages.

Each response on a record carries its version as its ``ETag``; send it back in ``If-Match`` to update or delete only if
nobody changed the record since (else 412). PATCH without ``If-Match`` applies to the latest version and never loses a
concurrent change to another field.
"""

from __future__ import annotations

import re
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import Header, HTTPException, Query, Response, status

from matcher.engine import Matcher
from matcher.store.errors import RecordNotFoundError
from matcher.store.records import KINDS, Kind, Stored
from matcher.vocab import with_article
from service.errors import not_found

#: An If-Match value: ``*`` (any version), or a version as an ETag (``"3"``, ``W/"3"``) or bare (``3``).
IF_MATCH = r'^\s*(?:\*|(?:W/)?"*([0-9]+)"*)\s*$'
IfMatch = Annotated[
    str | None,
    Header(
        alias="If-Match",
        description='The version you read (the ETag, e.g. "3"): the write happens only if it is still current, '
        "else 412; anything else than a version or `*` gets 400.",
        json_schema_extra={"pattern": IF_MATCH},  # checked by if_version (400, not 422)
    ),
]
Offset = Annotated[int, Query(ge=0, le=1_000_000, description="Items to skip")]
Limit = Annotated[int, Query(ge=1, le=500, description="Items per page")]
WRITE_ERRORS: dict[int | str, dict[str, Any]] = {
    401: {"description": "Missing or invalid API key; nothing was written"},
    403: {"description": "A partner key used beyond its own partner; nothing was written"},
    404: {"description": "Unknown id"},
    412: {"description": "If-Match names an older version; the response's ETag is the current one"},
    413: {"description": "Request body over MATCHER_MAX_BODY_BYTES"},
    422: {"description": "A field breaks the import rules; the message says what is allowed"},
}


def if_version(header: str | None) -> int | None:
    """The version of an If-Match header (``"3"``, ``W/"3"`` or ``3``); None for no header or ``*``."""
    if header is None:
        return None
    match = re.match(IF_MATCH, header)
    if match is None:
        raise HTTPException(
            status.HTTP_400_BAD_REQUEST,
            detail=f'If-Match {header!r} is not a version: send the ETag you got, e.g. If-Match: "3".',
        )
    return None if match[1] is None else int(match[1])


def same_id(body_id: str | None, path_id: str, label: str) -> None:
    """422 when a body's ``id`` is not the path's: a record's id cannot change."""
    if body_id is not None and body_id != path_id:
        raise HTTPException(
            status.HTTP_422_UNPROCESSABLE_CONTENT,
            detail=f"The body's id {body_id!r} differs from the path's {path_id!r}: {with_article(label)}'s id cannot "
            "change (create a new one and delete the old one instead).",
        )


def location(template: str, item_id: str) -> str:
    """The ``Location`` of a new record: ``template`` with the id percent-encoded (any script, ASCII on the wire).

    Built before the write, so a record is never committed when its success response could not be sent."""
    return template.format(quote(item_id, safe=""))


def tagged(response: Response, stored: Stored[Any], location: str | None = None) -> None:
    """The record's version as the response's ``ETag`` (and the new record's ``Location``)."""
    response.headers["ETag"] = f'"{stored.version}"'
    if location:
        response.headers["Location"] = location


def get_stored(matcher: Matcher, kind: Kind, item_id: str) -> Stored[Any]:
    """The stored record, or 404."""
    stored = matcher.store.get_record(kind, item_id)
    if stored is None:
        raise not_found(RecordNotFoundError(KINDS[kind].label, item_id))
    return stored
