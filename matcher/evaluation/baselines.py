"""Single-signal baselines: each ranks the whole catalogue by one signal (ties broken by a seeded jitter)."""

from __future__ import annotations

import random
from collections.abc import Callable

import numpy as np

from matcher.catalog import Catalog
from matcher.embedding.base import normalize_rows
from matcher.ranking.features import graph_scores
from matcher.ranking.query import ResolvedQuery

#: The single-signal baselines, by name, in table order.
BASELINES: tuple[str, ...] = ("random", "popularity", "tfidf", "dense", "graph")

Method = Callable[[ResolvedQuery], list[str]]
Allowed = Callable[[ResolvedQuery, np.ndarray], np.ndarray]


class Baselines:
    """Whole-catalogue baselines: random, popularity, TF-IDF cosine, dense cosine (own text + past projects), and
    collaboration ties with the requester and team (:func:`~matcher.ranking.features.graph_scores`).

    ``allowed(query, rows)`` keeps the rows the query may be shown (the recommender's rule: not the requester, the
    team or undiscoverable partners); ``depth`` is how many ids each returns.
    """

    def __init__(self, catalog: Catalog, allowed: Allowed, *, seed: int = 0, depth: int = 50) -> None:
        self.catalog = catalog
        self.allowed = allowed
        self.depth = depth
        self.rng = random.Random(seed)
        self.profiles = normalize_rows(catalog.partner_vectors + catalog.history_vectors)
        self.jitter = np.random.default_rng(seed).random(len(catalog.partners)) * 1e-6
        self.everyone = np.arange(len(catalog.partners))

    def methods(self) -> dict[str, Method]:
        return {name: getattr(self, name) for name in BASELINES}

    def _top(self, query: ResolvedQuery, scores: np.ndarray) -> list[str]:
        rows = self.allowed(query, self.everyone)
        if len(rows) == 0:
            return []
        order = rows[np.argsort(-(scores[rows] + self.jitter[rows]), kind="stable")][: self.depth]
        return [self.catalog.partners[r].id for r in order.tolist()]

    def random(self, query: ResolvedQuery) -> list[str]:
        scores = np.array([self.rng.random() for _ in self.catalog.partners])
        return self._top(query, scores)

    def popularity(self, query: ResolvedQuery) -> list[str]:
        return self._top(query, self.catalog.popularity.astype(np.float64))

    def tfidf(self, query: ResolvedQuery) -> list[str]:
        return self._top(query, self.catalog.lexical.scores(query.terms).astype(np.float64))

    def dense(self, query: ResolvedQuery) -> list[str]:
        return self._top(query, (self.profiles @ query.vector).astype(np.float64))

    def graph(self, query: ResolvedQuery) -> list[str]:
        return self._top(query, graph_scores(self.catalog, query, self.everyone).astype(np.float64))
