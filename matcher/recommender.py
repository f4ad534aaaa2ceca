"""Recommendations on a catalog: collaborators for a text or project, similar partners, groups and candidates."""

from __future__ import annotations

import functools
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING, Any

import numpy as np

from matcher.attributes import sdg_bits
from matcher.catalog import Catalog
from matcher.embedding.base import Embedder
from matcher.index.base import VectorIndex
from matcher.index.factory import IndexSetting, build_index
from matcher.ranking.features import FEATURES, compute_features
from matcher.ranking.query import Filters, ResolvedQuery
from matcher.ranking.ranker import LinearRanker, Ranker
from matcher.ranking.reasons import partner_reasons
from matcher.results import GroupMatch, PartnerMatch, Reason

if TYPE_CHECKING:
    from matcher.themes.lookup import ThemeLookup


class UnknownIdError(KeyError):
    """An id that is not in the store; ``kind`` says which collection was searched."""

    def __init__(self, kind: str, item_id: str) -> None:
        super().__init__(item_id)
        self.kind = kind
        self.item_id = item_id

    def __str__(self) -> str:
        return f"No {self.kind} with id {self.item_id!r}."


def history_rows(catalog: Catalog) -> np.ndarray:
    """Rows of the partners with past projects: the ones the history index holds."""
    return np.flatnonzero(np.any(catalog.history_vectors != 0, axis=1))


@functools.cache
def _helpers() -> ThreadPoolExecutor:
    """Threads that run a request's GIL-free parts (the query embedding, a FAISS search) beside its Python parts:
    on two cores that takes ~1.5 ms off a 100k-partner free-text request (docs/performance.md)."""
    return ThreadPoolExecutor(max_workers=8, thread_name_prefix="matcher-query")


class Recommender:
    """Ranks partners and groups for queries. Candidates come from the dense index, the lexical index and the
    collaboration graph; a :class:`~matcher.ranking.ranker.Ranker` scores their features.

    ``index`` (partner descriptions) and ``history_index`` (partners' past projects, :func:`history_rows`) are built
    here when not given, of the kind ``index_setting`` picks (exact by default: cheap to build, as training needs).
    With filters, every matching partner is a candidate while at most ``exhaustive_filter_limit`` match; above,
    the unfiltered candidates are filtered and the sources searched deeper (4x per round) until at least
    ``min_filtered_candidates`` remain.
    """

    exhaustive_filter_limit = 2_000
    min_filtered_candidates = 50

    def __init__(
        self,
        catalog: Catalog,
        embedder: Embedder,
        *,
        ranker: Ranker | None = None,
        index: VectorIndex | None = None,
        history_index: VectorIndex | None = None,
        candidates_per_source: int = 200,
        themes: ThemeLookup | None = None,
        index_setting: IndexSetting = "flat",
    ) -> None:
        self.catalog = catalog
        self.themes = themes  # partners' themes: the `themes` filter and the "both work on ..." reason
        self.embedder = embedder
        self.ranker: Ranker = ranker or LinearRanker()
        # Group candidates keep the default weights: on held-out group memberships they beat the ranker learned
        # from project queries (docs/evaluation.md), whose requester-centred features do not fit group queries.
        self.group_ranker: Ranker = LinearRanker()
        ids = [p.id for p in catalog.partners]
        if index is None:
            index = build_index(ids, catalog.partner_vectors, dim=embedder.dim, setting=index_setting)
        if history_index is None:
            rows = history_rows(catalog)
            history_index = build_index(
                [ids[i] for i in rows], catalog.history_vectors[rows], dim=embedder.dim, setting=index_setting
            )
        self.index: VectorIndex = index
        self.history_index: VectorIndex = history_index
        self.candidates_per_source = candidates_per_source
        self._masks: dict[tuple[Filters, int], np.ndarray] = {}  # filter masks of recent requests
        self._theme_rows: tuple[object, np.ndarray] | None = None  # (themes, theme id per row or -1)

    # -- public queries -------------------------------------------------------------------------------------------
    def collaborators(
        self,
        *,
        text: str | None = None,
        project_id: str | None = None,
        requester_id: str | None = None,
        k: int = 10,
        filters: Filters | None = None,
        exclude: set[str] | frozenset[str] = frozenset(),
        diversity: float = 0.0,
    ) -> list[PartnerMatch]:
        """Partners to build a project with: for a free text, a stored project, or both (text wins for meaning)."""
        c = self.catalog
        if requester_id is not None and requester_id not in c.partner_pos:
            raise UnknownIdError("partner", requester_id)
        team: frozenset[str] = frozenset()
        sdgs: frozenset[int] = frozenset(filters.sdgs) if filters else frozenset()
        vector = None
        if project_id is not None:
            if project_id not in c.project_pos:
                raise UnknownIdError("project", project_id)
            project = c.project(project_id)
            team = frozenset(p for p, _ in c.project_members.get(project_id, []))
            sdgs = sdgs | frozenset(project.sdgs)
            if not text:
                text = project.text
                vector = c.project_vectors[c.project_pos[project_id]]
            if requester_id is None:
                leads = [p for p, role in c.project_members.get(project_id, []) if role == "lead"]
                requester_id = leads[0] if leads else None
        if not text:
            raise ValueError("give a text or a project_id to find collaborators for")
        query = self._resolve(
            text,
            vector,
            sdgs=sdgs,
            requester_id=requester_id,
            team=team,
            exclude=frozenset(exclude),
            filters=filters or Filters(),
            project_id=project_id,
            diversity=diversity,
        )
        return self._rank_partners(query, k)

    def similar_partners(self, partner_id: str, *, k: int = 10) -> list[PartnerMatch]:
        c = self.catalog
        if partner_id not in c.partner_pos:
            raise UnknownIdError("partner", partner_id)
        partner = c.partner(partner_id)
        query = self._resolve(
            partner.text,
            c.partner_vectors[c.partner_pos[partner_id]],
            sdgs=frozenset(partner.sdgs),
            requester_id=partner_id,
            team=frozenset({partner_id}),
        )
        return self._rank_partners(query, k)

    def group_candidates(self, group_id: str, *, k: int = 10) -> list[PartnerMatch]:
        """Partners who are not yet members of an action group, best fit first."""
        c = self.catalog
        if group_id not in c.group_pos:
            raise UnknownIdError("action group", group_id)
        group = c.group(group_id)
        members = frozenset(c.group_members.get(group_id, set()))
        vector = c.group_vectors[c.group_pos[group_id]]
        member_rows = [c.partner_pos[m] for m in members if m in c.partner_pos]
        if member_rows:  # the group is what its description says and what its members do
            centroid = c.partner_vectors[member_rows].mean(axis=0)
            vector = vector + centroid / max(float(np.linalg.norm(centroid)), 1e-9)
            vector = vector / max(float(np.linalg.norm(vector)), 1e-9)
        query = self._resolve(group.text, vector, team=members, group_id=group_id)
        return self._rank_partners(query, k, self.group_ranker)

    def groups_for_partner(self, partner_id: str, *, k: int = 10) -> list[GroupMatch]:
        """Action groups the partner is not in, ranked by fit with its profile and its collaborators' groups."""
        c = self.catalog
        if partner_id not in c.partner_pos:
            raise UnknownIdError("partner", partner_id)
        row = c.partner_pos[partner_id]
        profile = c.partner_vectors[row] + c.history_vectors[row]
        profile = profile / max(float(np.linalg.norm(profile)), 1e-9)
        terms = c.lexical.transform([c.profile_text(partner_id)])
        lexical_scores = (c.group_terms @ terms.T).toarray().ravel() if c.groups else np.zeros(0)
        dense_scores = c.group_vectors @ profile
        mates = set(c.coworkers(partner_id))
        joined = c.partner_groups.get(partner_id, set())
        matches: list[GroupMatch] = []
        for i, group in enumerate(c.groups):
            if group.id in joined:
                continue
            dense = float(dense_scores[i])
            lexical = float(lexical_scores[i])
            mates_in = sorted(m for m in c.group_members.get(group.id, set()) if m in mates)
            graph = 1.0 - float(np.exp(-len(mates_in)))
            breakdown = {"dense": 0.5 * dense, "lexical": 0.3 * lexical, "graph": 0.2 * graph}
            reasons: list[Reason] = []
            named = [m for m in mates_in if c.partner(m).discoverable]  # never name a partner that opted out
            if named:
                names = [c.partner(m).name for m in named[:3]]
                text = f"{len(named)} of your past partners are members ({', '.join(names)})"
                reasons.append(Reason("past_partners_in_group", text, {"count": len(named), "partners": names}))
            value = round(dense, 2)
            reasons.append(
                Reason("profile_similarity", f"text similarity {value:.2f} with your profile", {"value": value})
            )
            matches.append(
                GroupMatch(
                    group.id,
                    group.name,
                    round(sum(breakdown.values()), 4),
                    {k2: round(v, 4) for k2, v in breakdown.items()},
                    reasons,
                )
            )
        matches.sort(key=lambda m: -m.score)
        return matches[:k]

    # -- internals ------------------------------------------------------------------------------------------------
    def _resolve(self, text: str, vector: np.ndarray | None, **fields: Any) -> ResolvedQuery:
        """The query's vector (embedded when not given) and TF-IDF terms. While the embedding runs (outside the
        GIL, in a helper thread), this thread computes the TF-IDF scores, which need only the text."""
        lexical = self.catalog.lexical
        pending = _helpers().submit(self.embedder.encode, [text]) if vector is None else None
        terms = lexical.transform([text])
        scores = lexical.scores(terms)
        if pending is not None:
            vector = pending.result()[0]
        vector = np.asarray(vector, dtype=np.float32)
        return ResolvedQuery(text=text, vector=vector, terms=terms, lexical_scores=scores, **fields)

    def _candidate_rows(self, query: ResolvedQuery) -> np.ndarray:
        """Sorted candidate rows: the sources' top rows, restricted by the query's filters (see the class)."""
        depth = self.candidates_per_source
        rows = self._source_rows(query, depth)
        if not query.filters.active:
            return rows
        mask = self._filter_mask(query.filters)
        matching = np.flatnonzero(mask)
        if len(matching) <= self.exhaustive_filter_limit:
            return matching
        rows = rows[mask[rows]]
        while len(rows) < self.min_filtered_candidates and depth < len(self.catalog.partners):
            depth *= 4
            rows = self._source_rows(query, depth)
            rows = rows[mask[rows]]
        return rows

    def _source_rows(self, query: ResolvedQuery, n: int) -> np.ndarray:
        """Union of the top ``n`` rows of each source: both dense indexes, TF-IDF, past collaborators, and the
        ``n // 20`` most active partners of the requester's country (more of them crowd the pool: on ETMUN, taking
        ``n`` compatriots cut recall@10 from 0.076 to 0.022)."""
        c = self.catalog
        history = _helpers().submit(self.history_index.search, query.vector[None, :], n)  # FAISS frees the GIL
        parts = [self._rows_of(self.index.search(query.vector[None, :], n)[1][0])]
        parts.append(c.lexical.top(query.terms, n, scores=query.lexical_scores))
        parts.append(self._rows_of(history.result()[1][0]))
        anchors = sorted(str(a) for a in {query.requester_id, *query.team} - {None})
        if anchors:  # the strongest past collaborators of the requester and team
            tied, weights = c.coworker_ties([c.partner_pos[a] for a in anchors if a in c.partner_pos])
            tied, weights = tied[weights > 0], weights[weights > 0]
            if tied.size > n:
                tied = tied[np.argpartition(-weights, n)[:n]]
            parts.append(tied)
        requester = c.partners[c.partner_pos[query.requester_id]] if query.requester_id in c.partner_pos else None
        if requester is not None and requester.country in c.country_rows:
            parts.append(c.country_rows[requester.country][: max(1, n // 20)])
        rows = np.unique(np.concatenate(parts).astype(np.int64))
        return rows[rows >= 0]

    def _rows_of(self, ids: list[str]) -> np.ndarray:
        """Catalogue rows of partner ids (-1 for an id the catalogue does not have, e.g. added since)."""
        get = self.catalog.partner_pos.get
        return np.fromiter((get(i, -1) for i in ids), dtype=np.int64, count=len(ids))

    def _filter_mask(self, filters: Filters) -> np.ndarray:
        """Partners passing ``filters``, as a boolean array over rows (array lookups; the last few are cached)."""
        themes = self.themes
        if filters.themes and themes is None:
            raise ValueError("the themes filter needs fitted themes: run `matcher themes fit` first")
        key = (filters, id(themes))
        mask = self._masks.get(key)
        if mask is not None:
            return mask
        a = self.catalog.attributes
        mask = np.ones(len(a), dtype=bool)
        if filters.countries:
            mask &= a.code_mask(a.country, a.country_codes, filters.countries)
        if filters.types:
            mask &= a.code_mask(a.kind, a.kind_codes, filters.types)
        if filters.languages:
            mask &= a.language_mask(filters.languages)
        if filters.sdgs:
            mask &= (a.sdgs & sdg_bits(filters.sdgs)) != 0
        if filters.themes:
            mask &= np.isin(self._theme_of_rows(), sorted(filters.themes))
        if len(self._masks) >= 32:
            self._masks.pop(next(iter(self._masks)))
        self._masks[key] = mask
        return mask

    def _theme_of_rows(self) -> np.ndarray:
        """Theme id of each partner row (-1: none), recomputed when the themes are replaced."""
        themes = self.themes
        if self._theme_rows is None or self._theme_rows[0] is not themes:
            of = themes.theme_of if themes is not None else (lambda _: None)
            codes = [of(p.id) for p in self.catalog.partners]
            self._theme_rows = (themes, np.array([-1 if t is None else t for t in codes], dtype=np.int64))
        return self._theme_rows[1]

    def _allowed(self, query: ResolvedQuery, rows: np.ndarray) -> np.ndarray:
        """``rows`` without the requester, the team, exclusions, undiscoverable partners and (with filters) the
        partners the filters reject; order kept."""
        c = self.catalog
        rows = np.asarray(rows, dtype=np.int64)
        rows = rows[c.discoverable[rows]]
        banned = set(query.exclude) | set(query.team)
        if query.requester_id:
            banned.add(query.requester_id)
        banned_rows = [c.partner_pos[i] for i in banned if i in c.partner_pos]
        if banned_rows:
            rows = rows[~np.isin(rows, banned_rows)]
        if query.filters.active:
            rows = rows[self._filter_mask(query.filters)[rows]]
        return rows

    def _rank_partners(self, query: ResolvedQuery, k: int, ranker: Ranker | None = None) -> list[PartnerMatch]:
        c = self.catalog
        rows = self._allowed(query, self._candidate_rows(query))
        if len(rows) == 0:
            return []
        features = compute_features(c, query, rows)
        contributions = (ranker or self.ranker).contributions(features)
        scores = contributions.sum(axis=1)
        order = np.argsort(-scores, kind="stable")
        if query.diversity > 0:
            order = self._diversify(rows, scores, order, k, query.diversity)
        matches = []
        query_theme = self.themes.predict(query.vector, query.text) if self.themes is not None else None
        top = order[:k].tolist()
        key_terms = c.lexical.shared_terms_of_rows(query.terms, [int(rows[i]) for i in top])
        for i, terms in zip(top, key_terms, strict=True):
            row = int(rows[i])
            partner = c.partners[row]
            feats = {name: float(features[i, j]) for j, name in enumerate(FEATURES)}
            breakdown = {name: round(float(contributions[i, j]), 4) for j, name in enumerate(FEATURES)}
            reasons = partner_reasons(c, query, row, feats, terms) + self._theme_reasons(query_theme, partner.id)
            matches.append(
                PartnerMatch(
                    partner_id=partner.id,
                    name=partner.name,
                    type=partner.type,
                    country=partner.country,
                    score=round(float(scores[i]), 4),
                    score_breakdown=breakdown,
                    explanations=reasons,
                )
            )
        return matches

    def _theme_reasons(self, query_theme: int | None, partner_id: str) -> list[Reason]:
        if query_theme is None or self.themes is None or self.themes.theme_of(partner_id) != query_theme:
            return []
        label = self.themes.label(query_theme)
        return [Reason("same_theme", f"both work on {label}", {"theme": label})]

    def _diversify(self, rows: np.ndarray, scores: np.ndarray, order: np.ndarray, k: int, weight: float) -> np.ndarray:
        """Maximal marginal relevance: penalise candidates whose actor kind or region is already picked."""
        c = self.catalog
        pool = order[: max(5 * k, 50)].tolist()
        spread = float(scores[pool[0]] - scores[pool[-1]]) or 1.0
        picked: list[int] = []
        kinds: dict[str | None, int] = {}
        regions: dict[str | None, int] = {}
        while pool and len(picked) < k:

            def adjusted(i: int) -> float:
                row = int(rows[i])
                redundancy = kinds.get(c.partners[row].type, 0) + regions.get(c.regions[row], 0)
                return float(scores[i]) - weight * spread * 0.5 * redundancy

            best = max(pool, key=adjusted)
            pool.remove(best)
            picked.append(best)
            row = int(rows[best])
            kinds[c.partners[row].type] = kinds.get(c.partners[row].type, 0) + 1
            regions[c.regions[row]] = regions.get(c.regions[row], 0) + 1
        return np.asarray(picked + [i for i in order.tolist() if i not in set(picked)], dtype=np.int64)
