"""HTTP answers to the store's refusals (404 unknown id, 409 duplicate, 412 stale version, 422 bad reference) and
405 for a method a path does not take, with every method it does take in ``Allow``."""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from sqlalchemy.exc import OperationalError
from starlette.exceptions import HTTPException

from matcher.editor import ConcurrentUpdateError, InvalidReferenceError
from matcher.store.errors import DuplicateRecordError, RecordNotFoundError, StaleVersionError

logger = logging.getLogger(__name__)


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
    """Register the handlers on ``app``."""

    @app.exception_handler(405)
    async def method_not_allowed(request: Request, exc: HTTPException) -> JSONResponse:
        allow = ", ".join(allowed_methods(app, request))
        detail = f"Method Not Allowed; allowed: {allow}"
        return JSONResponse(status_code=405, content={"detail": detail}, headers={"Allow": allow})

    @app.exception_handler(RecordNotFoundError)
    async def not_found(_: Request, exc: RecordNotFoundError) -> JSONResponse:
        return JSONResponse(status_code=404, content={"detail": str(exc)})

    @app.exception_handler(DuplicateRecordError)
    async def duplicate(_: Request, exc: DuplicateRecordError) -> JSONResponse:
        return JSONResponse(status_code=409, content={"detail": str(exc)})

    @app.exception_handler(ConcurrentUpdateError)
    async def contended(_: Request, exc: ConcurrentUpdateError) -> JSONResponse:
        return JSONResponse(status_code=409, content={"detail": str(exc)})

    @app.exception_handler(StaleVersionError)
    async def stale(_: Request, exc: StaleVersionError) -> JSONResponse:
        return JSONResponse(status_code=412, content={"detail": str(exc)}, headers={"ETag": f'"{exc.current}"'})

    @app.exception_handler(InvalidReferenceError)
    async def bad_reference(_: Request, exc: InvalidReferenceError) -> JSONResponse:
        error = {"type": "invalid_reference", "loc": ["body", exc.field], "msg": str(exc), "input": exc.value}
        return JSONResponse(status_code=422, content={"detail": [error]})

    @app.exception_handler(OperationalError)
    async def store_down(_: Request, exc: OperationalError) -> JSONResponse:
        logger.error("store error: %s", exc)
        return JSONResponse(
            status_code=503,
            content={"detail": "The store is unavailable or busy; nothing was written. Retry in a moment."},
            headers={"Retry-After": "1"},
        )
