"""A gradient-boosted learning-to-rank model (LightGBM ``lambdarank``) over the same simulated queries as the
logistic ranker. Its per-feature contributions are LightGBM's exact additive ones (``pred_contrib``, TreeSHAP), so
``score_breakdown`` stays exact: the score is their sum (the model's constant bias is left out, it moves every
candidate alike)."""

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
from matcher.ranking.features import FEATURES, DenseLayout
from matcher.ranking.learned import save_with_card
from matcher.ranking.training import TrainingData, simulate_queries


def capped(data: TrainingData, limit: int, *, seed: int = 0) -> TrainingData:
    """``data`` with at most ``limit`` candidates per query: every positive, and a random sample of the negatives
    (LightGBM's lambdarank takes at most 10,000 rows a query; a 300-member network's ties can bring more)."""
    sizes = data.group_sizes()
    if not len(sizes) or sizes.max() <= limit:
        return data
    rng = np.random.default_rng(seed)
    keep: list[np.ndarray] = []
    for q in range(data.n_queries):
        rows = np.flatnonzero(data.groups == q)
        if len(rows) > limit:
            positive = rows[data.labels[rows] == 1][:limit]
            negative = rows[data.labels[rows] == 0]
            rows = np.sort(np.concatenate([positive, rng.choice(negative, limit - len(positive), replace=False)]))
        keep.append(rows)
    at = np.concatenate(keep)
    return TrainingData(data.features[at], data.labels[at], data.groups[at], data.n_queries, data.scheme)


class BoostedRanker(BaseEstimator):  # type: ignore[misc]
    """LightGBM lambdarank; every feature is constrained to be monotone increasing (more evidence never lowers a
    score, as with the linear rankers), which also keeps small histories from overfitting."""

    def __init__(
        self,
        *,
        n_estimators: int = 200,
        learning_rate: float = 0.05,
        num_leaves: int = 15,
        min_child_samples: int = 20,
        max_candidates_per_query: int = 5000,
        random_state: int = 0,
    ) -> None:
        self.n_estimators = n_estimators
        self.learning_rate = learning_rate
        self.num_leaves = num_leaves
        self.min_child_samples = min_child_samples
        self.max_candidates_per_query = max_candidates_per_query
        self.random_state = random_state

    @property
    def name(self) -> str:
        return "learned-lambdarank"

    def fit(
        self, dataset: Dataset, vectors: VectorLookup, embedder: Embedder, *, layout: DenseLayout | None = None
    ) -> BoostedRanker:
        """Learn from ``dataset``'s history (:func:`~matcher.ranking.training.simulate_queries`)."""
        return self.fit_features(simulate_queries(dataset, vectors, embedder, layout=layout))

    def fit_features(self, data: TrainingData) -> BoostedRanker:
        import lightgbm as lgb

        if data.n_queries == 0 or data.labels.min() == data.labels.max():
            raise ValueError("not enough collaboration history to learn a ranker: need past projects with members")
        model = lgb.LGBMRanker(
            objective="lambdarank",
            n_estimators=self.n_estimators,
            learning_rate=self.learning_rate,
            num_leaves=self.num_leaves,
            min_child_samples=self.min_child_samples,
            monotone_constraints=[1] * len(FEATURES),
            lambdarank_truncation_level=20,
            random_state=self.random_state,
            n_jobs=1,
            verbose=-1,
        )
        data = capped(data, self.max_candidates_per_query, seed=self.random_state)
        model.fit(data.features, data.labels, group=data.group_sizes())
        self.booster_ = model.booster_
        self.feature_names_ = FEATURES
        self.n_queries_ = data.n_queries
        self.simulation_ = data.describe()
        self.n_examples_ = len(data.labels)
        self.n_positives_ = int(data.labels.sum())
        self.trained_at_ = datetime.now(UTC).isoformat(timespec="seconds")
        return self

    def contributions(self, features: np.ndarray) -> np.ndarray:
        check_is_fitted(self, "booster_")
        if len(features) == 0:
            return np.zeros_like(features)
        contrib = np.asarray(self.booster_.predict(np.asarray(features, dtype=np.float64), pred_contrib=True))
        return np.asarray(contrib[:, : len(FEATURES)], dtype=np.float32)

    @property
    def weights(self) -> dict[str, float]:
        """Share of the total gain each feature brings (the model has no single weight per feature)."""
        check_is_fitted(self, "booster_")
        gain = self.booster_.feature_importance(importance_type="gain")
        total = float(gain.sum()) or 1.0
        return {name: round(float(g) / total, 4) for name, g in zip(self.feature_names_, gain, strict=True)}

    def save(self, path: Path, *, extra: dict[str, Any] | None = None) -> None:
        check_is_fitted(self, "booster_")
        save_with_card(self, path, self.model_card(extra or {}))

    def model_card(self, extra: dict[str, Any]) -> str:
        rows = "\n".join(f"| {name} | {share:.4f} |" for name, share in self.weights.items())
        facts = "\n".join(f"- {key}: {value}" for key, value in extra.items())
        return f"""# Model card: matcher learned ranker

- Model: LightGBM lambdarank ({self.n_estimators} trees, {self.num_leaves} leaves, learning rate
  {self.learning_rate}), every feature monotone increasing, over {len(FEATURES)} features. `score_breakdown`
  holds the exact per-feature contributions (TreeSHAP, `pred_contrib`); the score is their sum.
- Trained: {self.trained_at_}
- Training data: {self.n_queries_} simulated queries from past projects ({self.simulation_}),
  {self.n_examples_} candidates,
  {self.n_positives_} positives.
{facts}

| feature | share of the gain |
|---|---|
{rows}
"""
