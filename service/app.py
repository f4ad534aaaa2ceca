"""Application factory: ``create_app(settings)``; the model, store and index load in the lifespan."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from matcher.engine import Matcher
from matcher.recommender import UnknownIdError
from matcher.settings import Settings
from matcher.themes.workflow import ensure_themes
from service import errors
from service.auth import Reader
from service.limits import BodySizeLimit
from service.routes import action_groups, feedback, health, members, partners, projects, recommendations, web, writes
from service.routes import teams as teams_routes
from service.routes import themes as themes_routes

logger = logging.getLogger(__name__)


def _start(settings: Settings) -> Matcher:
    matcher = Matcher(settings).open()
    if settings.seed_dir is not None and matcher.store.counts()["partners"] == 0:
        logger.info("store is empty: importing %s", settings.seed_dir)
        matcher.ingest(settings.seed_dir)
    elif settings.ranker == "auto" and settings.auto_train and not settings.ranker_path.exists():
        matcher.train()  # data written through the API or an older version: learn from the history once
    matcher.refresh()
    ensure_themes(matcher)  # none saved in $MATCHER_HOME/themes.json and a small catalog: fit and save them
    return matcher


def create_app(settings: Settings | None = None, *, matcher: Matcher | None = None) -> FastAPI:
    """Build the service. Pass ``matcher`` to serve an already-open one (tests do)."""
    settings = settings or Settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        app.state.matcher = matcher if matcher is not None else _start(settings)
        try:
            yield
        finally:
            if matcher is None:
                app.state.matcher.close()

    app = FastAPI(
        title="matcher",
        version="0.1.0",
        summary="Partner-matching recommendations for a global education alliance.",
        description="Who should we build this project with? Which action group should we join? "
        "Every suggestion is explained.\n\n"
        "**Writes** (POST, PUT, PATCH, DELETE, and the feedback export) need an API key from `MATCHER_API_KEYS`, "
        "sent as `Authorization: Bearer <key>`; without a valid key they answer 401 and write nothing. Reads are "
        "open unless `MATCHER_READ_REQUIRES_KEY=true`. Records carry their version as `ETag`: send it in "
        "`If-Match` to update only what you read (412 otherwise).",
        lifespan=lifespan,
    )

    @app.exception_handler(UnknownIdError)
    async def unknown_id(_: Request, exc: UnknownIdError) -> JSONResponse:
        return JSONResponse(status_code=404, content={"detail": str(exc)})

    @app.exception_handler(ValueError)
    async def bad_value(_: Request, exc: ValueError) -> JSONResponse:
        return JSONResponse(status_code=422, content={"detail": str(exc)})

    app.state.settings = settings
    app.add_middleware(BodySizeLimit, max_bytes=settings.max_body_bytes)
    errors.install(app)
    for module in (recommendations, partners, projects, action_groups, themes_routes, teams_routes, health):
        app.include_router(module.router, prefix="/v1", dependencies=[] if module is health else [Reader])
    for module in (writes, members, feedback):
        app.include_router(module.router, prefix="/v1")
    web.install(app)
    return app
