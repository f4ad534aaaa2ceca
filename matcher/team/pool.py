"""The candidates a team is chosen from: the ranker's top suggestions, topped up for quotas they cannot meet."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from matcher.domain import Partner
from matcher.ranking.query import Filters
from matcher.ranking.scored import ScoredCandidates
from matcher.results import Reason
from matcher.team.constraints import ConsortiumRequest, TeamRequestError
from matcher.team.regions import Region
from matcher.team.rules import Candidate, Quota, quotas

if TYPE_CHECKING:
    from matcher.catalog import Catalog
    from matcher.recommender import Recommender

TOP_UP = 3  # a quota of n met by fewer than TOP_UP * n top candidates brings in its best TOP_UP * n (at least 10)


def candidate(partner: Partner, ranked: Ranked | None = None) -> Candidate:
    """A partner as the team rules see it, with its score when the ranker scored it (reasons come later)."""
    return Candidate(
        partner_id=partner.id,
        name=partner.name,
        type=partner.type,
        country=partner.country,
        languages=frozenset(partner.languages),
        sdgs=frozenset(partner.sdgs),
        score=ranked.score if ranked else None,
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


@dataclass(frozen=True, slots=True)
class Ranked:
    """A partner the ranker scored for the request: ``position`` in ``scored``, where its reasons are found when
    it is shown (:func:`explained`)."""

    partner_id: str
    score: float
    scored: ScoredCandidates
    position: int


@dataclass(frozen=True, slots=True)
class Pool:
    """The candidates best first (included partners left out), and the included partners the ranker scored."""

    ranked: list[Ranked]
    included: dict[str, Ranked]


def _ranked(catalog: Catalog, scored: ScoredCandidates, i: int) -> Ranked:
    """The candidate at position ``i`` of ``scored`` (not its rank: an index into its rows)."""
    return Ranked(catalog.partners[int(scored.rows[i])].id, scored.score_at(int(i)), scored, int(i))


def _top(catalog: Catalog, scored: ScoredCandidates, k: int) -> list[Ranked]:
    return [_ranked(catalog, scored, i) for i in scored.order[:k]]


def ranked_pool(recommender: Recommender, request: ConsortiumRequest, exclude: frozenset[str]) -> Pool:
    """The ranker's top ``request.candidates`` (and the included partners, which the pool leaves out), topped up
    with the best candidates of each quota (:func:`~matcher.team.rules.quotas`) that fewer than ``TOP_UP`` times
    its need of the top ones meet: from the candidates the query scored below the top when they hold enough of the
    quota's members, else by scoring the query again under narrower filters. The query is resolved (embedded) once,
    so a candidate's score is the same in every list. Nothing is explained yet: :func:`explained` does it for the
    members shown."""
    include = frozenset(request.include)
    query = recommender.collaborator_query(
        text=request.text,
        project_id=request.project_id,
        requester_id=request.requester_id,
        filters=request.filters,
        exclude=exclude,
    )
    catalog = recommender.catalog
    scored = recommender.score(query)
    cut = request.candidates + len(include)
    top = _top(catalog, scored, cut)
    pool = [r for r in top if r.partner_id not in include]
    seen = {r.partner_id for r in pool} | include
    for quota in quotas(request):
        have = sum(quota.admits(candidate(catalog.partner(r.partner_id))) for r in pool)
        if have >= TOP_UP * quota.need:
            continue
        want = max(10, TOP_UP * quota.need)
        extra = _admitted(catalog, scored, cut, quota, want, seen)
        narrowed = _narrowed(request.filters, quota)
        if len(extra) < want and narrowed is not None:
            topped = dataclasses.replace(query, filters=narrowed, exclude=exclude | include)
            extra = [r for r in _top(catalog, recommender.score(topped), want) if r.partner_id not in seen]
        seen |= {r.partner_id for r in extra}
        pool.extend(extra)
    pool.extend(_other_countries(catalog, request, scored, cut, pool, seen))
    pool.sort(key=lambda r: -r.score)
    return Pool(pool, {r.partner_id: r for r in top if r.partner_id in include})


def countries_needed(request: ConsortiumRequest) -> int:
    """The fewest distinct countries a team of the request can have: its minimum, or as many as ``size.min`` members
    at most ``max_per_country`` from each need."""
    cons = request.constraints
    spread = -(-request.size.min // cons.max_per_country) if cons.max_per_country else 0
    return max(cons.min_distinct_countries, spread)


def _other_countries(
    catalog: Catalog, request: ConsortiumRequest, scored: ScoredCandidates, cut: int, pool: list[Ranked], seen: set[str]
) -> list[Ranked]:
    """When the pool and the team's fixed members come from fewer than ``TOP_UP`` times the countries the request
    needs (:func:`countries_needed`), the best candidate of each further country among those ``scored`` ranks below
    ``cut``, until they do (a text that names a place fills the top with that place's partners)."""
    need = countries_needed(request)
    if not need:
        return []
    fixed = [catalog.partner(pid).country for pid, _ in fixed_members(catalog, request)]
    have = {c for c in [*fixed, *(catalog.partner(r.partner_id).country for r in pool)] if c}
    found: list[Ranked] = []
    for i in scored.order[cut:]:
        if len(have) >= TOP_UP * need:
            break
        partner = catalog.partners[int(scored.rows[i])]
        if partner.country and partner.country not in have and partner.id not in seen:
            have.add(partner.country)
            found.append(_ranked(catalog, scored, i))
    seen |= {r.partner_id for r in found}
    return found


def _admitted(
    catalog: Catalog, scored: ScoredCandidates, cut: int, quota: Quota, want: int, seen: set[str]
) -> list[Ranked]:
    """Up to ``want`` of the candidates ``scored`` ranks below position ``cut`` that ``quota`` admits, best first."""
    found: list[Ranked] = []
    for i in scored.order[cut:]:
        partner = catalog.partners[int(scored.rows[i])]
        if partner.id not in seen and quota.admits(candidate(partner)):
            found.append(_ranked(catalog, scored, i))
            if len(found) == want:
                break
    return found


def explained(recommender: Recommender, shown: Sequence[Ranked]) -> dict[str, tuple[Reason, ...]]:
    """The reasons of the ``shown`` partners (step 5 of the pipeline, run for them only), by partner id."""
    out: dict[str, tuple[Reason, ...]] = {}
    batches: dict[int, list[Ranked]] = {}
    for r in shown:
        batches.setdefault(id(r.scored), []).append(r)
    for batch in batches.values():
        s = batch[0].scored
        positions = np.array([r.position for r in batch], dtype=np.int64)
        matches = recommender.explain(s.query, s.rows, s.features, s.contributions, positions)
        for r, match in zip(batch, matches, strict=True):
            out[r.partner_id] = tuple(match.explanations)
    return out


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
