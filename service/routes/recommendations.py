"""POST /v1/recommendations/collaborators."""

from __future__ import annotations

from fastapi import APIRouter

from service.auth import CallerDep
from service.deps import MatcherDep, RecommenderDep
from service.errors import refusals
from service.queries import check_query, filters_of
from service.routes.convert import matches, understood_public
from service.schemas.recommendations import CollaboratorQuery, CollaboratorsPublic

router = APIRouter(prefix="/recommendations", tags=["recommendations"])


@router.post(
    "/collaborators",
    response_model=CollaboratorsPublic,
    responses={
        403: {"description": "A partner key with another partner as requester_id"},
        404: {"description": "Unknown requester_id or project_id"},
    },
)
def recommend_collaborators(
    query: CollaboratorQuery, recommender: RecommenderDep, matcher: MatcherDep, caller: CallerDep
) -> CollaboratorsPublic:
    """Partners to build a project with, best first, each with the reasons and a score breakdown.

    ``understood`` echoes what the text asks for (regions, countries, kinds, languages, SDGs, in any of English,
    French, Spanish or Portuguese): soft preferences that rank fitting partners higher (reason code ``as_asked``);
    send them back in ``filters`` to make them hard.

    Never returns the requester, the project's current members, anything in ``exclude``, a partner that opted out
    (``discoverable=false``), or one the requester declined or dismissed for this project (POST /v1/feedback).
    With a partner key, ``requester_id`` may only be that partner (403 otherwise).
    """
    check_query(caller, recommender, matcher.settings, query.requester_id, query.text)
    with refusals():
        resolved = recommender.collaborator_query(
            text=query.text.strip() if query.text else None,
            project_id=query.project_id,
            requester_id=query.requester_id,
            filters=filters_of(recommender, query.filters),
            exclude=frozenset(query.exclude) | matcher.suppressed(query.requester_id, project_id=query.project_id),
            diversity=query.diversity,
        )
        found = matches(recommender.rank(resolved, query.k))
    understood = understood_public(resolved.understood) if resolved.understood is not None and query.text else None
    return CollaboratorsPublic(data=found.data, count=found.count, understood=understood)
