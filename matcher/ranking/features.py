"""Step 3 of the query pipeline: per-candidate features. The names are the columns the ranker weighs and the score
breakdown shows."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy import sparse

from matcher.catalog import Catalog
from matcher.embedding.base import Embedder
from matcher.embedding.composite import DENSE_EN, DENSE_ML, blocks_of
from matcher.history import mean_cosines
from matcher.ranking.asked import asked_features
from matcher.ranking.query import ResolvedQuery

FEATURES: tuple[str, ...] = (
    "dense",  # cosine of the query with the partner's own description (the English-centred encoder, or the
    #           multilingual one when the query and the partner's text are in different languages)
    "dense_ml",  # cosine in the multilingual encoder's block (0 without one)
    "dense_history",  # cosine of the query with the mean of the partner's past projects
    "history_max",  # cosine of the query with the partner's most similar past project
    "history_lexical",  # TF-IDF cosine of the query with the partner's most similar past project
    "lexical",  # TF-IDF cosine of the query with the partner's profile (own text, projects, groups)
    "lexical_relative",  # lexical / the best lexical among this query's candidates (texts differ in length)
    "history_relative",  # history_lexical / the best among this query's candidates
    "project_vote",  # share of the similarity of the query's most similar past projects in the partner's projects
    "graph",  # collaboration ties with the requester and the current team (direct, then two hops)
    "walk",  # random walk with restart from the requester and team over the partner-project graph (multi-hop)
    "sdg_overlap",  # share of the query's SDGs the partner works on
    "same_country",  # in the requester's country
    "same_region",  # in the requester's UN sub-region
    "country_affinity",  # how much more often partners of the requester's country join partners of this one
    "kind_affinity",  # how much more often the requester's actor kind joins this one in projects
    "type_complement",  # an actor kind the team does not have yet
    "asked_place",  # in a region or country the text asks for ("a partner in West Africa")
    "asked_kind",  # of an actor kind the text asks for ("a research partner", "des écoles")
    "asked_language",  # speaks a language the text asks for ("French-speaking", "lusófono")
    "popularity",  # how many projects the partner has joined (log-scaled)
    "recency",  # how recently the partner started a project (1 = in the latest year of the catalog)
)

#: Today's learned ranker ("ranker v1") saw only these; evaluation keeps it as a row restricted to them.
V1_FEATURES: tuple[str, ...] = (
    "dense",
    "dense_history",
    "history_max",
    "lexical",
    "graph",
    "sdg_overlap",
    "same_country",
    "same_region",
    "type_complement",
    "popularity",
    "recency",
)


@dataclass(frozen=True, slots=True)
class DenseLayout:
    """Where each encoder's block sits in the catalogue's vectors: ``primary`` (the English-centred encoder, or the
    only one) and ``multilingual`` (None without one), as ``(start, stop)`` column ranges. Each block is a unit vector
    scaled by ``scale`` (1/sqrt(number of blocks)), so a block's cosine is its dot product divided by ``scale**2``."""

    primary: tuple[int, int]
    multilingual: tuple[int, int] | None = None
    scale: float = 1.0

    @staticmethod
    def of(embedder: Embedder) -> DenseLayout:
        """The layout of ``embedder``'s vectors, from its blocks (:func:`~matcher.embedding.composite.blocks_of`)."""
        blocks = {b.name: (b.start, b.stop) for b in blocks_of(embedder)}
        if len(blocks) == 1:
            ((name, span),) = blocks.items()
            return DenseLayout(span, span if name == DENSE_ML else None, 1.0)
        primary = blocks.get(DENSE_EN, next(iter(blocks.values())))
        return DenseLayout(primary, blocks.get(DENSE_ML), 1.0 / math.sqrt(len(blocks)))


def graph_scores(catalog: Catalog, query: ResolvedQuery, rows: np.ndarray) -> np.ndarray:
    """Past collaborators of the requester or the team score up to 1, the partners of those up to 0.3."""
    direct_rows, direct = catalog.coworker_ties(query.anchor_rows(catalog))
    direct_rows, direct = direct_rows[direct > 0], direct[direct > 0]
    if not len(direct_rows):
        return np.zeros(len(rows), dtype=np.float32)
    second_rows, second = catalog.coworker_ties(direct_rows)
    value = (1.0 - np.exp(-_lookup(direct_rows, direct, rows))) + 0.3 * (
        1.0 - np.exp(-_lookup(second_rows, second, rows) / 2.0)
    )
    return np.minimum(value, 1.0).astype(np.float32)


def _lookup(sorted_rows: np.ndarray, values: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """``values`` at ``rows`` for a sparse vector given as sorted rows and values (0 where absent)."""
    if not len(sorted_rows):
        return np.zeros(len(rows), dtype=np.float32)
    at = np.minimum(np.searchsorted(sorted_rows, rows), len(sorted_rows) - 1)
    return np.where(sorted_rows[at] == rows, values[at], 0.0).astype(np.float32)


def history_max(taken: sparse.csr_matrix, per_entry: np.ndarray) -> np.ndarray:
    """The best of ``per_entry`` (a similarity of the query with each project of ``taken``, in the order of its
    entries) over the projects of each candidate (``taken``: the candidates' rows of ``catalog.membership``; 0
    without projects)."""
    out = np.zeros(taken.shape[0], dtype=np.float32)
    if taken.nnz == 0:
        return out
    nonempty = np.diff(taken.indptr) > 0
    out[nonempty] = np.maximum.reduceat(per_entry, taken.indptr[:-1][nonempty])
    return out


#: How many of the most similar past projects vote in ``project_vote``.
VOTING_PROJECTS = 30


def project_votes(query: ResolvedQuery, taken: sparse.csr_matrix) -> np.ndarray:
    """Who did this kind of work: the share of the summed similarity of the query's :data:`VOTING_PROJECTS` most
    similar past projects that falls on projects each row took part in (0 to 1). Where ``history_max`` asks how
    close a partner's best project is, this counts how many close projects it was part of (``taken``: the
    candidates' rows of the catalogue's membership)."""
    cols, similarity = query.similar_projects(VOTING_PROJECTS)
    total = float(similarity.sum())
    if not len(cols) or total <= 0:
        return np.zeros(taken.shape[0], dtype=np.float32)
    weight = np.zeros(taken.shape[1], dtype=np.float32)
    weight[cols] = similarity
    voted = np.where(taken.data > 0, weight[taken.indices], np.float32(0))
    out = np.zeros(taken.shape[0], dtype=np.float32)
    nonempty = np.diff(taken.indptr) > 0
    if voted.size:
        out[nonempty] = np.add.reduceat(voted, taken.indptr[:-1][nonempty])
    return out / np.float32(total)


def crossing_rows(catalog: Catalog, query: ResolvedQuery, rows: np.ndarray) -> np.ndarray:
    """Which ``rows`` write in another language than the query (False where either language is unknown)."""
    if not query.language:
        return np.zeros(len(rows), dtype=bool)
    other = catalog.text_languages(rows)
    return (other != "") & (other != query.language)


def dense_scores(
    catalog: Catalog,
    query: ResolvedQuery,
    rows: np.ndarray,
    layout: DenseLayout | None,
    crossing: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """(``dense``, ``dense_ml``) of the candidates. The primary encoder's cosine is replaced by the multilingual
    one where the query and the partner's text are in different languages (``crossing``: :func:`crossing_rows`,
    computed when not given; an English-centred encoder scores shared tokens there, not meaning)."""
    vectors = catalog.partner_vectors[rows]
    if layout is None or layout.multilingual is None:
        return vectors @ query.vector, np.zeros(len(rows), dtype=np.float32)
    if layout.multilingual == layout.primary:  # one multilingual encoder
        full = vectors @ query.vector
        return full, full
    norm = layout.scale**2
    p0, p1 = layout.primary
    m0, m1 = layout.multilingual
    primary = (vectors[:, p0:p1] @ query.vector[p0:p1]) / norm
    multilingual = (vectors[:, m0:m1] @ query.vector[m0:m1]) / norm
    if crossing is None:
        crossing = crossing_rows(catalog, query, rows)
    primary = np.where(crossing, multilingual, primary)
    return primary.astype(np.float32), multilingual.astype(np.float32)


def _affinity(table: np.ndarray, codes: np.ndarray, anchors: Sequence[int], rows: np.ndarray) -> np.ndarray:
    """Mean affinity of the candidates' values with the anchors' known values (0 without any)."""
    known = [int(codes[a]) for a in anchors if codes[a]]
    if not known:
        return np.zeros(len(rows), dtype=np.float32)
    return table[np.asarray(known)][:, codes[rows]].mean(axis=0).astype(np.float32)


def compute_features(
    catalog: Catalog, query: ResolvedQuery, rows: np.ndarray, layout: DenseLayout | None = None
) -> np.ndarray:
    """Feature matrix of shape ``(len(rows), len(FEATURES))`` for candidate partner positions ``rows``.

    Array lookups over the candidates only (:class:`~matcher.attributes.PartnerAttributes`): the cost grows with the
    number of candidates, not with the catalogue.
    """
    out = np.zeros((len(rows), len(FEATURES)), dtype=np.float32)
    if len(rows) == 0:
        return out
    rows = np.asarray(rows, dtype=np.int64)
    col = {name: j for j, name in enumerate(FEATURES)}
    attrs = catalog.attributes
    # which candidates write in another language: the lexical bridge reads it, and so do the dense scores (which
    # compute it themselves when the bridge is off; a bridge exists only beside a separate multilingual block)
    crossing = crossing_rows(catalog, query, rows) if query.lexical_bridge is not None else None
    out[:, col["dense"]], out[:, col["dense_ml"]] = dense_scores(catalog, query, rows, layout, crossing)
    # the candidates' past projects and their vectors, read once for four features (none without projects)
    taken, block = catalog.history_vectors.gather(rows)
    vector = query.comparison_vector
    out[:, col["dense_history"]] = mean_cosines(taken.indptr, block, vector)  # catalog.history_vectors[rows] @ vector
    out[:, col["history_max"]] = history_max(taken, block @ vector)
    if query.project_lexical is not None:
        out[:, col["history_lexical"]] = history_max(taken, query.project_lexical[taken.indices])
    out[:, col["lexical"]] = query.lexical_scores[rows]
    # words are not shared across languages: the bridge is their floor (a floor, not a replacement: a partner whose
    # name is in another language may well share words with the query through its past projects' texts, as most
    # European organisations of H2020 do)
    if query.lexical_bridge is not None and crossing is not None and crossing.any():
        for word_based, meaning in (("lexical", "dense_ml"), ("history_lexical", "history_max")):
            bridged = query.lexical_bridge(out[crossing, col[meaning]])
            out[crossing, col[word_based]] = np.maximum(out[crossing, col[word_based]], bridged)
    for relative, absolute in (("lexical_relative", "lexical"), ("history_relative", "history_lexical")):
        best = float(out[:, col[absolute]].max())
        if best > 0:
            out[:, col[relative]] = out[:, col[absolute]] / best
    out[:, col["project_vote"]] = project_votes(query, taken)
    out[:, col["graph"]] = graph_scores(catalog, query, rows)
    if query.walk is not None:
        out[:, col["walk"]] = query.walk[rows]
    if query.sdgs:
        out[:, col["sdg_overlap"]] = attrs.overlap(rows, query.sdgs) / len(query.sdgs)
    requester = catalog.partner_pos.get(query.requester_id) if query.requester_id else None
    team = query.anchor_rows(catalog)  # the requester and the team
    if requester is not None:
        if attrs.country[requester]:
            out[:, col["same_country"]] = attrs.country[rows] == attrs.country[requester]
        if attrs.region[requester]:
            out[:, col["same_region"]] = attrs.region[rows] == attrs.region[requester]
    out[:, col["country_affinity"]] = _affinity(catalog.country_affinity, attrs.country, team, rows)
    out[:, col["kind_affinity"]] = _affinity(catalog.kind_affinity, attrs.kind, team, rows)
    team_kinds = np.setdiff1d(attrs.kind[team], [0]) if team else np.zeros(0, dtype=np.int32)
    if team_kinds.size:
        kinds = attrs.kind[rows]
        out[:, col["type_complement"]] = (kinds != 0) & ~np.isin(kinds, team_kinds)
    if query.understood is not None:
        place, kind, language = asked_features(catalog, query.understood, rows)
        out[:, col["asked_place"]] = place
        out[:, col["asked_kind"]] = kind
        out[:, col["asked_language"]] = language
    out[:, col["popularity"]] = attrs.popularity[rows]
    out[:, col["recency"]] = attrs.recency[rows]
    return out
