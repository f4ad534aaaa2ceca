"""Partners: a partner's card, similar partners and the action groups to join."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from service.auth import CallerDep
from service.deps import RecommenderDep
from service.routes.convert import group_matches, matches
from service.schemas import GroupMatchesPublic, GroupRefPublic, MatchesPublic, MembershipPublic, PartnerPublic
from service.visibility import require_visible

router = APIRouter(prefix="/partners", tags=["partners"])
K = Annotated[int, Query(ge=1, le=100, description="How many results")]


@router.get("/{partner_id}", response_model=PartnerPublic)
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


@router.get("/{partner_id}/similar", response_model=MatchesPublic)
def similar_partners(partner_id: str, recommender: RecommenderDep, caller: CallerDep, k: K = 10) -> MatchesPublic:
    """Partners whose work resembles this partner's."""
    require_visible(caller, recommender.catalog, partner_id)
    return matches(recommender.similar_partners(partner_id, k=k))


@router.get("/{partner_id}/action-groups", response_model=GroupMatchesPublic)
def groups_for_partner(
    partner_id: str, recommender: RecommenderDep, caller: CallerDep, k: K = 10
) -> GroupMatchesPublic:
    """Action groups this partner is not in yet, best fit first."""
    require_visible(caller, recommender.catalog, partner_id)
    return group_matches(recommender.groups_for_partner(partner_id, k=k))
