"""HTTP answers to the library's refusals, and 405 with every allowed method in ``Allow``.

The library raises typed errors in its own words (:mod:`matcher.errors`, :mod:`matcher.store.errors`,
:mod:`matcher.editor`, :mod:`matcher.team.constraints`). Each route converts them where it calls the library, inside
``with refusals():``, with one table of statuses:

- 404: an unknown id (the catalog's :class:`~matcher.errors.UnknownIdError`, the store's ``RecordNotFoundError``);
- 409: a duplicate, or a PATCH that kept losing the race against other writers;
- 412: a stale ``If-Match`` (the current version as the ``ETag``);
- 422: a body field naming no record (``detail`` a list, as for validation), a query or team request the library
  cannot answer (``detail`` a sentence).

Any other exception, a ``ValueError`` included, is a bug: a 500 whose request id is logged
(:class:`service.observability.Observability`), never a client error.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager

from fastapi import FastAPI, HTTPException, Request
from fastapi.responses import JSONResponse
from sqlalchemy.exc import OperationalError
from starlette.exceptions import HTTPException as StarletteHTTPException

from matcher.editor import ConcurrentUpdateError, InvalidReferenceError
from matcher.errors import QueryError, UnknownIdError, UnknownThemeError
from matcher.store.errors import DuplicateRecordError, RecordNotFoundError, StaleVersionError
from matcher.team.constraints import TeamRequestError

logger = logging.getLogger(__name__)


def not_found(exc: UnknownIdError | RecordNotFoundError) -> HTTPException:
    return HTTPException(404, detail=str(exc))


def invalid_reference(field: str, value: str, message: str) -> HTTPException:
    """422 for body field ``field`` naming no record, shaped as a validation error (``detail`` a list)."""
    error = {"type": "invalid_reference", "loc": ["body", field], "msg": message, "input": value}
    return HTTPException(422, detail=[error])


def stale(exc: StaleVersionError) -> HTTPException:
    """412 with the current version as the ``ETag``, and how to retry in HTTP's words."""
    detail = (
        f"The {exc.label} {exc.item_id!r} is at version {exc.current}, not {exc.expected}: it changed since you read "
        "it. Read it again (its ETag is the version) and retry with If-Match set to the new version."
    )
    return HTTPException(412, detail=detail, headers={"ETag": f'"{exc.current}"'})


def unknown_themes(exc: UnknownThemeError) -> HTTPException:
    choices = "; ".join(exc.choices)
    detail = f"unknown theme(s) {', '.join(exc.unknown)}; give theme ids or labels from GET /v1/themes: {choices}"
    return HTTPException(422, detail=detail)


@contextmanager
def refusals() -> Iterator[None]:
    """Inside, the library's typed refusals become their HTTP answers (the table above); anything else propagates."""
    try:
        yield
    except (UnknownIdError, RecordNotFoundError) as exc:
        raise not_found(exc) from None
    except (DuplicateRecordError, ConcurrentUpdateError) as exc:
        raise HTTPException(409, detail=str(exc)) from None
    except StaleVersionError as exc:
        raise stale(exc) from None
    except InvalidReferenceError as exc:
        raise invalid_reference(exc.field, exc.value, str(exc)) from None
    except UnknownThemeError as exc:
        raise unknown_themes(exc) from None
    except (QueryError, TeamRequestError) as exc:
        raise HTTPException(422, detail=str(exc)) from None


def allowed_methods(app: FastAPI, request: Request) -> list[str]:
    """Every method some route of ``app`` takes at this request's path (each method is a route of its own, so
    the router's own 405 names only the first route it tried)."""
    from service.openapi import api_routes

    path = request.url.path
    matching = [route for route in api_routes(app) if route.path_regex.match(path)]
    if not matching:
        return []
    # the resource the document names: /v1/action-groups/assignments, not /v1/action-groups/{group_id}
    literal = min(matching, key=lambda route: route.path_format.count("{")).path_format
    return sorted({m for route in matching if route.path_format == literal for m in route.methods})


def install(app: FastAPI) -> None:
    """Register the handlers of what no route can answer by itself: 405, and 503 when the store is down."""

    @app.exception_handler(405)
    async def method_not_allowed(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        allow = ", ".join(allowed_methods(app, request))
        detail = f"Method Not Allowed; allowed: {allow}"
        return JSONResponse(status_code=405, content={"detail": detail}, headers={"Allow": allow})

    @app.exception_handler(OperationalError)
    async def store_down(_: Request, exc: OperationalError) -> JSONResponse:
        logger.error("store error: %s", exc)
        return JSONResponse(
            status_code=503,
            content={"detail": "The store is unavailable or busy; nothing was written. Retry in a moment."},
            headers={"Retry-After": "1"},
        )
