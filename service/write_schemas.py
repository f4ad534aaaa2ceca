"""Schemas of the write API, the listings and feedback, one class per direction.

Every field of a partner, project, action group or membership is checked against its JSON Schema (the document's),
then by the importer's own parser (:mod:`matcher.io.fields`), so the rules and the error messages are the same as for
``matcher ingest`` (:mod:`service.field_rules`). A missing
required field reads "a non-empty value is required", as in an import file; unknown fields are refused.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from service.field_rules import (
    ACTOR_KIND,
    BOOLEAN,
    COUNTRY,
    DATE,
    IDENTIFIER,
    LANGUAGES,
    ROLE,
    SDGS,
    STATUS,
    URL,
    Checked,
    optional_text,
    text,
)


def checked(stem: str, name: str, accepts: dict[str, Any], *, nullable: bool = False) -> Checked:
    """Field ``name`` of ``<stem>.csv``: the raw value must fit ``accepts`` (JSON Schema), then the importer's parser
    reads it, with the importer's message on failure. ``nullable``: ``null`` clears the field (or, for ids the
    importer requires, means "not given")."""
    return Checked(stem, name, accepts, nullable)


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")
    required_fields: ClassVar[tuple[str, ...]] = ()

    @model_validator(mode="before")
    @classmethod
    def _missing_is_empty(cls, data: Any) -> Any:
        """A missing required field gets the importer's message ("a non-empty value is required")."""
        if isinstance(data, dict) and cls.required_fields:
            return {**dict.fromkeys(cls.required_fields), **data}
        return data


# -- partners ---------------------------------------------------------------------------------------------------------
PartnerId = Annotated[str, checked("partners", "id", IDENTIFIER)]
OptionalId = Annotated[str | None, checked("partners", "id", IDENTIFIER, nullable=True)]
ActorKind = Annotated[str | None, checked("partners", "type", ACTOR_KIND, nullable=True)]
Country = Annotated[str | None, checked("partners", "country", COUNTRY, nullable=True)]
City = Annotated[str | None, checked("partners", "city", optional_text(200), nullable=True)]
Website = Annotated[str | None, checked("partners", "website", URL, nullable=True)]
Languages = Annotated[tuple[str, ...], checked("partners", "languages", LANGUAGES)]
PartnerSdgs = Annotated[tuple[int, ...], checked("partners", "sdgs", SDGS)]
Name = Annotated[str, checked("partners", "name", text(300)), Field(description="1-300 characters")]
Description = Annotated[
    str,
    checked("partners", "description", text(20_000)),
    Field(description="What the partner does (1-20000 characters)"),
]


class PartnerFields(_Strict):
    required_fields: ClassVar[tuple[str, ...]] = ("name", "description")

    name: Name
    description: Description
    type: ActorKind = None
    country: Country = None
    city: City = None
    languages: Languages = ()
    website: Website = None
    sdgs: PartnerSdgs = ()
    discoverable: Annotated[
        bool, checked("partners", "discoverable", BOOLEAN), Field(description="false: never shown to anyone")
    ] = True


class PartnerCreate(PartnerFields):
    """A new partner (POST); 409 when the id exists."""

    required_fields: ClassVar[tuple[str, ...]] = ("id", "name", "description")

    id: PartnerId


class PartnerReplace(PartnerFields):
    """Every field of a partner (PUT); omitted optional fields are cleared. ``id``, if given, must be the path's."""

    id: OptionalId = None


class PartnerPatch(_Strict):
    """Only the fields to change (PATCH); ``null`` clears an optional field."""

    name: Annotated[str | None, checked("partners", "name", text(300))] = None
    description: Annotated[str | None, checked("partners", "description", text(20_000))] = None
    type: ActorKind = None
    country: Country = None
    city: City = None
    languages: Annotated[tuple[str, ...] | None, checked("partners", "languages", LANGUAGES, nullable=True)] = None
    website: Website = None
    sdgs: Annotated[tuple[int, ...] | None, checked("partners", "sdgs", SDGS, nullable=True)] = None
    discoverable: Annotated[bool | None, checked("partners", "discoverable", BOOLEAN, nullable=True)] = None


class PartnerRecord(BaseModel):
    id: str
    name: str
    description: str
    type: str | None
    country: str | None
    city: str | None
    languages: list[str]
    website: str | None
    sdgs: list[int]
    discoverable: bool
    version: int = Field(description="Grows with every change; send it back in If-Match to update safely")
    updated_at: datetime


# -- projects ---------------------------------------------------------------------------------------------------------
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


class ProjectFields(_Strict):
    required_fields: ClassVar[tuple[str, ...]] = ("title", "description")

    title: Title
    description: ProjectDescription
    sdgs: ProjectSdgs = ()
    status: ProjectStatus = None
    seeking: Seeking = None
    start_date: StartDate = None


class ProjectCreate(ProjectFields):
    required_fields: ClassVar[tuple[str, ...]] = ("id", "title", "description")

    id: PartnerId


class ProjectReplace(ProjectFields):
    id: OptionalId = None


class ProjectPatch(_Strict):
    title: Annotated[str | None, checked("projects", "title", text(300))] = None
    description: Annotated[str | None, checked("projects", "description", text(20_000))] = None
    sdgs: Annotated[tuple[int, ...] | None, checked("projects", "sdgs", SDGS, nullable=True)] = None
    status: ProjectStatus = None
    seeking: Seeking = None
    start_date: StartDate = None


class ProjectRecord(BaseModel):
    id: str
    title: str
    description: str
    sdgs: list[int]
    status: str | None
    seeking: str | None
    start_date: date | None
    version: int
    updated_at: datetime


# -- action groups ----------------------------------------------------------------------------------------------------
GroupName = Annotated[str, checked("action_groups", "name", text(300)), Field(description="1-300 characters")]
GroupDescription = Annotated[
    str, checked("action_groups", "description", text(20_000)), Field(description="1-20000 characters")
]


class GroupFields(_Strict):
    required_fields: ClassVar[tuple[str, ...]] = ("name", "description")

    name: GroupName
    description: GroupDescription


class GroupCreate(GroupFields):
    required_fields: ClassVar[tuple[str, ...]] = ("id", "name", "description")

    id: PartnerId


class GroupReplace(GroupFields):
    id: OptionalId = None


class GroupPatch(_Strict):
    name: Annotated[str | None, checked("action_groups", "name", text(300))] = None
    description: Annotated[str | None, checked("action_groups", "description", text(20_000))] = None


class GroupRecord(BaseModel):
    id: str
    name: str
    description: str
    version: int
    updated_at: datetime


# -- memberships ------------------------------------------------------------------------------------------------------
Role = Annotated[str, checked("project_members", "role", ROLE)]


class ProjectMemberIn(_Strict):
    required_fields: ClassVar[tuple[str, ...]] = ("partner_id",)

    partner_id: PartnerId
    role: Role = "member"


class RoleIn(_Strict):
    required_fields: ClassVar[tuple[str, ...]] = ("role",)

    role: Role


class GroupMemberIn(_Strict):
    required_fields: ClassVar[tuple[str, ...]] = ("partner_id",)

    partner_id: PartnerId


class ProjectMemberPublic(BaseModel):
    project_id: str
    partner_id: str
    role: str


class GroupMemberPublic(BaseModel):
    group_id: str
    partner_id: str


class ProjectMembersPublic(BaseModel):
    data: list[ProjectMemberPublic]
    count: int


class GroupMembersPublic(BaseModel):
    data: list[GroupMemberPublic]
    count: int


# -- pages ------------------------------------------------------------------------------------------------------------
class _Page(BaseModel):
    count: int = Field(description="Items on this page")
    total: int = Field(description="Items matching the filters, on all pages")
    offset: int
    limit: int


class PartnersPage(_Page):
    data: list[PartnerRecord]


class ProjectsPage(_Page):
    data: list[ProjectRecord]


class GroupsPage(_Page):
    data: list[GroupRecord]


# -- feedback ---------------------------------------------------------------------------------------------------------
class FeedbackIn(_Strict):
    """A reaction to a suggestion. ``decline`` and ``dismiss`` hide the partner from the requester's later
    suggestions for the same project (or group, or free-text queries when neither is given)."""

    required_fields: ClassVar[tuple[str, ...]] = ("requester_id", "partner_id")

    requester_id: PartnerId = Field(description="The partner who got the suggestion")
    partner_id: PartnerId = Field(description="The partner who was suggested")
    project_id: OptionalId = None
    group_id: OptionalId = None
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


class FeedbackPagePublic(_Page):
    data: list[FeedbackPublic]
