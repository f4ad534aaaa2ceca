"""Action groups: ``GroupFields`` (the base), ``GroupCreate`` (POST), ``GroupReplace`` (PUT), ``GroupUpdate``
(PATCH: the base's fields, each optional), ``GroupRecord`` and ``GroupsPage`` out; members. Fields follow the
importer's rules (see :mod:`service.schemas.partners`)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, ClassVar

from pydantic import BaseModel, Field

from service.field_rules import text
from service.schemas.fields import OptionalRecordId, Page, RecordId, RecordPublic, Strict, all_optional, checked

GroupName = Annotated[str, checked("action_groups", "name", text(300)), Field(description="1-300 characters")]
GroupDescription = Annotated[
    str, checked("action_groups", "description", text(20_000)), Field(description="1-20000 characters")
]


class GroupFields(Strict):
    required_fields: ClassVar[tuple[str, ...]] = ("name", "description")

    name: GroupName
    description: GroupDescription


class GroupCreate(GroupFields):
    required_fields: ClassVar[tuple[str, ...]] = ("id", "name", "description")

    id: RecordId


class GroupReplace(GroupFields):
    id: OptionalRecordId = None


@all_optional
class GroupUpdate(GroupFields):
    """Only the fields to change (PATCH)."""


class GroupRecord(RecordPublic):
    id: str
    name: str
    description: str
    version: int
    updated_at: datetime


class GroupsPage(Page):
    data: list[GroupRecord]


# -- members ----------------------------------------------------------------------------------------------------------
class GroupMemberIn(Strict):
    required_fields: ClassVar[tuple[str, ...]] = ("partner_id",)

    partner_id: RecordId


class GroupMemberPublic(BaseModel):
    group_id: str
    partner_id: str


class GroupMembersPublic(BaseModel):
    data: list[GroupMemberPublic]
    count: int
