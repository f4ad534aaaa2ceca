"""GET /v1/health."""

from __future__ import annotations

import os

from fastapi import APIRouter, Request

from service.deps import MatcherDep
from service.schemas.health import HealthPublic, RankerHealth

router = APIRouter(tags=["health"])


@router.get("/health", response_model=HealthPublic)
def health(matcher: MatcherDep, request: Request) -> HealthPublic:
    """Liveness and what is loaded."""
    catalog = matcher.catalog
    return HealthPublic(
        status="ok",
        partners=len(catalog.partners),
        discoverable_partners=int(catalog.discoverable.sum()),
        projects=len(catalog.projects),
        action_groups=len(catalog.groups),
        model=matcher.embedder.name,
        index=matcher.recommender.index.kind,
        index_recall_at_10=matcher.recommender.index.recall_at_10,
        ranker=RankerHealth(name=matcher.recommender.ranker.name, **request.app.state.ranker_retraining.state()),
        process=os.getpid(),
    )
