"""The web page at ``/`` (static HTML, CSS and JS modules, no build step) and the catalogue summary it needs.

``GET /v1/catalog/summary`` fills the page's pickers and filters: ids and names of the discoverable partners, the
projects and the action groups, with the actor-kind and SDG vocabularies. The page works offline: every file it loads
is served from ``/static``, which the Content-Security-Policy of ``/`` enforces. The page and its files are public;
the data is read like every other read (an API key when ``MATCHER_READ_REQUIRES_KEY`` is true: the page asks for it).
"""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter, FastAPI
from fastapi.responses import FileResponse
from fastapi.staticfiles import StaticFiles
from pydantic import BaseModel

from matcher.vocab import ACTOR_TYPES, SDG_NAMES
from service.auth import Reader
from service.deps import MatcherDep

STATIC_DIR = Path(__file__).resolve().parent.parent / "static"
SUMMARY_LENGTH = 180

#: Only files from this origin, no inline script: the page must work without a network (and without a CDN).
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
    "font-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)

page = APIRouter(include_in_schema=False)
router = APIRouter(prefix="/catalog", tags=["catalog"], dependencies=[Reader])


class PartnerEntry(BaseModel):
    id: str
    name: str
    type: str | None
    country: str | None
    languages: list[str]
    sdgs: list[int]
    summary: str


class ProjectEntry(BaseModel):
    id: str
    title: str
    status: str | None
    sdgs: list[int]
    summary: str


class GroupEntry(BaseModel):
    id: str
    name: str
    summary: str


class CatalogSummaryPublic(BaseModel):
    partners: list[PartnerEntry]
    projects: list[ProjectEntry]
    action_groups: list[GroupEntry]
    actor_types: dict[str, str]
    sdgs: dict[int, str]


def shorten(text: str, limit: int = SUMMARY_LENGTH) -> str:
    """First ``limit`` characters of ``text``, cut at a word boundary, with an ellipsis when cut."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[:limit].rsplit(" ", 1)[0].rstrip(",;:.")
    return cut + "…"


@router.get("/summary", response_model=CatalogSummaryPublic)
def catalog_summary(matcher: MatcherDep) -> CatalogSummaryPublic:
    """Ids, names and short summaries of the discoverable partners, the projects and the action groups, sorted by
    name, with the vocabularies of actor kinds and SDGs: what the web page's pickers and filters need."""
    catalog = matcher.catalog
    partners = [
        PartnerEntry(
            id=p.id,
            name=p.name,
            type=p.type,
            country=p.country,
            languages=list(p.languages),
            sdgs=list(p.sdgs),
            summary=shorten(p.description),
        )
        for p in catalog.partners
        if p.discoverable
    ]
    projects = [
        ProjectEntry(id=p.id, title=p.title, status=p.status, sdgs=list(p.sdgs), summary=shorten(p.description))
        for p in catalog.projects
    ]
    groups = [GroupEntry(id=g.id, name=g.name, summary=shorten(g.description)) for g in catalog.groups]
    return CatalogSummaryPublic(
        partners=sorted(partners, key=lambda p: p.name.casefold()),
        projects=sorted(projects, key=lambda p: p.title.casefold()),
        action_groups=sorted(groups, key=lambda g: g.name.casefold()),
        actor_types=dict(ACTOR_TYPES),
        sdgs=dict(SDG_NAMES),
    )


@page.api_route("/", methods=["GET", "HEAD"])
def index() -> FileResponse:
    """The single page; views are chosen client-side (``#/find``, ``#/groups``, ``#/explore``)."""
    return FileResponse(
        STATIC_DIR / "index.html",
        headers={"Content-Security-Policy": CONTENT_SECURITY_POLICY, "Cache-Control": "no-cache"},
    )


def install(app: FastAPI) -> None:
    """Serve the page at ``/``, its files under ``/static`` and ``GET /v1/catalog/summary``."""
    app.include_router(router, prefix="/v1")
    app.include_router(page)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
