"""Feedback on suggestions: ``FeedbackIn`` (POST), ``FeedbackPublic`` and ``FeedbackPagePublic`` out."""

from __future__ import annotations

from datetime import datetime
from typing import ClassVar, Literal

from pydantic import BaseModel, Field

from service.schemas.fields import OptionalRecordId, Page, RecordId, Strict


class FeedbackIn(Strict):
    """A reaction to a suggestion. ``decline`` and ``dismiss`` hide the partner from the requester's later
    suggestions for the same project (or group, or free-text queries when neither is given)."""

    required_fields: ClassVar[tuple[str, ...]] = ("requester_id", "partner_id")

    requester_id: RecordId = Field(description="The partner who got the suggestion")
    partner_id: RecordId = Field(description="The partner who was suggested")
    project_id: OptionalRecordId = None
    group_id: OptionalRecordId = None
    action: Literal["accept", "decline", "dismiss"]
    reason: str | None = Field(None, max_length=2000)


class FeedbackPublic(BaseModel):
    id: int
    requester_id: str
    partner_id: str
    project_id: str | None
    group_id: str | None
    action: str
    reason: str | None
    created_at: datetime | None


class FeedbackPagePublic(Page):
    data: list[FeedbackPublic]
