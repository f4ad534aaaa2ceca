"""The OpenAPI document says what every route can answer: error statuses with their body, and which routes need a key.

FastAPI documents each route's success and, for routes with parameters, a 422 whose ``detail`` is a list. What else a
route can answer follows from what it is made of, so it is derived here in one place rather than listed on each route:

- **400** where there is a body (one that is not UTF-8 JSON text) or an ``If-Match`` header (not a version);
- **401**/**403** where a key is needed (writes), and on reads only when ``MATCHER_READ_REQUIRES_KEY=true``;
- **404** where the path names a record;
- **413** where there is a body (over ``MATCHER_MAX_BODY_BYTES``);
- **422** whose ``detail`` is either the list of field problems or one sentence (a rule across fields).

Routes whose key is optional (reads; a key only widens what a partner sees) say so with an empty security
requirement, so clients and tools know a request without one is valid. Descriptions a route gives itself are kept.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from fastapi import FastAPI
from fastapi.dependencies.models import Dependant
from fastapi.openapi.utils import get_openapi
from pydantic import BaseModel, Field

from service.auth import require_key, require_partner_or_admin, require_reader, require_writer


class ErrorMessage(BaseModel):
    """An error in one sentence: what was wrong, what is allowed, what to do."""

    detail: str


class FieldProblem(BaseModel):
    """One invalid field: where (``loc``), what is wrong (``msg``), the rule broken (``type``)."""

    loc: list[str | int]
    msg: str
    type: str
    input: Any = None


class ValidationFailure(BaseModel):
    """422: the problems of each invalid field, or one sentence for a rule across fields (e.g. a path and a body id
    that differ, or team constraints no team can meet)."""

    detail: list[FieldProblem] | str = Field(description="A list of field problems, or one sentence")


ERROR_MODELS = (ErrorMessage, FieldProblem, ValidationFailure)
DESCRIPTIONS = {
    400: "The body is not UTF-8 JSON text, or If-Match is not a version",
    401: "Missing or invalid API key",
    403: "A partner key used beyond its own partner",
    404: "Unknown id (a partner that opted out of discovery answers as an unknown one)",
    413: "Request body over MATCHER_MAX_BODY_BYTES",
    422: "Invalid input: `detail` lists each field's problem, or says in one sentence what is wrong",
}
NEEDS_KEY = {require_key, require_writer, require_partner_or_admin}


def api_routes(app: FastAPI) -> Iterator[Any]:
    """The app's API routes as FastAPI sees them once routers are included (path, methods, the dependant with the
    router's dependencies too): FastAPI >= 0.16x keeps included routers whole and resolves them in
    ``iter_route_contexts``; older versions copy every route into ``app.routes``."""
    try:
        from fastapi.routing import iter_route_contexts  # type: ignore[attr-defined]
    except ImportError:  # pragma: no cover - older FastAPI
        routes: Any = app.routes
    else:
        routes = iter_route_contexts(app.routes)
    for route in routes:
        if getattr(route, "dependant", None) is not None and getattr(route, "methods", None):
            yield route


def _calls(dependant: Dependant) -> Iterator[Callable[..., Any]]:
    for dependency in dependant.dependencies:
        if dependency.call is not None:
            yield dependency.call
        yield from _calls(dependency)


def _statuses(route: Any, *, read_requires_key: bool) -> set[int]:
    """The error statuses ``route`` can answer, from its parts."""
    calls = set(_calls(route.dependant))
    has_body = bool(route.dependant.body_params)
    if_match = any(param.alias == "If-Match" for param in route.dependant.header_params)
    codes = set()
    if has_body or if_match:
        codes.add(400)
    if calls & NEEDS_KEY:
        codes |= {401, 403}
    elif require_reader in calls and read_requires_key:
        codes.add(401)
    if route.dependant.path_params:
        codes.add(404)
    if has_body:
        codes.add(413)
    if has_body or route.dependant.query_params or route.dependant.path_params or route.dependant.header_params:
        codes.add(422)
    return codes


def _key_is_optional(route: Any, *, read_requires_key: bool) -> bool:
    calls = set(_calls(route.dependant))
    return not (calls & NEEDS_KEY) and not (require_reader in calls and read_requires_key)


def _drop_null(schema: dict[str, Any]) -> None:
    """``anyOf: [X, {type: null}]`` (an optional parameter) becomes X, in place."""
    options = schema.get("anyOf", [])
    kept = [option for option in options if option != {"type": "null"}]
    if len(kept) == 1 and len(options) == 2:
        del schema["anyOf"]
        schema.update(kept[0])


def _json(model: type[BaseModel]) -> dict[str, Any]:
    return {"application/json": {"schema": {"$ref": f"#/components/schemas/{model.__name__}"}}}


def document(app: FastAPI, *, read_requires_key: bool) -> None:
    """Replace ``app.openapi`` with one that documents the errors and the optional keys described above."""

    def openapi() -> dict[str, Any]:
        if app.openapi_schema:
            return app.openapi_schema
        schema = get_openapi(
            title=app.title,
            version=app.version,
            openapi_version=app.openapi_version,
            summary=app.summary,
            description=app.description,
            routes=app.routes,
        )
        components = schema.setdefault("components", {}).setdefault("schemas", {})
        for model in ERROR_MODELS:
            definition = model.model_json_schema(ref_template="#/components/schemas/{model}")
            components.update(definition.pop("$defs", {}))
            components[model.__name__] = definition
        for route in api_routes(app):
            if not route.include_in_schema:
                continue
            for method in route.methods:
                operation = schema["paths"][route.path_format][method.lower()]
                responses = operation.setdefault("responses", {})
                for code in sorted(_statuses(route, read_requires_key=read_requires_key)):
                    answer = responses.setdefault(str(code), {"description": DESCRIPTIONS[code]})
                    answer["content"] = _json(ValidationFailure if code == 422 else ErrorMessage)
                for code, answer in responses.items():  # statuses a route lists itself (409, 412, ...)
                    if code.startswith("4") and "content" not in answer:
                        answer["content"] = _json(ErrorMessage)
                for parameter in operation.get("parameters", []):  # absent, not null: a query or header has no null
                    _drop_null(parameter.get("schema", {}))
                if "security" in operation and _key_is_optional(route, read_requires_key=read_requires_key):
                    operation["security"] = [*operation["security"], {}]
        app.openapi_schema = schema
        return schema

    app.openapi = openapi  # type: ignore[method-assign]
