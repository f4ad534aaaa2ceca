"""The engine picks the index kind by size (MATCHER_INDEX, MATCHER_INDEX_THRESHOLD), saves both indexes (partner
descriptions and past projects) with their recall, reloads them without rebuilding, and switches kind when told."""

from __future__ import annotations

import shutil
from pathlib import Path

from matcher.embedding.base import Embedder
from matcher.engine import Matcher
from matcher.index.hnsw import HnswIndex
from tests.conftest import OCEAN_QUERY, make_settings


def open_with(home: Path, embedder: Embedder, **settings: object) -> Matcher:
    return Matcher(make_settings(home).model_copy(update=settings), embedder=embedder).open()


def test_small_catalogues_get_exact_indexes(tmp_path: Path, tiny_home: Path, embedder: Embedder) -> None:
    shutil.copytree(tiny_home, tmp_path / "home")
    matcher = open_with(tmp_path / "home", embedder)

    indexes = matcher.status()["indexes"]

    assert indexes["partners"] == {"kind": "faiss:Flat", "vectors": 12, "recall_at_10": 1.0}
    assert indexes["history"]["kind"] == "faiss:Flat"
    assert indexes["history"]["vectors"] == 8  # the partners with past projects
    assert indexes["projects"]["kind"] == "faiss:Flat"
    assert indexes["projects"]["vectors"] == len(matcher.catalog.projects)
    matcher.close()


def test_above_the_threshold_auto_builds_hnsw_with_its_recall(
    tmp_path: Path, tiny_home: Path, embedder: Embedder
) -> None:
    home = tmp_path / "home"
    shutil.copytree(tiny_home, home)
    exact = open_with(home, embedder).recommender.collaborators(text=OCEAN_QUERY, k=3)

    matcher = open_with(home, embedder, index_threshold=3)  # every index holds more: all HNSW
    indexes = matcher.status()["indexes"]
    top = matcher.recommender.collaborators(text=OCEAN_QUERY, k=3)

    assert indexes["partners"]["kind"] == indexes["history"]["kind"] == "faiss:HNSW32,SQ4"
    assert indexes["projects"]["kind"] == "faiss:HNSW32,SQ4"  # the most similar projects from it
    assert indexes["partners"]["recall_at_10"] == 1.0  # 12 vectors: the graph search is exhaustive
    assert [m.partner_id for m in top] == [m.partner_id for m in exact]
    assert (home / "index" / "history.faiss").exists() and (home / "index" / "history.manifest.json").exists()
    assert (home / "index" / "projects.faiss").exists() and (home / "index" / "projects.manifest.json").exists()
    matcher.close()

    reopened = open_with(home, embedder, index_threshold=5)
    assert isinstance(reopened.recommender.index, HnswIndex)  # loaded from the files, same kind: no switch back
    assert sorted(reopened.recommender.index.ids()) == sorted(p.id for p in reopened.catalog.partners)
    reopened.close()

    byte = open_with(home, embedder, index_threshold=5, index_storage="sq8")  # MATCHER_INDEX_STORAGE: rebuilt
    assert byte.status()["indexes"]["partners"]["kind"] == byte.status()["indexes"]["history"]["kind"]
    assert byte.status()["indexes"]["partners"]["kind"] == "faiss:HNSW32,SQ8"
    assert [m.partner_id for m in byte.recommender.collaborators(text=OCEAN_QUERY, k=3)] == [m.partner_id for m in top]
    byte.close()
    written = (home / "index" / "partners.faiss").stat().st_mtime_ns
    kept = open_with(home, embedder, index_threshold=5, index_storage="sq8")  # saved in that storage: loaded as is
    assert isinstance(kept.recommender.index, HnswIndex) and kept.recommender.index.storage == "sq8"
    assert (home / "index" / "partners.faiss").stat().st_mtime_ns == written  # not rebuilt
    kept.close()

    flat_again = open_with(home, embedder, index="flat")
    assert flat_again.status()["index"] == {"kind": "faiss:Flat", "vectors": 12}
    flat_again.close()


def test_an_edit_updates_the_hnsw_index_in_place(tmp_path: Path, tiny_home: Path, embedder: Embedder) -> None:
    home = tmp_path / "home"
    shutil.copytree(tiny_home, home)
    matcher = open_with(home, embedder, index="hnsw")
    index = matcher.recommender.index
    assert isinstance(index, HnswIndex)
    partner = matcher.catalog.partner("garden-city")
    dataset = matcher.store.load_dataset()
    dataset.partners = [
        p if p.id != partner.id else type(p)(**{**{f: getattr(p, f) for f in p.__slots__}, "description": OCEAN_QUERY})
        for p in dataset.partners
    ]
    matcher.store.replace_dataset(dataset, model=embedder.name, vectors={})

    matcher.refresh()

    assert matcher.recommender.index is index and index.tombstones == 1  # replaced in place, not rebuilt
    assert "garden-city" in [m.partner_id for m in matcher.recommender.collaborators(text=OCEAN_QUERY, k=4)]
    matcher.close()
