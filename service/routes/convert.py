"""Conversions from library results to public schemas."""

from __future__ import annotations

from collections.abc import Sequence

from matcher.results import GroupMatch, PartnerMatch, Reason
from matcher.understand import Understood, describe
from service.schemas import (
    GroupMatchesPublic,
    GroupMatchPublic,
    MatchesPublic,
    MatchPublic,
    ReasonPublic,
    UnderstoodPublic,
)


def reasons_public(reasons: Sequence[Reason]) -> list[ReasonPublic]:
    return [ReasonPublic(code=r.code, text=r.text, params=r.params) for r in reasons]


def matches(results: list[PartnerMatch]) -> MatchesPublic:
    data = [
        MatchPublic(
            partner_id=m.partner_id,
            name=m.name,
            type=m.type,
            country=m.country,
            score=m.score,
            reasons=m.reasons,
            score_breakdown=m.score_breakdown,
            explanations=reasons_public(m.explanations),
        )
        for m in results
    ]
    return MatchesPublic(data=data, count=len(data))


def group_matches(results: list[GroupMatch]) -> GroupMatchesPublic:
    data = [
        GroupMatchPublic(
            group_id=g.group_id,
            name=g.name,
            score=g.score,
            reasons=g.reasons,
            score_breakdown=g.score_breakdown,
            explanations=reasons_public(g.explanations),
        )
        for g in results
    ]
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
