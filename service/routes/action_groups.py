"""Action groups: the listing, a group's stored record (create, replace, patch, delete), its members, and candidate
members for it. Assigning many partners to groups at once is :mod:`service.routes.teams`.

Reads are open unless ``MATCHER_READ_REQUIRES_KEY``; writes need an admin key (:mod:`service.auth`); versions travel
as ``ETag`` and ``If-Match`` (:mod:`service.records`). Member listings leave out partners that opted out of
discovery, except for an admin key and the partner's own key (:mod:`service.visibility`).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Response, status

from matcher.domain import ActionGroup
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
from service.schemas.action_groups import (
    GroupCreate,
    GroupMemberIn,
    GroupMemberPublic,
    GroupMembersPublic,
    GroupRecord,
    GroupReplace,
    GroupsPage,
    GroupUpdate,
)
from service.schemas.recommendations import MatchesPublic
from service.visibility import hidden_from

router = APIRouter(prefix="/action-groups", tags=["action groups"])
MEMBER_ERRORS = {**WRITE_ERRORS, 409: {"description": "The partner is a member already"}}


# -- records ----------------------------------------------------------------------------------------------------------
@router.get("", response_model=GroupsPage, dependencies=[Reader])
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
    data = [GroupRecord.model_validate(s) for s in page.items]
    return GroupsPage(data=data, count=len(data), total=page.total, offset=offset, limit=limit)


@router.get("/{group_id}", response_model=GroupRecord, dependencies=[Reader])
def get_group(group_id: str, matcher: MatcherDep, response: Response) -> GroupRecord:
    """A stored action group with its version (ETag)."""
    stored = get_stored(matcher, "action_groups", group_id)
    tagged(response, stored)
    return GroupRecord.model_validate(stored)


@router.post(
    "",
    response_model=GroupRecord,
    status_code=status.HTTP_201_CREATED,
    dependencies=[Writer],
    responses={**WRITE_ERRORS, 409: {"description": "The id exists already"}},
)
def create_group(body: GroupCreate, editor: EditorDep, response: Response) -> GroupRecord:
    """Add an action group."""
    where = location("/v1/action-groups/{}", body.id)
    with refusals():
        stored = editor.create("action_groups", ActionGroup(**body.model_dump()))
    tagged(response, stored, where)
    return GroupRecord.model_validate(stored)


@router.put("/{group_id}", response_model=GroupRecord, dependencies=[Writer], responses=WRITE_ERRORS)
def replace_group(
    group_id: str, body: GroupReplace, editor: EditorDep, response: Response, if_match: IfMatch = None
) -> GroupRecord:
    """Replace the name and description of an action group (its members stay)."""
    same_id(body.id, group_id, "action group")
    item = ActionGroup(id=group_id, **body.model_dump(exclude={"id"}))
    with refusals():
        stored = editor.replace("action_groups", item, if_version=if_version(if_match))
    tagged(response, stored)
    return GroupRecord.model_validate(stored)


@router.patch("/{group_id}", response_model=GroupRecord, dependencies=[Writer], responses=WRITE_ERRORS)
def patch_group(
    group_id: str, body: GroupUpdate, editor: EditorDep, response: Response, if_match: IfMatch = None
) -> GroupRecord:
    """Change the name or the description of an action group."""
    changes = body.model_dump(include=body.model_fields_set)
    with refusals():
        stored = editor.patch("action_groups", group_id, changes, if_version=if_version(if_match))
    tagged(response, stored)
    return GroupRecord.model_validate(stored)


@router.delete("/{group_id}", status_code=status.HTTP_204_NO_CONTENT, dependencies=[Writer], responses=WRITE_ERRORS)
def delete_group(group_id: str, editor: EditorDep, if_match: IfMatch = None) -> Response:
    """Remove an action group and its memberships."""
    with refusals():
        editor.delete("action_groups", group_id, if_version=if_version(if_match))
    return Response(status_code=status.HTTP_204_NO_CONTENT)


# -- members ----------------------------------------------------------------------------------------------------------
@router.get("/{group_id}/members", response_model=GroupMembersPublic, dependencies=[Reader])
def group_members(group_id: str, matcher: MatcherDep, caller: CallerDep) -> GroupMembersPublic:
    """The partners of an action group."""
    with refusals():
        members = matcher.store.group_members(group_id)
    hidden = hidden_from(caller, matcher.store, [m.partner_id for m in members])
    data = [GroupMemberPublic.model_validate(m, from_attributes=True) for m in members if m.partner_id not in hidden]
    return GroupMembersPublic(data=data, count=len(data))


@router.post(
    "/{group_id}/members",
    response_model=GroupMemberPublic,
    status_code=status.HTTP_201_CREATED,
    dependencies=[Writer],
    responses=MEMBER_ERRORS,
)
def add_group_member(group_id: str, body: GroupMemberIn, editor: EditorDep) -> GroupMemberPublic:
    """Add a partner to an action group."""
    with refusals():
        member = editor.add_group_member(group_id, body.partner_id)
    return GroupMemberPublic.model_validate(member, from_attributes=True)


@router.delete(
    "/{group_id}/members/{partner_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    dependencies=[Writer],
    responses=WRITE_ERRORS,
)
def remove_group_member(group_id: str, partner_id: str, editor: EditorDep) -> Response:
    """Take a partner out of an action group."""
    with refusals():
        editor.remove_group_member(group_id, partner_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


# -- recommendations --------------------------------------------------------------------------------------------------
@router.get("/{group_id}/candidates", response_model=MatchesPublic, dependencies=[Reader])
def group_candidates(
    group_id: str, recommender: RecommenderDep, matcher: MatcherDep, k: Annotated[int, Query(ge=1, le=100)] = 10
) -> MatchesPublic:
    """Partners who are not members yet, best fit first."""
    declined = matcher.suppressed(None, group_id=group_id)  # declined or dismissed for this group
    with refusals():
        found = recommender.group_candidates(group_id, k=k + len(declined))
    return matches([m for m in found if m.partner_id not in declined][:k])
