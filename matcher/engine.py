"""The matcher as an application: store + embedder + catalog + index, kept consistent with each other.

``Matcher`` is what the CLI and the service use; the pieces it composes are usable on their own.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from matcher.catalog import Catalog, build_catalog
from matcher.domain import Dataset, content_hash
from matcher.embedding.base import Embedder
from matcher.index.faiss_index import FaissIndex
from matcher.io.importer import ImportResult, read_directory
from matcher.recommender import Recommender
from matcher.settings import Settings
from matcher.store import Store
from matcher.store.repository import SyncReport

logger = logging.getLogger(__name__)


def create_embedder(settings: Settings) -> Embedder:
    from matcher.embedding.sentence_transformers import SentenceTransformerEmbedder

    return SentenceTransformerEmbedder(settings.model, threads=settings.threads)


@dataclass(frozen=True, slots=True)
class IngestReport:
    counts: dict[str, int]
    sync: SyncReport
    embedded: int
    reused: int
    warnings: list[str]


class Matcher:
    """Owns the store, the embedder and the current recommender; rebuilds the latter after writes."""

    def __init__(self, settings: Settings, *, embedder: Embedder | None = None, store: Store | None = None) -> None:
        self.settings = settings
        self.store = store or Store(settings.store_url)
        self._embedder = embedder
        self._recommender: Recommender | None = None
        self._revision = -1

    # -- parts ----------------------------------------------------------------------------------------------------
    @property
    def embedder(self) -> Embedder:
        if self._embedder is None:
            self._embedder = create_embedder(self.settings)
        return self._embedder

    @property
    def recommender(self) -> Recommender:
        if self._recommender is None:
            self.refresh()
        assert self._recommender is not None
        return self._recommender

    @property
    def catalog(self) -> Catalog:
        return self.recommender.catalog

    def open(self) -> Matcher:
        """Create or upgrade the store schema; cheap when already current."""
        self.settings.home.mkdir(parents=True, exist_ok=True)
        self.store.migrate()
        return self

    def close(self) -> None:
        self.store.close()

    # -- vectors --------------------------------------------------------------------------------------------------
    def vectors_for(self, texts: Sequence[str], *, show_progress: bool = False) -> np.ndarray:
        """Unit vectors of ``texts``: from the embeddings cache, embedding (and caching) only what is missing."""
        model = self.embedder.name
        hashes = [content_hash(t) for t in texts]
        found = self.store.cached_vectors(model, hashes)
        missing = {h: t for h, t in zip(hashes, texts, strict=True) if h not in found}
        if missing:
            new = self.embedder.encode(
                list(missing.values()), batch_size=self.settings.batch_size, show_progress=show_progress
            )
            fresh = dict(zip(missing, new, strict=True))
            self.store.put_vectors(model, fresh)
            found.update(fresh)
        if not hashes:
            return np.zeros((0, self.embedder.dim), dtype=np.float32)
        return np.stack([found[h] for h in hashes]).astype(np.float32)

    # -- import ---------------------------------------------------------------------------------------------------
    def ingest(self, directory: str | Path, *, show_progress: bool = False) -> IngestReport:
        """Validate ``directory`` completely, embed only new texts, then replace the store's data in one transaction.

        Raises :class:`~matcher.io.importer.ImportValidationError` (nothing written) when the directory has errors.
        """
        result: ImportResult = read_directory(directory)
        dataset = result.dataset
        texts = [p.text for p in dataset.partners] + [p.text for p in dataset.projects]
        texts += [g.text for g in dataset.action_groups]
        model = self.embedder.name
        hashes = list(dict.fromkeys(content_hash(t) for t in texts))
        cached = self.store.cached_vectors(model, hashes)
        missing = {}
        for text in texts:
            digest = content_hash(text)
            if digest not in cached:
                missing[digest] = text
        vectors: dict[str, np.ndarray] = {}
        if missing:
            encoded = self.embedder.encode(
                list(missing.values()), batch_size=self.settings.batch_size, show_progress=show_progress
            )
            vectors = dict(zip(missing, encoded, strict=True))
        sync = self.store.replace_dataset(dataset, model=model, vectors=vectors)
        self.refresh()
        return IngestReport(
            dataset.counts(), sync, embedded=len(vectors), reused=len(hashes) - len(missing), warnings=result.warnings
        )

    # -- catalog and index ------------------------------------------------------------------------------------------
    def refresh(self) -> Recommender:
        """Rebuild the catalog from the store, and load or repair the saved index so it matches the store."""
        revision = self.store.revision()
        dataset: Dataset = self.store.load_dataset()
        catalog = build_catalog(dataset, self.vectors_for, self.embedder.dim)
        index = self._load_or_repair_index(catalog)
        self._recommender = Recommender(catalog, self.embedder, index=index)
        self._revision = revision
        return self._recommender

    def refresh_if_stale(self) -> bool:
        """Rebuild when another process (or a write) moved the store's revision; returns whether it did."""
        if self.store.revision() != self._revision:
            self.refresh()
            return True
        return False

    def _index_paths(self) -> tuple[Path, Path]:
        directory = self.settings.index_dir
        return directory / "partners.faiss", directory / "partners.manifest.json"

    def _load_or_repair_index(self, catalog: Catalog) -> FaissIndex:
        path, manifest_path = self._index_paths()
        wanted = {p.id: content_hash(p.text) for p in catalog.partners}
        index: FaissIndex | None = None
        have: dict[str, str] = {}
        if path.exists() and manifest_path.exists():
            try:
                manifest = json.loads(manifest_path.read_text())
                if manifest.get("model") == self.embedder.name:
                    index = FaissIndex.load(path)
                    have = dict(manifest["hashes"])
                    if set(have) != set(index.ids()):
                        index, have = None, {}
            except (OSError, ValueError, KeyError, RuntimeError) as exc:
                logger.warning("index at %s is unreadable (%s); rebuilding it from the store", path, exc)
                index, have = None, {}
        if index is None:
            index = FaissIndex(self.embedder.dim)
        stale = [i for i, h in have.items() if wanted.get(i) != h]
        fresh = [i for i, h in wanted.items() if have.get(i) != h]
        if not stale and not fresh and index.count() == len(wanted):
            return index
        if have:
            logger.warning(
                "index was out of step with the store (%d stale, %d missing); repaired", len(stale), len(fresh)
            )
        index.remove(stale)
        rows = [catalog.partner_pos[i] for i in fresh]
        index.add(fresh, catalog.partner_vectors[rows])
        self._save_index(index, wanted)
        return index

    def _save_index(self, index: FaissIndex, hashes: dict[str, str]) -> None:
        path, manifest_path = self._index_paths()
        index.save(path)
        tmp = manifest_path.with_suffix(".tmp")
        tmp.write_text(json.dumps({"model": self.embedder.name, "hashes": hashes}))
        tmp.replace(manifest_path)

    def status(self) -> dict[str, Any]:
        rec = self.recommender
        return {
            "counts": self.store.counts(),
            "model": self.embedder.name,
            "dim": self.embedder.dim,
            "index": {"kind": rec.index.kind, "vectors": rec.index.count()},
            "ranker": rec.ranker.name,
            "store": self.store.engine.url.render_as_string(hide_password=True),
            "home": str(self.settings.home),
        }
