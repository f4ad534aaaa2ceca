"""The candidates a team is chosen from: the ranker's top suggestions, topped up for quotas they cannot meet."""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING

from matcher.domain import Partner
from matcher.ranking.query import Filters
from matcher.results import PartnerMatch
from matcher.team.constraints import ConsortiumRequest, TeamRequestError
from matcher.team.regions import Region
from matcher.team.rules import Candidate, Quota, quotas

if TYPE_CHECKING:
    from matcher.catalog import Catalog
    from matcher.recommender import Recommender

TOP_UP = 3  # a quota of n met by fewer than TOP_UP * n top candidates brings in its best TOP_UP * n (at least 10)


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
    """The ranker's top ``request.candidates`` (and the matches of included partners, which the pool leaves out),
    topped up with the best candidates of each quota (:func:`~matcher.team.rules.quotas`) that fewer than
    ``TOP_UP`` times its need of the top ones meet. The query is resolved (embedded) once; a top-up ranks it again
    under narrower filters, so its scores are the same as in the main list."""
    include = frozenset(request.include)
    query = recommender.collaborator_query(
        text=request.text,
        project_id=request.project_id,
        requester_id=request.requester_id,
        filters=request.filters,
        exclude=exclude,
    )
    matches = recommender.rank(query, request.candidates + len(include))
    pool = [m for m in matches if m.partner_id not in include]
    seen = {m.partner_id for m in pool}
    catalog = recommender.catalog
    for quota in quotas(request):
        have = sum(quota.admits(candidate(catalog.partner(m.partner_id))) for m in pool)
        narrowed = _narrowed(request.filters, quota)
        if have >= TOP_UP * quota.need or narrowed is None:
            continue
        topped = dataclasses.replace(query, filters=narrowed, exclude=exclude | include)
        for m in recommender.rank(topped, max(10, TOP_UP * quota.need)):
            if m.partner_id not in seen:
                seen.add(m.partner_id)
                pool.append(m)
    pool.sort(key=lambda m: -m.score)
    return pool, {m.partner_id: m for m in matches if m.partner_id in include}


def _narrowed(base: Filters, quota: Quota) -> Filters | None:
    """The request's filters narrowed to a quota's members; None when the filters leave none of them (the
    diagnosis then names the quota)."""
    if quota.what == "kind" and (not base.types or quota.value in base.types):
        return dataclasses.replace(base, types=frozenset({str(quota.value)}))
    if quota.what == "region" and isinstance(quota.value, Region):
        countries = quota.value.countries & base.countries if base.countries else quota.value.countries
        return dataclasses.replace(base, countries=frozenset(countries)) if countries else None
    if quota.what == "language" and (not base.languages or quota.value in base.languages):
        return dataclasses.replace(base, languages=frozenset({str(quota.value)}))
    if quota.what == "sdg" and isinstance(quota.value, int) and (not base.sdgs or quota.value in base.sdgs):
        return dataclasses.replace(base, sdgs=frozenset({quota.value}))
    return None
