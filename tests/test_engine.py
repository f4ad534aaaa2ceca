"""Matcher: all-or-nothing imports, incremental re-embedding, and an index that repairs itself from the store."""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest

from matcher.embedding.base import Embedder
from matcher.engine import Matcher
from matcher.io.importer import ImportValidationError
from matcher.store.repository import Store
from tests.conftest import OCEAN_QUERY, TINY, edit_file, make_settings


class CountingEmbedder:
    """The real embedder, recording every text it is asked to encode."""

    def __init__(self, inner: Embedder) -> None:
        self.inner = inner
        self.name = inner.name
        self.dim = inner.dim
        self.texts: list[str] = []

    def encode(self, texts: Sequence[str], *, batch_size: int = 32, show_progress: bool = False) -> np.ndarray:
        self.texts.extend(texts)
        return self.inner.encode(texts, batch_size=batch_size, show_progress=show_progress)


def ranking(matcher: Matcher, text: str = OCEAN_QUERY) -> list[tuple[str, float]]:
    return [(m.partner_id, m.score) for m in matcher.recommender.collaborators(text=text, k=20)]


def test_first_ingest_reports_counts_and_embeds_every_text(fresh_matcher: Matcher) -> None:
    report = fresh_matcher.ingest(TINY)

    assert report.counts == {
        "partners": 12,
        "projects": 4,
        "action_groups": 2,
        "project_members": 9,
        "group_members": 3,
    }
    assert report.embedded == 18  # 12 partners + 4 projects + 2 groups
    assert report.reused == 0
    assert report.sync.added == {"partners": 12, "projects": 4, "action_groups": 2}
    assert fresh_matcher.store.counts() == report.counts
    assert fresh_matcher.recommender.index.count() == 12
    assert fresh_matcher.status()["index"] == {"kind": "faiss:Flat", "vectors": 12}


def test_invalid_directory_leaves_store_and_recommendations_unchanged(ingested: Matcher, tiny_dir: Path) -> None:
    before = (ingested.store.load_dataset(), ingested.store.revision(), ranking(ingested))
    edit_file(tiny_dir / "partners.csv", "Blue Reef School", "Blue Reef Academy")  # a valid change...
    edit_file(tiny_dir / "projects.csv", "14;4,running", "14;4,ongoing")  # ...and an error

    with pytest.raises(ImportValidationError):
        ingested.ingest(tiny_dir)

    ingested.refresh()
    assert (ingested.store.load_dataset(), ingested.store.revision(), ranking(ingested)) == before


def test_failure_while_writing_rolls_the_whole_import_back(
    ingested: Matcher, tiny_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = (ingested.store.load_dataset(), ingested.store.revision(), ingested.store.counts())
    (tiny_dir / "project_members.csv").unlink()
    edit_file(tiny_dir / "partners.csv", "Blue Reef School", "Blue Reef Academy")

    def fail(*args: object) -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr(Store, "_bump_revision", staticmethod(fail))  # the last step of the write transaction
    with pytest.raises(RuntimeError, match="disk full"):
        ingested.ingest(tiny_dir)

    assert (ingested.store.load_dataset(), ingested.store.revision(), ingested.store.counts()) == before


def test_reimport_of_the_same_directory_embeds_nothing(ingested: Matcher) -> None:
    counting = CountingEmbedder(ingested.embedder)
    again = Matcher(ingested.settings, embedder=counting).open()
    revision = again.store.revision()

    report = again.ingest(TINY)

    assert report.embedded == 0
    assert report.reused == 18
    assert counting.texts == []
    assert report.sync.unchanged == {"partners": 12, "projects": 4, "action_groups": 2}
    assert (
        report.sync.updated
        == report.sync.added
        == report.sync.removed
        == {
            "partners": 0,
            "projects": 0,
            "action_groups": 0,
        }
    )
    assert again.store.revision() == revision + 1


def test_changed_description_reembeds_exactly_that_text(ingested: Matcher, tiny_dir: Path) -> None:
    assert "stem-youth" not in [pid for pid, _ in ranking(ingested)[:3]]
    new = "Girls building robots to monitor coral reefs; ocean literacy for schools."
    edit_file(
        tiny_dir / "partners.csv",
        "Youth movement of girls building robots and apps; peer mentoring in engineering.",
        new,
    )
    counting = CountingEmbedder(ingested.embedder)
    matcher = Matcher(ingested.settings, embedder=counting).open()

    report = matcher.ingest(tiny_dir)

    assert report.embedded == 1
    assert counting.texts == [f"Girls Who Build. {new}"]
    assert report.sync.updated == {"partners": 1, "projects": 0, "action_groups": 0}
    assert matcher.catalog.partner("stem-youth").description == new
    assert "stem-youth" in [pid for pid, _ in ranking(matcher)[:3]]
    manifest = json.loads((matcher.settings.index_dir / "partners.manifest.json").read_text())
    assert len(manifest["hashes"]) == 12


def test_removed_partner_leaves_results_and_index(ingested: Matcher, tiny_dir: Path) -> None:
    assert "ocean-lab" in [pid for pid, _ in ranking(ingested)]
    edit_file(
        tiny_dir / "partners.csv",
        'ocean-lab,Coastal Research Lab,research_centre,PT,Lisbon,en;pt,"Research centre on coastal ecosystems, '
        'ocean acidification and marine protected areas.",,14;13,true\n',
        "",
    )

    report = ingested.ingest(tiny_dir)

    assert report.sync.removed == {"partners": 1, "projects": 0, "action_groups": 0}
    assert report.embedded == 0
    assert "ocean-lab" not in [pid for pid, _ in ranking(ingested)]
    assert "ocean-lab" not in [m.partner_id for m in ingested.recommender.collaborators(project_id="reef-kit", k=20)]
    assert "ocean-lab" not in ingested.recommender.index.ids()
    assert ingested.recommender.index.count() == 11
    reopened = Matcher(ingested.settings, embedder=ingested.embedder).open()
    assert "ocean-lab" not in reopened.recommender.index.ids()


def _delete_index(home: Path) -> None:
    (home / "index" / "partners.faiss").unlink()


def _corrupt_index(home: Path) -> None:
    (home / "index" / "partners.faiss").write_bytes(b"not a faiss index")


def _delete_manifest(home: Path) -> None:
    (home / "index" / "partners.manifest.json").unlink()


def _corrupt_manifest(home: Path) -> None:
    (home / "index" / "partners.manifest.json").write_text("{truncated")


def _delete_ids(home: Path) -> None:
    (home / "index" / "partners.ids.json").unlink()


def _stale_hash(home: Path) -> None:
    path = home / "index" / "partners.manifest.json"
    manifest = json.loads(path.read_text())
    manifest["hashes"]["ocean-ngo"] = "0" * 32
    path.write_text(json.dumps(manifest))


def _other_model(home: Path) -> None:
    path = home / "index" / "partners.manifest.json"
    manifest = json.loads(path.read_text())
    manifest["model"] = "some-other-model"
    path.write_text(json.dumps(manifest))


@pytest.mark.parametrize(
    "damage",
    [_delete_index, _corrupt_index, _delete_manifest, _corrupt_manifest, _delete_ids, _stale_hash, _other_model],
    ids=lambda f: f.__name__.strip("_"),
)
def test_damaged_index_is_repaired_from_the_store(ingested: Matcher, damage: object) -> None:
    expected = ranking(ingested)
    group_expected = [(m.partner_id, m.score) for m in ingested.recommender.group_candidates("youth-empowerment")]
    ingested.close()
    damage(ingested.settings.home)  # type: ignore[operator]
    counting = CountingEmbedder(ingested.embedder)

    repaired = Matcher(ingested.settings, embedder=counting).open()

    assert ranking(repaired) == expected
    assert [
        (m.partner_id, m.score) for m in repaired.recommender.group_candidates("youth-empowerment")
    ] == group_expected
    assert counting.texts == [OCEAN_QUERY]  # stored texts came from the embeddings cache, only the query was embedded
    assert repaired.recommender.index.count() == 12
    manifest = json.loads((ingested.settings.index_dir / "partners.manifest.json").read_text())
    assert manifest["model"] == ingested.embedder.name
    assert sorted(manifest["hashes"]) == sorted(p.id for p in repaired.catalog.partners)
    again = Matcher(ingested.settings, embedder=ingested.embedder).open()
    assert ranking(again) == expected  # and the repaired files load as they are


def test_intact_index_is_loaded_without_a_rebuild(ingested: Matcher, caplog: pytest.LogCaptureFixture) -> None:
    path = ingested.settings.index_dir / "partners.faiss"
    written = path.stat().st_mtime_ns

    with caplog.at_level(logging.WARNING, logger="matcher.engine"):
        Matcher(ingested.settings, embedder=ingested.embedder).open().refresh()

    assert path.stat().st_mtime_ns == written
    assert [r.getMessage() for r in caplog.records if r.name == "matcher.engine"] == []


def test_refresh_if_stale_follows_writes_of_another_process(ingested: Matcher, tiny_dir: Path) -> None:
    other = Matcher(make_settings(ingested.settings.home), embedder=ingested.embedder).open()
    ingested.refresh()
    assert ingested.refresh_if_stale() is False
    edit_file(tiny_dir / "partners.csv", "Blue Reef School", "Blue Reef Academy")

    other.ingest(tiny_dir)

    assert ingested.refresh_if_stale() is True
    assert ingested.catalog.partner("ocean-school").name == "Blue Reef Academy"
