"""The served snapshot: one immutable catalog, its indexes and recommender, at one store revision; kept current by
applying the store's deltas, never by reloading it (except to start, after a bulk import, or when the change log
cannot bring it up to date).

- :meth:`SnapshotManager.catch_up` reads the change log after the snapshot's revision (:meth:`Store.changes_since`),
  reads only the changed records, patches the catalog (:func:`~matcher.catalog_patch.patch_catalog`), adds and
  removes only the changed vectors in the live indexes, and swaps the new snapshot in with one assignment: readers
  are never blocked and keep the snapshot they started with.
- A write in this process, a NOTIFY from another one (:mod:`matcher.store.listener`) and the revision check before
  reads all end here; so do the replicas: every process applies the same deltas.
- The TF-IDF vocabulary drifts as texts change (new words are unknown to it): when the share of partner profiles
  changed since the last fit passes :attr:`SnapshotManager.refit_drift`, a background thread rebuilds the catalog
  from the store (vocabulary, idf, everything), catches it up with the deltas committed meanwhile, and swaps it in.
- Deltas are applied on one thread of the manager (the caller waits for it) and a refit runs on another, both at a
  lower CPU priority than the request threads (:attr:`SnapshotManager.write_nice`, Linux); so do this process's
  writes as a whole, their embedding and their transaction (:meth:`SnapshotManager.write`, the request waits). None
  of these threads merges its embeddings with the requests' (:func:`background_thread`).
- The indexes' files are saved by a background thread a moment after the last delta (:class:`IndexSaver`); a crash
  before then is repaired from the store at the next start (:mod:`matcher.index.files`).
"""

from __future__ import annotations

import logging
import os
import sys
import threading
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from typing import Any, Protocol, TypeVar, cast

import numpy as np

from matcher.catalog import Catalog, VectorLookup, build_catalog
from matcher.catalog_patch import CatalogUpdate, patch_catalog
from matcher.domain import content_hash
from matcher.embedding.coalescing import alone_in_this_thread
from matcher.index.base import VectorIndex
from matcher.lexical import PatchedLexical
from matcher.priority import ReadersFirst, no_pause
from matcher.recommender import Recommender, history_rows
from matcher.rows import RowsOf, VectorRows
from matcher.store import Store
from matcher.store.changes import ChangeLog, Delta

logger = logging.getLogger(__name__)

Hashes = dict[str, str]  # index id -> content hash of what its vector was computed from
R = TypeVar("R")
_lane = threading.local()  # .writes: this thread is one of a manager's write threads (SnapshotManager.write);
# .pause: the pause of the write it runs (SnapshotManager.between_steps)


def background_thread(nice: int) -> None:
    """Make the calling thread a writer's: ``nice`` steps lower in CPU priority than the process's main thread, whose
    priority the request threads inherit (Linux only: elsewhere it would be the whole process's; 0 leaves it). Not
    relative to the calling thread's own: a pool thread started from another writer thread inherits that one's
    lowered priority, and would otherwise be lowered twice. Its embeddings never merged with the requests' in the query
    coalescer (:func:`~matcher.embedding.coalescing.alone_in_this_thread`), which would make a request wait at this
    thread's priority."""
    alone_in_this_thread()
    if nice <= 0 or sys.platform != "linux":
        return
    thread = threading.get_native_id()
    try:
        os.setpriority(os.PRIO_PROCESS, thread, min(19, os.getpriority(os.PRIO_PROCESS, os.getpid()) + nice))
    except OSError as exc:  # not allowed here: the writes run at the readers' priority
        logger.info("could not lower a writer thread's priority: %s", exc)


@dataclass(frozen=True, slots=True)
class SnapshotStats:
    """Counters of the snapshots served so far: full rebuilds (start, bulk import, a gap in the change log) and
    deltas applied; when the served one was built (``time.time()``), how long its build took."""

    built_at: float = 0.0
    rebuild_seconds: float = 0.0
    rebuilds: int = 0
    deltas: int = 0
    delta_seconds: float = 0.0
    refits: int = 0

    @property
    def full_rebuilds(self) -> int:
        return self.rebuilds


@dataclass(frozen=True, slots=True)
class Snapshot:
    """What requests read: the recommender (catalog and indexes) at ``revision``, and the content hashes the live
    indexes hold (what the next delta compares with; like the live indexes, they change in place with each delta:
    only the manager's writer reads them)."""

    revision: int
    recommender: Recommender
    partner_hashes: Hashes = field(repr=False)
    history_hashes: Hashes = field(repr=False)
    project_hashes: Hashes = field(repr=False)

    @property
    def catalog(self) -> Catalog:
        return self.recommender.catalog

    @property
    def drift(self) -> float:
        """Share of partner profiles transformed with a vocabulary fitted without them (0 after a full build)."""
        lexical = self.catalog.lexical
        n = len(self.catalog.partners)
        return lexical.changed_ / n if isinstance(lexical, PatchedLexical) and n else 0.0


class SnapshotParts(Protocol):
    """What the manager needs from the application (:class:`~matcher.engine.Matcher` provides it)."""

    store: Store

    @property
    def dim(self) -> int: ...

    def vector_lookup(self, catalog: Catalog | None) -> VectorLookup:
        """Vectors of texts: ``catalog``'s for its texts, else the embeddings cache, else the embedder."""
        ...

    def load_index(self, name: str, wanted: Hashes, vectors_of: Callable[[Sequence[str]], np.ndarray]) -> VectorIndex:
        """The index ``name`` (live, loaded or rebuilt) brought to ``wanted`` and saved."""
        ...

    def save_index(self, name: str, index: VectorIndex, hashes: Hashes) -> None: ...

    def recommender_for(
        self,
        catalog: Catalog,
        index: VectorIndex,
        history: VectorIndex,
        projects: VectorIndex,
        previous: Recommender | None,
        changed: Iterable[str] = (),
    ) -> Recommender:
        """A recommender over ``catalog``; with ``previous``, keeping its ranker and themes (no reload), the
        ``changed`` partners' themes placed again."""
        ...


#: The served catalogue's vector arrays and the precision their buffers store. Partners' vectors are read a few hundred
#: rows at a time (a query's candidates), so they are stored in half precision and read as float32: half the memory
#: (179 MB less at 100k partners) for cosines that move by about 1e-3. Past projects' vectors stay float32: a request
#: reads ~1,100 of them (its candidates' projects, the most similar projects: :mod:`matcher.ranking.similar`), and
#: converting that many half-precision rows cost ~1.2 ms a request at 100k for 36 MB saved (docs/performance.md).
#: The partners' past-projects vectors are not stored at all: they are computed from the past projects' vectors when
#: read (:mod:`matcher.history`).
SERVED_PRECISION: dict[str, type[np.floating[Any]]] = {
    "partner_vectors": np.float16,
    "project_vectors": np.float32,
}


def shareable(catalog: Catalog) -> None:
    """Move the catalog's big vector arrays into buffers that the next snapshots share (:mod:`matcher.rows`), in the
    precision of :data:`SERVED_PRECISION`."""
    for name, dtype in SERVED_PRECISION.items():
        setattr(catalog, name, cast(np.ndarray, VectorRows.of(getattr(catalog, name), dtype)))


def partner_hashes(catalog: Catalog) -> Hashes:
    return {p.id: content_hash(p.text) for p in catalog.partners}


def history_hash(catalog: Catalog, partner_id: str, project_hashes: Mapping[str, str]) -> str:
    """What a partner's past-projects vector is computed from: the texts of its projects."""
    return content_hash(" ".join(sorted(project_hashes[p] for p in catalog.partner_projects.get(partner_id, ()))))


def project_hashes(catalog: Catalog) -> Hashes:
    """The past projects index's ids and hashes."""
    return {p.id: content_hash(p.text) for p in catalog.projects}


def history_hashes(catalog: Catalog, projects: Hashes | None = None) -> Hashes:
    """The past-projects index's ids (partners with past projects) and hashes (``projects``: the catalogue's
    :func:`project_hashes`, computed when not given)."""
    projects = project_hashes(catalog) if projects is None else projects
    return {
        catalog.partners[row].id: history_hash(catalog, catalog.partners[row].id, projects)
        for row in history_rows(catalog).tolist()
    }


class IndexSaver:
    """Saves the live indexes' files in a background thread, ``delay`` seconds after the last change (a burst of
    writes saves once); :meth:`flush` saves what is pending now."""

    def __init__(self, save: Callable[[str, VectorIndex, Hashes], None], *, delay: float = 2.0) -> None:
        self.save = save
        self.delay = delay
        self._pending: dict[str, tuple[VectorIndex, Hashes]] = {}
        self._lock = threading.Lock()  # guards _pending and _thread only: never held while saving (see flush)
        self._saving = threading.Lock()  # one save at a time
        self._wake = threading.Event()
        self._thread: threading.Thread | None = None

    def later(self, name: str, index: VectorIndex, hashes: Hashes) -> None:
        with self._lock:
            self._pending[name] = (index, hashes)
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._run, name="index-saver", daemon=True)
                self._thread.start()
        self._wake.set()

    def flush(self) -> None:
        """Save what is pending. The saving runs without :attr:`_lock`: a save may wait for the snapshot writer
        (:meth:`SnapshotManager._save`), which may be calling :meth:`later` at that moment."""
        with self._saving:
            with self._lock:
                pending, self._pending = self._pending, {}
            for name, (index, hashes) in pending.items():
                self.save(name, index, hashes)

    def _run(self) -> None:
        while True:
            self._wake.wait()
            self._wake.clear()
            while self._wake.wait(self.delay):  # quiet for `delay` seconds first
                self._wake.clear()
            try:
                self.flush()
            except Exception:  # the next start repairs the files from the store
                logger.exception("saving the index files failed")
            with self._lock:
                if not self._pending:
                    self._thread = None
                    return


class SnapshotManager:
    """The current :class:`Snapshot` and the one way to replace it (see the module docstring)."""

    #: share of partner profiles changed since the last fit above which the vocabulary is refitted in the background
    refit_drift = 0.2
    #: how much nicer (Linux: per thread) the threads that write, apply deltas and refit run than the readers: on a
    #: busy machine the scheduler gives the request threads the cores first; 0 leaves them as they are
    write_nice = 10
    #: threads that run this process's writes (:meth:`write`): concurrent writes still embed and commit side by side
    write_threads = 2

    def __init__(self, parts: SnapshotParts) -> None:
        self.parts = parts
        self.stats = SnapshotStats()
        self._current: Snapshot | None = None
        self._lock = threading.RLock()  # one writer of the snapshot at a time; readers never take it
        self._refit: threading.Thread | None = None
        self.saver = IndexSaver(self._save)
        #: the reads in progress, which writes and deltas wait for between their steps (:mod:`matcher.priority`)
        self.readers = ReadersFirst()
        # the thread that applies the deltas (started by the first one): the caller waits for it
        self._writer = ThreadPoolExecutor(1, thread_name_prefix="snapshot-writer", initializer=self._nicer)
        # the threads that run the writes (:meth:`write`)
        self._writes = ThreadPoolExecutor(self.write_threads, thread_name_prefix="write", initializer=self._write_lane)

    @property
    def current(self) -> Snapshot | None:
        return self._current

    @property
    def refitting(self) -> bool:
        return self._refit is not None and self._refit.is_alive()

    def wait_for_refit(self, timeout: float | None = None) -> bool:
        """Wait for a background refit (if one runs) to end; returns whether none runs any more."""
        thread = self._refit
        if thread is not None:
            thread.join(timeout)
        return not self.refitting

    # -- full builds ------------------------------------------------------------------------------------------------
    def rebuild(self) -> Snapshot:
        """Build the snapshot from the whole store (start-up, bulk import, a change log with a gap)."""
        with self._lock:
            started = time.perf_counter()
            snapshot = self._build(self._current)
            self._current = snapshot
            self.stats = replace(
                self.stats,
                built_at=time.time(),
                rebuild_seconds=time.perf_counter() - started,
                rebuilds=self.stats.rebuilds + 1,
            )
            return snapshot

    def _build(self, previous: Snapshot | None) -> Snapshot:
        store, parts = self.parts.store, self.parts
        revision = store.revision()  # read first: data read after it is at least as new
        dataset = store.load_dataset()
        ties = [(requester, partner) for requester, partner, _ in store.accepted_pairs()]
        catalog = build_catalog(
            dataset, parts.vector_lookup(previous.catalog if previous else None), parts.dim, ties=ties
        )
        shareable(catalog)  # in the served precision from the start (what a refit and every delta keep)
        projects_wanted = project_hashes(catalog)
        wanted, history_wanted = partner_hashes(catalog), history_hashes(catalog, projects_wanted)
        index = parts.load_index("partners", wanted, lambda ids: index_vectors(catalog, "partners", ids))
        history = parts.load_index("history", history_wanted, lambda ids: index_vectors(catalog, "history", ids))
        projects = parts.load_index("projects", projects_wanted, lambda ids: index_vectors(catalog, "projects", ids))
        recommender = parts.recommender_for(catalog, index, history, projects, None)
        return Snapshot(revision, recommender, wanted, history_wanted, projects_wanted)

    # -- deltas -----------------------------------------------------------------------------------------------------
    def catch_up(self, *, at_least: int | None = None, blocking: bool = True) -> bool:
        """Apply the store's changes since the snapshot's revision; returns whether the snapshot changed.

        ``at_least``: nothing to do when the snapshot has that revision already. Not ``blocking``: when another
        thread is updating the snapshot, return at once (it will apply what this call would have).
        """
        current = self._current
        if current is not None and at_least is not None and current.revision >= at_least:
            return False
        if current is None:  # the first build (start-up): in this thread, nobody reads yet
            changed = self._locked_catch_up(at_least, blocking=True)
        elif not blocking and not self._free():
            return False
        else:
            changed = self._writer.submit(self._locked_catch_up, at_least, blocking=blocking).result()
        if changed:
            self._refit_if_drifted()
        return changed

    def _locked_catch_up(self, at_least: int | None, *, blocking: bool) -> bool:
        if not self._lock.acquire(blocking=blocking):
            return False
        try:  # at start-up nobody reads yet: the pauses return at once
            return self._catch_up(at_least, self.readers.pauses())
        finally:
            self._lock.release()

    def _free(self) -> bool:
        """Whether no thread updates the snapshot now."""
        if not self._lock.acquire(blocking=False):
            return False
        self._lock.release()
        return True

    def _nicer(self) -> None:
        background_thread(self.write_nice)

    def _write_lane(self) -> None:
        _lane.writes = True
        self._nicer()

    def write(self, work: Callable[[], R]) -> R:
        """Run ``work``, a write of this process (embedding its text into the embeddings cache, its transaction,
        applying its delta: :class:`matcher.editor.Editor`), on a thread :attr:`write_nice` nicer than the request
        threads, and wait for it; its result is returned and its errors raised here. The caller still answers after
        the commit and the delta (read-your-writes) while the readers get the cores first. From a write thread,
        ``work`` runs at once."""
        if getattr(_lane, "writes", False):
            return work()
        return self._writes.submit(self._after_reads, work).result()

    def _after_reads(self, work: Callable[[], R]) -> R:
        _lane.pause = pause = self.readers.pauses()
        try:
            pause()  # start when no read runs (or after the readers' patience)
            return work()
        finally:
            _lane.pause = no_pause

    def between_steps(self) -> float:
        """Called by a write (:meth:`write`) between its steps: waits while reads are in progress, the write's
        pauses together at most :attr:`ReadersFirst.patience`; elsewhere returns at once. The seconds waited."""
        pause: Callable[[], float] = getattr(_lane, "pause", no_pause)
        return pause()

    def _catch_up(self, at_least: int | None, pause: Callable[[], float] = no_pause) -> bool:
        """:meth:`catch_up` with the lock held; ``pause`` is called between the delta's steps."""
        current = self._current
        if current is None:
            self.rebuild()
            return True
        if at_least is not None and current.revision >= at_least:
            return False
        log = self.parts.store.changes_since(current.revision)
        if log.revision == current.revision:
            return False
        if not log.complete or log.delta.everything:
            logger.info("store at revision %d, snapshot at %d: rebuilding", log.revision, current.revision)
            self.rebuild()
            return True
        started = time.perf_counter()
        self._current = self.apply(current, log, pause=pause)
        self.stats = replace(
            self.stats, built_at=time.time(), delta_seconds=time.perf_counter() - started, deltas=self.stats.deltas + 1
        )
        return True

    def apply(
        self, snapshot: Snapshot, log: ChangeLog, *, indexes: bool = True, pause: Callable[[], float] = no_pause
    ) -> Snapshot:
        """``snapshot`` with ``log``'s delta applied (read from the store), at ``log.revision``. ``indexes=False``:
        the live indexes hold the result already (a refit catching up); only the catalog moves. ``pause`` is called
        between the steps (:meth:`ReadersFirst.pauses`: reads first)."""
        old = snapshot.catalog
        update = read_update(self.parts.store, old, log.delta)
        pause()
        catalog = patch_catalog(old, update, self.parts.vector_lookup(None), pause)  # changed texts: cache or embedder
        pause()
        rec = snapshot.recommender
        partner_wanted, history_wanted = snapshot.partner_hashes, snapshot.history_hashes
        projects_wanted = snapshot.project_hashes
        if indexes:
            partner_wanted = self._move(
                "partners", rec.index, snapshot.partner_hashes, _partner_changes(catalog, update), catalog
            )
            history_wanted = self._move(
                "history", rec.history_index, snapshot.history_hashes, _history_changes(old, catalog, update), catalog
            )
            projects_wanted = self._move(
                "projects", rec.project_index, snapshot.project_hashes, _project_changes(catalog, update), catalog
            )
            pause()
        recommender = self.parts.recommender_for(
            catalog, rec.index, rec.history_index, rec.project_index, rec, update.partners
        )
        recommender.keep_fitted(rec)  # not refitted by the next request (the vocabulary is the same)
        return Snapshot(log.revision, recommender, partner_wanted, history_wanted, projects_wanted)

    def _move(
        self,
        name: str,
        index: VectorIndex,
        have: Hashes,
        wanted: Mapping[str, str | None],
        catalog: Catalog,
    ) -> Hashes:
        """Remove and add the vectors whose hash changed (``wanted[id]`` None: not in the index any more)."""
        stale = [i for i, h in wanted.items() if i in have and have[i] != h]
        fresh = [i for i, h in wanted.items() if h is not None and have.get(i) != h]
        if not stale and not fresh:
            return have
        # ``have`` describes the live index, which changes in place: so do they (no catalogue-size copy per write;
        # only this thread changes them, under the lock, and the saver copies them under it)
        for i in stale:
            have.pop(i)
        index.remove(stale)
        index.add(fresh, index_vectors(catalog, name, fresh))
        have.update({i: wanted[i] for i in fresh})  # type: ignore[misc]
        self.saver.later(name, index, have)
        return have

    def _save(self, name: str, index: VectorIndex, hashes: Hashes) -> None:
        """Save ``index``'s files (the saver's thread) with a copy of its hashes taken between two deltas."""
        with self._lock:
            hashes = dict(hashes)
        self.parts.save_index(name, index, hashes)

    # -- refit ------------------------------------------------------------------------------------------------------
    def _refit_if_drifted(self) -> None:
        current = self._current
        if current is None or current.drift < self.refit_drift or self.refitting or self.refit_drift <= 0:
            return
        logger.info("%.0f%% of the partner profiles changed since the last fit: refitting", 100 * current.drift)
        self._refit = threading.Thread(target=self.refit, name="snapshot-refit", daemon=True)
        self._refit.start()

    def refit(self) -> bool:
        """Rebuild the catalog from the store without holding up writes or reads, catch it up with the deltas
        committed meanwhile, and swap it in; returns whether it was swapped in."""
        current = self._current
        if current is None:
            return False
        if threading.current_thread() is self._refit:  # the background refit, not a caller's own thread
            self._nicer()
        store = self.parts.store
        started = time.perf_counter()
        revision = store.revision()
        catalog = build_catalog(
            store.load_dataset(),
            self.parts.vector_lookup(current.catalog),
            self.parts.dim,
            ties=[(requester, partner) for requester, partner, _ in store.accepted_pairs()],
        )
        shareable(catalog)
        with self._lock:
            self._catch_up(revision)  # the live indexes at least as new as the refitted catalog
            current = self._current
            assert current is not None
            rec = current.recommender
            fitted = Snapshot(
                revision,
                self.parts.recommender_for(catalog, rec.index, rec.history_index, rec.project_index, rec),
                {},
                {},
                {},
            )
            if current.revision > revision:  # writes committed during the fit: the catalog follows them
                log = store.changes_since(revision, until=current.revision)
                if not log.complete or log.delta.everything:
                    return False
                fitted = self.apply(fitted, log, indexes=False)
            self._current = Snapshot(
                current.revision,
                fitted.recommender,
                current.partner_hashes,
                current.history_hashes,
                current.project_hashes,
            )
            self.stats = replace(
                self.stats, refits=self.stats.refits + 1, rebuild_seconds=time.perf_counter() - started
            )
        logger.info("refitted the catalog in %.1f s", time.perf_counter() - started)
        return True

    def close(self) -> None:
        self._writes.shutdown(wait=True)
        self._writer.shutdown(wait=True)
        self.saver.flush()


def read_update(store: Store, catalog: Catalog, delta: Delta) -> CatalogUpdate:
    """The changed records of ``delta`` as they are in the store now (None: gone), the whole member lists of the
    projects and groups whose members changed, and the accepted ties when they may have changed."""
    partners = store.get_records("partners", delta.partners.touched)
    projects = store.get_records("projects", delta.projects.touched)
    groups = store.get_records("action_groups", delta.action_groups.touched)
    project_owners = {owner for owner, _ in delta.project_members.touched} | set(delta.projects.touched)
    group_owners = {owner for owner, _ in delta.group_members.touched} | set(delta.action_groups.touched)
    project_members = store.members_of("project_members", project_owners)
    group_members = store.members_of("group_members", group_owners)
    ties = [(r, p) for r, p, _ in store.accepted_pairs()] if delta.ties else None
    return CatalogUpdate(
        partners={key: partners.get(key) for key in delta.partners.touched},
        projects={key: projects.get(key) for key in delta.projects.touched},
        groups={key: groups.get(key) for key in delta.action_groups.touched},
        project_members={key: [(m.partner_id, m.role) for m in project_members.get(key, [])] for key in project_owners},
        group_members={key: frozenset(m.partner_id for m in group_members.get(key, [])) for key in group_owners},
        ties=ties,
    )


def index_vectors(catalog: Catalog, index: str, ids: Sequence[str]) -> np.ndarray:
    """The vectors the index ``index`` ("partners", "history" or "projects") holds for ``ids``: rows of the
    catalogue read when indexed (:class:`~matcher.rows.RowsOf`), so a build reads them a chunk at a time."""
    if index == "projects":
        return cast(np.ndarray, RowsOf(catalog.project_vectors, np.array([catalog.project_pos[i] for i in ids])))
    vectors = catalog.history_vectors if index == "history" else catalog.partner_vectors
    return cast(np.ndarray, RowsOf(vectors, np.array([catalog.partner_pos[i] for i in ids])))


def _project_changes(catalog: Catalog, update: CatalogUpdate) -> dict[str, str | None]:
    """The past projects index's wanted hash of each changed project (None: removed)."""
    return {
        key: content_hash(catalog.project(key).text) if key in catalog.project_pos else None for key in update.projects
    }


def _partner_changes(catalog: Catalog, update: CatalogUpdate) -> dict[str, str | None]:
    """The partner index's wanted hash of each changed partner (None: removed)."""
    return {
        key: content_hash(catalog.partner(key).text) if key in catalog.partner_pos else None for key in update.partners
    }


def _history_changes(old: Catalog, new: Catalog, update: CatalogUpdate) -> dict[str, str | None]:
    """The past-projects index's wanted hash of each partner whose projects (or their texts) may have changed."""
    suspects = set(update.partners)
    for project_id in set(update.projects) | set(update.project_members):
        suspects |= {p for p, _ in old.project_members.get(project_id, [])}
        suspects |= {p for p, _ in new.project_members.get(project_id, [])}
    project_hashes = {j: content_hash(new.project(j).text) for p in suspects for j in new.partner_projects.get(p, ())}
    out: dict[str, str | None] = {}
    for partner_id in suspects:
        row = new.partner_pos.get(partner_id)
        has_history = row is not None and new.history_vectors.has_projects(row)
        out[partner_id] = history_hash(new, partner_id, project_hashes) if has_history else None
    return out
