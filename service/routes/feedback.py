"""Feedback on suggestions: POST /v1/feedback records it, GET /v1/feedback exports it (JSON pages or CSV).

Both need an API key: feedback says who turned down whom. An admin key may give and export anyone's feedback; a
partner key only its own (``requester_id`` is that partner; 403 otherwise), about partners it may see (a hidden one
is refused exactly as an unknown id). A declined or dismissed partner is left out of that requester's later
suggestions for the same project (see :meth:`matcher.engine.Matcher.suppressed`).
"""

from __future__ import annotations

import csv
import io
import re
from datetime import datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Query, Response, status
from pydantic import BeforeValidator

from service.auth import KeyHolder, forbidden
from service.deps import EditorDep, MatcherDep
from service.errors import invalid_reference, refusals
from service.records import WRITE_ERRORS
from service.schemas.feedback import FeedbackIn, FeedbackPagePublic, FeedbackPublic
from service.visibility import hidden_from

router = APIRouter(prefix="/feedback", tags=["feedback"])
#: A date-time as RFC 3339 (what the document's ``format: date-time`` means): a date, a time and an offset.
DATE_TIME = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)")
COLUMNS = ("id", "created_at", "requester_id", "partner_id", "project_id", "group_id", "action", "reason")


def date_time(value: object) -> object:
    """Refuse what pydantic would also read as a date-time but RFC 3339 does not allow (``0.5``, a date alone, no
    offset), with what is allowed."""
    if value is None or (isinstance(value, str) and DATE_TIME.fullmatch(value)):
        return value
    raise ValueError(f"{value!r} is not a date-time: send RFC 3339 with an offset, e.g. 2026-01-31T09:00:00Z")


@router.post(
    "",
    response_model=FeedbackPublic,
    status_code=status.HTTP_201_CREATED,
    responses={**WRITE_ERRORS, 403: {"description": "A partner key giving feedback as another partner"}},
)
def add_feedback(body: FeedbackIn, editor: EditorDep, caller: KeyHolder) -> FeedbackPublic:
    """Record a reaction to a suggestion, with a timestamp. ``decline``/``dismiss``: never suggested again to this
    requester for this project (or group); ``accept``: a collaboration signal for the ranker. A partner key gives
    feedback as its partner only."""
    if not caller.acts_for(body.requester_id):
        raise forbidden(caller, f"feedback as requester {body.requester_id!r} needs an admin key or its own key")
    if hidden_from(caller, editor.store, [body.partner_id]):  # as for an id that does not exist
        raise invalid_reference("partner_id", body.partner_id, "no such id in partners")
    with refusals():
        feedback = editor.add_feedback(
            body.requester_id,
            body.partner_id,
            body.action,
            project_id=body.project_id,
            group_id=body.group_id,
            reason=body.reason,
        )
    return FeedbackPublic.model_validate(feedback, from_attributes=True)


@router.get(
    "",
    response_model=FeedbackPagePublic,
    responses={
        200: {"content": {"text/csv": {}}},
        401: {"description": "Missing or invalid API key"},
        403: {"description": "A partner key asking for another partner's feedback"},
    },
)
def export_feedback(
    matcher: MatcherDep,
    caller: KeyHolder,
    requester_id: Annotated[str | None, Query(max_length=200)] = None,
    partner_id: Annotated[str | None, Query(max_length=200)] = None,
    project_id: Annotated[str | None, Query(max_length=200)] = None,
    action: Literal["accept", "decline", "dismiss"] | None = None,
    since: Annotated[
        datetime | None,
        BeforeValidator(date_time),
        Query(description="Only feedback at or after this time (RFC 3339, e.g. 2026-01-31T09:00:00Z)"),
    ] = None,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
    limit: Annotated[int, Query(ge=1, le=10_000)] = 1000,
    format: Annotated[Literal["json", "csv"], Query(description="csv: one row per feedback, with a header")] = "json",
) -> FeedbackPagePublic | Response:
    """Feedback oldest first, filtered; ``format=csv`` for a spreadsheet. A partner key exports the feedback its
    partner gave (``requester_id`` defaults to it)."""
    if caller.scope == "partner":
        requester_id = requester_id or caller.partner_id
        if requester_id is None or not caller.acts_for(requester_id):
            raise forbidden(caller, "another partner's feedback needs an admin key")
    page = matcher.store.list_feedback(
        requester_id=requester_id,
        partner_id=partner_id,
        project_id=project_id,
        action=action,
        since=since,
        offset=offset,
        limit=limit,
    )
    if format == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(COLUMNS)
        for f in page.items:
            created = f.created_at.isoformat() if f.created_at else ""
            ids = [f.requester_id, f.partner_id, f.project_id or "", f.group_id or ""]
            writer.writerow([f.id, created, *ids, f.action, f.reason or ""])
        return Response(
            buffer.getvalue(),
            media_type="text/csv",
            headers={"Content-Disposition": 'attachment; filename="feedback.csv"', "X-Total-Count": str(page.total)},
        )
    data = [FeedbackPublic.model_validate(f, from_attributes=True) for f in page.items]
    return FeedbackPagePublic(data=data, count=len(data), total=page.total, offset=offset, limit=limit)
