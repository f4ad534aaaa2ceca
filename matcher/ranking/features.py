"""Per-candidate features of a query. The names are the columns the ranker weighs and the score breakdown shows."""

from __future__ import annotations

import numpy as np

from matcher.catalog import Catalog
from matcher.ranking.query import ResolvedQuery

FEATURES: tuple[str, ...] = (
    "dense",  # cosine of the query with the partner's own description
    "dense_history",  # cosine of the query with the mean of the partner's past projects
    "history_max",  # cosine of the query with the partner's most similar past project
    "lexical",  # TF-IDF cosine of the query with the partner's profile (own text, projects, groups)
    "graph",  # collaboration ties with the requester and the current team (direct, then two hops)
    "sdg_overlap",  # share of the query's SDGs the partner works on
    "same_country",  # in the requester's country
    "same_region",  # in the requester's UN sub-region
    "type_complement",  # an actor kind the team does not have yet
    "popularity",  # how many projects the partner has joined (log-scaled)
    "recency",  # how recently the partner started a project (1 = in the latest year of the catalog)
)


def graph_scores(catalog: Catalog, query: ResolvedQuery, rows: np.ndarray) -> np.ndarray:
    """Past collaborators of the requester or the team score up to 1, the partners of those up to 0.3."""
    anchors = set(query.team)
    if query.requester_id:
        anchors.add(query.requester_id)
    direct_rows, direct = catalog.coworker_ties([catalog.partner_pos[a] for a in anchors if a in catalog.partner_pos])
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


def history_max(catalog: Catalog, query: ResolvedQuery, rows: np.ndarray) -> np.ndarray:
    """Cosine of the query with each row's most similar past project (0 without projects); touches only the
    candidates' projects."""
    out = np.zeros(len(rows), dtype=np.float32)
    if catalog.membership.shape[1] == 0:
        return out
    sub = catalog.membership[rows]
    if sub.nnz == 0:
        return out
    sims = catalog.project_vectors[sub.indices] @ query.vector
    nonempty = np.diff(sub.indptr) > 0
    out[nonempty] = np.maximum.reduceat(sims, sub.indptr[:-1][nonempty])
    return out


def compute_features(catalog: Catalog, query: ResolvedQuery, rows: np.ndarray) -> np.ndarray:
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
    out[:, col["dense"]] = catalog.partner_vectors[rows] @ query.vector
    out[:, col["dense_history"]] = catalog.history_vectors[rows] @ query.vector
    out[:, col["history_max"]] = history_max(catalog, query, rows)
    out[:, col["lexical"]] = query.lexical_scores[rows]
    out[:, col["graph"]] = graph_scores(catalog, query, rows)
    if query.sdgs:
        out[:, col["sdg_overlap"]] = attrs.overlap(rows, query.sdgs) / len(query.sdgs)
    requester = catalog.partner_pos.get(query.requester_id) if query.requester_id else None
    team = [catalog.partner_pos[p] for p in query.team if p in catalog.partner_pos]
    if requester is not None:
        team.append(requester)
        if attrs.country[requester]:
            out[:, col["same_country"]] = attrs.country[rows] == attrs.country[requester]
        if attrs.region[requester]:
            out[:, col["same_region"]] = attrs.region[rows] == attrs.region[requester]
    team_kinds = np.setdiff1d(attrs.kind[team], [0]) if team else np.zeros(0, dtype=np.int32)
    if team_kinds.size:
        kinds = attrs.kind[rows]
        out[:, col["type_complement"]] = (kinds != 0) & ~np.isin(kinds, team_kinds)
    out[:, col["popularity"]] = attrs.popularity[rows]
    out[:, col["recency"]] = attrs.recency[rows]
    return out
