"""A ranker learned from the store's own history: simulated queries from past projects, logistic regression.

Each past project with two or more members becomes a query (its text, its lead as requester) asked of a catalog
built *without* that project (k-fold), so its members' features carry no trace of the answer. Candidates come
from the same generator the service uses; members are the positives.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import joblib
import numpy as np
from sklearn.base import BaseEstimator
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score
from sklearn.preprocessing import StandardScaler
from sklearn.utils.validation import check_is_fitted

from matcher.catalog import VectorLookup
from matcher.domain import Dataset
from matcher.embedding.base import Embedder
from matcher.index.faiss_index import atomic_write
from matcher.ranking.features import FEATURES, DenseLayout
from matcher.ranking.training import MIN_TRAINING_PROJECTS, TrainingData, simulate_queries


def save_with_card(model: object, path: Path, card: str) -> None:
    """Save a learned ranker with joblib (atomically) and its markdown model card beside it (``<name>.md``);
    :func:`matcher.ranking.selection.load_ranker` reads it back."""
    atomic_write(path, lambda tmp: joblib.dump(model, tmp))  # its own temporary file: processes may save at once
    path.with_suffix(".md").write_text(card, encoding="utf-8")


class LearnedRanker(BaseEstimator):  # type: ignore[misc]
    """Logistic regression over :data:`~matcher.ranking.features.FEATURES`; a linear score, so every feature's
    contribution is shown in the score breakdown."""

    def __init__(
        self,
        *,
        C: float = 1.0,
        folds: int = 4,
        max_queries: int = 1000,
        random_state: int = 0,
    ) -> None:
        self.C = C
        self.folds = folds
        self.max_queries = max_queries
        self.random_state = random_state

    @property
    def name(self) -> str:
        return "learned-logistic"

    def fit(
        self, dataset: Dataset, vectors: VectorLookup, embedder: Embedder, *, layout: DenseLayout | None = None
    ) -> LearnedRanker:
        data = simulate_queries(
            dataset,
            vectors,
            embedder,
            folds=self.folds,
            max_queries=self.max_queries,
            random_state=self.random_state,
            layout=layout,
        )
        return self.fit_features(data)

    def fit_features(self, data: TrainingData) -> LearnedRanker:
        if data.n_queries == 0 or data.labels.min() == data.labels.max():
            raise ValueError(
                "not enough collaboration history to learn a ranker: need past projects with two or more members "
                f"(at least {MIN_TRAINING_PROJECTS}); the default weights stay in use"
            )
        scaler = StandardScaler().fit(data.features)
        scale = np.where(scaler.scale_ > 0, scaler.scale_, 1.0)
        standardised = (data.features - scaler.mean_) / scale
        # Non-negative weights: more evidence never lowers a score, so every bar of the score breakdown reads the same
        # way. Backward elimination keeps scikit-learn's solver: drop the most negative feature, refit, repeat.
        active = list(range(len(FEATURES)))
        coef = np.zeros(len(FEATURES))
        while active:
            model = LogisticRegression(C=self.C, max_iter=2000).fit(standardised[:, active], data.labels)
            weights = model.coef_[0]
            if weights.min() >= 0:
                coef[active] = weights
                break
            active.pop(int(np.argmin(weights)))
        self.coef_ = (coef / scale).astype(np.float32)
        self.dropped_ = tuple(FEATURES[i] for i in range(len(FEATURES)) if i not in active)
        self.feature_names_ = FEATURES
        self.n_queries_ = data.n_queries
        self.simulation_ = data.describe()
        self.n_examples_ = len(data.labels)
        self.n_positives_ = int(data.labels.sum())
        self.train_auc_ = float(roc_auc_score(data.labels, data.features @ self.coef_))
        self.trained_at_ = datetime.now(UTC).isoformat(timespec="seconds")
        return self

    def contributions(self, features: np.ndarray) -> np.ndarray:
        check_is_fitted(self, "coef_")
        return features * self.coef_

    @property
    def weights(self) -> dict[str, float]:
        check_is_fitted(self, "coef_")
        return {name: round(float(w), 4) for name, w in zip(self.feature_names_, self.coef_, strict=True)}

    def save(self, path: Path, *, extra: dict[str, Any] | None = None) -> None:
        check_is_fitted(self, "coef_")
        save_with_card(self, path, self.model_card(extra or {}))

    def model_card(self, extra: dict[str, Any]) -> str:
        rows = "\n".join(f"| {name} | {weight:+.4f} |" for name, weight in self.weights.items())
        facts = "\n".join(f"- {key}: {value}" for key, value in extra.items())
        return f"""# Model card: matcher learned ranker

- Model: logistic regression (scikit-learn, C={self.C}, standardised inputs) over {len(FEATURES)} features with
  non-negative weights (features that would get a negative weight are dropped and the model refitted; dropped:
  {", ".join(self.dropped_) or "none"}). The score is the linear part, so each feature's contribution is shown in
  `score_breakdown`, and more evidence never lowers a score.
- Trained: {self.trained_at_}
- Training data: {self.n_queries_} simulated queries from past projects ({self.simulation_}),
  {self.n_examples_} candidates, {self.n_positives_} positives.
- Training AUC (candidates of the simulated queries): {self.train_auc_:.3f}
- Cold start: with fewer than {MIN_TRAINING_PROJECTS} usable past projects the default weights
  (`matcher.ranking.ranker.DEFAULT_WEIGHTS`) are used instead.
{facts}

| feature | weight (per raw unit) |
|---|---|
{rows}
"""
