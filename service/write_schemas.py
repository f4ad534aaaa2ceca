"""Schemas of the write API, the listings and feedback, one class per direction.

Every field of a partner, project, action group or membership is checked by the importer's own parser
(:mod:`matcher.io.fields`), so the rules and the error messages are the same as for ``matcher ingest``. A missing
required field reads "a non-empty value is required", as in an import file; unknown fields are refused.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, ClassVar, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, model_validator
from pydantic_core import PydanticCustomError

from matcher.io.fields import ID_RULE, FieldError
from matcher.io.importer import SPEC_BY_STEM
from matcher.vocab import ACTOR_TYPES, PROJECT_STATUSES


def checked(stem: str, name: str, *, optional: bool = False) -> BeforeValidator:
    """The importer's parser of column ``name`` in ``<stem>.csv``, as a pydantic validator with the same message.

    ``optional``: ``null`` is accepted as "not given" (for fields the importer requires, such as ids).
    """
    parse = SPEC_BY_STEM[stem].fields[name]

    def run(value: Any) -> Any:
        if optional and value is None:
            return None
        try:
            return parse(value)
        except FieldError as exc:
            raise PydanticCustomError("invalid_field", str(exc)) from None  # no context: the message is verbatim

    return BeforeValidator(run)


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
PartnerId = Annotated[str, checked("partners", "id"), Field(description=ID_RULE)]
OptionalId = Annotated[str | None, checked("partners", "id", optional=True), Field(description=ID_RULE)]
ActorKind = Annotated[str | None, checked("partners", "type"), Field(json_schema_extra={"enum": [*ACTOR_TYPES, None]})]
Country = Annotated[str | None, checked("partners", "country"), Field(description="ISO 3166-1 alpha-2, e.g. FR")]
Languages = Annotated[
    tuple[str, ...], checked("partners", "languages"), Field(description="ISO 639-1 codes: a list or 'en;fr'")
]
PartnerSdgs = Annotated[tuple[int, ...], checked("partners", "sdgs"), Field(description="SDGs 1-17: a list or '4;13'")]


class PartnerFields(_Strict):
    required_fields: ClassVar[tuple[str, ...]] = ("name", "description")

    name: Annotated[str, checked("partners", "name"), Field(description="1-300 characters")]
    description: Annotated[
        str, checked("partners", "description"), Field(description="What the partner does (1-20000 characters)")
    ]
    type: ActorKind = None
    country: Country = None
    city: Annotated[str | None, checked("partners", "city")] = None
    languages: Languages = ()
    website: Annotated[str | None, checked("partners", "website"), Field(description="http(s) address")] = None
    sdgs: PartnerSdgs = ()
    discoverable: Annotated[
        bool, checked("partners", "discoverable"), Field(description="false: never shown to anyone")
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

    name: Annotated[str | None, checked("partners", "name")] = None
    description: Annotated[str | None, checked("partners", "description")] = None
    type: ActorKind = None
    country: Country = None
    city: Annotated[str | None, checked("partners", "city")] = None
    languages: Annotated[tuple[str, ...] | None, checked("partners", "languages")] = None
    website: Annotated[str | None, checked("partners", "website")] = None
    sdgs: Annotated[tuple[int, ...] | None, checked("partners", "sdgs")] = None
    discoverable: Annotated[bool | None, checked("partners", "discoverable")] = None


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
ProjectStatus = Annotated[
    str | None, checked("projects", "status"), Field(json_schema_extra={"enum": [*PROJECT_STATUSES, None]})
]
ProjectSdgs = Annotated[tuple[int, ...], checked("projects", "sdgs"), Field(description="SDGs 1-17")]
StartDate = Annotated[date | None, checked("projects", "start_date"), Field(description="YYYY-MM-DD")]


class ProjectFields(_Strict):
    required_fields: ClassVar[tuple[str, ...]] = ("title", "description")

    title: Annotated[str, checked("projects", "title"), Field(description="1-300 characters")]
    description: Annotated[str, checked("projects", "description"), Field(description="1-20000 characters")]
    sdgs: ProjectSdgs = ()
    status: ProjectStatus = None
    seeking: Annotated[
        str | None, checked("projects", "seeking"), Field(description="Partners the project looks for")
    ] = None
    start_date: StartDate = None


class ProjectCreate(ProjectFields):
    required_fields: ClassVar[tuple[str, ...]] = ("id", "title", "description")

    id: PartnerId


class ProjectReplace(ProjectFields):
    id: OptionalId = None


class ProjectPatch(_Strict):
    title: Annotated[str | None, checked("projects", "title")] = None
    description: Annotated[str | None, checked("projects", "description")] = None
    sdgs: Annotated[tuple[int, ...] | None, checked("projects", "sdgs")] = None
    status: ProjectStatus = None
    seeking: Annotated[str | None, checked("projects", "seeking")] = None
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
class GroupFields(_Strict):
    required_fields: ClassVar[tuple[str, ...]] = ("name", "description")

    name: Annotated[str, checked("action_groups", "name"), Field(description="1-300 characters")]
    description: Annotated[str, checked("action_groups", "description"), Field(description="1-20000 characters")]


class GroupCreate(GroupFields):
    required_fields: ClassVar[tuple[str, ...]] = ("id", "name", "description")

    id: PartnerId


class GroupReplace(GroupFields):
    id: OptionalId = None


class GroupPatch(_Strict):
    name: Annotated[str | None, checked("action_groups", "name")] = None
    description: Annotated[str | None, checked("action_groups", "description")] = None


class GroupRecord(BaseModel):
    id: str
    name: str
    description: str
    version: int
    updated_at: datetime


# -- memberships ------------------------------------------------------------------------------------------------------
Role = Annotated[str, checked("project_members", "role"), Field(json_schema_extra={"enum": ["lead", "member"]})]


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
