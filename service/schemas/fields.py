"""What the schemas of every resource share: field types (JSON integers, codes, ids), the importer's field rules
(:func:`checked`), strict bodies, pages, and the derivations of a resource's schemas from its base fields."""

from __future__ import annotations

from dataclasses import fields as dataclass_fields
from typing import Annotated, Any, ClassVar, TypeVar, cast

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StrictFloat,
    StringConstraints,
    create_model,
    model_validator,
)

from matcher.vocab import ACTOR_TYPES
from service.field_rules import IDENTIFIER, Checked

CountryCode = Annotated[str, StringConstraints(pattern=r"^[A-Za-z]{2}$", to_upper=True)]
LanguageCode = Annotated[str, StringConstraints(pattern=r"^[A-Za-z]{2}$", to_lower=True)]
Identifier = Annotated[str, StringConstraints(min_length=1, max_length=200, strip_whitespace=True, pattern=r"\S")]


def _json_integer(value: object) -> object:
    """An integer as JSON has it: ``5`` or ``5.0``, never ``"5"`` nor ``true`` (which pydantic would also read)."""
    if isinstance(value, bool | str):
        raise ValueError("expected an integer")
    return value


JsonInt = Annotated[int, BeforeValidator(_json_integer)]
JsonFloat = StrictFloat  # a number; not "0.5" nor true
Sdg = Annotated[JsonInt, Field(ge=1, le=17)]
RegionCode = Annotated[str, StringConstraints(pattern=r"^[0-9]{3}$")]
ActorType = Annotated[str, Field(json_schema_extra={"enum": list(ACTOR_TYPES)})]


def checked(stem: str, name: str, accepts: dict[str, Any], *, nullable: bool = False) -> Checked:
    """Field ``name`` of ``<stem>.csv``: the raw value must fit ``accepts`` (JSON Schema), then the importer's parser
    reads it, with the importer's message on failure. ``nullable``: ``null`` clears the field (or, for ids the
    importer requires, means "not given")."""
    return Checked(stem, name, accepts, nullable)


#: A record's id, by the importer's id rule (the same for partners, projects and action groups).
RecordId = Annotated[str, checked("partners", "id", IDENTIFIER)]
OptionalRecordId = Annotated[str | None, checked("partners", "id", IDENTIFIER, nullable=True)]


class Strict(BaseModel):
    """A request body: unknown fields are refused; a missing required field gets the importer's message."""

    model_config = ConfigDict(extra="forbid")
    required_fields: ClassVar[tuple[str, ...]] = ()

    @model_validator(mode="before")
    @classmethod
    def _missing_is_empty(cls, data: Any) -> Any:
        """A missing required field gets the importer's message ("a non-empty value is required")."""
        if isinstance(data, dict) and cls.required_fields:
            return {**dict.fromkeys(cls.required_fields), **data}
        return data


ModelT = TypeVar("ModelT", bound=type[BaseModel])


def all_optional(model: ModelT) -> ModelT:
    """``model``'s fields, every one optional (default None), under ``model``'s name and docstring: the PATCH body
    of a resource, derived from its base instead of declared twice. Each field keeps its import rule; ``null`` clears
    a field that may be empty and is refused for one the base requires ("a non-empty value is required")."""
    base: type[BaseModel] = model
    optional: dict[str, Any] = {}
    for name, info in base.model_fields.items():
        rule = next(m for m in info.metadata if isinstance(m, Checked))
        nullable = rule.nullable or not info.is_required()
        optional_rule = Checked(rule.stem, rule.name, rule.accepts, nullable)
        annotation: Any = info.annotation
        optional[name] = (Annotated[annotation | None, optional_rule], Field(None, description=info.description))
    derived = create_model(  # type: ignore[call-overload]
        model.__name__, __base__=Strict, __module__=model.__module__, __doc__=model.__doc__, **optional
    )
    return cast(ModelT, derived)


class RecordPublic(BaseModel):
    """A stored record as the API shows it: the record's fields, its ``version`` (the ETag) and ``updated_at``.
    ``model_validate(stored)`` reads a :class:`~matcher.store.records.Stored` (the record's fields from its item)."""

    @model_validator(mode="before")
    @classmethod
    def _from_stored(cls, data: Any) -> Any:
        item = getattr(data, "item", None)
        if item is None:
            return data
        own = {f.name: getattr(item, f.name) for f in dataclass_fields(item)}
        return {**own, "version": data.version, "updated_at": data.updated_at}


class Page(BaseModel):
    count: int = Field(description="Items on this page")
    total: int = Field(description="Items matching the filters, on all pages")
    offset: int
    limit: int
