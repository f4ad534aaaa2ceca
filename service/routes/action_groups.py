"""Action groups: candidate members for a group."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from service.deps import RecommenderDep
from service.routes.convert import matches
from service.schemas import MatchesPublic

router = APIRouter(prefix="/action-groups", tags=["action groups"])


@router.get("/{group_id}/candidates", response_model=MatchesPublic)
def group_candidates(
    group_id: str, recommender: RecommenderDep, k: Annotated[int, Query(ge=1, le=100)] = 10
) -> MatchesPublic:
    """Partners who are not members yet, best fit first."""
    return matches(recommender.group_candidates(group_id, k=k))
