"""Learning the ranker is an application of the engine (matcher.learning): the engine's ingest imports and serves,
``learning.ingest`` also learns, as ``matcher ingest`` and the service's seed do."""

from __future__ import annotations

import json
from pathlib import Path

from matcher import learning
from matcher.engine import Matcher
from matcher.ranking.ranker import LinearRanker
from tests.conftest import make_settings
from tests.service.test_observability import small_alliance
from tests.store.support import HashEmbedder


def test_the_engine_imports_without_learning_and_the_application_learns(tmp_path: Path) -> None:
    directory = small_alliance(tmp_path / "import")
    engine_only = Matcher(make_settings(tmp_path / "a"), embedder=HashEmbedder()).open()
    imported = engine_only.ingest(directory)
    assert not engine_only.settings.ranker_path.exists()  # nothing learned: the default weights serve
    assert isinstance(engine_only.recommender.ranker, LinearRanker)

    learned = Matcher(make_settings(tmp_path / "b"), embedder=HashEmbedder()).open()
    report = learning.ingest(learned, directory)
    assert report.counts == imported.counts and report.counts["projects"] == 14
    path = learned.settings.ranker_path
    assert path.exists() and path.with_suffix(".md").exists()
    assert json.loads(path.with_suffix(".json").read_text())["store revision"] == learned.store.revision()
    assert not learned.ranker_is_stale()
    assert not isinstance(learned.recommender.ranker, LinearRanker)  # the snapshot serves what was learned


def test_without_auto_train_the_application_only_imports(tmp_path: Path) -> None:
    settings = make_settings(tmp_path / "home").model_copy(update={"auto_train": False})
    matcher = Matcher(settings, embedder=HashEmbedder()).open()
    learning.ingest(matcher, small_alliance(tmp_path / "import"))
    assert not settings.ranker_path.exists()
