"""Action groups: candidate members for a group."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from service.deps import MatcherDep, RecommenderDep
from service.routes.convert import matches
from service.schemas import MatchesPublic

router = APIRouter(prefix="/action-groups", tags=["action groups"])


@router.get("/{group_id}/candidates", response_model=MatchesPublic)
def group_candidates(
    group_id: str, recommender: RecommenderDep, matcher: MatcherDep, k: Annotated[int, Query(ge=1, le=100)] = 10
) -> MatchesPublic:
    """Partners who are not members yet, best fit first."""
    declined = matcher.suppressed(None, group_id=group_id)  # declined or dismissed for this group
    found = recommender.group_candidates(group_id, k=k + len(declined))
    return matches([m for m in found if m.partner_id not in declined][:k])
