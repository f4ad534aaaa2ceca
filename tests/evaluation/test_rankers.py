"""Ranker rows: a row restricted to some feature columns never uses the others, in training or in scoring."""

from __future__ import annotations

import numpy as np
import pytest

from matcher.evaluation.rankers import ColumnSubset, RankerRow, fit_logistic, fit_rows, without
from matcher.ranking.features import FEATURES
from matcher.ranking.training import TrainingData


def _data(queries: int = 30, per_query: int = 20, seed: int = 0) -> TrainingData:
    """Positives have a high ``graph`` and a high ``lexical`` value; the rest is noise."""
    rng = np.random.default_rng(seed)
    n = queries * per_query
    features = rng.random((n, len(FEATURES))).astype(np.float32) * 0.2
    labels = np.zeros(n, dtype=np.int8)
    labels[::per_query] = 1
    features[labels == 1, FEATURES.index("graph")] += 0.8
    features[labels == 1, FEATURES.index("lexical")] += 0.5
    return TrainingData(features, labels, np.repeat(np.arange(queries), per_query).astype(np.int32), queries)


def test_a_row_without_a_feature_gives_it_no_weight_and_ignores_it_when_scoring() -> None:
    data = _data()
    rows = [RankerRow("all", fit_logistic), RankerRow("no graph", fit_logistic, features=without("graph"))]
    fitted = fit_rows(rows, data)
    assert list(fitted) == ["all", "no graph"]
    assert fitted["all"].weights["graph"] > 0  # type: ignore[attr-defined]
    restricted = fitted["no graph"]
    assert isinstance(restricted, ColumnSubset)
    assert restricted.weights is not None and restricted.weights["graph"] == 0.0
    assert restricted.weights["lexical"] > 0
    probe = np.zeros((2, len(FEATURES)), dtype=np.float32)
    probe[1, FEATURES.index("graph")] = 5.0
    np.testing.assert_array_equal(restricted.contributions(probe), np.zeros_like(probe))
    assert fitted["all"].contributions(probe)[1].sum() > 0


def test_rows_check_their_features_and_names() -> None:
    assert without("graph", "popularity") == tuple(f for f in FEATURES if f not in {"graph", "popularity"})
    with pytest.raises(ValueError, match=r"unknown feature\(s\) \['nope'\]"):
        without("nope")
    gone = RankerRow("old", fit_logistic, features=("dense", "vanished"))
    with pytest.raises(ValueError, match="ranker row 'old' uses feature\\(s\\) vanished that are not computed"):
        fit_rows([gone], _data())
    with pytest.raises(ValueError, match="names must be unique"):
        fit_rows([RankerRow("a", fit_logistic), RankerRow("a", fit_logistic)], _data())


def test_a_row_that_cannot_learn_is_left_out() -> None:
    data = _data()
    one_class = TrainingData(data.features, np.zeros_like(data.labels), data.groups, data.n_queries)
    assert fit_rows([RankerRow("all", fit_logistic)], one_class) == {}
