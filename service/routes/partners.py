"""Partners: the listing, a partner's card and its stored record (create, replace, patch, delete), similar partners
and the action groups to join.

Reads are open unless ``MATCHER_READ_REQUIRES_KEY``; writes need an API key (:mod:`service.auth`); versions travel
as ``ETag`` and ``If-Match`` (:mod:`service.records`). Partners that opted out of discovery are shown only to their
own key and admin keys (:mod:`service.visibility`).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, HTTPException, Query, Response, status

from matcher.domain import Partner
from service.auth import CallerDep, PartnerWriter, Reader, Writer, forbidden
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
from service.routes.convert import group_matches, matches
from service.schemas.partners import (
    GroupRefPublic,
    MembershipPublic,
    PartnerCreate,
    PartnerPublic,
    PartnerRecord,
    PartnerReplace,
    PartnersPage,
    PartnerUpdate,
)
from service.schemas.recommendations import GroupMatchesPublic, MatchesPublic
from service.visibility import require_visible

router = APIRouter(prefix="/partners", tags=["partners"])
K = Annotated[int, Query(ge=1, le=100, description="How many results")]


@router.get(
    "",
    response_model=PartnersPage,
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
    data = [PartnerRecord.model_validate(s) for s in page.items]
    return PartnersPage(data=data, count=len(data), total=page.total, offset=offset, limit=limit)


@router.post(
    "",
    response_model=PartnerRecord,
    status_code=status.HTTP_201_CREATED,
    dependencies=[Writer],
    responses={**WRITE_ERRORS, 409: {"description": "The id exists already"}},
)
def create_partner(body: PartnerCreate, editor: EditorDep, response: Response) -> PartnerRecord:
    """Add a partner; its description is embedded and it is matchable as soon as this returns."""
    where = location("/v1/partners/{}/record", body.id)
    with refusals():
        stored = editor.create("partners", Partner(**body.model_dump()))
    tagged(response, stored, where)
    return PartnerRecord.model_validate(stored)


@router.get("/{partner_id}", response_model=PartnerPublic, dependencies=[Reader])
def get_partner(partner_id: str, recommender: RecommenderDep, caller: CallerDep) -> PartnerPublic:
    """A partner's public card. Partners that opted out of discovery are shown only to their own key (and admin)."""
    c = recommender.catalog
    require_visible(caller, c, partner_id)
    p = c.partner(partner_id)
    projects = [
        MembershipPublic(id=proj, title=c.project(proj).title, role=role)
        for proj in c.partner_projects.get(partner_id, [])
        for member, role in c.project_members[proj]
        if member == partner_id
    ]
    groups = [GroupRefPublic(id=g, name=c.group(g).name) for g in sorted(c.partner_groups.get(partner_id, set()))]
    return PartnerPublic(
        id=p.id,
        name=p.name,
        type=p.type,
        country=p.country,
        city=p.city,
        languages=list(p.languages),
        description=p.description,
        website=p.website,
        sdgs=list(p.sdgs),
        projects=projects,
        action_groups=groups,
    )


@router.get("/{partner_id}/record", response_model=PartnerRecord, dependencies=[PartnerWriter])
def get_partner_record(partner_id: str, matcher: MatcherDep, response: Response) -> PartnerRecord:
    """The stored partner with its version (ETag), hidden or not: what to edit. Needs an admin key or its own."""
    stored = get_stored(matcher, "partners", partner_id)
    tagged(response, stored)
    return PartnerRecord.model_validate(stored)


@router.put("/{partner_id}", response_model=PartnerRecord, dependencies=[PartnerWriter], responses=WRITE_ERRORS)
def replace_partner(
    partner_id: str, body: PartnerReplace, editor: EditorDep, response: Response, if_match: IfMatch = None
) -> PartnerRecord:
    """Replace every field of a partner (omitted optional fields are cleared)."""
    same_id(body.id, partner_id, "partner")
    item = Partner(id=partner_id, **body.model_dump(exclude={"id"}))
    with refusals():
        stored = editor.replace("partners", item, if_version=if_version(if_match))
    tagged(response, stored)
    return PartnerRecord.model_validate(stored)


@router.patch("/{partner_id}", response_model=PartnerRecord, dependencies=[PartnerWriter], responses=WRITE_ERRORS)
def patch_partner(
    partner_id: str, body: PartnerUpdate, editor: EditorDep, response: Response, if_match: IfMatch = None
) -> PartnerRecord:
    """Change only the given fields; ``null`` clears an optional one."""
    changes = body.model_dump(include=body.model_fields_set)
    with refusals():
        stored = editor.patch("partners", partner_id, changes, if_version=if_version(if_match))
    tagged(response, stored)
    return PartnerRecord.model_validate(stored)


@router.delete("/{partner_id}", status_code=status.HTTP_204_NO_CONTENT, dependencies=[Writer], responses=WRITE_ERRORS)
def delete_partner(partner_id: str, editor: EditorDep, if_match: IfMatch = None) -> Response:
    """Remove a partner, its memberships and the feedback it gave or got; it is never suggested again."""
    with refusals():
        editor.delete("partners", partner_id, if_version=if_version(if_match))
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get("/{partner_id}/similar", response_model=MatchesPublic, dependencies=[Reader])
def similar_partners(partner_id: str, recommender: RecommenderDep, caller: CallerDep, k: K = 10) -> MatchesPublic:
    """Partners whose work resembles this partner's."""
    require_visible(caller, recommender.catalog, partner_id)
    with refusals():
        return matches(recommender.similar_partners(partner_id, k=k))


@router.get("/{partner_id}/action-groups", response_model=GroupMatchesPublic, dependencies=[Reader])
def groups_for_partner(
    partner_id: str, recommender: RecommenderDep, caller: CallerDep, k: K = 10
) -> GroupMatchesPublic:
    """Action groups this partner is not in yet, best fit first."""
    require_visible(caller, recommender.catalog, partner_id)
    with refusals():
        return group_matches(recommender.groups_for_partner(partner_id, k=k))
