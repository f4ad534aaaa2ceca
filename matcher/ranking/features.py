"""Per-candidate features of a query. The names are the columns the ranker weighs and the score breakdown shows."""

from __future__ import annotations

import math

import numpy as np

from matcher.catalog import Catalog
from matcher.ranking.query import ResolvedQuery

FEATURES: tuple[str, ...] = (
    "dense",  # cosine of the query with the partner's own description
    "dense_history",  # cosine of the query with the mean of the partner's past projects
    "lexical",  # TF-IDF cosine of the query with the partner's profile (own text, projects, groups)
    "graph",  # collaboration ties with the requester and the current team
    "sdg_overlap",  # share of the query's SDGs the partner works on
    "same_country",  # in the requester's country
    "same_region",  # in the requester's UN sub-region
    "type_complement",  # an actor kind the team does not have yet
    "popularity",  # how many projects the partner has joined (log-scaled)
)


def graph_scores(catalog: Catalog, query: ResolvedQuery, rows: np.ndarray) -> np.ndarray:
    """1.0 for a direct past collaborator of the requester or team, 0.3 for a partner of theirs, saturating."""
    anchors = set(query.team)
    if query.requester_id:
        anchors.add(query.requester_id)
    direct: dict[str, float] = {}
    second: dict[str, float] = {}
    for anchor in anchors:
        for mate, projects in catalog.coworkers.get(anchor, {}).items():
            direct[mate] = direct.get(mate, 0.0) + len(projects)
            for mate2 in catalog.coworkers.get(mate, {}):
                second[mate2] = second.get(mate2, 0.0) + 1.0
    out = np.zeros(len(rows), dtype=np.float32)
    for i, row in enumerate(rows.tolist()):
        pid = catalog.partners[row].id
        value = 1.0 - math.exp(-direct.get(pid, 0.0)) + 0.3 * (1.0 - math.exp(-second.get(pid, 0.0) / 2))
        out[i] = min(value, 1.0)
    return out


def compute_features(catalog: Catalog, query: ResolvedQuery, rows: np.ndarray) -> np.ndarray:
    """Feature matrix of shape ``(len(rows), len(FEATURES))`` for candidate partner positions ``rows``."""
    out = np.zeros((len(rows), len(FEATURES)), dtype=np.float32)
    if len(rows) == 0:
        return out
    out[:, 0] = catalog.partner_vectors[rows] @ query.vector
    out[:, 1] = catalog.history_vectors[rows] @ query.vector
    out[:, 2] = catalog.lexical.scores(query.terms, rows)
    out[:, 3] = graph_scores(catalog, query, rows)
    requester = catalog.partner(query.requester_id) if query.requester_id in catalog.partner_pos else None
    team_types = {catalog.partner(p).type for p in query.team if p in catalog.partner_pos}
    if requester is not None:
        team_types.add(requester.type)
    requester_region = catalog.regions[catalog.partner_pos[requester.id]] if requester else None
    max_pop = math.log1p(float(catalog.popularity.max())) if len(catalog.popularity) else 0.0
    for i, row in enumerate(rows.tolist()):
        partner = catalog.partners[row]
        if query.sdgs:
            out[i, 4] = len(query.sdgs.intersection(partner.sdgs)) / len(query.sdgs)
        if requester is not None and requester.country and partner.country == requester.country:
            out[i, 5] = 1.0
        if requester_region and catalog.regions[row] == requester_region:
            out[i, 6] = 1.0
        if team_types and partner.type and partner.type not in team_types:
            out[i, 7] = 1.0
        if max_pop > 0:
            out[i, 8] = math.log1p(float(catalog.popularity[row])) / max_pop
    return out
