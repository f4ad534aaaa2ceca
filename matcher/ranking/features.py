"""Per-candidate features of a query. The names are the columns the ranker weighs and the score breakdown shows."""

from __future__ import annotations

import math

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
    direct = catalog.coworker_weights(sorted(anchors))
    if not direct.any():
        return np.zeros(len(rows), dtype=np.float32)
    second = catalog.coworker_weights([catalog.partners[i].id for i in np.flatnonzero(direct > 0).tolist()])
    value = (1.0 - np.exp(-direct[rows])) + 0.3 * (1.0 - np.exp(-second[rows] / 2.0))
    return np.minimum(value, 1.0).astype(np.float32)


def compute_features(catalog: Catalog, query: ResolvedQuery, rows: np.ndarray) -> np.ndarray:
    """Feature matrix of shape ``(len(rows), len(FEATURES))`` for candidate partner positions ``rows``."""
    out = np.zeros((len(rows), len(FEATURES)), dtype=np.float32)
    if len(rows) == 0:
        return out
    col = {name: j for j, name in enumerate(FEATURES)}
    out[:, col["dense"]] = catalog.partner_vectors[rows] @ query.vector
    out[:, col["dense_history"]] = catalog.history_vectors[rows] @ query.vector
    out[:, col["lexical"]] = catalog.lexical.scores(query.terms, rows)
    out[:, col["graph"]] = graph_scores(catalog, query, rows)
    project_sims = catalog.project_vectors @ query.vector if len(catalog.projects) else np.zeros(0)
    requester = catalog.partner(query.requester_id) if query.requester_id in catalog.partner_pos else None
    team_types = {catalog.partner(p).type for p in query.team if p in catalog.partner_pos}
    if requester is not None:
        team_types.add(requester.type)
    team_types.discard(None)
    requester_region = catalog.regions[catalog.partner_pos[requester.id]] if requester else None
    max_pop = math.log1p(float(catalog.popularity.max())) if len(catalog.popularity) else 0.0
    finite = catalog.last_active[np.isfinite(catalog.last_active)]
    latest = float(finite.max()) if finite.size else None
    for i, row in enumerate(rows.tolist()):
        partner = catalog.partners[row]
        projects = catalog.partner_projects.get(partner.id)
        if projects:
            out[i, col["history_max"]] = max(project_sims[catalog.project_pos[p]] for p in projects)
        if query.sdgs:
            out[i, col["sdg_overlap"]] = len(query.sdgs.intersection(partner.sdgs)) / len(query.sdgs)
        if requester is not None and requester.country and partner.country == requester.country:
            out[i, col["same_country"]] = 1.0
        if requester_region and catalog.regions[row] == requester_region:
            out[i, col["same_region"]] = 1.0
        if team_types and partner.type and partner.type not in team_types:
            out[i, col["type_complement"]] = 1.0
        if max_pop > 0:
            out[i, col["popularity"]] = math.log1p(float(catalog.popularity[row])) / max_pop
        if latest is not None and np.isfinite(catalog.last_active[row]):
            out[i, col["recency"]] = math.exp(-(latest - float(catalog.last_active[row])) / 3.0)
    return out
