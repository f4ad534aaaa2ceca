"""Recommendations on a catalog: collaborators for a text or project, similar partners, group candidates.

One pipeline of public steps, each testable alone (:meth:`Recommender.rank` reads as the list):
resolve the query (:meth:`Recommender.resolve`) → generate candidates (:mod:`matcher.ranking.candidates`) →
compute features (:mod:`matcher.ranking.features`) → rank (a :class:`~matcher.ranking.ranker.Ranker`) →
explain (:mod:`matcher.ranking.reasons`) → diversify (:mod:`matcher.ranking.diversify`).
Action groups for a partner are :class:`matcher.groups.GroupRecommender`'s job.
"""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING, Any

import numpy as np

from matcher.catalog import Catalog
from matcher.domain import lead_of
from matcher.embedding.base import Embedder
from matcher.errors import MissingQueryError, UnknownIdError
from matcher.groups import GroupRecommender, GroupWeights, fit_group_weights
from matcher.index.base import SEARCH_DEPTH, VectorIndex
from matcher.index.factory import IndexSetting, build_index
from matcher.lexical import LexicalModel, PatchedLexical
from matcher.ranking.bridge import LexicalBridge
from matcher.ranking.candidates import CandidateGenerator, helper_threads, history_rows
from matcher.ranking.diversify import mmr_order
from matcher.ranking.features import FEATURES, DenseLayout, compute_features
from matcher.ranking.query import Filters, ResolvedQuery
from matcher.ranking.ranker import LinearRanker, Ranker
from matcher.ranking.reasons import partner_reasons
from matcher.ranking.scored import ScoredCandidates
from matcher.ranking.similar import SimilarProjects
from matcher.results import GroupMatch, PartnerMatch, Reason
from matcher.understand import understand, written_language

if TYPE_CHECKING:
    from matcher.themes.lookup import ThemeLookup

__all__ = ["Recommender", "history_rows"]


class Recommender:
    """Ranks partners and groups for queries; a :class:`~matcher.ranking.ranker.Ranker` scores the candidates'
    features.

    ``index`` (partner descriptions), ``history_index`` (partners' past projects, :func:`history_rows`) and
    ``project_index`` (the past projects themselves, by project id: :class:`~matcher.ranking.similar.SimilarProjects`)
    are built here when not given, of the kind ``index_setting`` picks (exact by default: cheap to build, as training
    needs).
    ``layout`` says where each encoder's block sits in the vectors (:class:`~matcher.ranking.features.DenseLayout`).
    """

    def __init__(
        self,
        catalog: Catalog,
        embedder: Embedder,
        *,
        ranker: Ranker | None = None,
        index: VectorIndex | None = None,
        history_index: VectorIndex | None = None,
        project_index: VectorIndex | None = None,
        candidates_per_source: int = SEARCH_DEPTH,
        themes: ThemeLookup | None = None,
        index_setting: IndexSetting = "flat",
        layout: DenseLayout | None = None,
    ) -> None:
        self.catalog = catalog
        self.themes = themes  # partners' themes: the `themes` filter and the "both work on ..." reason
        self.embedder = embedder
        self.layout = layout
        self.ranker: Ranker = ranker or LinearRanker()
        # Group candidates keep the default weights: on held-out group memberships they beat the ranker learned
        # from project queries (docs/evaluation.md), whose requester-centred features do not fit group queries.
        self.group_ranker: Ranker = LinearRanker()
        if index is None:
            ids = [p.id for p in catalog.partners]
            index = build_index(ids, catalog.partner_vectors, dim=embedder.dim, setting=index_setting)
        if history_index is None:
            rows = history_rows(catalog)
            history_index = build_index(
                [catalog.partners[i].id for i in rows.tolist()],
                catalog.history_vectors[rows],
                dim=embedder.dim,
                setting=index_setting,
            )
        if project_index is None:
            project_index = build_index(
                [p.id for p in catalog.projects], catalog.project_vectors, dim=embedder.dim, setting=index_setting
            )
        self.project_index = project_index
        self.candidates = CandidateGenerator(catalog, index, history_index, per_source=candidates_per_source)

    @property
    def index(self) -> VectorIndex:
        return self.candidates.index

    @property
    def history_index(self) -> VectorIndex:
        return self.candidates.history_index

    @property
    def indexes(self) -> dict[str, VectorIndex]:
        """The live vector indexes by name (status, metrics): partner descriptions, partners' past projects, past
        projects."""
        return {"partners": self.index, "history": self.history_index, "projects": self.project_index}

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
        return self.rank(
            self.collaborator_query(
                text=text,
                project_id=project_id,
                requester_id=requester_id,
                filters=filters,
                exclude=exclude,
                diversity=diversity,
            ),
            k,
        )

    def collaborator_query(
        self,
        *,
        text: str | None = None,
        project_id: str | None = None,
        requester_id: str | None = None,
        filters: Filters | None = None,
        exclude: set[str] | frozenset[str] = frozenset(),
        diversity: float = 0.0,
    ) -> ResolvedQuery:
        """Step 1 for a collaborators request: the resolved query (its ``understood`` says what the text asks)."""
        c = self.catalog
        if requester_id is not None and requester_id not in c.partner_pos:
            raise UnknownIdError("partner", requester_id)
        ask: str | None = None  # None: the text itself is the ask
        team: frozenset[str] = frozenset()
        sdgs: frozenset[int] = frozenset(filters.sdgs) if filters else frozenset()
        vector = None
        if project_id is not None:
            if project_id not in c.project_pos:
                raise UnknownIdError("project", project_id)
            project = c.project(project_id)
            team = frozenset(p for p, _ in c.project_members.get(project_id, []))
            sdgs = sdgs | frozenset(project.sdgs)
            if not text:  # a stored project asks for what its `seeking` names; its description describes it
                text = project.text
                vector = c.project_vectors[c.project_pos[project_id]]
                ask = project.seeking or ""
            if requester_id is None:
                requester_id = lead_of(c.project_members.get(project_id, []))
        if not text:
            raise MissingQueryError("give a text or a project_id to find collaborators for")
        return self.resolve(
            text,
            vector,
            sdgs=sdgs,
            requester_id=requester_id,
            team=team,
            exclude=frozenset(exclude),
            filters=filters or Filters(),
            project_id=project_id,
            diversity=diversity,
            ask=ask,
        )

    def similar_partners(self, partner_id: str, *, k: int = 10) -> list[PartnerMatch]:
        c = self.catalog
        if partner_id not in c.partner_pos:
            raise UnknownIdError("partner", partner_id)
        partner = c.partner(partner_id)
        query = self.resolve(
            partner.text,
            c.partner_vectors[c.partner_pos[partner_id]],
            sdgs=frozenset(partner.sdgs),
            requester_id=partner_id,
            team=frozenset({partner_id}),
            ask="",  # a profile describes the partner, it does not ask for anyone
        )
        return self.rank(query, k)

    def group_candidates(self, group_id: str, *, k: int = 10) -> list[PartnerMatch]:
        """Partners who are not yet members of an action group, best fit first."""
        return self.rank(self.group_query(group_id), k, self.group_ranker)

    def group_query(self, group_id: str) -> ResolvedQuery:
        """Step 1 for a group's candidates: the group is what its description says and what its members do."""
        c = self.catalog
        if group_id not in c.group_pos:
            raise UnknownIdError("action group", group_id)
        group = c.group(group_id)
        members = frozenset(c.group_members.get(group_id, set()))
        vector = c.group_vectors[c.group_pos[group_id]]
        member_rows = [c.partner_pos[m] for m in members if m in c.partner_pos]
        if member_rows:
            centroid = c.partner_vectors[member_rows].mean(axis=0)
            vector = vector + centroid / max(float(np.linalg.norm(centroid)), 1e-9)
            vector = vector / max(float(np.linalg.norm(vector)), 1e-9)
        return self.resolve(group.text, vector, team=members, group_id=group_id, ask="")

    @functools.cached_property
    def lexical_bridge(self) -> LexicalBridge | None:
        """Fitted on this catalogue the first time a query needs it (:class:`~matcher.ranking.bridge.LexicalBridge`);
        None without a separate multilingual block or enough data."""
        layout = self.layout
        if layout is None or layout.multilingual is None or layout.multilingual == layout.primary:
            return None
        return LexicalBridge.fit(self.catalog, layout.multilingual, layout.scale)

    def keep_fitted(self, previous: Recommender) -> None:
        """Take ``previous``'s lexical bridge and action-group weights where requests have fitted them and both
        catalogues read texts with the same fitted vocabulary (a snapshot one write further on,
        :mod:`matcher.snapshot`). Both are statistics of the whole catalogue (a sample of past projects x partners;
        held-out group memberships) that a few changed records hardly move; fitted again for every snapshot, the
        bridge cost the first request after each write 0.25-0.4 s at 20k partners. A full build and a refit (a new
        vocabulary, after enough drift) fit them again."""
        fitted = previous.__dict__  # where functools.cached_property keeps what it computed
        if _vocabulary(self.catalog) is _vocabulary(previous.catalog):
            for name in ("lexical_bridge", "group_weights"):
                if name in fitted:
                    self.__dict__[name] = fitted[name]

    @functools.cached_property
    def group_weights(self) -> GroupWeights:
        """The group signals' weights, measured on this catalogue's memberships the first time they are needed."""
        return fit_group_weights(self.catalog)

    def groups_for_partner(self, partner_id: str, *, k: int = 10) -> list[GroupMatch]:
        """Action groups the partner is not in (:class:`matcher.groups.GroupRecommender`, with
        :attr:`group_weights`)."""
        if partner_id not in self.catalog.partner_pos:
            raise UnknownIdError("partner", partner_id)
        return GroupRecommender(self.catalog, self.group_weights.weights).for_partner(partner_id, k=k)

    # -- the pipeline -----------------------------------------------------------------------------------------------
    def resolve(
        self, text: str, vector: np.ndarray | None = None, *, ask: str | None = None, **fields: Any
    ) -> ResolvedQuery:
        """Step 1: the query's vector (embedded when not given), TF-IDF terms, what it asks for (in ``ask``, by
        default the text itself; "" asks for nothing) and its language, and the random walk from the requester and
        team. While the embedding runs (outside the GIL, in a helper thread), this thread does the rest, which needs
        only the text."""
        c = self.catalog
        pending = helper_threads().submit(self.embedder.encode, [text]) if vector is None else None
        asked = understand(text if ask is None else ask)
        language = asked.language if ask is None else written_language(text)
        terms = c.lexical.transform([text])
        scores = c.lexical.scores(terms)
        if pending is not None:
            vector = pending.result()[0]
        vector = np.asarray(vector, dtype=np.float32)
        query = ResolvedQuery(
            text=text, vector=vector, terms=terms, lexical_scores=scores, understood=asked, language=language, **fields
        )
        query.search_vector = self._search_vector(query)
        if query.language and self.layout is not None and self.layout.multilingual not in (None, self.layout.primary):
            query.lexical_bridge = self.lexical_bridge
        if len(c.projects):
            query.projects = SimilarProjects(c, self.project_index, query.comparison_vector, c.project_lexical(terms))
        anchors = query.anchor_rows(c)
        if anchors and c.walk is not None:
            query.walk = c.walk.scores(anchors)
        return query

    def _search_vector(self, query: ResolvedQuery) -> np.ndarray | None:
        """A query not in English is compared through its multilingual block only (the indexes, past projects,
        histories): the English-centred block would pull partners that merely write in the same language. The block
        is rescaled so that its dot product with a catalogue vector is that block's cosine, on the scale of a whole
        vector's dot product."""
        layout = self.layout
        if layout is None or layout.multilingual is None or query.language in (None, "en"):
            return None
        m0, m1 = layout.multilingual
        search = np.zeros_like(query.vector)
        search[m0:m1] = query.vector[m0:m1] / layout.scale**2
        return search

    def rank(self, query: ResolvedQuery, k: int, ranker: Ranker | None = None) -> list[PartnerMatch]:
        """Steps 2-6 for a resolved query: the ``k`` best partners, explained, diversified when asked."""
        scored = self.score(query, ranker)
        if len(scored) == 0:
            return []
        order = scored.order
        if query.diversity > 0:
            order = mmr_order(self.catalog, scored.rows, scored.scores, order, k, query.diversity)
        return self.explain(query, scored.rows, scored.features, scored.contributions, order[:k])

    def score(self, query: ResolvedQuery, ranker: Ranker | None = None) -> ScoredCandidates:
        """Steps 2-4 for a resolved query: every candidate scored, best first, none explained (:meth:`explain`
        the positions someone will see)."""
        rows = self.candidates.generate(query, self.themes)
        if len(rows) == 0:
            none = np.zeros((0, len(FEATURES)))
            return ScoredCandidates(query, rows, none, none, np.zeros(0), np.zeros(0, dtype=np.int64))
        features = compute_features(self.catalog, query, rows, self.layout)
        contributions = (ranker or self.ranker).contributions(features)
        scores = contributions.sum(axis=1)
        return ScoredCandidates(query, rows, features, contributions, scores, np.argsort(-scores, kind="stable"))

    def explain(
        self,
        query: ResolvedQuery,
        rows: np.ndarray,
        features: np.ndarray,
        contributions: np.ndarray,
        shown: np.ndarray,
    ) -> list[PartnerMatch]:
        """Step 5: the matches at positions ``shown`` of ``rows``, with their reasons and score breakdown."""
        c = self.catalog
        query_theme = self.themes.predict(query.vector, query.text) if self.themes is not None else None
        top = [int(i) for i in shown]
        asked = query.understood.words if query.understood is not None else frozenset()
        key_terms = c.lexical.shared_terms_of_rows(query.terms, [int(rows[i]) for i in top], exclude=asked)
        # the shown rows converted to Python floats at once (one numpy scalar per value costs ~10x more)
        shown_features, shown_parts = features[top].tolist(), contributions[top].tolist()
        totals = contributions[top].sum(axis=1).tolist()
        matches = []
        for i, terms, values, part_values, total in zip(
            top, key_terms, shown_features, shown_parts, totals, strict=True
        ):
            row = int(rows[i])
            partner = c.partners[row]
            feats = dict(zip(FEATURES, values, strict=True))
            parts = dict(zip(FEATURES, part_values, strict=True))
            reasons = partner_reasons(c, query, row, feats, parts, terms) + self._theme_reasons(query_theme, partner.id)
            matches.append(
                PartnerMatch(
                    partner_id=partner.id,
                    name=partner.name,
                    type=partner.type,
                    country=partner.country,
                    score=round(total, 4),
                    score_breakdown={name: round(value, 4) for name, value in parts.items()},
                    explanations=reasons,
                )
            )
        return matches

    def _theme_reasons(self, query_theme: int | None, partner_id: str) -> list[Reason]:
        if query_theme is None or self.themes is None or self.themes.theme_of(partner_id) != query_theme:
            return []
        label = self.themes.label(query_theme)
        return [Reason("same_theme", f"both work on {label}", {"theme": label})]


def _vocabulary(catalog: Catalog) -> LexicalModel:
    """The fitted model whose vocabulary and idf ``catalog``'s texts are transformed with."""
    lexical = catalog.lexical
    return lexical.base if isinstance(lexical, PatchedLexical) else lexical
