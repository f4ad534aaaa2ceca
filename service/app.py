"""Application factory: ``create_app(settings)``; the model, store and index load in the lifespan."""

from __future__ import annotations

import logging
import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse

from matcher import learning
from matcher.engine import Matcher
from matcher.locks import exclusive
from matcher.settings import Settings, limit_thread_pools, setup_logging
from matcher.themes_fit import ensure_themes
from matcher.understand import prepare as prepare_understanding
from service import errors
from service.auth import Reader
from service.limits import BodySizeLimit
from service.observability import MatcherCollector, Metrics, Observability, configure_logging
from service.openapi import document
from service.routes import action_groups, feedback, health, partners, projects, recommendations, web
from service.routes import me as me_routes
from service.routes import teams as teams_routes
from service.routes import themes as themes_routes

logger = logging.getLogger(__name__)

SWAGGER = "/static/swagger"  # swagger-ui-dist, vendored in service/static/swagger (its LICENSE beside it): no CDN


class RankerRetraining:
    """Retrains, in a background thread, a learned ranker that was trained on another store revision (e.g. an ingest
    killed after its commit); requests are served by the previous ranker meanwhile. ``/v1/health`` reports it."""

    def __init__(self) -> None:
        self.stale = False
        self.retraining = False

    def start_if_stale(self, matcher: Matcher, *, retrain: bool) -> threading.Thread | None:
        if not matcher.ranker_is_stale():
            return None
        self.stale = True
        if not retrain:
            logger.warning("the learned ranker was trained on another store revision (MATCHER_AUTO_TRAIN is off)")
            return None
        logger.warning("the learned ranker was trained on another store revision; retraining it in the background")
        self.retraining = True
        thread = threading.Thread(target=self._retrain, args=(matcher,), name="ranker-retraining", daemon=True)
        thread.start()
        return thread

    def _retrain(self, matcher: Matcher) -> None:
        try:
            learning.train(matcher)
            matcher.refresh()  # the new snapshot loads the new ranker
            self.stale = False
            logger.info("ranker retrained on store revision %d", matcher.revision)
        except Exception:  # the previous ranker stays in use; the reason is in the log
            logger.exception("retraining the ranker failed; the previous one stays in use")
        finally:
            self.retraining = False

    def state(self) -> dict[str, Any]:
        return {"stale": self.stale, "retraining": self.retraining}


def _start(settings: Settings) -> Matcher:
    # processes starting on one $MATCHER_HOME (`matcher serve --workers N`) take turns: the first migrates, builds
    # and saves the indexes, fits the themes; the next ones load what it saved
    with exclusive(settings.home / "start.lock"):
        matcher = Matcher(settings).open()
        prepare_understanding()  # the phrase table (CLDR names, kinds, groupings): built now, not on the first request
        if settings.seed_dir is not None and matcher.store.counts()["partners"] == 0:
            logger.info("store is empty: importing %s", settings.seed_dir)
            learning.ingest(matcher, settings.seed_dir)
        elif settings.ranker == "auto" and settings.auto_train and not settings.ranker_path.exists():
            learning.train(matcher)  # data written through the API or an older version: learn from the history once
        matcher.refresh()
        ensure_themes(matcher)  # none saved in $MATCHER_HOME/themes.json and a small catalog: fit and save them
    matcher.listen()  # PostgreSQL: apply other replicas' writes as they are announced (polling stays the fallback)
    return matcher


def served_app() -> FastAPI:
    """The service of one ``matcher serve`` process (uvicorn's application factory, called in each worker): the
    settings from the environment as :meth:`Settings.serving` adjusts them, the log lines and thread pools set up as
    the command does."""
    settings = Settings().serving()
    setup_logging(settings)
    limit_thread_pools(settings)
    return create_app(settings)


def create_app(settings: Settings | None = None, *, matcher: Matcher | None = None) -> FastAPI:
    """Build the service. Pass ``matcher`` to serve an already-open one (tests do)."""
    settings = settings or Settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        configure_logging(settings.log_format)  # after the server configured its loggers
        app.state.matcher = matcher if matcher is not None else _start(settings)
        app.state.ranker_retraining.start_if_stale(
            app.state.matcher, retrain=settings.ranker == "auto" and settings.auto_train
        )
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
        docs_url=None,  # served below from the vendored Swagger UI
        redoc_url=None,  # ReDoc loads from a CDN: not offered
    )

    app.state.settings = settings
    app.state.ranker_retraining = RankerRetraining()
    metrics = Metrics()
    metrics.registry.register(
        MatcherCollector(lambda: getattr(app.state, "matcher", None), app.state.ranker_retraining.state)
    )
    app.add_middleware(BodySizeLimit, max_bytes=settings.max_body_bytes)
    # outermost: the request id and security headers are on every answer, even a 413
    app.add_middleware(Observability, metrics=metrics, mounts=("/static",))
    app.add_route("/metrics", metrics.endpoint, include_in_schema=False)

    @app.get("/docs", include_in_schema=False)
    def docs() -> HTMLResponse:
        return get_swagger_ui_html(
            openapi_url=app.openapi_url or "/openapi.json",
            title=f"{app.title} - API",
            swagger_js_url=f"{SWAGGER}/swagger-ui-bundle.js",
            swagger_css_url=f"{SWAGGER}/swagger-ui.css",
            swagger_favicon_url=f"{SWAGGER}/favicon-32x32.png",
        )

    errors.install(app)  # 405 and 503; each route answers the library's refusals itself (service.errors)
    for module in (recommendations, themes_routes, teams_routes, health):
        app.include_router(module.router, prefix="/v1", dependencies=[] if module is health else [Reader])
    for module in (partners, projects, action_groups, feedback, me_routes):
        app.include_router(module.router, prefix="/v1")
    web.install(app)
    document(app, read_requires_key=settings.read_requires_key)
    return app
