"""The snapshot follows writes by deltas: after any sequence of writes it recommends what a rebuild from the store
recommends, with no reload of the store.

What "the same" means: the delta-updated snapshot keeps the TF-IDF vocabulary and idf of its last full fit, so it is
compared with a rebuild from the store that keeps that vocabulary (``build_catalog(..., lexical=fitted)``): every
catalogue array is equal and every recommendation has the same partners with the same scores (bit for bit before the
4-decimal rounding of the API). After a refit (a new vocabulary), it is compared with a plain rebuild, the same way.
"""

from __future__ import annotations

import dataclasses
import datetime
import os
import random
import sys
import threading
import time
from pathlib import Path
from typing import Any, cast

import numpy as np
import pytest

from matcher.catalog import Catalog, build_catalog
from matcher.domain import ActionGroup, Partner, Project, content_hash
from matcher.editor import Editor
from matcher.embedding.coalescing import CoalescingEmbedder, alone
from matcher.engine import Matcher
from matcher.index.factory import build_index
from matcher.lexical import PatchedLexical
from matcher.ranking.bridge import LexicalBridge
from matcher.ranking.features import DenseLayout
from matcher.recommender import Recommender, history_rows
from matcher.rows import VectorRows
from matcher.settings import Settings
from matcher.snapshot import (
    SERVED_PRECISION,
    SnapshotManager,
    history_hashes,
    partner_hashes,
    project_hashes,
    shareable,
)
from matcher.store.errors import DuplicateRecordError, RecordNotFoundError
from tests.store.fixtures import postgres_skip_reason, store_url  # noqa: F401 - fixtures
from tests.store.support import HashEmbedder, generated_dataset
from tests.test_catalog_patch import assert_same

WORDS = "ocean reef garden climate coding music health water forest energy kelp school youth girls solar".split()
QUERIES = ("ocean reef school", "solar energy for girls", "kelp forest music")


def open_matcher(home: Path, url: str) -> Matcher:
    settings = Settings(home=home, database_url=url, seed_dir=None, auto_train=False, ranker="default", index="flat")
    return Matcher(settings, embedder=HashEmbedder()).open()


@pytest.fixture
def matcher(tmp_path: Path) -> Matcher:
    m = open_matcher(tmp_path / "home", f"sqlite:///{tmp_path / 'store.db'}")
    data = generated_dataset(40, seed=1)
    groups = [ActionGroup("g-blue", "Blue schools", "Ocean literacy."), ActionGroup("g-sun", "Solar", "Energy.")]
    m.store.replace_dataset(dataclasses.replace(data, action_groups=groups), model=m.embedder.name, vectors={})
    m.refresh()
    return m


def random_write(editor: Editor, rng: random.Random, serial: int) -> None:
    """One write of the API's kinds, on random records (writes the store refuses are part of the sequence)."""
    c = editor.matcher.catalog
    partners, projects, groups = [p.id for p in c.partners], [p.id for p in c.projects], [g.id for g in c.groups]
    text = " ".join(rng.sample(WORDS, 4))
    move = rng.randrange(14)
    try:
        if move == 0:
            editor.create("partners", Partner(f"new-{serial}", f"New {serial}", text, country=rng.choice(["FR", "ZW"])))
        elif move == 1:
            editor.delete("partners", rng.choice(partners))
        elif move == 2:
            editor.patch("partners", rng.choice(partners), {"description": text})
        elif move == 3:
            editor.patch("partners", rng.choice(partners), {"country": rng.choice(["NO", "KE"]), "type": "university"})
        elif move == 4:
            editor.patch("partners", rng.choice(partners), {"discoverable": rng.random() < 0.5, "languages": ("fr",)})
        elif move == 5:
            editor.create("projects", Project(f"proj-{serial}", f"Project {serial}", text))
        elif move == 6 and projects:
            editor.delete("projects", rng.choice(projects))
        elif move == 7 and projects:
            start = datetime.date(2015 + serial % 10, 1, 1)
            editor.patch("projects", rng.choice(projects), {"description": text, "start_date": start})
        elif move == 8 and projects:
            editor.add_project_member(rng.choice(projects), rng.choice(partners), rng.choice(["lead", "member"]))
        elif move == 9 and projects:
            project = rng.choice(projects)
            members = c.project_members.get(project, [])
            if members:
                editor.remove_project_member(project, rng.choice(members)[0])
        elif move == 10 and groups:
            editor.add_group_member(rng.choice(groups), rng.choice(partners))
        elif move == 11 and groups:
            editor.patch("action_groups", rng.choice(groups), {"name": f"Renamed {text}"})
        elif move == 12:
            editor.create("action_groups", ActionGroup(f"group-{serial}", f"Group {serial}", text))
        else:
            a, b = rng.sample(partners, 2)
            editor.add_feedback(a, b, rng.choice(["accept", "accept", "decline"]), project_id=None)
    except (DuplicateRecordError, RecordNotFoundError):
        pass


def reference(matcher: Matcher, *, keep_vocabulary: bool) -> Recommender:
    """A recommender rebuilt from the whole store (exact indexes), keeping the snapshot's vocabulary or not."""
    store, embedder = matcher.store, matcher.embedder
    lexical = matcher.catalog.lexical
    fitted = lexical.base if isinstance(lexical, PatchedLexical) else lexical
    catalog = build_catalog(
        store.load_dataset(),
        matcher.vector_lookup(None),
        embedder.dim,
        ties=[(r, p) for r, p, _ in store.accepted_pairs()],
        lexical=fitted if keep_vocabulary else None,
    )
    shareable(catalog)  # in the precision a served catalogue keeps (SERVED_PRECISION), as a fresh build does
    rows = history_rows(catalog)
    ids = [p.id for p in catalog.partners]
    return Recommender(
        catalog,
        embedder,
        index=build_index(ids, catalog.partner_vectors, setting="flat"),
        history_index=build_index([ids[i] for i in rows], catalog.history_vectors[rows], dim=embedder.dim),
        layout=matcher.recommender.layout,
    )


def results(rec: Recommender) -> list[list[tuple[str, float]]]:
    c: Catalog = rec.catalog
    out = [rec.collaborators(text=text, k=15) for text in QUERIES]
    out += [rec.collaborators(project_id=p.id, k=15) for p in c.projects[:4]]
    out += [rec.similar_partners(p.id, k=10) for p in c.partners[:: max(1, len(c.partners) // 4)]]
    out += [rec.group_candidates(g.id, k=10) for g in c.groups]
    return [[(m.partner_id, m.score) for m in matches] for matches in out]


def assert_equivalent(matcher: Matcher, *, keep_vocabulary: bool = True) -> None:
    ref = reference(matcher, keep_vocabulary=keep_vocabulary)
    assert_same(matcher.catalog, ref.catalog, QUERIES)
    assert results(matcher.recommender) == results(ref)
    ids = sorted(p.id for p in matcher.catalog.partners)
    assert sorted(matcher.recommender.index.ids()) == ids
    with_history = sorted(matcher.catalog.partners[i].id for i in history_rows(matcher.catalog).tolist())
    assert sorted(matcher.recommender.history_index.ids()) == with_history
    catalog, projects = matcher.catalog, matcher.recommender.project_index
    assert sorted(projects.ids()) == sorted(p.id for p in catalog.projects)
    for row, project in enumerate(catalog.projects):  # each project's live vector is its current text's
        scores, _ = projects.search(np.asarray(catalog.project_vectors[row])[None, :], 1)
        assert scores[0][0] == pytest.approx(1.0, abs=1e-4), project.id


@pytest.mark.parametrize("seed", range(4))
def test_any_write_sequence_gives_what_a_rebuild_gives(matcher: Matcher, seed: int) -> None:
    matcher.snapshots.refit_drift = 0  # no background refit: the vocabulary stays the first fit's
    editor = Editor(matcher)
    rng = random.Random(seed)
    for step in range(30):
        random_write(editor, rng, step)
        assert matcher.revision == matcher.store.revision()
        if step % 10 == 9:
            assert_equivalent(matcher)
    stats = matcher.snapshot_stats
    assert stats.full_rebuilds == 1 and stats.deltas >= 25  # one build at the start; every write a delta
    snapshot = matcher.snapshots.current
    assert snapshot is not None  # the hashes changed in place with the live indexes are those of the catalog
    assert snapshot.partner_hashes == partner_hashes(snapshot.catalog)
    assert snapshot.history_hashes == history_hashes(snapshot.catalog)
    assert snapshot.project_hashes == project_hashes(snapshot.catalog)
    assert sorted(snapshot.recommender.index.ids()) == sorted(snapshot.partner_hashes)


def test_the_index_files_are_saved_with_a_copy_of_the_live_hashes(matcher: Matcher) -> None:
    saved: list[tuple[str, dict[str, str]]] = []
    matcher.snapshots.parts = SavingSpy(matcher, saved)  # type: ignore[assignment]
    editor = Editor(matcher)
    editor.patch("partners", "gen-00001", {"description": "Seaweed farming cooperative."})
    matcher.snapshots.saver.flush()
    snapshot = matcher.snapshots.current
    assert snapshot is not None and [name for name, _ in saved] == ["partners"]
    assert saved[0][1] == snapshot.partner_hashes and saved[0][1] is not snapshot.partner_hashes
    editor.patch("partners", "gen-00002", {"description": "Kelp school."})
    assert saved[0][1] != snapshot.partner_hashes  # the next delta changed the live ones, not the saved copy


def test_saving_the_index_files_while_a_delta_is_applied_does_not_deadlock(
    matcher: Matcher, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The saver waits for the writer's lock to copy the hashes; the writer, holding it, queues the next save: neither
    may wait for the other (found at 100k partners, where a save is slow enough to meet a delta)."""
    editor = Editor(matcher)
    editor.patch("partners", "gen-00001", {"description": "Seaweed farming cooperative."})  # a save is pending
    applying, saving = threading.Event(), threading.Event()
    apply = SnapshotManager.apply

    def held(self: SnapshotManager, *args: Any, **kwargs: Any) -> Any:
        applying.set()  # the writer holds the snapshot lock from here to the end of the delta
        assert saving.wait(10)
        time.sleep(0.2)  # the saver is now waiting for that lock
        return apply(self, *args, **kwargs)  # ... and this delta queues the next save

    monkeypatch.setattr(SnapshotManager, "apply", held)
    write = threading.Thread(
        target=editor.patch, args=("partners", "gen-00002", {"description": "Kelp school."}), daemon=True
    )
    write.start()
    assert applying.wait(10)
    flush = threading.Thread(target=matcher.snapshots.saver.flush, daemon=True)
    flush.start()
    saving.set()
    write.join(20)
    flush.join(20)
    assert not write.is_alive() and not flush.is_alive(), "the writer and the saver wait for each other"
    assert matcher.catalog.partner("gen-00002").description == "Kelp school."


class SavingSpy:
    """The matcher as the snapshot manager's parts, recording what it is asked to save."""

    def __init__(self, matcher: Matcher, saved: list[tuple[str, dict[str, str]]]) -> None:
        self.matcher, self.saved = matcher, saved

    def __getattr__(self, name: str) -> Any:
        return getattr(self.matcher, name)

    def save_index(self, name: str, index: Any, hashes: dict[str, str]) -> None:
        self.saved.append((name, hashes))
        self.matcher.save_index(name, index, hashes)


def test_the_served_vectors_keep_their_precision_through_writes(matcher: Matcher) -> None:
    def stored() -> dict[str, np.dtype]:
        catalog = matcher.catalog
        return {name: cast(VectorRows, getattr(catalog, name)).buffer.data.dtype for name in SERVED_PRECISION}

    half = {name: np.dtype(dtype) for name, dtype in SERVED_PRECISION.items()}
    assert half == {"partner_vectors": np.float16, "project_vectors": np.float32}
    assert stored() == half  # the start-up build
    editor = Editor(matcher)
    editor.patch("partners", "gen-00001", {"description": "Seaweed farming cooperative."})  # a new partner vector
    editor.create("projects", Project("seaweed", "Seaweed", "Kelp and seaweed farms."))  # a new project vector
    assert stored() == half  # every delta
    row = matcher.catalog.partner_pos["gen-00001"]
    text = matcher.catalog.partners[row].text
    rounded = matcher.embedder.encode([text])[0].astype(np.float16).astype(np.float32)
    np.testing.assert_array_equal(matcher.catalog.partner_vectors[row], rounded)  # read back as float32, rounded
    assert matcher.catalog.partner_vectors[row].dtype == np.float32
    matcher.snapshots.refit()
    assert stored() == half  # a refit


def test_accepted_feedback_is_a_tie_at_once(matcher: Matcher) -> None:
    a, b = "gen-00001", "gen-00002"
    assert (a, b) not in matcher.catalog.tie_pairs
    Editor(matcher).add_feedback(a, b, "accept")
    assert (a, b) in matcher.catalog.tie_pairs
    assert b in matcher.catalog.coworkers(a)
    Editor(matcher).add_feedback(a, b, "decline")  # the latest reaction decides: the tie ends
    assert (a, b) not in matcher.catalog.tie_pairs
    assert_equivalent(matcher)


def test_a_refit_in_the_background_gives_what_a_fresh_build_gives(matcher: Matcher) -> None:
    matcher.snapshots.refit_drift = 0  # off while the profiles drift
    editor = Editor(matcher)
    for n in range(3):
        editor.patch("partners", f"gen-{n:05d}", {"description": f"Seaweed farming cooperative {n}."})
    assert matcher.snapshots.current is not None and matcher.snapshots.current.drift == 3 / 40
    assert "seaweed" not in set(matcher.catalog.lexical.terms_)  # unknown to the first fit
    matcher.snapshots.refit_drift = 0.05
    editor.patch("partners", "gen-00003", {"city": "Bergen"})  # any write looks at the drift
    assert matcher.snapshots.refitting  # started by this write, in the background
    assert matcher.snapshots.wait_for_refit(timeout=60)
    assert matcher.snapshot_stats.refits == 1 and matcher.snapshot_stats.full_rebuilds == 1
    assert matcher.snapshots.current is not None and matcher.snapshots.current.drift == 0
    assert "seaweed" in set(matcher.catalog.lexical.terms_)
    assert_equivalent(matcher, keep_vocabulary=False)


def test_a_write_keeps_the_fitted_lexical_bridge_and_a_refit_fits_it_again(
    matcher: Matcher, monkeypatch: pytest.MonkeyPatch
) -> None:
    fitted_on: list[Catalog] = []

    def fit(catalog: Catalog, multilingual: tuple[int, int], scale: float, **_: object) -> LexicalBridge:
        fitted_on.append(catalog)
        return LexicalBridge(np.array([0.0, 1.0]), np.array([0.0, 0.5]), pairs=len(fitted_on))

    monkeypatch.setattr(LexicalBridge, "fit", staticmethod(fit))
    matcher.snapshots.refit_drift = 0
    matcher.recommender.layout = DenseLayout((0, 32), (32, 64), 0.5**0.5)  # two blocks: the bridge is used
    editor = Editor(matcher)
    editor.patch("partners", "gen-00001", {"description": "Seaweed farming cooperative."})
    assert fitted_on == []  # no request has needed it: a write does not fit it
    first = matcher.recommender.lexical_bridge
    assert first is not None and first.pairs == 1 and fitted_on == [matcher.catalog]
    editor.patch("partners", "gen-00002", {"description": "Kelp school."})
    editor.add_project_member(matcher.catalog.projects[0].id, "gen-00003")
    assert matcher.recommender.lexical_bridge is first and len(fitted_on) == 1  # kept by the writes
    assert matcher.snapshots.refit()  # a new vocabulary: fitted again on the refitted catalogue
    assert matcher.recommender.lexical_bridge is not first and fitted_on[-1] is matcher.catalog
    assert len(fitted_on) == 2


def test_a_write_keeps_the_measured_group_weights_and_a_refit_measures_them_again(matcher: Matcher) -> None:
    matcher.snapshots.refit_drift = 0
    editor = Editor(matcher)
    first = matcher.recommender.group_weights  # measured by a first group request
    editor.patch("partners", "gen-00001", {"description": "Seaweed farming cooperative."})
    editor.add_project_member(matcher.catalog.projects[0].id, "gen-00003")
    assert matcher.recommender.group_weights is first  # kept by the writes
    assert matcher.snapshots.refit()
    assert matcher.recommender.group_weights is not first  # measured again on the refitted catalogue


@pytest.mark.skipif(sys.platform != "linux", reason="per-thread priorities are Linux's")
def test_deltas_are_applied_on_a_thread_nicer_than_the_callers(
    matcher: Matcher, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: list[tuple[int, int]] = []
    apply = SnapshotManager.apply

    def watched(self: SnapshotManager, *args: Any, **kwargs: Any) -> Any:
        seen.append((threading.get_native_id(), os.getpriority(os.PRIO_PROCESS, threading.get_native_id())))
        return apply(self, *args, **kwargs)

    monkeypatch.setattr(SnapshotManager, "apply", watched)
    caller = os.getpriority(os.PRIO_PROCESS, threading.get_native_id())
    editor = Editor(matcher)
    editor.patch("partners", "gen-00001", {"description": "Seaweed farming cooperative."})
    editor.patch("partners", "gen-00002", {"description": "Kelp school."})
    assert matcher.catalog.partner("gen-00002").description == "Kelp school."  # read-your-writes still holds
    assert len(seen) == 2 and seen[0][0] == seen[1][0] != threading.get_native_id()  # one writer thread
    assert seen[0][1] == min(19, caller + SnapshotManager.write_nice)
    assert os.getpriority(os.PRIO_PROCESS, threading.get_native_id()) == caller  # the caller's is untouched


@pytest.mark.skipif(sys.platform != "linux", reason="per-thread priorities are Linux's")
def test_a_write_runs_on_a_nicer_thread_its_text_never_merged_with_the_requests(
    matcher: Matcher, monkeypatch: pytest.MonkeyPatch
) -> None:

    assert isinstance(matcher.embedder, CoalescingEmbedder)
    inner = matcher.embedder.embedder  # the coalescer's wrapped embedder
    seen: list[tuple[list[str], int, int, bool]] = []
    encode = inner.encode

    def watched(texts: Any, **kwargs: Any) -> Any:
        me = threading.get_native_id()
        seen.append((list(texts), me, os.getpriority(os.PRIO_PROCESS, me), alone()))
        return encode(texts, **kwargs)

    monkeypatch.setattr(inner, "encode", watched)
    committed: list[tuple[int, int]] = []
    for name in ("create_record", "update_record"):
        method = getattr(matcher.store, name)

        def transaction(*args: Any, _method: Any = method, **kwargs: Any) -> Any:
            me = threading.get_native_id()
            committed.append((me, os.getpriority(os.PRIO_PROCESS, me)))
            return _method(*args, **kwargs)

        monkeypatch.setattr(matcher.store, name, transaction)
    caller = os.getpriority(os.PRIO_PROCESS, threading.get_native_id())
    editor = Editor(matcher)
    editor.patch("partners", "gen-00001", {"description": "Seaweed farming cooperative."})
    stored = editor.create("partners", Partner("kelp", "Kelp", "Kelp forest school."))
    assert stored.item.id == "kelp" and stored.version == 1  # the write's result comes back to the caller
    assert len(committed) == 2 and {nice for _, nice in committed} == {min(19, caller + SnapshotManager.write_nice)}
    assert all(thread != threading.get_native_id() for thread, _ in committed)  # the transactions too
    written = [matcher.catalog.partner(key).text for key in ("gen-00001", "kelp")]
    assert [texts for texts, *_ in seen] == [[text] for text in written]
    assert all(thread != threading.get_native_id() for _, thread, _, _ in seen)  # not the request's thread
    assert {nice for _, _, nice, _ in seen} == {min(19, caller + SnapshotManager.write_nice)}
    assert all(never_merged for *_, never_merged in seen)
    assert matcher.catalog.partner("kelp").description == "Kelp forest school."  # read-your-writes still holds
    assert set(matcher.store.cached_vectors(matcher.embedder.name, [content_hash(t) for t in written])) == {
        content_hash(t) for t in written
    }
    assert os.getpriority(os.PRIO_PROCESS, threading.get_native_id()) == caller  # the caller's is untouched
    assert not alone()  # nor is the caller's coalescing


def test_a_write_started_on_a_write_thread_runs_there_at_once(matcher: Matcher) -> None:
    snapshots = matcher.snapshots

    def outer() -> tuple[int, int]:
        return threading.get_native_id(), snapshots.write(threading.get_native_id)

    thread, inner = snapshots.write(outer)  # no deadlock, whatever the number of write threads
    assert thread == inner != threading.get_native_id()


def test_a_write_waits_for_the_read_in_progress_then_is_visible(matcher: Matcher) -> None:
    readers = matcher.snapshots.readers
    readers.patience = 30.0
    revision = matcher.store.revision()
    written = threading.Event()

    def write() -> None:
        Editor(matcher).patch("partners", "gen-00001", {"description": "Seaweed farming cooperative."})
        written.set()

    with readers.reading():
        writer = threading.Thread(target=write)
        writer.start()
        time.sleep(0.4)
        assert not written.is_set() and matcher.store.revision() == revision  # not even committed: reads first
    writer.join(30)
    assert written.is_set() and matcher.store.revision() > revision
    assert matcher.catalog.partner("gen-00001").description == "Seaweed farming cooperative."


def test_a_write_under_endless_reads_is_late_by_at_most_the_patience(matcher: Matcher) -> None:
    readers = matcher.snapshots.readers
    readers.patience = 0.3
    with readers.reading():  # a read that never ends while the write runs
        started = time.monotonic()
        Editor(matcher).add_project_member(matcher.catalog.projects[0].id, "gen-00003")
        late = time.monotonic() - started
    assert 0.5 <= late < 20  # two waits (the write, then its delta), each the whole patience
    assert "gen-00003" in {p for p, _ in matcher.catalog.project_members[matcher.catalog.projects[0].id]}


def test_an_error_while_embedding_a_write_reaches_its_caller_and_nothing_is_written(
    matcher: Matcher, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(texts: Any, **kwargs: Any) -> Any:
        raise RuntimeError("the encoder failed")

    assert isinstance(matcher.embedder, CoalescingEmbedder)
    monkeypatch.setattr(matcher.embedder.embedder, "encode", broken)
    revision = matcher.store.revision()
    with pytest.raises(RuntimeError, match="the encoder failed"):
        Editor(matcher).patch("partners", "gen-00001", {"description": "Never embedded."})
    assert matcher.store.revision() == revision
    assert matcher.catalog.partner("gen-00001").description != "Never embedded."


def test_another_process_applies_the_same_deltas(matcher: Matcher, tmp_path: Path) -> None:
    other = open_matcher(tmp_path / "other", matcher.store.url)
    other.refresh()
    for m in (matcher, other):  # each refits on its own schedule (then their idf differ until the other refits)
        m.snapshots.refit_drift = 0
    editor, rng = Editor(matcher), random.Random(7)
    for step in range(12):
        random_write(editor, rng, step)
    assert other.refresh_if_stale() is True
    assert other.revision == matcher.revision
    assert results(other.recommender) == results(matcher.recommender)
    assert other.snapshot_stats.full_rebuilds == 1 and other.snapshot_stats.deltas == 1  # all of them at once
    other.close()


def test_a_gap_in_the_change_log_means_a_rebuild(matcher: Matcher, tmp_path: Path) -> None:
    from sqlalchemy import delete

    from matcher.store.tables import ChangeRow

    other = open_matcher(tmp_path / "other", matcher.store.url)
    other.refresh()
    Editor(matcher).patch("partners", "gen-00003", {"description": "Kelp."})
    with matcher.store.sessions.begin() as s:
        s.execute(delete(ChangeRow))
    assert other.refresh_if_stale() is True
    assert other.snapshot_stats.full_rebuilds == 2 and other.catalog.partner("gen-00003").description == "Kelp."
    np.testing.assert_array_equal(other.catalog.partner_vectors, matcher.catalog.partner_vectors)
    other.close()


def test_a_new_partner_is_placed_in_a_theme_by_the_delta(matcher: Matcher) -> None:
    from matcher.themes_fit import refit

    try:
        refit(matcher)
    except ValueError as exc:  # pragma: no cover - the data always make themes here
        pytest.fail(f"no themes on the generated alliance: {exc}")
    themes = matcher.recommender.themes
    assert themes is not None
    twin = matcher.catalog.partner("gen-00004")
    Editor(matcher).create("partners", Partner("twin", "Twin", twin.description))  # the same text as gen-00004
    after = matcher.recommender.themes
    assert after is not None and after is not themes and themes.theme_of("twin") is None  # the old one unchanged
    assert after.theme_of("twin") == after.theme_of("gen-00004") is not None
    Editor(matcher).delete("partners", "twin")
    assert matcher.recommender.themes is not None and matcher.recommender.themes.theme_of("twin") is None


@pytest.mark.skipif(sys.platform != "linux", reason="per-thread priorities are Linux's")
def test_a_writer_thread_started_by_another_writer_thread_is_lowered_once() -> None:
    """A pool thread inherits the nice value of the thread that started it: a delta thread first used from a write
    thread would be lowered twice (19 instead of main + 5) if the step were relative to its own priority."""
    from matcher.snapshot import background_thread

    main = os.getpriority(os.PRIO_PROCESS, os.getpid())
    seen: list[int] = []

    def child() -> None:
        background_thread(5)
        seen.append(os.getpriority(os.PRIO_PROCESS, threading.get_native_id()))

    def parent() -> None:
        background_thread(5)
        seen.append(os.getpriority(os.PRIO_PROCESS, threading.get_native_id()))
        inner = threading.Thread(target=child)
        inner.start()
        inner.join()

    outer = threading.Thread(target=parent)
    outer.start()
    outer.join()
    assert seen == [min(19, main + 5), min(19, main + 5)]
    assert os.getpriority(os.PRIO_PROCESS, os.getpid()) == main
