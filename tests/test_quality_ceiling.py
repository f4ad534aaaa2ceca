"""benchmarks.quality_ceiling on hand-made candidates with known answers (no dataset, no embedding model)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import numpy as np
import pytest

from benchmarks.quality_ceiling import (
    PERFECT,
    REFERENCE,
    HeldOutCandidates,
    cross_fitted_recall,
    fold_of,
    held_out_candidates,
    perfect_recall,
    ranker_recall,
    table,
    training_data,
)
from matcher.catalog import build_catalog
from matcher.evaluation import evaluate
from matcher.evaluation.rankers import fit_lambdarank, fit_logistic
from matcher.evaluation.split import split_links
from matcher.evaluation.vectors import CachedVectors
from matcher.ranking.features import FEATURES
from matcher.ranking.ranker import LinearRanker, Ranker
from matcher.ranking.training import TrainingData
from matcher.recommender import Recommender
from tests.evaluation.fakes import BagOfWordsEmbedder
from tests.evaluation.test_learned import club_alliance

LABEL_COLUMN = FEATURES.index("dense")


def query(q: int, n: int, positives: int, missing: int, rng: np.random.Generator) -> HeldOutCandidates:
    """``n`` candidates of query ``q``, the first ``positives`` relevant (shuffled into place), plus ``missing``
    relevant partners that are not candidates. Every column is noise but ``dense``, which equals the label."""
    ids = [f"q{q}-c{i}" for i in range(n)]
    relevant = [*ids[:positives], *(f"q{q}-absent{i}" for i in range(missing))]
    order = rng.permutation(n)
    ids = [ids[i] for i in order]
    features = rng.random((n, len(FEATURES))).astype(np.float32)
    features[:, LABEL_COLUMN] = [i in relevant for i in ids]
    return HeldOutCandidates(tuple(ids), features, frozenset(relevant))


def label_queries(missing: int = 0) -> list[HeldOutCandidates]:
    rng = np.random.default_rng(7)
    return [query(q, n=15, positives=2 + q % 3, missing=missing, rng=rng) for q in range(12)]


@pytest.mark.parametrize("fit", [fit_logistic, fit_lambdarank], ids=["logistic", "lambdarank"])
def test_a_column_equal_to_the_label_gives_the_cross_fitted_models_every_relevant_candidate(
    fit: Callable[[TrainingData], Ranker],
) -> None:
    recall = cross_fitted_recall(label_queries(), fit, folds=4, seed=0)
    assert recall.tolist() == [1.0] * 12


def test_relevant_partners_that_are_not_candidates_are_misses() -> None:
    queries = label_queries(missing=1)  # 2, 3 or 4 relevant candidates, and one relevant partner never proposed
    recall = cross_fitted_recall(queries, fit_logistic, folds=3, seed=1)
    expected = [(2 + q % 3) / (3 + q % 3) for q in range(12)]
    assert recall == pytest.approx(expected)
    assert perfect_recall(queries) == pytest.approx(expected)  # the pool's ceiling, reached


def test_perfect_order_by_hand() -> None:
    features = np.zeros((20, len(FEATURES)), np.float32)
    ids = tuple(f"p{i}" for i in range(20))
    queries = [
        HeldOutCandidates(ids[:5], features[:5], frozenset({"p3", "p4", "elsewhere"})),  # 2 of 3 proposed
        HeldOutCandidates(ids, features, frozenset(ids[8:])),  # 12 relevant, all proposed: 10 fit in the top 10
        HeldOutCandidates((), features[:0], frozenset({"p1"})),  # no candidate at all
    ]
    assert perfect_recall(queries).tolist() == pytest.approx([2 / 3, 10 / 12, 0.0])
    # the same candidates in the generator's order under a ranker that ties them all: the first 10 only
    assert ranker_recall(LinearRanker({}), queries).tolist() == pytest.approx([2 / 3, 2 / 12, 0.0])


def test_no_query_is_scored_by_a_model_that_saw_it() -> None:
    queries = label_queries()
    for q, held in enumerate(queries):
        held.features[:, FEATURES.index("recency")] = q  # the query's number, to read back what a model saw
    seen: list[set[int]] = []

    class Remembers:
        name = "remembers"

        def __init__(self, data: TrainingData) -> None:
            self.trained = {int(v) for v in data.features[:, FEATURES.index("recency")]}
            seen.append(self.trained)

        def contributions(self, features: np.ndarray) -> np.ndarray:
            assert not {int(v) for v in features[:, FEATURES.index("recency")]} & self.trained
            return features * (np.arange(len(FEATURES)) == LABEL_COLUMN)  # the label column's order

    recall = cross_fitted_recall(queries, Remembers, folds=4, seed=3)
    assert recall.tolist() == [1.0] * 12
    assert len(seen) == 4 and all(len(s) == 9 for s in seen)  # each model: the other 3 folds of 3 queries
    assert set().union(*({q for q in range(12) if q not in s} for s in seen)) == set(range(12))


def test_folds_are_seeded_and_balanced() -> None:
    fold = fold_of(11, 4, seed=5)
    assert sorted(np.bincount(fold).tolist()) == [2, 3, 3, 3]
    assert fold.tolist() == fold_of(11, 4, seed=5).tolist()
    assert fold.tolist() != fold_of(11, 4, seed=6).tolist()
    with pytest.raises(ValueError, match="at least 2 folds"):
        fold_of(11, 1, seed=0)


def test_training_data_skips_queries_without_a_relevant_candidate() -> None:
    queries = label_queries()
    unanswerable = HeldOutCandidates(("x", "y"), np.ones((2, len(FEATURES)), np.float32), frozenset({"z"}))
    data = training_data([queries[0], unanswerable, queries[1]])
    assert data.n_queries == 2
    assert data.groups.tolist() == [0] * 15 + [1] * 15
    assert int(data.labels.sum()) == len(queries[0].relevant) + len(queries[1].relevant)
    assert (data.labels == data.features[:, LABEL_COLUMN]).all()


def test_table_rows_and_ratios() -> None:
    recalls = {REFERENCE: np.array([0.5, 0.0, 1.0, 0.5]), PERFECT: np.array([1.0, 0.5, 1.0, 1.0])}
    text = table(recalls, resamples=200)
    lines = text.splitlines()
    assert lines[0].startswith("| row | recall@10")
    assert lines[2].startswith(f"| {REFERENCE} | 0.500 [") and "| 1.000 [1.000, 1.000] |" in lines[2]
    assert lines[3].startswith(f"| {PERFECT} | 0.875 [") and "| 1.750 [" in lines[3]


def test_the_held_out_candidates_are_those_evaluate_ranks() -> None:
    """On the club alliance (a project's answer: the other three members, all of its club), the benchmark's queries,
    candidates and order give the fixed rankers exactly the recall@10 that ``matcher evaluate`` reports."""
    embedder, dataset, split_date = BagOfWordsEmbedder(), club_alliance(), date(2015, 1, 8)
    report = evaluate(dataset, embedder, split_date=split_date, rankers=(), resamples=50)
    split = split_links(dataset, split_date=split_date)
    vectors = CachedVectors(embedder)
    rec = Recommender(build_catalog(split.train, vectors, embedder.dim), embedder)
    queries = held_out_candidates(rec, split, vectors)
    assert len(queries) == 24 and all(len(q.relevant) == 3 for q in queries)
    assert all(q.relevant <= set(q.ids) for q in queries)  # club mates are always candidates (the coworkers source)
    assert perfect_recall(queries).tolist() == [1.0] * 24
    table = report.tables["collaborators for held-out projects"]
    for name, ranker in (
        ("default ranker", LinearRanker()),
        ("equal-weight fusion", LinearRanker(dict.fromkeys(FEATURES, 1.0))),
    ):
        assert ranker_recall(ranker, queries).mean() == pytest.approx(table.at[name, "recall@10"], abs=1e-12), name
