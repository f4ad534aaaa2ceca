"""Ranker rows of an evaluation: how each is fitted on the run's simulated queries, and which feature columns it sees.

All rows of a run share one :class:`~matcher.ranking.training.TrainingData` (simulated from the training side of the
split), so they differ only by model and by features. A row restricted to a subset of columns sees the others as
constant zeros, both when it is fitted and when it scores: a frozen earlier ranker ("ranker v1": the logistic
ranker over the 11 features it had) and ablations ("without graph") are rows like any other.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from matcher.ranking.blended import BlendedRanker
from matcher.ranking.boosted import BoostedRanker
from matcher.ranking.features import FEATURES
from matcher.ranking.learned import LearnedRanker
from matcher.ranking.ranker import Ranker
from matcher.ranking.selection import select_model
from matcher.ranking.training import TrainingData

Fit = Callable[[TrainingData], Ranker]


@dataclass(frozen=True, slots=True)
class RankerRow:
    """A row of the evaluation tables: ``fit`` turns the simulated queries into a ranker; ``features`` (None: every
    column of :data:`~matcher.ranking.features.FEATURES`) are the columns it may use."""

    name: str
    fit: Fit
    features: tuple[str, ...] | None = None
    #: the candidate sources its rankings draw from (None: all of them); "ranker v1" had fewer
    sources: frozenset[str] | None = None

    def mask(self) -> np.ndarray:
        """1.0 for the columns this row may use, 0.0 for the others."""
        if self.features is None:
            return np.ones(len(FEATURES), dtype=np.float32)
        unknown = [name for name in self.features if name not in FEATURES]
        if unknown:
            raise ValueError(
                f"ranker row {self.name!r} uses feature(s) {', '.join(unknown)} that are not computed any more; "
                f"the features are {', '.join(FEATURES)}"
            )
        return np.array([name in self.features for name in FEATURES], dtype=np.float32)

    def train(self, data: TrainingData) -> Ranker:
        """The fitted ranker, restricted to this row's columns."""
        mask = self.mask()
        if self.features is None:
            return self.fit(data)
        return ColumnSubset(self.fit(dataclasses.replace(data, features=data.features * mask)), mask)


class ColumnSubset:
    """A ranker that sees only some feature columns: the others are zeroed before it scores (as in its training)."""

    def __init__(self, ranker: Ranker, mask: np.ndarray) -> None:
        self.ranker = ranker
        self.mask = np.asarray(mask, dtype=np.float32)
        self.name = f"{ranker.name} (columns {int(self.mask.sum())} of {len(self.mask)})"

    def contributions(self, features: np.ndarray) -> np.ndarray:
        return self.ranker.contributions(features * self.mask)

    @property
    def weights(self) -> dict[str, float] | None:
        weights = getattr(self.ranker, "weights", None)
        return weights if isinstance(weights, dict) else None


def fit_logistic(data: TrainingData) -> Ranker:
    """The logistic ranker (non-negative weights) over the columns it is given."""
    return LearnedRanker().fit_features(data)


def fit_lambdarank(data: TrainingData) -> Ranker:
    """The gradient-boosted LambdaRank ranker over the columns it is given."""
    return BoostedRanker().fit_features(data)


def fit_blend(data: TrainingData) -> Ranker:
    """Both, each scaled by its within-query score spread (:class:`~matcher.ranking.blended.BlendedRanker`)."""
    return BlendedRanker().fit_features(data)


def fit_selected(data: TrainingData) -> Ranker:
    """The model ``matcher train`` keeps: chosen among the three by held-out measurement on these queries."""
    return select_model(data)[0]


def without(*names: str) -> tuple[str, ...]:
    """Every feature but ``names``: the columns of an ablation row (``without("graph")``)."""
    unknown = sorted(set(names) - set(FEATURES))
    if unknown:
        raise ValueError(f"unknown feature(s) {unknown}; the features are {list(FEATURES)}")
    return tuple(name for name in FEATURES if name not in names)


def fit_rows(rows: Sequence[RankerRow], data: TrainingData) -> dict[str, Ranker]:
    """Each row's fitted ranker by name; a row that cannot learn from ``data`` (e.g. one class only) is left out."""
    names = [row.name for row in rows]
    if len(set(names)) != len(names):
        raise ValueError(f"ranker row names must be unique, got {names}")
    for row in rows:
        row.mask()  # a row naming a feature that is gone fails here, before any fitting
    fitted: dict[str, Ranker] = {}
    for row in rows:
        try:
            fitted[row.name] = row.train(data)
        except ValueError:  # the model's own "not enough history" (e.g. no positive among the candidates)
            continue
    return fitted
