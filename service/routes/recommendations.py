"""POST /v1/recommendations/collaborators."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.exceptions import RequestValidationError

from matcher.ranking.query import Filters
from service.deps import MatcherDep, RecommenderDep
from service.routes.convert import matches
from service.routes.themes import theme_filter
from service.schemas import CollaboratorQuery, MatchesPublic

router = APIRouter(prefix="/recommendations", tags=["recommendations"])


@router.post("/collaborators", response_model=MatchesPublic)
def recommend_collaborators(
    query: CollaboratorQuery, recommender: RecommenderDep, matcher: MatcherDep
) -> MatchesPublic:
    """Partners to build a project with, best first, each with the reasons and a score breakdown.

    Never returns the requester, the project's current members, anything in ``exclude``, a partner that opted out
    (``discoverable=false``), or one the requester declined or dismissed for this project (POST /v1/feedback).
    """
    limit = matcher.settings.max_text_length
    if query.text and len(query.text) > limit:
        raise RequestValidationError(
            [
                {
                    "type": "string_too_long",
                    "loc": ("body", "text"),
                    "input": query.text[:80],
                    "msg": f"String should have at most {limit} characters",
                    "ctx": {"max_length": limit},
                }
            ]
        )
    filters = Filters(
        countries=frozenset(query.filters.countries),
        types=frozenset(query.filters.types),
        languages=frozenset(query.filters.languages),
        sdgs=frozenset(query.filters.sdgs),
        themes=theme_filter(recommender, query.filters.themes),
    )
    results = recommender.collaborators(
        text=query.text.strip() if query.text else None,
        project_id=query.project_id,
        requester_id=query.requester_id,
        k=query.k,
        filters=filters,
        exclude=frozenset(query.exclude) | matcher.suppressed(query.requester_id, project_id=query.project_id),
        diversity=query.diversity,
    )
    return matches(results)
