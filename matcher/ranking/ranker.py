"""Rankers turn a feature matrix into scores. The default is a documented weighted sum."""

from __future__ import annotations

from typing import Protocol

import numpy as np

from matcher.ranking.features import FEATURES

#: Cold-start weights: text (dense + lexical) dominates, collaboration history and SDGs refine.
DEFAULT_WEIGHTS: dict[str, float] = {
    "dense": 0.35,
    "dense_ml": 0.0,
    "dense_history": 0.10,
    "history_max": 0.05,
    "history_lexical": 0.0,
    "lexical": 0.35,
    "lexical_relative": 0.0,
    "history_relative": 0.0,
    "project_vote": 0.0,
    "graph": 0.10,
    "walk": 0.0,
    "sdg_overlap": 0.05,
    "same_country": 0.0,
    "same_region": 0.0,
    "country_affinity": 0.0,
    "kind_affinity": 0.0,
    "type_complement": 0.02,
    # what the text asks for: strong enough to lift a partner that fits the ask above one that only shares words
    "asked_place": 0.15,
    "asked_kind": 0.15,
    "asked_language": 0.10,
    "popularity": 0.0,
    "recency": 0.0,
}


class Ranker(Protocol):
    name: str

    def contributions(self, features: np.ndarray) -> np.ndarray:
        """Per-candidate, per-feature contributions (same shape as ``features``); scores are their row sums."""
        ...


class LinearRanker:
    """Score = sum of weight x feature; every contribution is visible in the score breakdown."""

    def __init__(self, weights: dict[str, float] | None = None) -> None:
        self.weights = dict(DEFAULT_WEIGHTS if weights is None else weights)
        unknown = set(self.weights) - set(FEATURES)
        if unknown:
            raise ValueError(f"unknown feature weight(s) {sorted(unknown)}; the features are {list(FEATURES)}")
        self.name = "linear-default" if weights is None else "linear"
        self.coef_ = np.array([self.weights.get(name, 0.0) for name in FEATURES], dtype=np.float32)

    def contributions(self, features: np.ndarray) -> np.ndarray:
        return features * self.coef_
