"""The importer's field rules as JSON Schema, so the API document says exactly what a write accepts.

Each field of a partner, project, action group or membership is parsed by the importer's own parser
(:mod:`matcher.io.fields`: same rules, same messages as ``matcher ingest``). The parser is lenient the way a CSV reader
must be (numbers read as text, ``"true"`` as a boolean); JSON has types, so the API first holds the raw value to the
field's JSON Schema below (the one the OpenAPI document shows), then parses it. A value the schema allows is one the
parser accepts (``tests/service/test_schema_conformance.py`` checks it); a value it does not is refused with the
parser's message where the parser has one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from pydantic import GetCoreSchemaHandler, GetJsonSchemaHandler
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import CoreSchema, PydanticCustomError, core_schema

from matcher.io.fields import ID_RULE, FieldError, country_codes, language_codes
from matcher.io.importer import SPEC_BY_STEM
from matcher.vocab import ACTOR_TYPES, MEMBER_ROLES, PROJECT_STATUSES

REQUIRED = "a non-empty value is required"  # the importer's message for a missing value
TYPE_WORDS = {"string": "a text value", "integer": "an integer", "boolean": "true or false", "array": "a list"}


def _any_case(code: str) -> str:
    return "".join(f"[{c.upper()}{c.lower()}]" for c in code)


def _codes(codes: frozenset[str]) -> str:
    """A regex alternative of ``codes`` in any case (the parser upper- or lower-cases them)."""
    return "(?:" + "|".join(_any_case(code) for code in sorted(codes)) + ")"


def text(max_length: int) -> dict[str, Any]:
    """A required text: at least one character that is not a space, no NUL, at most ``max_length`` characters."""
    return {"type": "string", "maxLength": max_length, "pattern": r"^[^\x00]*[^\s\x00][^\x00]*$"}


def optional_text(max_length: int) -> dict[str, Any]:
    return {"type": "string", "maxLength": max_length, "pattern": r"^[^\x00]*$"}


IDENTIFIER = {
    "type": "string",
    "maxLength": 200,
    "pattern": r"^[^\s\x00-\x1f\x7f-\x9f/\\?#]+$",
    "not": {"enum": [".", ".."]},
    "description": ID_RULE,
}
URL = {"type": "string", "maxLength": 500, "pattern": r"^\s*(?:https?://[^\x00]*)?$", "description": "http(s) address"}
ACTOR_KIND = {"type": "string", "enum": list(ACTOR_TYPES)}
COUNTRY = {
    "type": "string",
    "pattern": rf"^\s*{_codes(country_codes())}?\s*$",
    "description": "ISO 3166-1 alpha-2, e.g. FR (any case; empty for none)",
}
_LANGUAGE = _codes(language_codes())
LANGUAGES = {
    "anyOf": [
        {"type": "array", "items": {"type": "string", "pattern": rf"^\s*{_LANGUAGE}?\s*$"}},
        {"type": "string", "pattern": rf"^\s*{_LANGUAGE}?\s*(?:;\s*{_LANGUAGE}?\s*)*$"},
    ],
    "description": "ISO 639-1 codes: a list or 'en;fr'",
}
_GOAL = r"0*(?:1[0-7]|[1-9])"
SDGS = {
    "anyOf": [
        {"type": "array", "items": {"type": "integer", "minimum": 1, "maximum": 17}},
        {"type": "string", "pattern": rf"^\s*(?:{_GOAL})?\s*(?:;\s*(?:{_GOAL})?\s*)*$"},
    ],
    "description": "SDGs 1-17: a list or '4;13'",
}
BOOLEAN = {"type": "boolean"}
STATUS = {"type": "string", "enum": list(PROJECT_STATUSES)}
DATE = {"type": "string", "format": "date", "pattern": r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$", "description": "YYYY-MM-DD"}
ROLE = {"type": "string", "enum": list(MEMBER_ROLES)}


def _json_integers(value: Any, schema: dict[str, Any]) -> Any:
    """``13.0`` is the integer 13 in JSON (and JSON Schema); the parser reads only ``13``."""
    if isinstance(value, list) and any(o.get("items", {}).get("type") == "integer" for o in schema.get("anyOf", [])):
        return [int(v) if isinstance(v, float) and v.is_integer() else v for v in value]
    return value


def _problem(value: Any, schema: dict[str, Any]) -> str | None:
    """Why ``value`` does not fit ``schema`` (the subset of JSON Schema used above), or None when it does."""
    if "anyOf" in schema:
        problems = [_problem(value, option) for option in schema["anyOf"]]
        return None if None in problems else problems[0]
    kind = schema.get("type")
    fits = {
        "string": isinstance(value, str),
        "integer": isinstance(value, int) and not isinstance(value, bool),
        "boolean": isinstance(value, bool),
        "array": isinstance(value, list),
    }
    if kind is not None and not fits[kind]:
        return f"expected {TYPE_WORDS[kind]}"
    if "enum" in schema and value not in schema["enum"]:
        return f"allowed: {' or '.join(str(v) for v in schema['enum'])}"
    if "not" in schema and _problem(value, schema["not"]) is None:
        return f"{value!r} is not allowed"
    if isinstance(value, str):
        if len(value) > schema.get("maxLength", len(value)):
            return f"at most {schema['maxLength']} characters are allowed (got {len(value)})"
        if "pattern" in schema and not re.search(schema["pattern"], value):
            return schema.get("description") or REQUIRED
    if isinstance(value, int) and not schema.get("minimum", value) <= value <= schema.get("maximum", value):
        return f"{value} is out of range {schema['minimum']}-{schema['maximum']}"
    if isinstance(value, list) and "items" in schema:
        return next((p for p in (_problem(item, schema["items"]) for item in value) if p is not None), None)
    return None


@dataclass(frozen=True)
class Checked:
    """Annotation of a write field: the raw value must fit ``accepts`` (a JSON Schema, shown in the document), then
    the importer's parser of column ``name`` in ``<stem>.csv`` gives the value. ``nullable``: ``null`` is allowed
    (it clears the field, or means "not given")."""

    stem: str
    name: str
    accepts: dict[str, Any] = field(hash=False)
    nullable: bool = False

    def check(self, value: Any) -> Any:
        parse = SPEC_BY_STEM[self.stem].fields[self.name]
        value = _json_integers(value, self.accepts)
        if value is None and self.nullable:
            try:
                return parse(None)  # the parser's empty value: None, () or the default
            except FieldError:  # a column the importer requires (an id): null means "not given"
                return None
        problem = REQUIRED if value is None else _problem(value, self.accepts)
        try:
            parsed = parse(value)
        except FieldError as exc:  # the parser's words first: they are the importer's
            raise PydanticCustomError("invalid_field", str(exc)) from None
        if problem is not None:
            raise PydanticCustomError("invalid_field", problem)
        return parsed

    def __get_pydantic_core_schema__(self, source: Any, handler: GetCoreSchemaHandler) -> CoreSchema:
        return core_schema.no_info_before_validator_function(self.check, handler(source))

    def __get_pydantic_json_schema__(self, schema: CoreSchema, handler: GetJsonSchemaHandler) -> JsonSchemaValue:
        accepts = dict(self.accepts)
        if not self.nullable:
            return accepts
        description = accepts.pop("description", None)
        nullable: dict[str, Any] = {"anyOf": [accepts, {"type": "null"}]}
        return nullable if description is None else {**nullable, "description": description}
