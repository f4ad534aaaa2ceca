"""``evaluate`` with a temporal split on the club alliance (club mates are the answer): every table cell has a
bootstrap interval, "ranker v1" is a row of the same run, and the headline ratios are paired intervals."""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path

import numpy as np
import pytest

from matcher.catalog import build_catalog
from matcher.evaluation import EvaluationReport, evaluate
from matcher.evaluation.baselines import BASELINES, Baselines
from matcher.evaluation.run import _Pipeline, _rank_all
from matcher.evaluation.split import split_links
from matcher.evaluation.vectors import CachedVectors
from matcher.ranking.ranker import LinearRanker
from matcher.recommender import Recommender
from tests.evaluation.fakes import BagOfWordsEmbedder
from tests.evaluation.test_learned import club_alliance

SPLIT = date(2015, 1, 8)  # projects 0-6 of each club are the past, 7-9 the future


@pytest.fixture(scope="module")
def embedder() -> BagOfWordsEmbedder:
    return BagOfWordsEmbedder()


@pytest.fixture(scope="module")
def report(embedder: BagOfWordsEmbedder, tmp_path_factory: pytest.TempPathFactory) -> EvaluationReport:
    cache = tmp_path_factory.mktemp("cache") / "vectors.npz"
    return evaluate(club_alliance(), embedder, split_date=SPLIT, cache=cache, resamples=300)


def test_the_temporal_split_asks_about_the_future_projects_only(report: EvaluationReport) -> None:
    assert report.info["split"] == "train before 2015-01-08, test from 2015-01-08"
    assert (report.info["train_projects"], report.info["test_projects"], report.info["left_out_projects"]) == (
        56,
        24,
        0,
    )
    table = report.tables["collaborators for held-out projects"]
    assert list(table.index) == [
        *BASELINES, "equal-weight fusion", "default ranker", "ranker v1", "logistic", "lambdarank", "blend",
        "learned ranker",
    ]  # fmt: skip
    assert set(table["queries"]) == {24}
    assert table.at["learned ranker", "recall@10"] >= 0.6


def test_every_cell_has_an_interval_around_its_value(report: EvaluationReport) -> None:
    table = report.tables["collaborators for held-out projects"]
    cells = report.intervals["collaborators for held-out projects"]
    assert list(cells.index) == list(table.index)
    for method in table.index:
        for metric in ("recall@10", "recall@50", "nDCG@10", "MRR", "coverage@10"):
            interval = cells.at[method, metric]
            assert interval.value == pytest.approx(table.at[method, metric])
            assert interval.lo <= interval.value <= interval.hi
    random = cells.at["random", "recall@10"]
    assert random.hi - random.lo > 0  # 24 queries: real noise


def test_headline_ratios_are_paired_and_match_the_table(report: EvaluationReport) -> None:
    table = report.tables["collaborators for held-out projects"]
    recall = table["recall@10"]
    best = max(BASELINES, key=lambda b: recall[b])
    over_baseline = report.headline[f"learned ranker ÷ best single-signal baseline (on all queries: {best})"]
    assert over_baseline.value == pytest.approx(recall["learned ranker"] / recall[best])
    assert over_baseline.lo <= over_baseline.value <= over_baseline.hi
    over_v1 = report.headline["learned ranker ÷ ranker v1"]
    assert over_v1.value == pytest.approx(recall["learned ranker"] / recall["ranker v1"])


def test_markdown_and_json_show_the_intervals(report: EvaluationReport) -> None:
    text = report.to_markdown()
    assert re.search(r"\| learned ranker +\| \d\.\d{3} \[\d\.\d{3}, \d\.\d{3}\] \|", text)
    assert "learned ranker ÷ ranker v1: " in text
    payload = json.loads(json.dumps(report.to_dict()))
    row = next(r for r in payload["tasks"]["collaborators for held-out projects"] if r["method"] == "ranker v1")
    assert set(row["recall@10"]) == {"value", "lo", "hi"} and row["queries"] == 24
    assert (
        payload["headline"]["learned ranker ÷ ranker v1"]["lo"]
        <= payload["headline"]["learned ranker ÷ ranker v1"]["hi"]
    )


def test_rankers_share_candidates_but_rank_exactly_as_the_recommender(embedder: BagOfWordsEmbedder) -> None:
    split = split_links(club_alliance(), split_date=SPLIT)
    vectors = CachedVectors(embedder)
    rec = Recommender(build_catalog(split.train, vectors, embedder.dim), embedder)
    pipeline = _Pipeline(rec)
    queries, expected = [], []
    for project in split.test_projects[:6]:
        lead = next(m.partner_id for m in split.test_members[project.id] if m.role == "lead")
        queries.append(pipeline.resolve(project.text, vectors([project.text])[0], requester_id=lead))
        expected.append([m.partner_id for m in rec.collaborators(text=project.text, requester_id=lead, k=50)])
    baselines = Baselines(rec.catalog, pipeline.allowed, seed=0)
    rankings = _rank_all(pipeline, queries, {"default": LinearRanker()}, {"tfidf": baselines.tfidf})
    assert rankings["default"] == expected
    assert all(len(r) == 50 for r in rankings["tfidf"])
    assert np.mean([len(set(a[:10]) & set(b[:10])) for a, b in zip(rankings["tfidf"], expected, strict=True)]) < 10


def test_no_learned_rows_without_history(embedder: BagOfWordsEmbedder, tmp_path: Path) -> None:
    small = evaluate(club_alliance(clubs=2, projects_per_club=3), embedder, split_date=date(2015, 1, 3))
    assert small.info["learned"] == "cold start: not enough history"
    assert "ranker v1" not in small.tables["collaborators for held-out projects"].index
    assert small.headline == {}


def test_ablation_rows_come_with_paired_drops(embedder: BagOfWordsEmbedder) -> None:
    from matcher.evaluation import ablation_rows
    from matcher.evaluation.run import RANKER_ROWS

    rows = tuple(r for r in RANKER_ROWS if r.name == "logistic") + ablation_rows()
    report = evaluate(club_alliance(), embedder, split_date=SPLIT, resamples=200, rankers=rows)
    table = report.tables["collaborators for held-out projects"]
    graph = report.drops["collaboration graph (graph, walk)"]
    # the answer is the club: without the collaboration graph the ranker loses most of what it finds
    expected = table.at["logistic", "recall@10"] - table.at["logistic − collaboration graph (graph, walk)", "recall@10"]
    assert graph.value == pytest.approx(expected) and graph.value > 0.3 and graph.lo > 0
    assert set(report.drops) == {name.split(" − ", 1)[1] for name in table.index if " − " in name}
    assert "What each group of signals adds" in report.to_markdown()
    assert set(report.to_dict()["drops"]) == set(report.drops)
