"""The logistic and the lambdarank rankers together. Each model's contributions are divided by how far apart its
scores lie within a query (the median over the training queries of the standard deviation of the candidates'
scores), so neither wins by its scale alone, and summed: the blend's per-feature contributions are still exact and
additive (the score is their sum), and, both models being monotone in every feature, more evidence never lowers a
score."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
from sklearn.base import BaseEstimator
from sklearn.utils.validation import check_is_fitted

from matcher.catalog import VectorLookup
from matcher.domain import Dataset
from matcher.embedding.base import Embedder
from matcher.ranking.boosted import BoostedRanker
from matcher.ranking.features import FEATURES, DenseLayout
from matcher.ranking.learned import LearnedRanker, save_with_card
from matcher.ranking.training import TrainingData, simulate_queries


def within_query_spread(scores: np.ndarray, groups: np.ndarray) -> float:
    """Median over queries of the standard deviation of their candidates' ``scores`` (1.0 when every query's
    candidates score alike)."""
    order = np.argsort(groups, kind="stable")
    sorted_groups = groups[order]
    starts = np.flatnonzero(np.r_[True, sorted_groups[1:] != sorted_groups[:-1]])
    spreads = [float(np.std(part)) for part in np.split(scores[order], starts[1:]) if len(part) > 1]
    spread = float(np.median(spreads)) if spreads else 0.0
    return spread if spread > 1e-12 else 1.0


class BlendedRanker(BaseEstimator):  # type: ignore[misc]
    """:class:`~matcher.ranking.learned.LearnedRanker` + :class:`~matcher.ranking.boosted.BoostedRanker`, each
    scaled by its within-query spread (:func:`within_query_spread`). ``from_models`` blends two fitted models."""

    def __init__(self, *, random_state: int = 0) -> None:
        self.random_state = random_state

    @property
    def name(self) -> str:
        return "learned-blend"

    def fit(
        self, dataset: Dataset, vectors: VectorLookup, embedder: Embedder, *, layout: DenseLayout | None = None
    ) -> BlendedRanker:
        """Learn from ``dataset``'s history (:func:`~matcher.ranking.training.simulate_queries`)."""
        return self.fit_features(simulate_queries(dataset, vectors, embedder, layout=layout))

    def fit_features(self, data: TrainingData) -> BlendedRanker:
        logistic = LearnedRanker().fit_features(data)
        boosted = BoostedRanker(random_state=self.random_state).fit_features(data)
        return self.from_models(logistic, boosted, data)

    def from_models(self, logistic: LearnedRanker, boosted: BoostedRanker, data: TrainingData) -> BlendedRanker:
        """Blend two models fitted on ``data`` (their spreads are measured on its candidates)."""
        self.logistic_, self.boosted_ = logistic, boosted
        self.spreads_ = (
            within_query_spread(logistic.contributions(data.features).sum(axis=1), data.groups),
            within_query_spread(boosted.contributions(data.features).sum(axis=1), data.groups),
        )
        self.feature_names_ = FEATURES
        self.n_queries_ = data.n_queries
        self.simulation_ = data.describe()
        self.trained_at_ = datetime.now(UTC).isoformat(timespec="seconds")
        return self

    def contributions(self, features: np.ndarray) -> np.ndarray:
        check_is_fitted(self, "spreads_")
        first, second = self.spreads_
        return np.asarray(
            self.logistic_.contributions(features) / first + self.boosted_.contributions(features) / second,
            dtype=np.float32,
        )

    @property
    def weights(self) -> dict[str, float]:
        """Half each model's share: the logistic weights (scaled to sum to 1) and lambdarank's gain shares."""
        check_is_fitted(self, "spreads_")
        linear = self.logistic_.weights
        total = sum(linear.values()) or 1.0
        gain = self.boosted_.weights
        return {name: round(0.5 * linear[name] / total + 0.5 * gain[name], 4) for name in FEATURES}

    def save(self, path: Path, *, extra: dict[str, Any] | None = None) -> None:
        check_is_fitted(self, "spreads_")
        save_with_card(self, path, self.model_card(extra or {}))

    def model_card(self, extra: dict[str, Any]) -> str:
        rows = "\n".join(
            f"| {name} | {self.logistic_.weights[name]:+.4f} | {self.boosted_.weights[name]:.4f} |" for name in FEATURES
        )
        facts = "\n".join(f"- {key}: {value}" for key, value in extra.items())
        first, second = self.spreads_
        return f"""# Model card: matcher learned ranker

- Model: a blend of the logistic ranker (non-negative weights) and LightGBM lambdarank (every feature monotone
  increasing), over {len(FEATURES)} features: each model's per-feature contributions divided by its within-query
  score spread (logistic {first:.4f}, lambdarank {second:.4f}) and summed, so `score_breakdown` stays exact and the
  score is its sum.
- Trained: {self.trained_at_} on {self.n_queries_} simulated queries from past projects ({self.simulation_}).
{facts}

| feature | logistic weight (per raw unit) | lambdarank share of the gain |
|---|---|---|
{rows}
"""
