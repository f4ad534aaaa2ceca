"""Conversions from library results to public schemas."""

from __future__ import annotations

from collections.abc import Sequence

from matcher.results import GroupMatch, PartnerMatch, Reason
from matcher.understand import Understood, describe
from service.schemas.recommendations import (
    GroupMatchesPublic,
    GroupMatchPublic,
    MatchesPublic,
    MatchPublic,
    ReasonPublic,
    UnderstoodPublic,
)


def reasons_public(reasons: Sequence[Reason]) -> list[ReasonPublic]:
    return [ReasonPublic.model_validate(r, from_attributes=True) for r in reasons]


def matches(results: list[PartnerMatch]) -> MatchesPublic:
    data = [MatchPublic.model_validate(m, from_attributes=True) for m in results]
    return MatchesPublic(data=data, count=len(data))


def group_matches(results: list[GroupMatch]) -> GroupMatchesPublic:
    data = [GroupMatchPublic.model_validate(g, from_attributes=True) for g in results]
    return GroupMatchesPublic(data=data, count=len(data))


def understood_public(understood: Understood) -> UnderstoodPublic:
    return UnderstoodPublic(
        regions=list(understood.regions),
        countries=list(understood.countries),
        kinds=list(understood.kinds),
        languages=list(understood.languages),
        sdgs=list(understood.sdgs),
        language=understood.language,
        spans=list(understood.spans),
        labels=describe(understood),
    )
