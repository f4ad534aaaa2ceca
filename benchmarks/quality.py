"""recall@10 of the matcher and of its peers on the same held-out queries, so that speed is never bought with quality.

    python -m benchmarks.quality /tmp/perf-h2020 --split-date 2019-01-01 --cache /tmp/perf-h2020-vectors.npz

The split and the queries are ``matcher evaluate``'s (:func:`~matcher.evaluation.split.held_out_projects`): each
held-out project is asked by its lead about its text; the answer is its other members. The matcher is its learned
ranker as ``evaluate`` fits it on the training side. Each peer (:mod:`benchmarks.peers`) is a dense ranker only: it
ingests one document per partner, the partner's profile text on the training side (its own text and the texts of
its past projects, :meth:`~matcher.catalog.Catalog.profile_text`: what the matcher's TF-IDF reads; more than the
partner's description alone, which on H2020 is only its kind and country), and returns the cosine top 50 for the
project's text, minus the requester and the partners that are not discoverable.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import cast

import numpy as np

from benchmarks.peers import PEER_NAMES, Peer, create_peer
from matcher.catalog import build_catalog
from matcher.domain import Dataset
from matcher.evaluation.bootstrap import Interval
from matcher.evaluation.report import score_task
from matcher.evaluation.split import EvalSplit, HeldOutProject, held_out_projects, split_links

DEPTH = 50
MATCHER_ROW = "learned ranker"


@dataclass(frozen=True, slots=True)
class QualityResult:
    """recall@10 per method (``matcher`` and each peer by name) with its bootstrap interval, on ``queries``."""

    recall_at_10: dict[str, Interval]
    queries: int
    seconds: dict[str, float]


def profile_documents(train: Dataset) -> tuple[list[str], list[str]]:
    """Partner ids and profile texts of the training side (no vectors needed: the catalogue gets zeros)."""

    def zeros(texts: Sequence[str]) -> np.ndarray:
        return np.zeros((len(texts), 1), dtype=np.float32)

    catalog = build_catalog(train, zeros, 1)
    ids = [p.id for p in catalog.partners]
    return ids, [catalog.profile_text(i) for i in ids]


def peer_rankings(
    peer: Peer, queries: Sequence[HeldOutProject], shown: Callable[[str], bool], depth: int = DEPTH
) -> list[list[str]]:
    """The peer's top ``depth`` ids per query, the requester and the partners that may not be shown left out."""
    out = []
    for held in queries:
        k = depth + 1
        while True:  # deeper until ``depth`` remain once the left-out ones are dropped, or the peer has no more
            hits = peer.search(held.project.text, k)
            ranked = [i for i, _ in hits if i != held.lead and shown(i)]
            if len(ranked) >= depth or len(hits) < k:
                break
            k *= 2
        out.append(ranked[:depth])
    return out


def matcher_recall(dataset: Dataset, split: EvalSplit, cache: Path | None, home: Path) -> Interval:
    """recall@10 of the matcher's learned ranker (its default encoders), fitted and asked as ``evaluate`` does."""
    from matcher.engine import create_embedder
    from matcher.evaluation import evaluate
    from matcher.evaluation.rankers import RankerRow, fit_selected
    from matcher.evaluation.run import PROJECTS_TASK
    from matcher.settings import Settings

    embedder = create_embedder(Settings(home=home, database_url=None))
    report = evaluate(dataset, embedder, split=split, cache=cache, rankers=(RankerRow(MATCHER_ROW, fit_selected),))
    cells = report.intervals[PROJECTS_TASK]
    row = MATCHER_ROW if MATCHER_ROW in cells.index else "default ranker"  # cold start: too little history to learn
    return cast(Interval, cells.at[row, "recall@10"])


def measure(
    dataset: Dataset,
    *,
    split_date: date | None,
    cache: Path | None,
    home: Path,
    peers: Sequence[str] = PEER_NAMES,
    log: Callable[[str], None] = lambda _: None,
    seed: int = 0,
) -> QualityResult:
    split = split_links(dataset, split_date=split_date, seed=seed)
    ids, documents = profile_documents(split.train)
    known = set(ids)
    queries = held_out_projects(split, known)
    discoverable = {p.id for p in dataset.partners if p.discoverable}
    rankings: dict[str, list[list[str]]] = {}
    seconds: dict[str, float] = {}
    for name in peers:
        started = time.perf_counter()
        peer = create_peer(name)
        peer.ingest(ids, documents)
        rankings[name] = peer_rankings(peer, queries, discoverable.__contains__)
        seconds[name] = time.perf_counter() - started
        log(f"quality: {name} ranked {len(queries)} queries in {seconds[name]:.0f} s")
        del peer
    scores = score_task(rankings, [set(h.relevant) for h in queries], len(dataset.partners), seed=seed)
    recall = {name: cast(Interval, scores.intervals.at[name, "recall@10"]) for name in rankings}
    started = time.perf_counter()
    recall["matcher"] = matcher_recall(dataset, split, cache, home)
    seconds["matcher"] = time.perf_counter() - started
    log(f"quality: matcher evaluated in {seconds['matcher']:.0f} s")
    return QualityResult(recall, len(queries), seconds)


def main(argv: list[str] | None = None) -> None:
    from matcher.io.importer import read_directory

    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("data", type=Path, help="an import directory (e.g. converted H2020)")
    parser.add_argument("--split-date", type=date.fromisoformat, default=None)
    parser.add_argument("--cache", type=Path, default=None, help="the matcher's vector cache (.npz)")
    parser.add_argument("--home", type=Path, default=Path("/tmp/perf-quality-home"), help="MATCHER_HOME (models)")
    args = parser.parse_args(argv)
    result = measure(
        read_directory(args.data).dataset, split_date=args.split_date, cache=args.cache, home=args.home, log=print
    )
    for name, interval in result.recall_at_10.items():
        print(f"{name}: recall@10 {interval} ({result.queries} queries, {result.seconds[name]:.0f} s)")


if __name__ == "__main__":
    main()
