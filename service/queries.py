"""What every recommendation body shares (collaborators, consortium): who may act as the requester, how long the
text may be, and its filters as the library's :class:`~matcher.ranking.query.Filters`."""

from __future__ import annotations

from fastapi.exceptions import RequestValidationError

from matcher.ranking.query import Filters
from matcher.recommender import Recommender
from matcher.settings import Settings
from service.auth import Caller, forbidden
from service.routes.themes import theme_filter
from service.schemas.recommendations import FiltersIn
from service.visibility import require_visible


def check_query(
    caller: Caller, recommender: Recommender, settings: Settings, requester_id: str | None, text: str | None
) -> None:
    """403 when a partner key acts as another requester; the unknown-id 404 for a requester this caller may not see;
    422 for a text over ``MATCHER_MAX_TEXT_LENGTH``."""
    if requester_id is not None:
        if caller.scope == "partner" and not caller.acts_for(requester_id):
            raise forbidden(caller, f"acting as requester {requester_id!r} needs an admin key or its own key")
        require_visible(caller, recommender.catalog, requester_id)
    limit = settings.max_text_length
    if text and len(text) > limit:
        raise RequestValidationError(
            [
                {
                    "type": "string_too_long",
                    "loc": ("body", "text"),
                    "input": text[:80],
                    "msg": f"String should have at most {limit} characters",
                    "ctx": {"max_length": limit},
                }
            ]
        )


def filters_of(recommender: Recommender, filters: FiltersIn) -> Filters:
    """The body's ``filters`` for the library (theme labels resolved to ids)."""
    return Filters(
        countries=frozenset(filters.countries),
        regions=frozenset(filters.regions),
        types=frozenset(filters.types),
        languages=frozenset(filters.languages),
        sdgs=frozenset(filters.sdgs),
        themes=theme_filter(recommender, filters.themes),
    )
