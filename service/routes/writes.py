"""Create, read, update and delete partners, projects and action groups; paginated listings with filters.

Writes need an API key (``Authorization: Bearer <key>``). Each response carries the record's version as its ``ETag``;
send it back in ``If-Match`` to update or delete only if nobody changed the record since (else 412). PATCH without
``If-Match`` applies to the latest version and never loses a concurrent change to another field.
"""

from __future__ import annotations

import re
from dataclasses import asdict
from typing import Annotated, Any, TypeVar
from urllib.parse import quote

from fastapi import APIRouter, Depends, Header, HTTPException, Query, Response, status
from pydantic import BaseModel

from matcher.domain import ActionGroup, Partner, Project
from matcher.editor import Editor
from matcher.store.errors import RecordNotFoundError
from matcher.store.records import KINDS, Kind, Stored
from service.auth import CallerDep, PartnerWriter, Reader, Writer, forbidden
from service.deps import MatcherDep
from service.visibility import hidden_from
from service.write_schemas import (
    GroupCreate,
    GroupPatch,
    GroupRecord,
    GroupReplace,
    GroupsPage,
    PartnerCreate,
    PartnerPatch,
    PartnerRecord,
    PartnerReplace,
    PartnersPage,
    ProjectCreate,
    ProjectPatch,
    ProjectRecord,
    ProjectReplace,
    ProjectsPage,
)

router = APIRouter()


def get_editor(matcher: MatcherDep) -> Editor:
    return Editor(matcher)


EditorDep = Annotated[Editor, Depends(get_editor)]
#: An If-Match value: ``*`` (any version), or a version as an ETag (``"3"``, ``W/"3"``) or bare (``3``).
IF_MATCH = r'^\s*(?:\*|(?:W/)?"*([0-9]+)"*)\s*$'
IfMatch = Annotated[
    str | None,
    Header(
        alias="If-Match",
        description='The version you read (the ETag, e.g. "3"): the write happens only if it is still current, '
        "else 412; anything else than a version or `*` gets 400.",
        json_schema_extra={"pattern": IF_MATCH},  # checked by if_version (400, not 422)
    ),
]
Offset = Annotated[int, Query(ge=0, le=1_000_000, description="Items to skip")]
Limit = Annotated[int, Query(ge=1, le=500, description="Items per page")]
WRITE_ERRORS: dict[int | str, dict[str, Any]] = {
    401: {"description": "Missing or invalid API key; nothing was written"},
    403: {"description": "A partner key used beyond its own partner; nothing was written"},
    404: {"description": "Unknown id"},
    412: {"description": "If-Match names an older version; the response's ETag is the current one"},
    413: {"description": "Request body over MATCHER_MAX_BODY_BYTES"},
    422: {"description": "A field breaks the import rules; the message says what is allowed"},
}


def if_version(header: str | None) -> int | None:
    """The version of an If-Match header (``"3"``, ``W/"3"`` or ``3``); None for no header or ``*``."""
    if header is None:
        return None
    match = re.match(IF_MATCH, header)
    if match is None:
        raise HTTPException(
            status.HTTP_400_BAD_REQUEST,
            detail=f'If-Match {header!r} is not a version: send the ETag you got, e.g. If-Match: "3".',
        )
    return None if match[1] is None else int(match[1])


def _same_id(body_id: str | None, path_id: str, label: str) -> None:
    if body_id is not None and body_id != path_id:
        raise HTTPException(
            status.HTTP_422_UNPROCESSABLE_CONTENT,
            detail=f"The body's id {body_id!r} differs from the path's {path_id!r}: a {label}'s id cannot change "
            "(create a new one and delete the old one instead).",
        )


def location(template: str, item_id: str) -> str:
    """The ``Location`` of a new record: ``template`` with the id percent-encoded (any script, ASCII on the wire).

    Built before the write, so a record is never committed when its success response could not be sent."""
    return template.format(quote(item_id, safe=""))


def _tagged(response: Response, stored: Stored[Any], location: str | None = None) -> None:
    response.headers["ETag"] = f'"{stored.version}"'
    if location:
        response.headers["Location"] = location


RecordT = TypeVar("RecordT", bound=BaseModel)


def _record(schema: type[RecordT], stored: Stored[Any]) -> RecordT:
    """A stored domain record as its public schema (tuples become lists), with its version and update time."""
    return schema(**asdict(stored.item), version=stored.version, updated_at=stored.updated_at)


def partner_record(stored: Stored[Partner]) -> PartnerRecord:
    return _record(PartnerRecord, stored)


def project_record(stored: Stored[Project]) -> ProjectRecord:
    return _record(ProjectRecord, stored)


def group_record(stored: Stored[ActionGroup]) -> GroupRecord:
    return _record(GroupRecord, stored)


def _get(matcher: MatcherDep, kind: Kind, item_id: str) -> Stored[Any]:
    stored = matcher.store.get_record(kind, item_id)
    if stored is None:
        raise RecordNotFoundError(KINDS[kind].label, item_id)
    return stored


# -- partners ---------------------------------------------------------------------------------------------------------
@router.get(
    "/partners",
    response_model=PartnersPage,
    tags=["partners"],
    dependencies=[Reader],
    responses={
        401: {"description": "include_hidden=true without an admin key"},
        403: {"description": "include_hidden=true with a partner key"},
    },
)
def list_partners(
    matcher: MatcherDep,
    caller: CallerDep,
    offset: Offset = 0,
    limit: Limit = 50,
    country: Annotated[str | None, Query(max_length=2, description="ISO 3166-1 alpha-2")] = None,
    type: Annotated[str | None, Query(max_length=40, description="Actor kind")] = None,
    language: Annotated[str | None, Query(max_length=2, description="ISO 639-1")] = None,
    sdg: Annotated[int | None, Query(ge=1, le=17)] = None,
    q: Annotated[str | None, Query(max_length=200, description="Part of the name (any case)")] = None,
    include_hidden: Annotated[
        bool, Query(description="Also partners that opted out of discovery (needs an admin key)")
    ] = False,
) -> PartnersPage:
    """Partners by id. Partners with ``discoverable=false`` are left out (unless ``include_hidden`` with an admin
    key)."""
    if include_hidden and caller.has_key and not caller.is_admin:
        raise forbidden(caller, "include_hidden=true needs an admin key")
    if include_hidden and not caller.is_admin:
        raise HTTPException(
            status.HTTP_401_UNAUTHORIZED,
            detail="include_hidden=true needs an API key: send the header `Authorization: Bearer <key>`.",
            headers={"WWW-Authenticate": "Bearer"},
        )
    page = matcher.store.list_partners(
        offset=offset,
        limit=limit,
        country=country,
        type=type,
        language=language,
        sdg=sdg,
        q=q,
        include_hidden=include_hidden,
    )
    data = [partner_record(s) for s in page.items]
    return PartnersPage(data=data, count=len(data), total=page.total, offset=offset, limit=limit)


@router.post(
    "/partners",
    response_model=PartnerRecord,
    status_code=status.HTTP_201_CREATED,
    tags=["partners"],
    dependencies=[Writer],
    responses={**WRITE_ERRORS, 409: {"description": "The id exists already"}},
)
def create_partner(body: PartnerCreate, editor: EditorDep, response: Response) -> PartnerRecord:
    """Add a partner; its description is embedded and it is matchable as soon as this returns."""
    where = location("/v1/partners/{}/record", body.id)
    stored = editor.create("partners", Partner(**body.model_dump()))
    _tagged(response, stored, where)
    return partner_record(stored)


@router.get(
    "/partners/{partner_id}/record", response_model=PartnerRecord, tags=["partners"], dependencies=[PartnerWriter]
)
def get_partner_record(partner_id: str, matcher: MatcherDep, response: Response) -> PartnerRecord:
    """The stored partner with its version (ETag), hidden or not: what to edit. Needs an admin key or its own."""
    stored = _get(matcher, "partners", partner_id)
    _tagged(response, stored)
    return partner_record(stored)


@router.put(
    "/partners/{partner_id}", response_model=PartnerRecord, tags=["partners"], dependencies=[PartnerWriter],
    responses=WRITE_ERRORS,
)  # fmt: skip
def replace_partner(
    partner_id: str, body: PartnerReplace, editor: EditorDep, response: Response, if_match: IfMatch = None
) -> PartnerRecord:
    """Replace every field of a partner (omitted optional fields are cleared)."""
    _same_id(body.id, partner_id, "partner")
    item = Partner(id=partner_id, **body.model_dump(exclude={"id"}))
    stored = editor.replace("partners", item, if_version=if_version(if_match))
    _tagged(response, stored)
    return partner_record(stored)


@router.patch(
    "/partners/{partner_id}", response_model=PartnerRecord, tags=["partners"], dependencies=[PartnerWriter],
    responses=WRITE_ERRORS,
)  # fmt: skip
def patch_partner(
    partner_id: str, body: PartnerPatch, editor: EditorDep, response: Response, if_match: IfMatch = None
) -> PartnerRecord:
    """Change only the given fields; ``null`` clears an optional one."""
    changes = body.model_dump(include=body.model_fields_set)
    stored = editor.patch("partners", partner_id, changes, if_version=if_version(if_match))
    _tagged(response, stored)
    return partner_record(stored)


@router.delete(
    "/partners/{partner_id}", status_code=status.HTTP_204_NO_CONTENT, tags=["partners"], dependencies=[Writer],
    responses=WRITE_ERRORS,
)  # fmt: skip
def delete_partner(partner_id: str, editor: EditorDep, if_match: IfMatch = None) -> Response:
    """Remove a partner, its memberships and the feedback it gave or got; it is never suggested again."""
    editor.delete("partners", partner_id, if_version=if_version(if_match))
    return Response(status_code=status.HTTP_204_NO_CONTENT)


# -- projects ---------------------------------------------------------------------------------------------------------
@router.get("/projects", response_model=ProjectsPage, tags=["projects"], dependencies=[Reader])
def list_projects(
    matcher: MatcherDep,
    caller: CallerDep,
    offset: Offset = 0,
    limit: Limit = 50,
    status_: Annotated[str | None, Query(alias="status", max_length=20, description="idea, running, completed")] = None,
    sdg: Annotated[int | None, Query(ge=1, le=17)] = None,
    partner_id: Annotated[str | None, Query(max_length=200, description="Projects this partner is in")] = None,
    q: Annotated[str | None, Query(max_length=200, description="Part of the title (any case)")] = None,
) -> ProjectsPage:
    """Projects by id."""
    if partner_id and hidden_from(caller, matcher.store, [partner_id]):  # answered as for an unknown id
        return ProjectsPage(data=[], count=0, total=0, offset=offset, limit=limit)
    page = matcher.store.list_projects(offset=offset, limit=limit, status=status_, sdg=sdg, partner_id=partner_id, q=q)
    data = [project_record(s) for s in page.items]
    return ProjectsPage(data=data, count=len(data), total=page.total, offset=offset, limit=limit)


@router.get("/projects/{project_id}", response_model=ProjectRecord, tags=["projects"], dependencies=[Reader])
def get_project(project_id: str, matcher: MatcherDep, response: Response) -> ProjectRecord:
    """A stored project with its version (ETag)."""
    stored = _get(matcher, "projects", project_id)
    _tagged(response, stored)
    return project_record(stored)


@router.post(
    "/projects",
    response_model=ProjectRecord,
    status_code=status.HTTP_201_CREATED,
    tags=["projects"],
    dependencies=[Writer],
    responses={**WRITE_ERRORS, 409: {"description": "The id exists already"}},
)
def create_project(body: ProjectCreate, editor: EditorDep, response: Response) -> ProjectRecord:
    """Add a project (add its members with POST /v1/projects/{project_id}/members)."""
    where = location("/v1/projects/{}", body.id)
    stored = editor.create("projects", Project(**body.model_dump()))
    _tagged(response, stored, where)
    return project_record(stored)


@router.put(
    "/projects/{project_id}", response_model=ProjectRecord, tags=["projects"], dependencies=[Writer],
    responses=WRITE_ERRORS,
)  # fmt: skip
def replace_project(
    project_id: str, body: ProjectReplace, editor: EditorDep, response: Response, if_match: IfMatch = None
) -> ProjectRecord:
    """Replace every field of a project (its members stay)."""
    _same_id(body.id, project_id, "project")
    item = Project(id=project_id, **body.model_dump(exclude={"id"}))
    stored = editor.replace("projects", item, if_version=if_version(if_match))
    _tagged(response, stored)
    return project_record(stored)


@router.patch(
    "/projects/{project_id}", response_model=ProjectRecord, tags=["projects"], dependencies=[Writer],
    responses=WRITE_ERRORS,
)  # fmt: skip
def patch_project(
    project_id: str, body: ProjectPatch, editor: EditorDep, response: Response, if_match: IfMatch = None
) -> ProjectRecord:
    """Change only the given fields of a project."""
    changes = body.model_dump(include=body.model_fields_set)
    stored = editor.patch("projects", project_id, changes, if_version=if_version(if_match))
    _tagged(response, stored)
    return project_record(stored)


@router.delete(
    "/projects/{project_id}", status_code=status.HTTP_204_NO_CONTENT, tags=["projects"], dependencies=[Writer],
    responses=WRITE_ERRORS,
)  # fmt: skip
def delete_project(project_id: str, editor: EditorDep, if_match: IfMatch = None) -> Response:
    """Remove a project and its memberships."""
    editor.delete("projects", project_id, if_version=if_version(if_match))
    return Response(status_code=status.HTTP_204_NO_CONTENT)


# -- action groups ----------------------------------------------------------------------------------------------------
@router.get("/action-groups", response_model=GroupsPage, tags=["action groups"], dependencies=[Reader])
def list_groups(
    matcher: MatcherDep,
    caller: CallerDep,
    offset: Offset = 0,
    limit: Limit = 50,
    partner_id: Annotated[str | None, Query(max_length=200, description="Groups this partner is in")] = None,
    q: Annotated[str | None, Query(max_length=200, description="Part of the name (any case)")] = None,
) -> GroupsPage:
    """Action groups by id."""
    if partner_id and hidden_from(caller, matcher.store, [partner_id]):  # answered as for an unknown id
        return GroupsPage(data=[], count=0, total=0, offset=offset, limit=limit)
    page = matcher.store.list_groups(offset=offset, limit=limit, partner_id=partner_id, q=q)
    data = [group_record(s) for s in page.items]
    return GroupsPage(data=data, count=len(data), total=page.total, offset=offset, limit=limit)


@router.get("/action-groups/{group_id}", response_model=GroupRecord, tags=["action groups"], dependencies=[Reader])
def get_group(group_id: str, matcher: MatcherDep, response: Response) -> GroupRecord:
    """A stored action group with its version (ETag)."""
    stored = _get(matcher, "action_groups", group_id)
    _tagged(response, stored)
    return group_record(stored)


@router.post(
    "/action-groups",
    response_model=GroupRecord,
    status_code=status.HTTP_201_CREATED,
    tags=["action groups"],
    dependencies=[Writer],
    responses={**WRITE_ERRORS, 409: {"description": "The id exists already"}},
)
def create_group(body: GroupCreate, editor: EditorDep, response: Response) -> GroupRecord:
    """Add an action group."""
    where = location("/v1/action-groups/{}", body.id)
    stored = editor.create("action_groups", ActionGroup(**body.model_dump()))
    _tagged(response, stored, where)
    return group_record(stored)


@router.put(
    "/action-groups/{group_id}", response_model=GroupRecord, tags=["action groups"], dependencies=[Writer],
    responses=WRITE_ERRORS,
)  # fmt: skip
def replace_group(
    group_id: str, body: GroupReplace, editor: EditorDep, response: Response, if_match: IfMatch = None
) -> GroupRecord:
    """Replace the name and description of an action group (its members stay)."""
    _same_id(body.id, group_id, "action group")
    item = ActionGroup(id=group_id, **body.model_dump(exclude={"id"}))
    stored = editor.replace("action_groups", item, if_version=if_version(if_match))
    _tagged(response, stored)
    return group_record(stored)


@router.patch(
    "/action-groups/{group_id}", response_model=GroupRecord, tags=["action groups"], dependencies=[Writer],
    responses=WRITE_ERRORS,
)  # fmt: skip
def patch_group(
    group_id: str, body: GroupPatch, editor: EditorDep, response: Response, if_match: IfMatch = None
) -> GroupRecord:
    """Change the name or the description of an action group."""
    changes = body.model_dump(include=body.model_fields_set)
    stored = editor.patch("action_groups", group_id, changes, if_version=if_version(if_match))
    _tagged(response, stored)
    return group_record(stored)


@router.delete(
    "/action-groups/{group_id}", status_code=status.HTTP_204_NO_CONTENT, tags=["action groups"],
    dependencies=[Writer], responses=WRITE_ERRORS,
)  # fmt: skip
def delete_group(group_id: str, editor: EditorDep, if_match: IfMatch = None) -> Response:
    """Remove an action group and its memberships."""
    editor.delete("action_groups", group_id, if_version=if_version(if_match))
    return Response(status_code=status.HTTP_204_NO_CONTENT)
