"""Projects: collaborators for a stored project."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from service.deps import MatcherDep, RecommenderDep
from service.routes.convert import matches
from service.schemas import MatchesPublic

router = APIRouter(prefix="/projects", tags=["projects"])


@router.get("/{project_id}/collaborators", response_model=MatchesPublic)
def project_collaborators(
    project_id: str, recommender: RecommenderDep, matcher: MatcherDep, k: Annotated[int, Query(ge=1, le=100)] = 10
) -> MatchesPublic:
    """Partners for a stored project (its lead is the requester; current members are never suggested)."""
    declined = matcher.suppressed(None, project_id=project_id)  # by the lead, for this project
    return matches(recommender.collaborators(project_id=project_id, k=k, exclude=declined))
