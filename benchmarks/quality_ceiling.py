"""How far the ranking features can carry recall@10 on held-out projects, whatever the ranker is trained on.

    python -m benchmarks.quality_ceiling /tmp/h2020 --split-date 2019-01-01 --cache /tmp/h2020-vectors.npz

The shipped rankers learn from *simulated* queries (the training side's past projects, asked of catalogues without
them). Whether a low recall@10 comes from that training or from the features themselves is answered here: the same
models fitted on the held-out queries themselves, cross-fitted (the queries in K seeded folds; each fold's queries are
scored by a model fitted on the other folds' candidates, so no query is scored by a model that saw it). That is an
upper estimate for what retraining can bring with the current features and candidates (the models learn the test
period's own distribution), not a shippable model. Rows, all in one run on the same held-out queries (resolved as
``matcher evaluate`` resolves them: the project's text, its lead as requester) and the same candidates and features:

- ``ranker v1 (simulated training)``: the logistic ranker over :data:`~matcher.ranking.features.V1_FEATURES`, fitted
  on the simulated queries (the reference of the ratios);
- ``logistic`` and ``lambdarank (simulated training)``: every feature, fitted on the simulated queries;
- ``logistic`` and ``lambdarank (cross-fitted on the held-out queries)``;
- ``perfect order of the candidates``: the relevant candidates first, the ceiling of the candidate pool.

recall@10 counts against each held-out project's full relevant set, so partners that are never candidates are misses
for every row. Intervals: percentile bootstrap over the queries (the same resamples for every row, so the ratios to
ranker v1 are paired).
"""

from __future__ import annotations

import argparse
import random
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import numpy as np

from matcher.evaluation.bootstrap import mean_interval, ratio_interval, resample_indices
from matcher.evaluation.metrics import recall_at
from matcher.evaluation.rankers import RankerRow, fit_lambdarank, fit_logistic
from matcher.evaluation.run import held_out_queries, ranked_order
from matcher.evaluation.split import EvalSplit, split_links
from matcher.ranking.features import FEATURES, V1_FEATURES, compute_features
from matcher.ranking.ranker import Ranker
from matcher.ranking.training import TrainingData
from matcher.recommender import Recommender

K = 10
REFERENCE = "ranker v1 (simulated training)"
PERFECT = "perfect order of the candidates"
#: The models of the simulated and the cross-fitted rows: (name, how it is fitted).
MODELS: tuple[tuple[str, Callable[[TrainingData], Ranker]], ...] = (
    ("logistic", fit_logistic),
    ("lambdarank", fit_lambdarank),
)


@dataclass(frozen=True, slots=True)
class HeldOutCandidates:
    """One held-out query: its candidates' partner ids (in the generator's order), their features (one row each,
    columns :data:`~matcher.ranking.features.FEATURES`) and the project's full relevant set."""

    ids: tuple[str, ...]
    features: np.ndarray
    relevant: frozenset[str]

    def labels(self) -> np.ndarray:
        """1 for the candidates in the relevant set, else 0."""
        return np.array([i in self.relevant for i in self.ids], dtype=np.int8)


def held_out_candidates(
    rec: Recommender, split: EvalSplit, vectors: Callable[[Sequence[str]], np.ndarray]
) -> list[HeldOutCandidates]:
    """Each held-out project of ``split`` asked of ``rec`` (a :class:`~matcher.recommender.Recommender` of the
    training side) as ``evaluate`` asks it (:func:`~matcher.evaluation.run.held_out_queries`); its candidates and
    their features as the ranking step sees them."""
    catalog = rec.catalog
    out = []
    for asked, query in held_out_queries(rec, split, vectors):
        rows = rec.candidates.generate(query, rec.themes)
        features = compute_features(catalog, query, rows, rec.layout)
        ids = tuple(catalog.partners[int(r)].id for r in rows)
        out.append(HeldOutCandidates(ids, features, asked.relevant))
    return out


def ranked(candidates: HeldOutCandidates, scores: np.ndarray) -> list[str]:
    """The top ids by score, as ``evaluate`` orders a ranker's candidates
    (:func:`~matcher.evaluation.run.ranked_order`)."""
    return [candidates.ids[int(i)] for i in ranked_order(scores)]


def recall_of(candidates: HeldOutCandidates, scores: np.ndarray) -> float:
    """recall@10 of the candidates ordered by ``scores``, against the full relevant set."""
    return recall_at(ranked(candidates, scores), set(candidates.relevant), K)


def ranker_recall(ranker: Ranker, queries: Sequence[HeldOutCandidates]) -> np.ndarray:
    """recall@10 per query of ``ranker`` (score = sum of its contributions, as the ranking step scores)."""
    return np.array(
        [recall_of(q, ranker.contributions(q.features).sum(axis=1) if len(q.ids) else np.zeros(0)) for q in queries],
        dtype=np.float64,
    )


def perfect_recall(queries: Sequence[HeldOutCandidates]) -> np.ndarray:
    """recall@10 per query when the relevant candidates come first: the ceiling of the candidate pool."""
    return np.array([recall_of(q, q.labels().astype(np.float64)) for q in queries], dtype=np.float64)


def training_data(queries: Sequence[HeldOutCandidates]) -> TrainingData:
    """The queries' candidates as training data: 0/1 labels (in the relevant set), consecutive group ids; queries
    with no relevant candidate teach nothing to a ranker of these candidates and are left out."""
    xs, ys, gs = [], [], []
    for q in queries:
        labels = q.labels()
        if not labels.any():
            continue
        xs.append(np.asarray(q.features, dtype=np.float32))
        ys.append(labels)
        gs.append(np.full(len(labels), len(xs) - 1, dtype=np.int32))
    if not xs:
        empty = np.zeros((0, len(FEATURES)), np.float32)
        return TrainingData(empty, np.zeros(0, np.int8), np.zeros(0, np.int32), 0)
    return TrainingData(np.vstack(xs), np.concatenate(ys), np.concatenate(gs), len(xs))


def fold_of(n: int, folds: int, seed: int) -> np.ndarray:
    """The fold (0..folds-1) of each of ``n`` queries: the positions shuffled with ``seed``, dealt round-robin."""
    if folds < 2:
        raise ValueError(f"cross-fitting needs at least 2 folds, got {folds}")
    order = list(range(n))
    random.Random(seed).shuffle(order)
    fold = np.zeros(n, dtype=np.int64)
    for position, query in enumerate(order):
        fold[query] = position % folds
    return fold


def cross_fitted_recall(
    queries: Sequence[HeldOutCandidates],
    fit: Callable[[TrainingData], Ranker],
    *,
    folds: int = 5,
    seed: int = 0,
) -> np.ndarray:
    """recall@10 per query of a model fitted on the held-out queries themselves, cross-fitted: each fold's queries
    are scored by ``fit`` on the other folds' candidates (so no query is scored by a model that saw it)."""
    fold = fold_of(len(queries), folds, seed)
    recall = np.zeros(len(queries), dtype=np.float64)
    for f in range(folds):
        scored = np.flatnonzero(fold == f)
        if not len(scored):
            continue
        ranker = fit(training_data([q for q, g in zip(queries, fold, strict=True) if g != f]))
        recall[scored] = ranker_recall(ranker, [queries[int(i)] for i in scored])
    return recall


def simulated_rows(data: TrainingData) -> dict[str, Ranker]:
    """The shipped rows fitted on the simulated queries: ranker v1 (its 11 columns, as ``RankerRow.train`` restricts
    them) and each model over every feature."""
    rows = [RankerRow(REFERENCE, fit_logistic, features=V1_FEATURES)]
    rows += [RankerRow(f"{name} (simulated training)", fit) for name, fit in MODELS]
    return {row.name: row.train(data) for row in rows}


def ceiling_recalls(
    queries: Sequence[HeldOutCandidates], simulated: dict[str, Ranker], *, folds: int = 5, seed: int = 0
) -> dict[str, np.ndarray]:
    """recall@10 per query of every row, in table order."""
    recalls = {name: ranker_recall(ranker, queries) for name, ranker in simulated.items()}
    for name, fit in MODELS:
        recalls[f"{name} (cross-fitted on the held-out queries)"] = cross_fitted_recall(
            queries, fit, folds=folds, seed=seed
        )
    recalls[PERFECT] = perfect_recall(queries)
    return recalls


def table(recalls: dict[str, np.ndarray], *, reference: str = REFERENCE, seed: int = 0, resamples: int = 1000) -> str:
    """A markdown table: each row's recall@10 and its ratio to ``reference``, each with a bootstrap 95 % interval on
    the same resamples of the queries (paired)."""
    n = len(next(iter(recalls.values()))) if recalls else 0
    indices = resample_indices(n, resamples=resamples, seed=seed)
    lines = [
        f"| row | recall@10 [95 % interval] | ÷ {reference} [95 % interval] |",
        "|---|---|---|",
    ]
    for name, values in recalls.items():
        ratio = ratio_interval(values, [recalls[reference]], indices=indices) if reference in recalls else None
        lines.append(f"| {name} | {mean_interval(values, indices=indices)} | {ratio if ratio is not None else '–'} |")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.quality_ceiling", description=__doc__.split("\n")[0])
    parser.add_argument("dataset", type=Path, help="a dataset in the import format (e.g. /tmp/h2020)")
    parser.add_argument("--split-date", type=date.fromisoformat, default=None, help="train before, test from (ISO)")
    parser.add_argument("--folds", type=int, default=5, help="folds over the held-out queries (cross-fitting)")
    parser.add_argument("--cache", type=Path, default=None, help="vector cache (.npz), reused across runs")
    parser.add_argument("--seed", type=int, default=0, help="seed of the random split, the folds and the bootstrap")
    args = parser.parse_args(argv)

    from benchmarks.run import commit, cpu_description
    from matcher.catalog import build_catalog
    from matcher.engine import create_embedder
    from matcher.evaluation.vectors import CachedVectors
    from matcher.io.importer import read_directory
    from matcher.ranking.features import DenseLayout
    from matcher.ranking.training import simulate_queries
    from matcher.settings import Settings

    def say(text: str) -> None:
        print(f"quality_ceiling: {text}", file=sys.stderr, flush=True)

    dataset = read_directory(args.dataset).dataset
    split = split_links(dataset, test_fraction=0.2, seed=args.seed, split_date=args.split_date)
    embedder = create_embedder(Settings())
    vectors = CachedVectors(embedder, args.cache)
    say(f"catalogue of the training side ({len(split.train.projects)} projects)")
    layout = DenseLayout.of(embedder)
    rec = Recommender(build_catalog(split.train, vectors, embedder.dim), embedder, layout=layout)
    vectors.save()
    say("simulated queries for the shipped rows")
    data = simulate_queries(split.train, vectors, embedder, layout=layout)
    simulated = simulated_rows(data)
    say("candidates and features of the held-out projects")
    queries = held_out_candidates(rec, split, vectors)
    vectors.save()
    say(f"cross-fitting on {len(queries)} held-out queries ({args.folds} folds)")
    recalls = ceiling_recalls(queries, simulated, folds=args.folds, seed=args.seed)

    with_positive = sum(bool(q.labels().any()) for q in queries)
    print(f"CPU: {cpu_description()[0]}")
    print(f"commit: {commit()}")
    print(f"split: {split.describe(args.seed)}; {args.dataset}")
    print(
        f"held-out queries: {len(queries)} ({with_positive} with a relevant partner among their candidates); "
        f"simulated training queries: {data.n_queries} ({data.scheme}); cross-fitting: {args.folds} folds "
        f"(seed {args.seed}); candidates per query: median {int(np.median([len(q.ids) for q in queries] or [0]))}"
    )
    print()
    print(table(recalls, seed=args.seed))
    print()
    print(
        "ranker v1 here ranks every candidate source's candidates (evaluate's ranker v1 row keeps only its 5 "
        "sources); the cross-fitted rows learn the test period's own queries (each scored by a model fitted on the "
        "other folds): what retraining could reach with these features, not a shippable model; recall@10 counts "
        "against each project's full relevant set (partners never proposed as candidates are misses); intervals: "
        "percentile bootstrap, 1000 resamples of the queries, the same for every row (ratios paired)."
    )


if __name__ == "__main__":
    main()
