"""Which learned ranker a store gets: the logistic one unless lambdarank or the blend of both is better on held-out
simulated queries beyond the noise (the lower end of a paired bootstrap 95 % interval of the recall@10 gain above 0);
of those two, the better one."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import joblib
import numpy as np

from matcher.catalog import VectorLookup
from matcher.domain import Dataset
from matcher.embedding.base import Embedder
from matcher.ranking.blended import BlendedRanker
from matcher.ranking.boosted import BoostedRanker
from matcher.ranking.features import FEATURES, DenseLayout
from matcher.ranking.learned import LearnedRanker
from matcher.ranking.training import MIN_TRAINING_PROJECTS, TrainingData, simulate_queries, usable_projects

LearnedModel = LearnedRanker | BoostedRanker | BlendedRanker


def query_recalls(model: LearnedModel, data: TrainingData, k: int = 10) -> np.ndarray:
    """Recall@k of each query of ``data`` when its candidates are ranked by ``model``."""
    scores = model.contributions(data.features).sum(axis=1)
    out = np.zeros(data.n_queries)
    for q in range(data.n_queries):
        at = np.flatnonzero(data.groups == q)
        labels = data.labels[at]
        top = np.argsort(-scores[at], kind="stable")[:k]
        out[q] = labels[top].sum() / max(int(labels.sum()), 1)
    return out


def paired_interval(diff: np.ndarray, *, resamples: int = 1000, seed: int = 0) -> tuple[float, float]:
    """Percentile bootstrap 95 % interval of the mean of ``diff`` (resampling queries)."""
    if len(diff) == 0:
        return (0.0, 0.0)
    rng = np.random.default_rng(seed)
    means = diff[rng.integers(0, len(diff), size=(resamples, len(diff)))].mean(axis=1)
    return float(np.percentile(means, 2.5)), float(np.percentile(means, 97.5))


def held_out_split(data: TrainingData, share: float, *, seed: int = 0) -> tuple[TrainingData, TrainingData]:
    """(test, train): ``share`` of the queries to compare models on, the rest to fit them. Queries drawn in time order
    (``scheme == "temporal"``) are compared on the latest, as a new request would be; others on a random share."""
    n_test = max(1, round(share * data.n_queries))
    if data.scheme == "temporal":
        order = np.arange(data.n_queries)[::-1]
    else:
        order = np.random.default_rng(seed).permutation(data.n_queries)
    return data.subset(np.sort(order[:n_test])), data.subset(np.sort(order[n_test:]))


@dataclass(frozen=True, slots=True)
class Selection:
    """The held-out comparison behind the choice (recorded in the model card)."""

    chosen: str
    logistic_recall: float
    boosted_recall: float
    gain_interval: tuple[float, float]  # lambdarank's recall@10 gain over logistic
    held_out_queries: int
    blended_recall: float = float("nan")
    blend_gain_interval: tuple[float, float] = (0.0, 0.0)

    def card(self) -> dict[str, Any]:
        lo, hi = self.gain_interval
        blo, bhi = self.blend_gain_interval
        return {
            "model selection": (
                f"{self.chosen} chosen on {self.held_out_queries} held-out simulated queries: recall@10 logistic "
                f"{self.logistic_recall:.3f}, lambdarank {self.boosted_recall:.3f} (gain 95 % CI [{lo:+.3f}, "
                f"{hi:+.3f}]), blend {self.blended_recall:.3f} (gain [{blo:+.3f}, {bhi:+.3f}]); another model than "
                "logistic only when its whole interval is above 0"
            )
        }


def select_model(data: TrainingData, *, held_out: float = 0.25, seed: int = 0) -> tuple[LearnedModel, Selection]:
    """Fit the models on part of the queries, compare them on the rest (the latest ``held_out`` share when the queries
    were drawn in time order, else a random one), refit the chosen one on all of them."""
    test, train = held_out_split(data, held_out, seed=seed)
    if train.n_queries < MIN_TRAINING_PROJECTS or train.labels.min() == train.labels.max() or test.n_queries < 5:
        selection = Selection("logistic", float("nan"), float("nan"), (0.0, 0.0), test.n_queries)
        return LearnedRanker().fit_features(data), selection
    logistic_model = LearnedRanker().fit_features(train)
    boosted_model = BoostedRanker(random_state=seed).fit_features(train)
    blended_model = BlendedRanker(random_state=seed).from_models(logistic_model, boosted_model, train)
    logistic = query_recalls(logistic_model, test)
    boosted = query_recalls(boosted_model, test)
    blended = query_recalls(blended_model, test)
    interval = paired_interval(boosted - logistic, seed=seed)
    blend_interval = paired_interval(blended - logistic, seed=seed)
    contenders = (("lambdarank", boosted, interval), ("blend", blended, blend_interval))
    better = {name: float(recalls.mean()) for name, recalls, gain in contenders if gain[0] > 0}
    name = max(better, key=lambda n: better[n]) if better else "logistic"
    selection = Selection(
        name,
        float(logistic.mean()),
        float(boosted.mean()),
        interval,
        test.n_queries,
        float(blended.mean()),
        blend_interval,
    )
    chosen: LearnedModel = LearnedRanker()
    if name == "lambdarank":
        chosen = BoostedRanker(random_state=seed)
    elif name == "blend":
        chosen = BlendedRanker(random_state=seed)
    return chosen.fit_features(data), selection


def train_ranker(
    dataset: Dataset,
    vectors: VectorLookup,
    embedder: Embedder,
    *,
    layout: DenseLayout | None = None,
    model: str = "auto",
) -> LearnedModel | None:
    """The ranker learned from ``dataset``'s history (``model``: ``auto`` picks by held-out measurement,
    ``logistic``, ``lambdarank`` or ``blend`` force one), or ``None`` with too little history (cold start: default
    weights). The held-out comparison is kept in the model's ``selection_``."""
    if len(usable_projects(dataset)) < MIN_TRAINING_PROJECTS:
        return None
    data = simulate_queries(dataset, vectors, embedder, layout=layout)
    if data.n_queries == 0 or data.labels.min() == data.labels.max():
        return None
    if model == "logistic":
        return LearnedRanker().fit_features(data)
    if model == "lambdarank":
        return BoostedRanker().fit_features(data)
    if model == "blend":
        return BlendedRanker().fit_features(data)
    ranker, selection = select_model(data)
    ranker.selection_ = selection
    return ranker


def load_ranker(path: Path) -> LearnedModel:
    """A saved learned ranker; ValueError when it is not one, or was learned for other features."""
    model = joblib.load(path)
    if (
        not isinstance(model, LearnedRanker | BoostedRanker | BlendedRanker)
        or tuple(getattr(model, "feature_names_", ())) != FEATURES
    ):
        raise ValueError(f"{path} is not a ranker for the current features; retrain it with `matcher train`")
    return model
