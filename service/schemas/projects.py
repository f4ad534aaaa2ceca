"""Projects: ``ProjectFields`` (the base), ``ProjectCreate`` (POST), ``ProjectReplace`` (PUT), ``ProjectUpdate``
(PATCH: the base's fields, each optional), ``ProjectRecord`` and ``ProjectsPage`` out; members with their roles.
Fields follow the importer's rules (see :mod:`service.schemas.partners`)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, ClassVar

from pydantic import BaseModel, Field

from service.field_rules import DATE, ROLE, SDGS, STATUS, optional_text, text
from service.schemas.fields import OptionalRecordId, Page, RecordId, RecordPublic, Strict, all_optional, checked

ProjectStatus = Annotated[str | None, checked("projects", "status", STATUS, nullable=True)]
ProjectSdgs = Annotated[tuple[int, ...], checked("projects", "sdgs", SDGS)]
StartDate = Annotated[date | None, checked("projects", "start_date", DATE, nullable=True)]
Title = Annotated[str, checked("projects", "title", text(300)), Field(description="1-300 characters")]
ProjectDescription = Annotated[
    str, checked("projects", "description", text(20_000)), Field(description="1-20000 characters")
]
Seeking = Annotated[
    str | None,
    checked("projects", "seeking", optional_text(5_000), nullable=True),
    Field(description="Partners the project looks for"),
]


class ProjectFields(Strict):
    required_fields: ClassVar[tuple[str, ...]] = ("title", "description")

    title: Title
    description: ProjectDescription
    sdgs: ProjectSdgs = ()
    status: ProjectStatus = None
    seeking: Seeking = None
    start_date: StartDate = None


class ProjectCreate(ProjectFields):
    required_fields: ClassVar[tuple[str, ...]] = ("id", "title", "description")

    id: RecordId


class ProjectReplace(ProjectFields):
    id: OptionalRecordId = None


@all_optional
class ProjectUpdate(ProjectFields):
    """Only the fields to change (PATCH); ``null`` clears an optional field."""


class ProjectRecord(RecordPublic):
    id: str
    title: str
    description: str
    sdgs: list[int]
    status: str | None
    seeking: str | None
    start_date: date | None
    version: int
    updated_at: datetime


class ProjectsPage(Page):
    data: list[ProjectRecord]


# -- members ----------------------------------------------------------------------------------------------------------
Role = Annotated[str, checked("project_members", "role", ROLE)]


class ProjectMemberIn(Strict):
    required_fields: ClassVar[tuple[str, ...]] = ("partner_id",)

    partner_id: RecordId
    role: Role = "member"


class RoleIn(Strict):
    required_fields: ClassVar[tuple[str, ...]] = ("role",)

    role: Role


class ProjectMemberPublic(BaseModel):
    project_id: str
    partner_id: str
    role: str


class ProjectMembersPublic(BaseModel):
    data: list[ProjectMemberPublic]
    count: int
