"""A ranker learned from the store's own history: simulated queries from past projects, logistic regression.

Each past project with two or more members becomes a query (its text, its lead as requester) asked of a catalog
built *without* that project (k-fold), so its members' features carry no trace of the answer. Candidates come
from the same generator the service uses; members are the positives.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
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

from matcher.catalog import VectorLookup, build_catalog
from matcher.domain import Dataset
from matcher.embedding.base import Embedder
from matcher.ranking.features import FEATURES, compute_features

MIN_TRAINING_PROJECTS = 12


@dataclass(frozen=True, slots=True)
class TrainingData:
    features: np.ndarray
    labels: np.ndarray
    groups: np.ndarray
    n_queries: int


def _without_projects(dataset: Dataset, held: set[str]) -> Dataset:
    return Dataset(
        partners=dataset.partners,
        projects=[p for p in dataset.projects if p.id not in held],
        action_groups=dataset.action_groups,
        project_members=[m for m in dataset.project_members if m.project_id not in held],
        group_members=dataset.group_members,
    )


def usable_projects(dataset: Dataset) -> list[str]:
    """Projects with at least two members: each can be asked to find its other members."""
    sizes: dict[str, int] = {}
    for member in dataset.project_members:
        sizes[member.project_id] = sizes.get(member.project_id, 0) + 1
    return [p.id for p in dataset.projects if sizes.get(p.id, 0) >= 2]


def simulate_queries(
    dataset: Dataset,
    vectors: VectorLookup,
    embedder: Embedder,
    *,
    folds: int = 4,
    max_queries: int = 400,
    random_state: int = 0,
) -> TrainingData:
    """Features and labels of candidates for leave-fold-out queries built from past projects."""
    from matcher.recommender import Recommender  # local: recommender imports rankers

    projects = usable_projects(dataset)
    rng = random.Random(random_state)
    rng.shuffle(projects)
    projects = projects[:max_queries]
    members: dict[str, list[tuple[str, str]]] = {}
    for m in dataset.project_members:
        members.setdefault(m.project_id, []).append((m.partner_id, m.role))
    by_id = {p.id: p for p in dataset.projects}
    xs: list[np.ndarray] = []
    ys: list[np.ndarray] = []
    gs: list[np.ndarray] = []
    n_queries = 0
    for fold in range(folds):
        held = set(projects[fold::folds])
        if not held:
            continue
        rec = Recommender(build_catalog(_without_projects(dataset, held), vectors, embedder.dim), embedder)
        catalog = rec.catalog
        for project_id in sorted(held):
            team = members[project_id]
            lead = next((p for p, role in team if role == "lead"), team[0][0])
            positives = {p for p, _ in team if p != lead}
            project = by_id[project_id]
            query = rec._resolve(
                project.text,
                vectors([project.text])[0],
                sdgs=frozenset(project.sdgs),
                requester_id=lead if lead in catalog.partner_pos else None,
            )
            rows = rec._allowed(query, rec._candidate_rows(query))
            if len(rows) == 0:
                continue
            labels = np.array([catalog.partners[r].id in positives for r in rows.tolist()], dtype=np.int8)
            if labels.sum() == 0:
                continue
            xs.append(compute_features(catalog, query, rows))
            ys.append(labels)
            gs.append(np.full(len(rows), n_queries, dtype=np.int32))
            n_queries += 1
    if not xs:
        return TrainingData(np.zeros((0, len(FEATURES)), np.float32), np.zeros(0, np.int8), np.zeros(0, np.int32), 0)
    return TrainingData(np.vstack(xs), np.concatenate(ys), np.concatenate(gs), n_queries)


class LearnedRanker(BaseEstimator):  # type: ignore[misc]
    """Logistic regression over :data:`~matcher.ranking.features.FEATURES`; a linear score, so every feature's
    contribution is shown in the score breakdown."""

    def __init__(self, *, C: float = 1.0, folds: int = 4, max_queries: int = 400, random_state: int = 0) -> None:
        self.C = C
        self.folds = folds
        self.max_queries = max_queries
        self.random_state = random_state

    @property
    def name(self) -> str:
        return "learned-logistic"

    def fit(self, dataset: Dataset, vectors: VectorLookup, embedder: Embedder) -> LearnedRanker:
        data = simulate_queries(
            dataset, vectors, embedder, folds=self.folds, max_queries=self.max_queries, random_state=self.random_state
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
        """Save the model with joblib and a markdown model card beside it (``<name>.md``)."""
        check_is_fitted(self, "coef_")
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        joblib.dump(self, tmp)
        tmp.replace(path)
        path.with_suffix(".md").write_text(self.model_card(extra or {}), encoding="utf-8")

    @staticmethod
    def load(path: Path) -> LearnedRanker:
        model = joblib.load(path)
        if not isinstance(model, LearnedRanker) or tuple(getattr(model, "feature_names_", ())) != FEATURES:
            raise ValueError(f"{path} is not a ranker for the current features; retrain it with `matcher train`")
        return model

    def model_card(self, extra: dict[str, Any]) -> str:
        rows = "\n".join(f"| {name} | {weight:+.4f} |" for name, weight in self.weights.items())
        facts = "\n".join(f"- {key}: {value}" for key, value in extra.items())
        return f"""# Model card: matcher learned ranker

- Model: logistic regression (scikit-learn, C={self.C}, standardised inputs) over {len(FEATURES)} features with
  non-negative weights (features that would get a negative weight are dropped and the model refitted; dropped:
  {", ".join(self.dropped_) or "none"}). The score is the linear part, so each feature's contribution is shown in
  `score_breakdown`, and more evidence never lowers a score.
- Trained: {self.trained_at_}
- Training data: {self.n_queries_} simulated queries from past projects ({self.folds}-fold leave-projects-out: each
  query is asked of a catalog without its project), {self.n_examples_} candidates, {self.n_positives_} positives.
- Training AUC (candidates of the simulated queries): {self.train_auc_:.3f}
- Cold start: with fewer than {MIN_TRAINING_PROJECTS} usable past projects the default weights
  (`matcher.ranking.ranker.DEFAULT_WEIGHTS`) are used instead.
{facts}

| feature | weight (per raw unit) |
|---|---|
{rows}
"""


def train_ranker(dataset: Dataset, vectors: VectorLookup, embedder: Embedder, **params: Any) -> LearnedRanker | None:
    """Fit a :class:`LearnedRanker` when there is enough history, else ``None`` (cold start)."""
    if len(usable_projects(dataset)) < MIN_TRAINING_PROJECTS:
        return None
    try:
        return LearnedRanker(**params).fit(dataset, vectors, embedder)
    except ValueError:
        return None
