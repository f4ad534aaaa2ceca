"""The learned ranker on an alliance where only collaboration history tells who works with whom.

Eight clubs of eight partners each run many small projects among themselves; every text is the same boilerplate, so
text similarity carries no signal and the right partners of a club's new project are its club mates.
"""

from __future__ import annotations

import random
from datetime import date
from pathlib import Path

import numpy as np
import pytest

from matcher.catalog import build_catalog
from matcher.domain import Dataset, Partner, Project, ProjectMember
from matcher.evaluation import evaluate
from matcher.evaluation.vectors import CachedVectors
from matcher.ranking.features import FEATURES
from matcher.ranking.learned import LearnedRanker
from matcher.ranking.selection import load_ranker, train_ranker
from tests.evaluation.fakes import BagOfWordsEmbedder


def club_alliance(clubs: int = 8, size: int = 8, projects_per_club: int = 10, seed: int = 0) -> Dataset:
    rng = random.Random(seed)
    partners = [
        Partner(id=f"c{c}-{i}", name=f"Organisation {c}-{i}", description="We work on education projects.")
        for c in range(clubs)
        for i in range(size)
    ]
    projects, members = [], []
    for n in range(projects_per_club):
        for c in range(clubs):
            pid = f"prj-{c}-{n}"
            projects.append(
                Project(id=pid, title="A project", description="An education project.", start_date=date(2015, 1, 1 + n))
            )
            team = rng.sample(range(size), 4)
            members += [ProjectMember(pid, f"c{c}-{i}", "lead" if j == 0 else "member") for j, i in enumerate(team)]
    return Dataset(partners=partners, projects=projects, project_members=members)


@pytest.fixture(scope="module")
def embedder() -> BagOfWordsEmbedder:
    return BagOfWordsEmbedder()


def test_the_learned_ranker_weighs_collaboration_history_when_text_says_nothing(embedder: BagOfWordsEmbedder) -> None:
    dataset = club_alliance()
    ranker = train_ranker(dataset, CachedVectors(embedder), embedder, model="logistic")
    assert isinstance(ranker, LearnedRanker)
    weights = ranker.weights
    assert weights["graph"] > 0
    assert weights["graph"] * 1.0 > max(abs(weights["dense"]), abs(weights["lexical"])) * 0.1
    assert ranker.n_queries_ >= 40
    assert 0.5 < ranker.train_auc_ <= 1.0


def test_cold_start_returns_no_model(embedder: BagOfWordsEmbedder) -> None:
    small = club_alliance(clubs=2, projects_per_club=3)
    assert train_ranker(small, CachedVectors(embedder), embedder) is None


def test_learned_ranker_beats_text_baselines_on_held_out_projects(embedder: BagOfWordsEmbedder, tmp_path: Path) -> None:
    report = evaluate(club_alliance(), embedder, cache=tmp_path / "vectors.npz")
    table = report.tables["collaborators for held-out projects"]
    learned = table.loc["learned ranker", "recall@10"]
    assert report.info["split"] == "by start_date"
    assert learned >= 0.6
    assert learned > 1.3 * max(table.loc[m, "recall@10"] for m in ("random", "popularity", "tfidf", "dense"))
    assert set(table.columns) >= {"recall@10", "recall@50", "nDCG@10", "MRR", "coverage@10"}
    assert (tmp_path / "vectors.npz").exists()


def test_saved_ranker_loads_with_a_model_card(embedder: BagOfWordsEmbedder, tmp_path: Path) -> None:
    ranker = train_ranker(club_alliance(), CachedVectors(embedder), embedder)
    assert ranker is not None
    ranker.save(tmp_path / "ranker.joblib", extra={"partners": 64})
    loaded = load_ranker(tmp_path / "ranker.joblib")
    features = np.random.default_rng(0).random((5, len(FEATURES))).astype(np.float32)
    np.testing.assert_allclose(loaded.contributions(features), ranker.contributions(features))
    card = (tmp_path / "ranker.md").read_text()
    assert "| graph |" in card and "partners: 64" in card and "simulated queries" in card
    assert ranker.selection_.chosen in {"logistic", "lambdarank", "blend"}  # chosen by held-out measurement
    assert "blend" in card or "logistic" in card


def test_training_queries_never_see_their_own_project(embedder: BagOfWordsEmbedder) -> None:
    """A held-out project's members are not tied through that project in the catalogue it is asked of."""
    from matcher.ranking.training import without_projects

    dataset = club_alliance()
    catalog = build_catalog(without_projects(dataset, {"prj-0-0"}), CachedVectors(embedder), embedder.dim)
    assert "prj-0-0" not in catalog.project_pos
    assert all("prj-0-0" not in projects for projects in catalog.partner_projects.values())


def test_the_boosted_ranker_learns_from_queries_with_more_candidates_than_lightgbm_takes() -> None:
    """LightGBM's lambdarank refuses a query of over 10,000 rows: negatives are sampled down, positives all kept."""
    from matcher.ranking.boosted import BoostedRanker, capped
    from matcher.ranking.training import TrainingData

    rng = np.random.default_rng(0)
    n = 12_000
    features = rng.random((n + 300, len(FEATURES))).astype(np.float32)
    labels = np.zeros(n + 300, dtype=np.int8)
    labels[rng.choice(n, 40, replace=False)] = 1
    labels[n + 5] = 1
    features[labels == 1, FEATURES.index("graph")] += 2.0  # the positives stand out on one feature
    groups = np.concatenate([np.zeros(n, dtype=np.int32), np.ones(300, dtype=np.int32)])
    data = TrainingData(features, labels, groups, 2)

    small = capped(data, 5000)
    assert small.group_sizes().tolist() == [5000, 300] and int(small.labels.sum()) == 41

    ranker = BoostedRanker(n_estimators=20).fit_features(data)
    scores = ranker.contributions(features[:n]).sum(axis=1)
    top = np.argsort(-scores)[:40]
    assert labels[top].mean() > 0.9
