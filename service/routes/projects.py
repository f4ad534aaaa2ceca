"""Projects: the listing, a project's stored record (create, replace, patch, delete), its members and their roles,
and collaborators for it.

Reads are open unless ``MATCHER_READ_REQUIRES_KEY``; writes need an admin key (:mod:`service.auth`); versions travel
as ``ETag`` and ``If-Match`` (:mod:`service.records`). Member listings leave out partners that opted out of
discovery, except for an admin key and the partner's own key (:mod:`service.visibility`).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Response, status

from matcher.domain import Project
from service.auth import CallerDep, Reader, Writer
from service.deps import EditorDep, MatcherDep, RecommenderDep
from service.errors import refusals
from service.records import (
    WRITE_ERRORS,
    IfMatch,
    Limit,
    Offset,
    get_stored,
    if_version,
    location,
    same_id,
    tagged,
)
from service.routes.convert import matches
from service.schemas.projects import (
    ProjectCreate,
    ProjectMemberIn,
    ProjectMemberPublic,
    ProjectMembersPublic,
    ProjectRecord,
    ProjectReplace,
    ProjectsPage,
    ProjectUpdate,
    RoleIn,
)
from service.schemas.recommendations import MatchesPublic
from service.visibility import hidden_from

router = APIRouter(prefix="/projects", tags=["projects"])
MEMBER_ERRORS = {**WRITE_ERRORS, 409: {"description": "The partner is a member already"}}


# -- records ----------------------------------------------------------------------------------------------------------
@router.get("", response_model=ProjectsPage, dependencies=[Reader])
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
    data = [ProjectRecord.model_validate(s) for s in page.items]
    return ProjectsPage(data=data, count=len(data), total=page.total, offset=offset, limit=limit)


@router.get("/{project_id}", response_model=ProjectRecord, dependencies=[Reader])
def get_project(project_id: str, matcher: MatcherDep, response: Response) -> ProjectRecord:
    """A stored project with its version (ETag)."""
    stored = get_stored(matcher, "projects", project_id)
    tagged(response, stored)
    return ProjectRecord.model_validate(stored)


@router.post(
    "",
    response_model=ProjectRecord,
    status_code=status.HTTP_201_CREATED,
    dependencies=[Writer],
    responses={**WRITE_ERRORS, 409: {"description": "The id exists already"}},
)
def create_project(body: ProjectCreate, editor: EditorDep, response: Response) -> ProjectRecord:
    """Add a project (add its members with POST /v1/projects/{project_id}/members)."""
    where = location("/v1/projects/{}", body.id)
    with refusals():
        stored = editor.create("projects", Project(**body.model_dump()))
    tagged(response, stored, where)
    return ProjectRecord.model_validate(stored)


@router.put("/{project_id}", response_model=ProjectRecord, dependencies=[Writer], responses=WRITE_ERRORS)
def replace_project(
    project_id: str, body: ProjectReplace, editor: EditorDep, response: Response, if_match: IfMatch = None
) -> ProjectRecord:
    """Replace every field of a project (its members stay)."""
    same_id(body.id, project_id, "project")
    item = Project(id=project_id, **body.model_dump(exclude={"id"}))
    with refusals():
        stored = editor.replace("projects", item, if_version=if_version(if_match))
    tagged(response, stored)
    return ProjectRecord.model_validate(stored)


@router.patch("/{project_id}", response_model=ProjectRecord, dependencies=[Writer], responses=WRITE_ERRORS)
def patch_project(
    project_id: str, body: ProjectUpdate, editor: EditorDep, response: Response, if_match: IfMatch = None
) -> ProjectRecord:
    """Change only the given fields of a project."""
    changes = body.model_dump(include=body.model_fields_set)
    with refusals():
        stored = editor.patch("projects", project_id, changes, if_version=if_version(if_match))
    tagged(response, stored)
    return ProjectRecord.model_validate(stored)


@router.delete("/{project_id}", status_code=status.HTTP_204_NO_CONTENT, dependencies=[Writer], responses=WRITE_ERRORS)
def delete_project(project_id: str, editor: EditorDep, if_match: IfMatch = None) -> Response:
    """Remove a project and its memberships."""
    with refusals():
        editor.delete("projects", project_id, if_version=if_version(if_match))
    return Response(status_code=status.HTTP_204_NO_CONTENT)


# -- members ----------------------------------------------------------------------------------------------------------
@router.get("/{project_id}/members", response_model=ProjectMembersPublic, dependencies=[Reader])
def project_members(project_id: str, matcher: MatcherDep, caller: CallerDep) -> ProjectMembersPublic:
    """The partners of a project and their roles."""
    with refusals():
        members = matcher.store.project_members(project_id)
    hidden = hidden_from(caller, matcher.store, [m.partner_id for m in members])
    data = [ProjectMemberPublic.model_validate(m, from_attributes=True) for m in members if m.partner_id not in hidden]
    return ProjectMembersPublic(data=data, count=len(data))


@router.post(
    "/{project_id}/members",
    response_model=ProjectMemberPublic,
    status_code=status.HTTP_201_CREATED,
    dependencies=[Writer],
    responses=MEMBER_ERRORS,
)
def add_project_member(project_id: str, body: ProjectMemberIn, editor: EditorDep) -> ProjectMemberPublic:
    """Add a partner to a project (role ``lead`` or ``member``)."""
    with refusals():
        member = editor.add_project_member(project_id, body.partner_id, body.role)  # type: ignore[arg-type]
    return ProjectMemberPublic.model_validate(member, from_attributes=True)


@router.put(
    "/{project_id}/members/{partner_id}",
    response_model=ProjectMemberPublic,
    dependencies=[Writer],
    responses=WRITE_ERRORS,
)
@router.patch(
    "/{project_id}/members/{partner_id}",
    response_model=ProjectMemberPublic,
    dependencies=[Writer],
    responses=WRITE_ERRORS,
)
def set_project_role(project_id: str, partner_id: str, body: RoleIn, editor: EditorDep) -> ProjectMemberPublic:
    """Change a member's role."""
    with refusals():
        member = editor.set_project_role(project_id, partner_id, body.role)  # type: ignore[arg-type]
    return ProjectMemberPublic.model_validate(member, from_attributes=True)


@router.delete(
    "/{project_id}/members/{partner_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    dependencies=[Writer],
    responses=WRITE_ERRORS,
)
def remove_project_member(project_id: str, partner_id: str, editor: EditorDep) -> Response:
    """Take a partner out of a project."""
    with refusals():
        editor.remove_project_member(project_id, partner_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


# -- recommendations --------------------------------------------------------------------------------------------------
@router.get("/{project_id}/collaborators", response_model=MatchesPublic, dependencies=[Reader])
def project_collaborators(
    project_id: str, recommender: RecommenderDep, matcher: MatcherDep, k: Annotated[int, Query(ge=1, le=100)] = 10
) -> MatchesPublic:
    """Partners for a stored project (its lead is the requester; current members are never suggested)."""
    declined = matcher.suppressed(None, project_id=project_id)  # by the lead, for this project
    with refusals():
        return matches(recommender.collaborators(project_id=project_id, k=k, exclude=declined))
