"""The blend of the logistic and lambdarank rankers: each scaled by its within-query spread, contributions still
additive and exact, saved and loaded like the others, and chosen only when it beats logistic beyond the noise."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from matcher.ranking.blended import BlendedRanker, within_query_spread
from matcher.ranking.features import FEATURES
from matcher.ranking.selection import load_ranker, select_model
from matcher.ranking.training import TrainingData


def test_the_spread_is_the_median_within_query_standard_deviation() -> None:
    scores = np.array([0.0, 2.0, 10.0, 10.0, 14.0, 5.0, 5.0])
    groups = np.array([0, 0, 1, 1, 1, 2, 2])
    # query 0: std 1.0; query 1: std of (10, 10, 14) = 1.8856; query 2: 0 -> median 1.0
    assert within_query_spread(scores, groups) == pytest.approx(1.0)
    assert within_query_spread(np.ones(4), np.array([0, 0, 1, 1])) == 1.0  # no spread at all: left unscaled


def synthetic(queries: int = 60, per_query: int = 40, seed: int = 0) -> TrainingData:
    """Positives stand out on graph and, less, on lexical; the rest is noise."""
    rng = np.random.default_rng(seed)
    n = queries * per_query
    features = rng.random((n, len(FEATURES))).astype(np.float32)
    labels = (rng.random(n) < 0.1).astype(np.int8)
    features[labels == 1, FEATURES.index("graph")] += 0.8
    features[labels == 1, FEATURES.index("lexical")] += 0.3
    return TrainingData(features, labels, np.repeat(np.arange(queries, dtype=np.int32), per_query), queries)


def test_the_blend_is_the_sum_of_the_scaled_models_and_stays_additive(tmp_path: Path) -> None:
    data = synthetic()
    blend = BlendedRanker().fit_features(data)
    features = data.features[:50]
    first, second = blend.spreads_
    expected = blend.logistic_.contributions(features) / first + blend.boosted_.contributions(features) / second
    np.testing.assert_allclose(blend.contributions(features), expected, rtol=1e-5)
    assert blend.contributions(features).shape == features.shape
    weights = blend.weights
    assert max(weights, key=lambda name: weights[name]) == "graph" and sum(weights.values()) == pytest.approx(
        1, abs=0.01
    )
    blend.save(tmp_path / "ranker.joblib", extra={"partners": 3})
    np.testing.assert_allclose(
        load_ranker(tmp_path / "ranker.joblib").contributions(features), blend.contributions(features)
    )
    assert "a blend of the logistic ranker" in (tmp_path / "ranker.md").read_text()


def test_selection_records_the_blend_and_keeps_logistic_without_a_clear_gain() -> None:
    model, selection = select_model(synthetic())
    assert selection.held_out_queries == 15
    assert 0.0 <= selection.blended_recall <= 1.0
    lo, hi = selection.blend_gain_interval
    assert lo <= selection.blended_recall - selection.logistic_recall <= hi
    if selection.chosen == "logistic":  # a linear signal: logistic is hard to beat beyond the noise
        assert lo <= 0 and selection.gain_interval[0] <= 0
    assert "blend" in selection.card()["model selection"]
    assert (
        model.name
        == {"logistic": "learned-logistic", "lambdarank": "learned-lambdarank", "blend": "learned-blend"}[
            selection.chosen
        ]
    )
