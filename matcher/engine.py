"""The matcher as an application: store + embedder + catalog + index, kept consistent with each other.

``Matcher`` is what the CLI and the service use; the pieces it composes are usable on their own.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from matcher import heap
from matcher.catalog import Catalog, VectorLookup
from matcher.domain import content_hash, lead_of
from matcher.embedding.base import Embedder
from matcher.embedding.cached import QueryCacheEmbedder
from matcher.index.base import VectorIndex
from matcher.index.factory import choose_kind, kind_of
from matcher.index.files import IndexFiles, VectorsOf, fits, sync_index
from matcher.io.importer import ImportResult, read_directory
from matcher.ranking.features import DenseLayout
from matcher.ranking.ranker import LinearRanker, Ranker
from matcher.ranking.selection import load_ranker
from matcher.recommender import Recommender
from matcher.settings import Settings
from matcher.snapshot import Hashes, SnapshotManager, SnapshotStats
from matcher.store import Store
from matcher.store.repository import SyncReport

if TYPE_CHECKING:
    from matcher.store.listener import ChangeListener
    from matcher.themes.lookup import ThemeLookup

logger = logging.getLogger(__name__)


def create_embedder(settings: Settings) -> Embedder:
    """The embedder ``MATCHER_ENCODERS`` names, MiniLM on the ``MATCHER_EMBEDDING_BACKEND`` (``auto``: the fastest
    that passes the quality guard); ONNX exports are cached under ``$MATCHER_HOME/models``."""
    from matcher.embedding.factory import create_embedder as create

    return create(
        settings.embedding_backend,
        settings.model,
        settings.home / "models",
        settings.threads,
        settings.encoders,
        kernel_cache=settings.openvino_kernel_cache,
    )


@dataclass(frozen=True, slots=True)
class IngestReport:
    counts: dict[str, int]
    sync: SyncReport
    embedded: int
    reused: int
    warnings: list[str]


def _coalescing(embedder: Embedder) -> Embedder:
    """Concurrent single-text calls (free-text requests) share one inference (:mod:`matcher.embedding.coalescing`),
    and a repeated query text is embedded once (:mod:`matcher.embedding.cached`, a bounded LRU)."""
    from matcher.embedding.coalescing import CoalescingEmbedder

    if isinstance(embedder, CoalescingEmbedder):
        return embedder
    return CoalescingEmbedder(QueryCacheEmbedder(embedder))


class Matcher:
    """Owns the store, the embedder and the snapshot manager (:mod:`matcher.snapshot`), which keeps the served
    recommender in step with the store by applying its deltas."""

    def __init__(self, settings: Settings, *, embedder: Embedder | None = None, store: Store | None = None) -> None:
        self.settings = settings
        self.store = store or Store(settings.store_url)
        self._embedder = None if embedder is None else _coalescing(embedder)
        self.snapshots = SnapshotManager(self)
        self._checked_at = 0.0
        # the live indexes ("partners", "history", "projects") and the content hashes they hold
        self._indexes: dict[str, tuple[VectorIndex, dict[str, str]]] = {}
        self.listener: ChangeListener | None = None  # the PostgreSQL change listener while one runs (:meth:`listen`)

    # -- parts ----------------------------------------------------------------------------------------------------
    @property
    def embedder(self) -> Embedder:
        if self._embedder is None:
            self._embedder = _coalescing(create_embedder(self.settings))
        return self._embedder

    @property
    def dim(self) -> int:
        return self.embedder.dim

    @property
    def recommender(self) -> Recommender:
        snapshot = self.snapshots.current
        if snapshot is None:
            return self.refresh()
        return snapshot.recommender

    @property
    def snapshot_stats(self) -> SnapshotStats:
        return self.snapshots.stats

    @property
    def catalog(self) -> Catalog:
        return self.recommender.catalog

    def open(self) -> Matcher:
        """Create or upgrade the store schema; cheap when already current."""
        self.settings.home.mkdir(parents=True, exist_ok=True)
        self.store.migrate()
        return self

    def close(self) -> None:
        if self.listener is not None:
            self.listener.stop()
            self.listener = None
        self.snapshots.close()
        self.store.close()

    # -- vectors --------------------------------------------------------------------------------------------------
    def vectors_for(self, texts: Sequence[str], *, show_progress: bool = False) -> np.ndarray:
        """Unit vectors of ``texts``: from the embeddings cache, embedding (and caching) only what is missing."""
        model = self.embedder.name
        hashes = [content_hash(t) for t in texts]
        rows, found = self.store.cached_rows(model, hashes, self.embedder.dim)
        absent = np.flatnonzero(~found).tolist()
        if absent:
            missing = {hashes[row]: texts[row] for row in absent}  # a text given twice is embedded once
            new = self.embedder.encode(
                list(missing.values()), batch_size=self.settings.batch_size, show_progress=show_progress
            )
            fresh = dict(zip(missing, np.asarray(new, dtype=np.float32), strict=True))
            self.store.put_vectors(model, fresh)
            rows[absent] = [fresh[hashes[row]] for row in absent]
        return rows

    # -- import ---------------------------------------------------------------------------------------------------
    def ingest(
        self,
        directory: str | Path,
        *,
        show_progress: bool = False,
        embed: Callable[[Sequence[str]], np.ndarray] | None = None,
        serve: bool = True,
    ) -> IngestReport:
        """Validate ``directory`` completely, embed only new texts, then replace the store's data in one transaction
        and (``serve``) rebuild the served snapshot. The ranker is learned from the new history by the application
        that imports (:func:`matcher.learning.ingest`: ``matcher ingest``, the service's seed), not here.

        ``embed`` computes the new texts' vectors in order instead of this process's embedder, with the same model
        (e.g. :class:`~matcher.embedding.ray_batch.RayBatchEmbedding`, ``matcher ingest --engine ray``).

        Raises :class:`~matcher.io.importer.ImportValidationError` (nothing written) when the directory has errors.
        """
        result: ImportResult = read_directory(directory)
        dataset = result.dataset
        texts = [p.text for p in dataset.partners] + [p.text for p in dataset.projects]
        texts += [g.text for g in dataset.action_groups]
        model = self.embedder.name
        hashes = list(dict.fromkeys(content_hash(t) for t in texts))
        cached = self.store.cached_hashes(model, hashes)  # not the vectors: 4.3 GB at 1M texts
        missing = {}
        for text in texts:
            digest = content_hash(text)
            if digest not in cached:
                missing[digest] = text
        vectors: dict[str, np.ndarray] = {}
        if missing:
            if embed is None:
                encoded = self.embedder.encode(
                    list(missing.values()), batch_size=self.settings.batch_size, show_progress=show_progress
                )
            else:
                encoded = embed(list(missing.values()))
            vectors = dict(zip(missing, encoded, strict=True))
        sync = self.store.replace_dataset(dataset, model=model, vectors=vectors)
        if serve:
            self.refresh()
        return IngestReport(
            dataset.counts(), sync, embedded=len(vectors), reused=len(hashes) - len(missing), warnings=result.warnings
        )

    # -- ranker ---------------------------------------------------------------------------------------------------
    def ranker_is_stale(self) -> bool:
        """Whether the saved learned ranker was trained on another store revision than the store's (an ingest
        killed between its commit and the training, or writes since). False when none is saved or in use."""
        path = self.settings.ranker_path
        if self.settings.ranker != "auto" or not path.exists():
            return False
        try:
            facts = json.loads(path.with_suffix(".json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return True  # saved by an older version (no revision recorded) or damaged
        return not isinstance(facts, dict) or facts.get("store revision") != self.store.revision()

    def _themes(self, catalog: Catalog) -> ThemeLookup | None:
        """The themes saved in $MATCHER_HOME/themes.json (``matcher themes fit``), or None."""
        from matcher.themes.lookup import load_lookup

        return load_lookup(self.settings.home, catalog, self.embedder.name)

    def _ranker(self) -> Ranker:
        path = self.settings.ranker_path
        if self.settings.ranker == "auto" and path.exists():
            try:
                return load_ranker(path)
            except (OSError, ValueError, EOFError) as exc:
                logger.warning("ignoring the learned ranker at %s (%s); using the default weights", path, exc)
        return LinearRanker()

    # -- catalog and index ------------------------------------------------------------------------------------------
    def refresh(self, *, at_least: int | None = None) -> Recommender:
        """Bring the snapshot up to the store. Without ``at_least``: rebuild it from the whole store (the catalog,
        the TF-IDF fit) and load or repair the saved indexes. With ``at_least``: apply the store's deltas until the
        snapshot has at least that revision (a write's read-your-writes; nothing to do when it has). Thread-safe;
        the new snapshot replaces the old one in a single assignment."""
        if at_least is None:
            self.snapshots.rebuild()
            heap.trim()
        else:
            self.snapshots.catch_up(at_least=at_least)
        self._checked_at = time.monotonic()  # it has just looked at the store
        return self.recommender

    @property
    def query_cache(self) -> QueryCacheEmbedder | None:
        """The query-vector cache inside the embedder wrapper (its hits, misses and embedding time), if any."""
        inner = getattr(self.embedder, "embedder", None)
        return inner if isinstance(inner, QueryCacheEmbedder) else None

    def check_due(self, *, max_age: float = 0.0) -> bool:
        """Whether :meth:`refresh_if_stale` would look at the store now (no snapshot yet, or the last look is older
        than ``max_age`` seconds). Only reads the clock."""
        return self.snapshots.current is None or time.monotonic() - self._checked_at >= max_age

    def refresh_if_stale(self, *, max_age: float = 0.0) -> bool:
        """Apply the deltas another process (or a write) committed; returns whether the snapshot changed. The
        polling path (SQLite, and PostgreSQL's fallback when a notification was missed).

        ``max_age``: look at the store revision at most that often (seconds). While another thread updates the
        snapshot, return at once: the caller keeps the current snapshot. With ``max_age=0`` every call looks, and
        waits until the snapshot holds every write committed before it (read-your-writes across processes: the
        workers of ``matcher serve --workers N``).
        """
        if not self.check_due(max_age=max_age):
            return False
        self._checked_at = time.monotonic()
        current = self.snapshots.current
        revision = self.store.revision()
        if current is not None and revision == current.revision:
            return False
        return self.snapshots.catch_up(at_least=revision, blocking=max_age == 0)

    def listen(self) -> bool:
        """On PostgreSQL, start applying each committed write as soon as it is announced (a listener thread with its
        own connection, :mod:`matcher.store.listener`); returns whether one was started."""
        if self.listener is not None or self.store.engine.dialect.name != "postgresql":
            return False
        from matcher.store.listener import ChangeListener

        self.listener = ChangeListener(self.store.url, lambda revision: self.snapshots.catch_up(at_least=revision))
        self.listener.start()
        return True

    def suppressed(
        self, requester_id: str | None, *, project_id: str | None = None, group_id: str | None = None
    ) -> frozenset[str]:
        """Partners the requester declined or dismissed in this scope (never suggested again there). For a stored
        project without a requester, the project's lead is the requester (as in the recommender); for a group,
        anyone's feedback on that group counts."""
        if group_id is not None:
            return self.store.suppressed_partners(requester_id, group_id=group_id)
        if requester_id is None and project_id is not None:
            requester_id = lead_of(self.catalog.project_members.get(project_id, []))
        if requester_id is None:
            return frozenset()
        return self.store.suppressed_partners(requester_id, project_id=project_id)

    @property
    def revision(self) -> int:
        """The store revision the current catalog and index reflect (-1 before the first refresh)."""
        snapshot = self.snapshots.current
        return -1 if snapshot is None else snapshot.revision

    def vector_lookup(self, catalog: Catalog | None) -> VectorLookup:
        """Vectors for texts: ``catalog``'s when the text is one of its texts, else the cache or the embedder."""
        known: dict[str, np.ndarray] = {}
        if catalog is not None:  # rows of the current arrays (views: no copy of the catalogue's vectors)
            c = catalog
            for texts, vectors in (
                ([p.text for p in c.partners], c.partner_vectors),
                ([p.text for p in c.projects], c.project_vectors),
                ([g.text for g in c.groups], c.group_vectors),
            ):
                known.update((content_hash(t), v) for t, v in zip(texts, vectors, strict=True))

        def lookup(texts: Sequence[str]) -> np.ndarray:
            hashes = [content_hash(t) for t in texts]
            missing = {h: t for h, t in zip(hashes, texts, strict=True) if h not in known}
            if missing:
                fresh = self.vectors_for(list(missing.values()))
                known.update(zip(missing, fresh, strict=True))
                if len(missing) == len(hashes):  # every text new and distinct: already the answer, in order
                    return fresh
            return np.stack([known[h] for h in hashes]) if hashes else np.zeros((0, self.embedder.dim), np.float32)

        return lookup

    def load_index(self, name: str, wanted: Hashes, vectors_of: VectorsOf) -> VectorIndex:
        """Load (or keep) the index ``name``, update only what changed, choose its kind by size, save it."""
        files = IndexFiles(self.settings.index_dir, name)
        index, have = self._indexes.get(name, (None, {}))
        live = index is not None
        if index is None:
            index, have = files.load(self.embedder.name, threads=self.settings.threads) or (None, {})
        current = kind_of(index) if index is not None else None
        kind = choose_kind(self.settings.index, len(wanted), current=current, threshold=self.settings.index_threshold)
        kept = index is not None and fits(index, kind, self.settings.index_storage)  # else rebuilt, as asked
        self._indexes.pop(name, None)  # if an update fails half-way, the next refresh starts again from the files
        index, changed = sync_index(
            index,
            have,
            wanted,
            vectors_of,
            kind=kind,
            dim=self.embedder.dim,
            threads=self.settings.threads,
            label=f"{name} index",
            storage=self.settings.index_storage,
        )
        if changed:
            if not live and have and kept:
                logger.warning("%s index was out of step with the store; repaired", name)
            if name == "partners":
                self._save_index(index, wanted)
            else:
                files.save(index, wanted, self.embedder.name)
        self._indexes[name] = (index, wanted)
        return index

    def save_index(self, name: str, index: VectorIndex, hashes: Hashes) -> None:
        """Write the index ``name`` and its manifest (the index may change meanwhile: its lock is held)."""
        if name == "partners":
            self._save_index(index, dict(hashes))
        else:
            IndexFiles(self.settings.index_dir, name).save(index, dict(hashes), self.embedder.name)
        self._indexes[name] = (index, dict(hashes))

    def _save_index(self, index: VectorIndex, hashes: dict[str, str]) -> None:
        IndexFiles(self.settings.index_dir, "partners").save(index, hashes, self.embedder.name)

    def recommender_for(
        self,
        catalog: Catalog,
        index: VectorIndex,
        history: VectorIndex,
        projects: VectorIndex,
        previous: Recommender | None,
        changed: Iterable[str] = (),
    ) -> Recommender:
        """A recommender over ``catalog``; with ``previous``, its ranker carries over (no reload) and its themes too,
        with the ``changed`` partners placed again."""
        if previous is not None:
            themes = previous.themes.updated(catalog, changed) if previous.themes is not None else None
            return Recommender(
                catalog,
                self.embedder,
                index=index,
                history_index=history,
                project_index=projects,
                ranker=previous.ranker,
                themes=themes,
                layout=previous.layout,
            )
        return Recommender(
            catalog,
            self.embedder,
            index=index,
            history_index=history,
            project_index=projects,
            ranker=self._ranker(),
            themes=self._themes(catalog),
            layout=DenseLayout.of(self.embedder),
        )

    def status(self) -> dict[str, Any]:
        rec = self.recommender
        return {
            "counts": self.store.counts(),
            "model": self.embedder.name,
            "dim": self.embedder.dim,
            "index": {"kind": rec.index.kind, "vectors": rec.index.count()},
            "indexes": {name: index.describe() for name, index in rec.indexes.items()},
            "ranker": rec.ranker.name,
            "store": self.store.engine.url.render_as_string(hide_password=True),
            "home": str(self.settings.home),
        }
