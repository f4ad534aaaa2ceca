"""Whole teams: POST /v1/recommendations/consortium and POST /v1/action-groups/assignments.

The library checks every request (:class:`~matcher.team.constraints.TeamRequestError`); its errors become 422 with a
``detail`` naming the field or constraint, e.g. ``"constraints.kinds[0].min: at least 3 universities: only 2
candidates match the filters"``.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request

from matcher.team.assignment import apply_assignments, assign_groups
from matcher.team.consortium import propose_consortium
from matcher.team.constraints import (
    AssignmentRequest,
    ConsortiumRequest,
    Constraints,
    GroupSpec,
    KindBound,
    RegionBound,
    TeamSize,
)
from service.auth import CallerDep, require_writer
from service.deps import EditorDep, MatcherDep, RecommenderDep
from service.errors import refusals
from service.queries import check_query, filters_of
from service.schemas.teams import (
    AssignmentQuery,
    AssignmentsPublic,
    ConsortiumPublic,
    ConsortiumQuery,
    KindBoundIn,
)

router = APIRouter()
TEAM_ERRORS: dict[int | str, dict[str, Any]] = {
    404: {"description": "Unknown requester_id (as for collaborators)"},
    422: {
        "description": "Invalid or contradictory request, an unknown id inside it (project_id, include, exclude, "
        "conflicts, partners, groups), or constraints no team can meet (`detail`)"
    },
}


def _kinds(bounds: list[KindBoundIn]) -> tuple[KindBound, ...]:
    return tuple(KindBound(b.kind, b.min, b.max) for b in bounds)


@router.post(
    "/recommendations/consortium", response_model=ConsortiumPublic, tags=["recommendations"], responses=TEAM_ERRORS
)
def propose(
    query: ConsortiumQuery, recommender: RecommenderDep, matcher: MatcherDep, caller: CallerDep
) -> ConsortiumPublic:
    """A whole team for a project: the members in order (the requester, the project's members and `include` first),
    what each brings, 2 alternatives per proposed member, the team's coverage, the binding constraints.

    Chosen by an exact 0/1 program over the ranker's top candidates: the members' relevance plus the kinds,
    regions, languages and project SDGs they add, under the constraints. The collaborators endpoint's rules hold:
    no partner that opted out, nothing in `exclude`, nobody the requester declined for this project.
    """
    check_query(caller, recommender, matcher.settings, query.requester_id, query.text)
    c = query.constraints
    with refusals():  # TeamRequestError (422) names the field; unknown ids are 404
        request = ConsortiumRequest(
            text=query.text.strip() if query.text else None,
            project_id=query.project_id,
            requester_id=query.requester_id,
            size=TeamSize(query.size.min, query.size.max),
            constraints=Constraints(
                kinds=_kinds(c.kinds),
                min_distinct_countries=c.min_distinct_countries,
                max_per_country=c.max_per_country,
                regions=tuple(RegionBound(r.region, r.min) for r in c.regions),
                languages=tuple(lang.strip().lower() for lang in c.languages),
                sdgs=tuple(c.sdgs),
            ),
            include=tuple(query.include),
            exclude=tuple(query.exclude),
            conflicts=tuple(tuple(pair) for pair in query.conflicts),  # type: ignore[misc]
            filters=filters_of(recommender, query.filters),
            candidates=query.candidates,
            time_limit=query.time_limit,
        )
        suppressed = matcher.suppressed(query.requester_id, project_id=query.project_id)
        proposal = propose_consortium(recommender, request, suppressed=suppressed)
    return ConsortiumPublic.model_validate(proposal, from_attributes=True)


@router.post(
    "/action-groups/assignments", response_model=AssignmentsPublic, tags=["action groups"], responses=TEAM_ERRORS
)
def assign(
    query: AssignmentQuery,
    recommender: RecommenderDep,
    matcher: MatcherDep,
    editor: EditorDep,
    request: Request,
    caller: CallerDep,
) -> AssignmentsPublic:
    """Assign partners to action groups, maximising the summed group-candidate score under per-group bounds,
    quotas, preferences and exclusions. A dry run unless `apply` is true, which writes the memberships and needs an
    admin API key (as `POST /v1/action-groups/{id}/members`)."""
    if query.apply:
        require_writer(request, caller)
    with refusals():
        spec = AssignmentRequest(
            partners=tuple(query.partners),
            groups=tuple(GroupSpec(g.group_id, g.min, g.max, _kinds(g.kinds), g.min_regions) for g in query.groups),
            default_min=query.default_min,
            default_max=query.default_max,
            min_groups_per_partner=query.min_groups_per_partner,
            max_groups_per_partner=query.max_groups_per_partner,
            preferences=tuple((p.partner_id, p.group_id) for p in query.preferences),
            exclusions=tuple((p.partner_id, p.group_id) for p in query.exclusions),
            time_limit=query.time_limit,
        )
        group_ids = [g.group_id for g in spec.groups] or [g.id for g in recommender.catalog.groups]
        declined = {g: matcher.suppressed(None, group_id=g) for g in group_ids}
        proposal = assign_groups(recommender, spec, suppressed=declined)
        if query.apply:
            proposal = apply_assignments(editor, proposal)
    return AssignmentsPublic.model_validate(proposal, from_attributes=True)
