"""FastAPI dependencies: typed aliases the routes declare and tests override."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from matcher.engine import Matcher
from matcher.recommender import Recommender


def get_matcher(request: Request) -> Matcher:
    return request.app.state.matcher  # type: ignore[no-any-return]


def get_recommender(request: Request) -> Recommender:
    """The current recommender; first picks up writes of other processes (store revision, checked at most every
    MATCHER_REVISION_CHECK_INTERVAL seconds)."""
    matcher: Matcher = request.app.state.matcher
    matcher.refresh_if_stale(max_age=matcher.settings.revision_check_interval)
    return matcher.recommender


MatcherDep = Annotated[Matcher, Depends(get_matcher)]
RecommenderDep = Annotated[Recommender, Depends(get_recommender)]
