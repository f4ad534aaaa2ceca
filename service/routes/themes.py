"""GET /v1/themes, and the resolution of the ``themes`` filter of recommendation queries.

Themes come from ``$MATCHER_HOME/themes.json`` (``matcher themes fit``); the service fits them at start-up when there
are none and the catalog is small (see ``matcher.themes_fit``).
"""

from __future__ import annotations

from collections.abc import Sequence

from fastapi import APIRouter, HTTPException, status

from matcher.recommender import Recommender
from matcher.themes.lookup import ThemeLookup
from service.deps import RecommenderDep
from service.schemas.themes import ThemePublic, ThemesPublic

router = APIRouter(prefix="/themes", tags=["themes"])

NO_THEMES = "No themes fitted yet: run `matcher themes fit` (the service fits them at start-up for small catalogs)."


def _themes(recommender: Recommender) -> ThemeLookup:
    if recommender.themes is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, detail=NO_THEMES)
    return recommender.themes


def theme_filter(recommender: Recommender, refs: Sequence[int | str]) -> frozenset[int]:
    """Theme ids for the ``themes`` filter: 422 when none are fitted; unknown themes raise the library's
    :class:`~matcher.errors.UnknownThemeError` (422 in the route's ``refusals``)."""
    if not refs:
        return frozenset()
    if recommender.themes is None:
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, detail=f"cannot filter by themes: {NO_THEMES}")
    return recommender.themes.resolve(refs)


@router.get("", response_model=ThemesPublic, responses={404: {"description": "No themes fitted yet"}})
def list_themes(recommender: RecommenderDep) -> ThemesPublic:
    """Themes of the alliance's partners and projects, largest first: id, label, distinctive terms and size."""
    lookup = _themes(recommender)
    themes = sorted(lookup.themes.values(), key=lambda t: (-t.size, t.id))
    data = [ThemePublic.model_validate(t, from_attributes=True) for t in themes]
    return ThemesPublic(data=data, count=len(data), outlier_rate=round(lookup.model.outlier_rate_, 4))
