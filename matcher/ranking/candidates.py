"""Step 2 of the query pipeline: candidate generation. Which partners are scored at all, and which may be shown.

Sources: both dense indexes (own description, past projects), TF-IDF, the requester's and team's collaborators, a
random walk from them over the collaboration graph, and the most active partners of the requester's country. Filters
become boolean masks over catalogue rows.
"""

from __future__ import annotations

import functools
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING

import numpy as np

from matcher.attributes import sdg_bits
from matcher.catalog import Catalog, rows_of
from matcher.errors import FilterError
from matcher.index.base import SEARCH_DEPTH, VectorIndex
from matcher.ranking.features import VOTING_PROJECTS
from matcher.ranking.query import Filters, ResolvedQuery

if TYPE_CHECKING:
    from matcher.themes.lookup import ThemeLookup


@functools.cache
def helper_threads() -> ThreadPoolExecutor:
    """Threads that run a request's GIL-free parts (the query embedding, a FAISS search) beside its Python parts:
    on two cores that takes ~1.5 ms off a 100k-partner free-text request (docs/performance.md)."""
    return ThreadPoolExecutor(max_workers=8, thread_name_prefix="matcher-query")


def history_rows(catalog: Catalog) -> np.ndarray:
    """Rows of the partners with past projects: the ones the history index holds."""
    return catalog.history_vectors.rows_with_projects()


#: The candidate sources; ``V1_SOURCES`` are those of the ranker before match quality 2.0 (evaluation's "ranker v1").
SOURCES: frozenset[str] = frozenset({"dense", "history", "lexical", "coworkers", "walk", "similar_projects", "country"})
V1_SOURCES: frozenset[str] = frozenset({"dense", "history", "lexical", "coworkers", "country"})


class CandidateGenerator:
    """Candidate rows for a resolved query.

    With filters, every matching partner is a candidate while at most ``exhaustive_filter_limit`` match; above, the
    unfiltered candidates are filtered and the sources searched deeper (4x per round) until at least
    ``min_filtered_candidates`` remain.
    """

    exhaustive_filter_limit = 2_000
    min_filtered_candidates = 50

    def __init__(
        self,
        catalog: Catalog,
        index: VectorIndex,
        history_index: VectorIndex,
        *,
        per_source: int = SEARCH_DEPTH,
        sources: frozenset[str] = SOURCES,
    ) -> None:
        unknown = set(sources) - SOURCES
        if unknown:
            raise ValueError(f"unknown candidate source(s) {sorted(unknown)}; the sources are {sorted(SOURCES)}")
        self.sources = sources
        self.catalog = catalog
        self.index = index
        self.history_index = history_index
        self.per_source = per_source
        self._masks: dict[tuple[Filters, int], np.ndarray] = {}  # filter masks of recent requests
        self._theme_rows: tuple[object, np.ndarray] | None = None  # (themes, theme id per row or -1)

    def generate(self, query: ResolvedQuery, themes: ThemeLookup | None = None) -> np.ndarray:
        """The rows to score: the sources' candidates that may be shown for this query."""
        return self.allowed(query, self.candidate_rows(query, themes), themes)

    def candidate_rows(self, query: ResolvedQuery, themes: ThemeLookup | None = None) -> np.ndarray:
        """Sorted candidate rows: the sources' top rows, restricted by the query's filters (see the class)."""
        depth = self.per_source
        rows = self.source_rows(query, depth)
        if not query.filters.active:
            return rows
        mask = self.filter_mask(query.filters, themes)
        matching = np.flatnonzero(mask)
        if len(matching) <= self.exhaustive_filter_limit:
            return matching
        rows = rows[mask[rows]]
        while len(rows) < self.min_filtered_candidates and depth < len(self.catalog.partners):
            depth *= 4
            rows = self.source_rows(query, depth)
            rows = rows[mask[rows]]
        return rows

    def source_rows(self, query: ResolvedQuery, n: int) -> np.ndarray:
        """Union of the top ``n`` rows of each source: both dense indexes, TF-IDF, past collaborators, the random
        walk from the requester and team, the members of the ``n // 10`` (at least
        :data:`~matcher.ranking.features.VOTING_PROJECTS`, at most ``n``) most similar past projects, and the
        ``n // 20`` most active partners of the requester's country (more
        of them crowd the pool: on ETMUN, taking ``n`` compatriots cut recall@10 from 0.076 to 0.022)."""
        c = self.catalog
        search_vector = query.comparison_vector
        use = self.sources
        history = (
            helper_threads().submit(self.history_index.search, search_vector[None, :], n) if "history" in use else None
        )  # FAISS frees the GIL: the history index is searched beside the rest
        # and so is the past projects' index, for the most similar projects (kept by the query for the features;
        # at least those that vote in ``project_vote``: a partner with a vote is always a candidate)
        similar = (
            helper_threads().submit(query.similar_projects, max(min(VOTING_PROJECTS, n), n // 10))
            if "similar_projects" in use
            else None
        )
        parts = [np.zeros(0, dtype=np.int64)]
        if "dense" in use:
            parts.append(rows_of(c.partner_pos, self.index.search(search_vector[None, :], n)[1][0]))
        if "lexical" in use:
            parts.append(c.lexical.top(query.terms, n, scores=query.lexical_scores))
        if history is not None:
            parts.append(rows_of(c.partner_pos, history.result()[1][0]))
        anchors = query.anchor_rows(c)
        if len(anchors) and "coworkers" in use:  # the strongest past collaborators of the requester and team
            tied, weights = c.coworker_ties(anchors)
            tied, weights = tied[weights > 0], weights[weights > 0]
            if tied.size > n:
                tied = tied[np.argpartition(-weights, n)[:n]]
            parts.append(tied)
        if len(anchors) and "walk" in use and query.walk is not None:  # a few hops away (personalised PageRank)
            walk_rows = np.flatnonzero(query.walk > 0)
            if walk_rows.size > n:
                walk_rows = walk_rows[np.argpartition(-query.walk[walk_rows], n)[:n]]
            parts.append(walk_rows)
        if similar is not None:  # the members of the most similar past projects: who did this kind of work
            parts.append(c.members_of_projects(similar.result()[0]))
        requester = c.partners[c.partner_pos[query.requester_id]] if query.requester_id in c.partner_pos else None
        if "country" in use and requester is not None and requester.country in c.country_rows:
            parts.append(c.country_rows[requester.country][: max(1, n // 20)])
        rows = np.unique(np.concatenate(parts).astype(np.int64))
        return rows[rows >= 0]

    def filter_mask(self, filters: Filters, themes: ThemeLookup | None = None) -> np.ndarray:
        """Partners passing ``filters``, as a boolean array over rows (array lookups; the last few are cached)."""
        if filters.themes and themes is None:
            raise FilterError("the themes filter needs fitted themes: run `matcher themes fit` first")
        key = (filters, id(themes))
        mask = self._masks.get(key)
        if mask is not None:
            return mask
        a = self.catalog.attributes
        mask = np.ones(len(a), dtype=bool)
        if filters.countries:
            mask &= a.code_mask(a.country, a.country_codes, filters.countries)
        if filters.regions:
            mask &= a.region_mask(filters.regions)
        if filters.types:
            mask &= a.code_mask(a.kind, a.kind_codes, filters.types)
        if filters.languages:
            mask &= a.language_mask(filters.languages)
        if filters.sdgs:
            mask &= (a.sdgs & sdg_bits(filters.sdgs)) != 0
        if filters.themes:
            mask &= np.isin(self._theme_of_rows(themes), sorted(filters.themes))
        if len(self._masks) >= 32:
            self._masks.pop(next(iter(self._masks)))
        self._masks[key] = mask
        return mask

    def _theme_of_rows(self, themes: ThemeLookup | None) -> np.ndarray:
        """Theme id of each partner row (-1: none), recomputed when the themes are replaced."""
        if self._theme_rows is None or self._theme_rows[0] is not themes:
            of = themes.theme_of if themes is not None else (lambda _: None)
            codes = [of(p.id) for p in self.catalog.partners]
            self._theme_rows = (themes, np.array([-1 if t is None else t for t in codes], dtype=np.int64))
        return self._theme_rows[1]

    def allowed(self, query: ResolvedQuery, rows: np.ndarray, themes: ThemeLookup | None = None) -> np.ndarray:
        """``rows`` that may be suggested for ``query``: never the requester, the team, exclusions or a partner that
        opted out (``discoverable=false``), and (with filters) only those the filters accept; order kept. The one
        definition of "which partners may be shown"."""
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
            rows = rows[self.filter_mask(query.filters, themes)[rows]]
        return rows
