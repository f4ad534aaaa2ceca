"""The candidates a team is chosen from: the ranker's top suggestions, topped up for quotas they cannot meet."""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING

from matcher.domain import Partner
from matcher.ranking.query import Filters
from matcher.results import PartnerMatch
from matcher.team.constraints import ConsortiumRequest, TeamRequestError
from matcher.team.rules import Candidate

if TYPE_CHECKING:
    from matcher.catalog import Catalog
    from matcher.recommender import Recommender

TOP_UP = 3  # each quota of n brings in its best TOP_UP * n (at least 10) candidates, whatever their overall rank


def candidate(partner: Partner, match: PartnerMatch | None = None) -> Candidate:
    return Candidate(
        partner_id=partner.id,
        name=partner.name,
        type=partner.type,
        country=partner.country,
        languages=frozenset(partner.languages),
        sdgs=frozenset(partner.sdgs),
        score=match.score if match else None,
        explanations=tuple(match.explanations) if match else (),
    )


def check_ids(catalog: Catalog, request: ConsortiumRequest) -> None:
    """Every id of the request names a partner that may be shown (an opted-out partner is as unknown)."""
    if request.project_id is not None and request.project_id not in catalog.project_pos:
        raise TeamRequestError("project_id", f"unknown project id {request.project_id!r}")
    if request.requester_id is not None and request.requester_id not in catalog.partner_pos:
        raise TeamRequestError("requester_id", f"unknown partner id {request.requester_id!r}")
    lists = {
        "include": request.include,
        "exclude": request.exclude,
        "conflicts": tuple(i for pair in request.conflicts for i in pair),
    }
    for name, ids in lists.items():
        unknown = sorted({i for i in ids if not _shown(catalog, i)})
        if unknown:
            raise TeamRequestError(name, f"unknown partner id(s) {unknown}; give ids of discoverable partners")


def _shown(catalog: Catalog, partner_id: str) -> bool:
    row = catalog.partner_pos.get(partner_id)
    return row is not None and bool(catalog.discoverable[row])


def fixed_members(catalog: Catalog, request: ConsortiumRequest) -> list[tuple[str, str]]:
    """(partner id, role) of the members the team has already: requester, the project's members, ``include``."""
    found: dict[str, str] = {}
    if request.requester_id is not None:
        found[request.requester_id] = "requester"
    if request.project_id is not None:
        for partner_id, _ in catalog.project_members.get(request.project_id, []):
            if _shown(catalog, partner_id) or partner_id == request.requester_id:
                found.setdefault(partner_id, "project_member")
    for partner_id in request.include:
        found.setdefault(partner_id, "included")
    return list(found.items())


def ranked_pool(
    recommender: Recommender, request: ConsortiumRequest, exclude: frozenset[str]
) -> tuple[list[PartnerMatch], dict[str, PartnerMatch]]:
    """The ranker's top ``request.candidates`` (and the matches of included partners, which the pool leaves out)."""
    include = frozenset(request.include)
    matches = _ask(recommender, request, request.filters, request.candidates + len(include), exclude)
    pool = [m for m in matches if m.partner_id not in include]
    seen = {m.partner_id for m in pool}
    for filters, need in _quota_filters(request):
        for m in _ask(recommender, request, filters, max(10, TOP_UP * need), exclude | include):
            if m.partner_id not in seen:
                seen.add(m.partner_id)
                pool.append(m)
    pool.sort(key=lambda m: -m.score)
    return pool, {m.partner_id: m for m in matches if m.partner_id in include}


def _ask(
    recommender: Recommender, request: ConsortiumRequest, filters: Filters, k: int, exclude: frozenset[str]
) -> list[PartnerMatch]:
    return recommender.collaborators(
        text=request.text,
        project_id=request.project_id,
        requester_id=request.requester_id,
        k=k,
        filters=filters,
        exclude=exclude,
    )


def _quota_filters(request: ConsortiumRequest) -> list[tuple[Filters, int]]:
    """The request's filters narrowed to each quota (kind, region, language, SDG) with the count it needs; a quota
    outside the request's own filters narrows to nothing, and the diagnosis names it."""
    base, cons = request.filters, request.constraints
    out: list[tuple[Filters, int]] = []
    for bound in cons.kinds:
        if bound.min and (not base.types or bound.kind in base.types):
            out.append((dataclasses.replace(base, types=frozenset({bound.kind})), bound.min))
    for region_bound in cons.regions:
        countries = region_bound.resolved.countries
        narrowed = countries & base.countries if base.countries else countries
        if narrowed:
            out.append((dataclasses.replace(base, countries=frozenset(narrowed)), region_bound.min))
    for language in cons.languages:
        if not base.languages or language in base.languages:
            out.append((dataclasses.replace(base, languages=frozenset({language})), 1))
    for goal in cons.sdgs:
        if not base.sdgs or goal in base.sdgs:
            out.append((dataclasses.replace(base, sdgs=frozenset({goal})), 1))
    return out
