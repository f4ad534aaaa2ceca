"""Partners: ``PartnerFields`` (the base: every field with the importer's rule), ``PartnerCreate`` (POST),
``PartnerReplace`` (PUT), ``PartnerUpdate`` (PATCH: the base's fields, each optional), ``PartnerRecord`` (the stored
record with its version) and ``PartnersPage`` out; ``PartnerPublic``, a partner's card with its projects and groups.

Every field is checked against its JSON Schema (the document's), then by the importer's own parser
(:mod:`matcher.io.fields`), so the rules and the error messages are the same as for ``matcher ingest``
(:mod:`service.field_rules`). A missing required field reads "a non-empty value is required", as in an import file;
unknown fields are refused.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, ClassVar

from pydantic import BaseModel, Field

from service.field_rules import ACTOR_KIND, BOOLEAN, COUNTRY, LANGUAGES, SDGS, URL, optional_text, text
from service.schemas.fields import OptionalRecordId, Page, RecordId, RecordPublic, Strict, all_optional, checked

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


class PartnerFields(Strict):
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

    id: RecordId


class PartnerReplace(PartnerFields):
    """Every field of a partner (PUT); omitted optional fields are cleared. ``id``, if given, must be the path's."""

    id: OptionalRecordId = None


@all_optional
class PartnerUpdate(PartnerFields):
    """Only the fields to change (PATCH); ``null`` clears an optional field."""


class PartnerRecord(RecordPublic):
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


class PartnersPage(Page):
    data: list[PartnerRecord]


class MembershipPublic(BaseModel):
    id: str
    title: str
    role: str


class GroupRefPublic(BaseModel):
    id: str
    name: str


class PartnerPublic(BaseModel):
    id: str
    name: str
    type: str | None
    country: str | None
    city: str | None
    languages: list[str]
    description: str
    website: str | None
    sdgs: list[int]
    projects: list[MembershipPublic]
    action_groups: list[GroupRefPublic]
