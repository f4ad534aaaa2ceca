"""Memberships: partners in projects (with a role) and in action groups. Writes need the API key.

Listings leave out partners that opted out of discovery, except for an admin key and the partner's own key
(:mod:`service.visibility`).
"""

from __future__ import annotations

from fastapi import APIRouter, Response, status

from service.auth import CallerDep, Reader, Writer
from service.deps import MatcherDep
from service.routes.writes import WRITE_ERRORS, EditorDep
from service.visibility import hidden_from
from service.write_schemas import (
    GroupMemberIn,
    GroupMemberPublic,
    GroupMembersPublic,
    ProjectMemberIn,
    ProjectMemberPublic,
    ProjectMembersPublic,
    RoleIn,
)

router = APIRouter()
MEMBER_ERRORS = {**WRITE_ERRORS, 409: {"description": "The partner is a member already"}}


# -- projects ---------------------------------------------------------------------------------------------------------
@router.get(
    "/projects/{project_id}/members", response_model=ProjectMembersPublic, tags=["projects"], dependencies=[Reader]
)
def project_members(project_id: str, matcher: MatcherDep, caller: CallerDep) -> ProjectMembersPublic:
    """The partners of a project and their roles."""
    members = matcher.store.project_members(project_id)
    hidden = hidden_from(caller, matcher.store, [m.partner_id for m in members])
    data = [
        ProjectMemberPublic(project_id=m.project_id, partner_id=m.partner_id, role=m.role)
        for m in members
        if m.partner_id not in hidden
    ]
    return ProjectMembersPublic(data=data, count=len(data))


@router.post(
    "/projects/{project_id}/members",
    response_model=ProjectMemberPublic,
    status_code=status.HTTP_201_CREATED,
    tags=["projects"],
    dependencies=[Writer],
    responses=MEMBER_ERRORS,
)
def add_project_member(project_id: str, body: ProjectMemberIn, editor: EditorDep) -> ProjectMemberPublic:
    """Add a partner to a project (role ``lead`` or ``member``)."""
    member = editor.add_project_member(project_id, body.partner_id, body.role)  # type: ignore[arg-type]
    return ProjectMemberPublic(project_id=member.project_id, partner_id=member.partner_id, role=member.role)


@router.put(
    "/projects/{project_id}/members/{partner_id}",
    response_model=ProjectMemberPublic,
    tags=["projects"],
    dependencies=[Writer],
    responses=WRITE_ERRORS,
)
@router.patch(
    "/projects/{project_id}/members/{partner_id}",
    response_model=ProjectMemberPublic,
    tags=["projects"],
    dependencies=[Writer],
    responses=WRITE_ERRORS,
)
def set_project_role(project_id: str, partner_id: str, body: RoleIn, editor: EditorDep) -> ProjectMemberPublic:
    """Change a member's role."""
    member = editor.set_project_role(project_id, partner_id, body.role)  # type: ignore[arg-type]
    return ProjectMemberPublic(project_id=member.project_id, partner_id=member.partner_id, role=member.role)


@router.delete(
    "/projects/{project_id}/members/{partner_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    tags=["projects"],
    dependencies=[Writer],
    responses=WRITE_ERRORS,
)
def remove_project_member(project_id: str, partner_id: str, editor: EditorDep) -> Response:
    """Take a partner out of a project."""
    editor.remove_project_member(project_id, partner_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


# -- action groups ----------------------------------------------------------------------------------------------------
@router.get(
    "/action-groups/{group_id}/members",
    response_model=GroupMembersPublic,
    tags=["action groups"],
    dependencies=[Reader],
)
def group_members(group_id: str, matcher: MatcherDep, caller: CallerDep) -> GroupMembersPublic:
    """The partners of an action group."""
    members = matcher.store.group_members(group_id)
    hidden = hidden_from(caller, matcher.store, [m.partner_id for m in members])
    shown = [m for m in members if m.partner_id not in hidden]
    data = [GroupMemberPublic(group_id=m.group_id, partner_id=m.partner_id) for m in shown]
    return GroupMembersPublic(data=data, count=len(data))


@router.post(
    "/action-groups/{group_id}/members",
    response_model=GroupMemberPublic,
    status_code=status.HTTP_201_CREATED,
    tags=["action groups"],
    dependencies=[Writer],
    responses=MEMBER_ERRORS,
)
def add_group_member(group_id: str, body: GroupMemberIn, editor: EditorDep) -> GroupMemberPublic:
    """Add a partner to an action group."""
    member = editor.add_group_member(group_id, body.partner_id)
    return GroupMemberPublic(group_id=member.group_id, partner_id=member.partner_id)


@router.delete(
    "/action-groups/{group_id}/members/{partner_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    tags=["action groups"],
    dependencies=[Writer],
    responses=WRITE_ERRORS,
)
def remove_group_member(group_id: str, partner_id: str, editor: EditorDep) -> Response:
    """Take a partner out of an action group."""
    editor.remove_group_member(group_id, partner_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
