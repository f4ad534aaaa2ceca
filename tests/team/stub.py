"""A recommender with set scores over a hand-made catalog: team answers are known without any model."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from matcher.domain import ActionGroup, Partner, Project
from matcher.ranking.query import Filters
from matcher.ranking.scored import ScoredCandidates
from matcher.results import PartnerMatch, Reason


@dataclass
class StubCatalog:
    partners: list[Partner]
    projects: list[Project] = field(default_factory=list)
    groups: list[ActionGroup] = field(default_factory=list)
    project_members: dict[str, list[tuple[str, str]]] = field(default_factory=dict)
    group_members: dict[str, set[str]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.partner_pos = {p.id: i for i, p in enumerate(self.partners)}
        self.project_pos = {p.id: i for i, p in enumerate(self.projects)}
        self.group_pos = {g.id: i for i, g in enumerate(self.groups)}
        self.discoverable = np.array([p.discoverable for p in self.partners], dtype=bool)
        self.partner_groups: dict[str, set[str]] = {}
        for group, members in self.group_members.items():
            for m in members:
                self.partner_groups.setdefault(m, set()).add(group)

    def partner(self, partner_id: str) -> Partner:
        return self.partners[self.partner_pos[partner_id]]

    def project(self, project_id: str) -> Project:
        return self.projects[self.project_pos[project_id]]

    def group(self, group_id: str) -> ActionGroup:
        return self.groups[self.group_pos[group_id]]


@dataclass(frozen=True)
class StubQuery:
    requester_id: str | None
    team: frozenset[str]
    exclude: frozenset[str]
    filters: Filters


def _passes(p: Partner, f: Filters) -> bool:
    return (
        (not f.types or p.type in f.types)
        and (not f.countries or p.country in f.countries)
        and (not f.languages or bool(set(p.languages) & f.languages))
        and (not f.sdgs or bool(set(p.sdgs) & f.sdgs))
    )


class StubRecommender:
    """``scores[partner_id]`` is every query's score; ``group_scores[(group, partner)]`` the group candidates'."""

    def __init__(
        self,
        catalog: StubCatalog,
        scores: dict[str, float],
        group_scores: dict[tuple[str, str], float] | None = None,
        depth: int | None = None,
    ) -> None:
        self.catalog = catalog
        self.scores = scores
        self.group_scores = group_scores or {}
        self.depth = depth  # how many candidates a query scores (as candidate generation bounds them); None: all
        self.calls = 0

    def _match(self, p: Partner, score: float) -> PartnerMatch:
        reason = Reason("stub", f"set score {score:g}", {"value": score})
        return PartnerMatch(p.id, p.name, p.type, p.country, score, explanations=[reason])

    def collaborator_query(
        self,
        *,
        text: str | None = None,
        project_id: str | None = None,
        requester_id: str | None = None,
        filters: Filters | None = None,
        exclude: frozenset[str] = frozenset(),
        diversity: float = 0.0,
    ) -> StubQuery:
        team = frozenset(p for p, _ in self.catalog.project_members.get(project_id or "", []))
        return StubQuery(requester_id, team, frozenset(exclude), filters or Filters())

    def _found(self, query: StubQuery) -> list[Partner]:
        banned = set(query.exclude) | query.team | {query.requester_id}
        found = [
            p
            for p in self.catalog.partners
            if p.discoverable and p.id not in banned and _passes(p, query.filters) and p.id in self.scores
        ]
        found.sort(key=lambda p: -self.scores[p.id])  # stable: ties keep the catalog's order
        return found

    def rank(self, query: StubQuery, k: int) -> list[PartnerMatch]:
        self.calls += 1
        return [self._match(p, self.scores[p.id]) for p in self._found(query)[:k]]

    def score(self, query: StubQuery) -> ScoredCandidates:
        self.calls += 1
        found = self._found(query)[: self.depth]
        rows = np.array([self.catalog.partner_pos[p.id] for p in found], dtype=np.int64)
        none = np.zeros((len(found), 0))
        scores = np.array([self.scores[p.id] for p in found], dtype=np.float64)
        return ScoredCandidates(query, rows, none, none, scores, np.arange(len(found)))  # type: ignore[arg-type]

    def explain(
        self, query: StubQuery, rows: np.ndarray, features: np.ndarray, contributions: np.ndarray, shown: np.ndarray
    ) -> list[PartnerMatch]:
        partners = [self.catalog.partners[int(rows[i])] for i in shown]
        return [self._match(p, self.scores[p.id]) for p in partners]

    def group_candidates(self, group_id: str, *, k: int = 10) -> list[PartnerMatch]:
        members = self.catalog.group_members.get(group_id, set())
        found = [
            p
            for p in self.catalog.partners
            if p.discoverable and p.id not in members and (group_id, p.id) in self.group_scores
        ]
        found.sort(key=lambda p: -self.group_scores[(group_id, p.id)])
        return [self._match(p, self.group_scores[(group_id, p.id)]) for p in found[:k]]


def partner(
    pid: str, kind: str, country: str, languages: str = "en", sdgs: tuple[int, ...] = (), **kw: object
) -> Partner:
    return Partner(
        pid,
        pid.title(),
        f"{pid} description",
        type=kind,
        country=country,
        languages=tuple(languages.split(";")),
        sdgs=sdgs,
        **kw,  # type: ignore[arg-type]
    )


#: Ten partners with set scores (and one that opted out, scored highest: it must never appear).
PARTNERS = [
    partner("uni1", "university", "FR", "fr;en", (4,)),
    partner("uni2", "university", "DE", "de;en"),
    partner("ngo1", "ngo", "FR", "fr"),
    partner("ngo2", "ngo", "KE", "en;sw", (13,)),
    partner("school1", "school", "BR", "pt", (4,)),
    partner("city1", "city", "SN", "fr", (11,)),
    partner("company1", "company", "US", "en"),
    partner("youth1", "youth_movement", "IN", "en;hi", (13,)),
    partner("hidden", "foundation", "FR", "fr", discoverable=False),
    partner("uni3", "university", "PT", "pt"),
]
SCORES = {
    "uni1": 10.0,
    "uni2": 9.0,
    "ngo1": 8.0,
    "ngo2": 7.0,
    "school1": 6.0,
    "city1": 5.0,
    "company1": 4.0,
    "youth1": 3.0,
    "hidden": 20.0,
    "uni3": 2.0,
}


def stub(
    scores: dict[str, float] | None = None, partners: list[Partner] | None = None, **kw: object
) -> StubRecommender:
    return StubRecommender(StubCatalog(partners or PARTNERS, **kw), scores or SCORES)  # type: ignore[arg-type]
