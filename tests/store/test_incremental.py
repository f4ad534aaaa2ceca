"""The index follows the store: writes move only the changed vectors, a crash is repaired at start-up, and
several processes on one database converge. On SQLite and PostgreSQL, with a fast hashing embedder."""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from matcher.domain import Partner
from matcher.editor import Editor
from matcher.embedding.coalescing import CoalescingEmbedder
from matcher.engine import Matcher
from matcher.settings import Settings
from tests.store.support import HashEmbedder, generated_dataset


class CountingEmbedder(HashEmbedder):
    def __init__(self) -> None:
        self.texts: list[str] = []

    def encode(self, texts: Sequence[str], *, batch_size: int = 32, show_progress: bool = False) -> np.ndarray:
        self.texts.extend(texts)
        return super().encode(texts, batch_size=batch_size, show_progress=show_progress)


def make_matcher(home: Path, url: str, embedder: HashEmbedder | None = None) -> Matcher:
    settings = Settings(home=home, database_url=url, seed_dir=None, auto_train=False, ranker="default")
    return Matcher(settings, embedder=embedder or HashEmbedder()).open()


@pytest.fixture
def loaded(tmp_path: Path, store_url: str) -> Matcher:
    """A matcher over 40 generated partners, index built and saved."""
    matcher = make_matcher(tmp_path / "a", store_url, CountingEmbedder())
    matcher.store.replace_dataset(generated_dataset(40), model=matcher.embedder.name, vectors={})
    matcher.refresh()
    return matcher


def _manifest(matcher: Matcher) -> dict[str, str]:
    """The saved partner index's hashes, once the pending saves are written (a write saves them a moment later)."""
    matcher.snapshots.saver.flush()
    manifest = json.loads((matcher.settings.index_dir / "partners.manifest.json").read_text())
    return dict(manifest["hashes"])


def _spy(index: Any, monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, list[str]]]:
    calls: list[tuple[str, list[str]]] = []
    add, remove = index.add, index.remove
    monkeypatch.setattr(index, "add", lambda ids, vectors: (calls.append(("add", list(ids))), add(ids, vectors))[1])
    monkeypatch.setattr(index, "remove", lambda ids: (calls.append(("remove", list(ids))), remove(ids))[1])
    return calls


def _assert_exact(matcher: Matcher) -> None:
    """The live index answers like an exact scan of the catalog's vectors, for every partner as the query."""
    catalog, index = matcher.catalog, matcher.recommender.index
    assert sorted(index.ids()) == sorted(p.id for p in catalog.partners)
    scores, _ = index.search(catalog.partner_vectors, 5)
    exact = np.sort(catalog.partner_vectors @ catalog.partner_vectors.T, axis=1)[:, ::-1][:, :5]
    np.testing.assert_allclose(scores, exact, atol=1e-5)


def test_a_write_embeds_only_its_text_and_moves_only_its_vector(
    loaded: Matcher, monkeypatch: pytest.MonkeyPatch
) -> None:
    coalescing = loaded.embedder
    assert isinstance(coalescing, CoalescingEmbedder)  # the engine's wrapper (concurrent queries share inferences)
    embedder = coalescing.embedder.embedder  # inside the query-vector cache (matcher.embedding.cached)
    assert isinstance(embedder, CountingEmbedder)
    embedder.texts.clear()
    index = loaded.recommender.index
    calls = _spy(index, monkeypatch)
    editor = Editor(loaded)

    editor.patch("partners", "gen-00005", {"description": "Kelp forest restoration with divers."})
    assert embedder.texts == ["Gen Partner 5. Kelp forest restoration with divers."]
    assert calls == [("remove", ["gen-00005"]), ("add", ["gen-00005"])]
    assert loaded.recommender.index is index  # updated in place, not rebuilt

    calls.clear()
    embedder.texts.clear()
    editor.patch("partners", "gen-00005", {"city": "Bergen"})  # not part of the embedded text
    assert embedder.texts == [] and calls == []  # the index is not touched at all

    editor.create("partners", Partner("kelp", "Kelp Lab", "Kelp forest restoration with divers."))
    assert embedder.texts == ["Kelp Lab. Kelp forest restoration with divers."]
    editor.delete("partners", "gen-00007")
    assert calls[-2:] == [("remove", ["gen-00007"]), ("add", [])]
    assert index.count() == 40

    top = loaded.recommender.collaborators(text="kelp forest restoration divers", k=2)
    assert {m.partner_id for m in top} == {"kelp", "gen-00005"}
    assert _manifest(loaded) == loaded.store.content_hashes("partners")
    _assert_exact(loaded)


def test_start_up_repairs_what_a_crash_after_the_commit_left(
    loaded: Matcher, tmp_path: Path, store_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    """Store commits that never reached the index files (the process died in between) are repaired on open."""
    store = loaded.store
    store.update_record("partners", Partner("gen-00005", "Gen Partner 5", "Kelp forest restoration with divers."))
    store.delete_record("partners", "gen-00007")
    store.create_record("partners", Partner("kelp", "Kelp Lab", "Kelp forest divers."))
    assert _manifest(loaded)["gen-00007"]  # the saved index still has the deleted partner
    loaded.close()

    with caplog.at_level(logging.WARNING, logger="matcher.engine"):
        restarted = make_matcher(tmp_path / "a", store_url)
        restarted.refresh()
    assert "index was out of step with the store" in caplog.text  # and said so
    assert _manifest(restarted) == restarted.store.content_hashes("partners")
    _assert_exact(restarted)
    found = restarted.recommender.collaborators(text="We work on ocean and ocean education, programme 7.", k=40)
    assert "gen-00007" not in {m.partner_id for m in found}
    row = restarted.catalog.partner_pos["gen-00005"]
    expected = HashEmbedder().encode(["Gen Partner 5. Kelp forest restoration with divers."])[0]
    served = expected.astype(np.float16).astype(np.float32)  # the served precision (snapshot.SERVED_PRECISION)
    np.testing.assert_array_equal(restarted.catalog.partner_vectors[row], served)
    restarted.close()


def test_two_processes_on_one_database_converge(loaded: Matcher, tmp_path: Path, store_url: str) -> None:
    other = make_matcher(tmp_path / "b", store_url)  # its own index files, the same database
    other.refresh()
    editor = Editor(loaded)
    editor.create("partners", Partner("kelp", "Kelp Lab", "Kelp forest restoration with divers."))
    editor.patch("partners", "gen-00003", {"description": "Kelp forest monitoring by school divers."})
    editor.delete("partners", "gen-00009")

    assert other.refresh_if_stale(max_age=3600) is False  # throttled: it looked less than an hour ago
    assert other.check_due(max_age=3600) is False and other.check_due(max_age=0) is True  # what the API asks first
    assert other.refresh_if_stale() is True
    assert other.refresh_if_stale() is False
    assert other.revision == loaded.revision == loaded.store.revision()
    for text in ("kelp forest divers", "We work on garden and climate education", "coding"):
        mine = [(m.partner_id, m.score) for m in loaded.recommender.collaborators(text=text, k=10)]
        theirs = [(m.partner_id, m.score) for m in other.recommender.collaborators(text=text, k=10)]
        assert mine == theirs
    assert _manifest(other) == _manifest(loaded) == loaded.store.content_hashes("partners")
    other.close()


def test_reads_never_fail_while_writes_update_the_index(loaded: Matcher) -> None:
    editor = Editor(loaded)
    ever = {p.id for p in loaded.catalog.partners} | {f"new-{n}" for n in range(10)}
    errors: list[BaseException] = []
    stop = threading.Event()

    def read() -> None:
        while not stop.is_set():
            try:
                for match in loaded.recommender.collaborators(text="ocean garden climate education", k=10):
                    assert match.partner_id in ever
            except BaseException as exc:  # collected, asserted empty below
                errors.append(exc)
                return

    readers = [threading.Thread(target=read) for _ in range(3)]
    for thread in readers:
        thread.start()
    try:
        for n in range(10):
            editor.create("partners", Partner(f"new-{n}", f"New {n}", f"Ocean garden education {n}."))
            editor.delete("partners", f"gen-{n:05d}")
    finally:
        stop.set()
        for thread in readers:
            thread.join()
    assert errors == []
    _assert_exact(loaded)
