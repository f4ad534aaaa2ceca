"""The web page at ``/`` (static HTML, CSS and JS modules, no build step) and the catalogue reads it needs.

``GET /v1/catalog/summary`` fills the page's filters: the action groups, the countries and languages of the
discoverable partners, the actor-kind and SDG vocabularies, and counts. Partners and projects are never sent whole
(100,000 partners would be megabytes): the pickers search them as the user types, a page at a time, with
``GET /v1/catalog/partners`` and ``GET /v1/catalog/projects`` (:mod:`matcher.lookup`, over the catalog snapshot the
recommender serves; a partner that opted out is listed only to its own key and admin keys, :mod:`service.visibility`).
The page works offline: every file it loads is served from ``/static``, which the Content-Security-Policy of ``/``
enforces. The page and its files are public; the data is read like every other read (an API key when
``MATCHER_READ_REQUIRES_KEY`` is true: the page asks for it).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, TypeVar

from fastapi import APIRouter, Depends, FastAPI, Query, Request
from fastapi.responses import FileResponse
from fastapi.staticfiles import StaticFiles
from pydantic import BaseModel, Field

from matcher.catalog import Catalog
from matcher.domain import Partner, Project
from matcher.lookup import CURSOR_PATTERN, Cursor, NameIndex, PartnerWhere, ProjectWhere
from matcher.vocab import ACTOR_TYPES, SDG_NAMES
from service.auth import CallerDep, Reader
from service.deps import MatcherDep, RecommenderDep
from service.visibility import visible_rows

T = TypeVar("T")
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
    action_groups: list[GroupEntry]
    countries: list[str] = Field(description="ISO 3166-1 alpha-2 codes of the discoverable partners' countries")
    languages: list[str] = Field(description="ISO 639-1 codes of the languages discoverable partners speak")
    partner_count: int = Field(description="Discoverable partners: search them with GET /v1/catalog/partners")
    project_count: int = Field(description="Projects: search them with GET /v1/catalog/projects")
    actor_types: dict[str, str]
    sdgs: dict[int, str]


class PartnerEntriesPublic(BaseModel):
    data: list[PartnerEntry]
    count: int = Field(description="Entries on this page")
    total: int = Field(description="Entries that match, on every page")
    next_cursor: str | None = Field(description="Send it as `cursor` for the next page; null on the last page")


class ProjectEntriesPublic(BaseModel):
    data: list[ProjectEntry]
    count: int = Field(description="Entries on this page")
    total: int = Field(description="Entries that match, on every page")
    next_cursor: str | None = Field(description="Send it as `cursor` for the next page; null on the last page")


@dataclass(frozen=True, slots=True)
class CatalogNames:
    """The folded names of one catalog snapshot, built on the first search after the snapshot changed."""

    catalog: Catalog
    partners: NameIndex
    projects: NameIndex


def catalog_names(request: Request, recommender: RecommenderDep) -> CatalogNames:
    """The name indexes of the current catalog, kept on the app until a write makes a new snapshot (so an old
    snapshot stays alive at most until the next search after it was replaced)."""
    catalog = recommender.catalog
    names: CatalogNames | None = getattr(request.app.state, "catalog_names", None)
    if names is None or names.catalog is not catalog:
        names = CatalogNames(
            catalog,
            NameIndex([p.id for p in catalog.partners], [p.name for p in catalog.partners]),
            NameIndex([p.id for p in catalog.projects], [p.title for p in catalog.projects]),
        )
        request.app.state.catalog_names = names  # one assignment: a concurrent request sees the old or the new
    return names


NamesDep = Annotated[CatalogNames, Depends(catalog_names)]
Text = Annotated[
    str,
    Query(
        max_length=200,
        description="Words of the name, in any case, with or without accents; names that start with them come first",
    ),
]
Limit = Annotated[int, Query(ge=1, le=100, description="Entries per page")]
PageCursor = Annotated[
    str | None,
    Query(
        max_length=1000,
        pattern=CURSOR_PATTERN,
        description="The `next_cursor` of the previous page; none for the first page",
    ),
]
Sdg = Annotated[int | None, Query(ge=1, le=17)]


def _after(cursor: str | None) -> Cursor | None:
    return None if cursor is None else Cursor.decode(cursor)  # the pattern is checked already: every match decodes


def _filtered(allowed: list[bool] | None, items: Sequence[T], where: Callable[[T], bool] | None) -> list[bool] | None:
    """``allowed`` (None: every row) narrowed to the rows ``where`` keeps; unchanged without filters."""
    if where is None:
        return allowed
    return (
        [where(item) for item in items]
        if allowed is None
        else [ok and where(i) for ok, i in zip(allowed, items, strict=True)]
    )


def _encoded(cursor: Cursor | None) -> str | None:
    return None if cursor is None else cursor.encode()


def partner_entry(p: Partner) -> PartnerEntry:
    return PartnerEntry(
        id=p.id,
        name=p.name,
        type=p.type,
        country=p.country,
        languages=list(p.languages),
        sdgs=list(p.sdgs),
        summary=shorten(p.description),
    )


def project_entry(p: Project) -> ProjectEntry:
    return ProjectEntry(id=p.id, title=p.title, status=p.status, sdgs=list(p.sdgs), summary=shorten(p.description))


def shorten(text: str, limit: int = SUMMARY_LENGTH) -> str:
    """First ``limit`` characters of ``text``, cut at a word boundary, with an ellipsis when cut."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[:limit].rsplit(" ", 1)[0].rstrip(",;:.")
    return cut + "…"


@router.get("/summary", response_model=CatalogSummaryPublic)
def catalog_summary(matcher: MatcherDep) -> CatalogSummaryPublic:
    """What the web page's filters need: the action groups sorted by name, the countries and languages of the
    discoverable partners, the vocabularies of actor kinds and SDGs, and how many partners and projects there are.
    Partners and projects themselves are searched a page at a time (``GET /v1/catalog/partners``, ``.../projects``)."""
    catalog = matcher.catalog
    shown = [p for p in catalog.partners if p.discoverable]
    groups = [GroupEntry(id=g.id, name=g.name, summary=shorten(g.description)) for g in catalog.groups]
    return CatalogSummaryPublic(
        action_groups=sorted(groups, key=lambda g: g.name.casefold()),
        countries=sorted({p.country for p in shown if p.country}),
        languages=sorted({code for p in shown for code in p.languages}),
        partner_count=len(shown),
        project_count=len(catalog.projects),
        actor_types=dict(ACTOR_TYPES),
        sdgs=dict(SDG_NAMES),
    )


@router.get("/partners", response_model=PartnerEntriesPublic)
def search_partners(
    names: NamesDep,
    caller: CallerDep,
    q: Text = "",
    limit: Limit = 20,
    cursor: PageCursor = None,
    type: Annotated[str | None, Query(max_length=40, description="Actor kind")] = None,
    country: Annotated[str | None, Query(pattern=r"^[A-Za-z]{2}$", description="ISO 3166-1 alpha-2")] = None,
    language: Annotated[str | None, Query(pattern=r"^[A-Za-z]{2}$", description="ISO 639-1")] = None,
    sdg: Sdg = None,
) -> PartnerEntriesPublic:
    """Partners whose name holds every word of `q` (all of them without `q`), a page at a time: names that start
    with `q` first, then names with a word starting with each word of `q`, then the rest, by name within each. What
    the web page's pickers ask as the user types. A partner that opted out of discovery is listed only to its own key
    and to admin keys."""
    catalog = names.catalog
    where = PartnerWhere(type, country, language, sdg)
    allowed = _filtered(visible_rows(caller, catalog), catalog.partners, where if where != PartnerWhere() else None)
    found = names.partners.search(q, limit=limit, after=_after(cursor), allowed=allowed)
    data = [partner_entry(catalog.partners[i]) for i in found.positions]
    return PartnerEntriesPublic(data=data, count=len(data), total=found.total, next_cursor=_encoded(found.next_cursor))


@router.get("/projects", response_model=ProjectEntriesPublic)
def search_projects(
    names: NamesDep,
    q: Text = "",
    limit: Limit = 20,
    cursor: PageCursor = None,
    status_: Annotated[
        str | None, Query(alias="status", max_length=20, description="idea, running or completed")
    ] = None,
    sdg: Sdg = None,
) -> ProjectEntriesPublic:
    """Projects whose title holds every word of `q`, a page at a time, ranked as `GET /v1/catalog/partners`."""
    catalog = names.catalog
    where_project = ProjectWhere(status_, sdg)
    allowed = _filtered(None, catalog.projects, where_project if where_project != ProjectWhere() else None)
    found = names.projects.search(q, limit=limit, after=_after(cursor), allowed=allowed)
    data = [project_entry(catalog.projects[i]) for i in found.positions]
    return ProjectEntriesPublic(data=data, count=len(data), total=found.total, next_cursor=_encoded(found.next_cursor))


@page.api_route("/", methods=["GET", "HEAD"])
def index() -> FileResponse:
    """The single page; views are chosen client-side (``#/find``, ``#/groups``, ``#/explore``)."""
    return FileResponse(
        STATIC_DIR / "index.html",
        headers={"Content-Security-Policy": CONTENT_SECURITY_POLICY, "Cache-Control": "no-cache"},
    )


def install(app: FastAPI) -> None:
    """Serve the page at ``/``, its files under ``/static`` and the catalogue reads under ``/v1/catalog``."""
    app.include_router(router, prefix="/v1")
    app.include_router(page)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
