"""Saved indexes kept in step with the store: ``<name>.faiss`` + ``<name>.ids.json`` + ``<name>.manifest.json``.

The manifest maps each id to the content hash of what its vector was computed from, names the embedding model, and
holds the SHA-256 of the index files: a damaged file (e.g. zeroed blocks in the vectors) is found on load and the
index rebuilt. Every repair (a missing file, a missing or invalid manifest, a checksum mismatch) is logged at WARNING.

:func:`sync_index` brings an index (loaded or live) to the wanted ids and hashes by removing and adding only
the ids whose hash changed, and rebuilds it from scratch when the index kind the settings want has changed.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from matcher.index.base import VectorIndex
from matcher.index.factory import IndexKind, create_index, kind_of, load_index
from matcher.index.hnsw import DEFAULT_STORAGE, HnswIndex, Storage
from matcher.locks import exclusive

logger = logging.getLogger(__name__)

VectorsOf = Callable[[Sequence[str]], np.ndarray]


@dataclass(frozen=True, slots=True)
class IndexFiles:
    """Where the index called ``name`` lives in ``directory``; every read and write holds ``directory/.lock``."""

    directory: Path
    name: str

    @property
    def index_path(self) -> Path:
        return self.directory / f"{self.name}.faiss"

    @property
    def manifest_path(self) -> Path:
        return self.directory / f"{self.name}.manifest.json"

    def lock(self) -> AbstractContextManager[None]:
        """Processes sharing the folder never interleave writing (or reading) the index files."""
        return exclusive(self.directory / ".lock")

    @property
    def ids_path(self) -> Path:
        return self.index_path.with_suffix(".ids.json")

    def checksums(self) -> dict[str, str]:
        """SHA-256 of the index file (the vectors) and of its ids file, by file name."""
        sums = {}
        for path in (self.index_path, self.ids_path):
            with open(path, "rb") as handle:
                sums[path.name] = "sha256:" + hashlib.file_digest(handle, "sha256").hexdigest()
        return sums

    def load(self, model: str, *, threads: int | None = None) -> tuple[VectorIndex, dict[str, str]] | None:
        """The saved index and its hashes, or None (rebuild it) when missing, of another model, damaged or out of
        step with its manifest. Nothing saved yet is silent; every other rebuild is logged at WARNING."""
        paths = (self.index_path, self.ids_path, self.manifest_path)
        missing = [path.name for path in paths if not path.exists()]
        if len(missing) == len(paths):
            return None
        if missing:
            logger.warning("index files missing in %s: %s; rebuilding the index", self.directory, ", ".join(missing))
            return None
        with self.lock():
            try:
                manifest = json.loads(self.manifest_path.read_text())
                hashes = {str(k): str(v) for k, v in manifest["hashes"].items()}
                expected = dict(manifest["checksums"])
            except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
                logger.warning("index manifest %s is invalid (%s); rebuilding the index", self.manifest_path, exc)
                return None
            if manifest.get("model") != model:
                logger.info(
                    "%s index: built with the model %s, not %s; rebuilding it", self.name, manifest.get("model"), model
                )
                return None
            try:
                damaged = [name for name, digest in self.checksums().items() if expected.get(name) != digest]
                if damaged:
                    logger.warning(
                        "index file(s) %s in %s do not match the checksum in %s (damaged); rebuilding the index",
                        ", ".join(damaged),
                        self.directory,
                        self.manifest_path.name,
                    )
                    return None
                index = load_index(self.index_path, threads=threads)
            except (OSError, ValueError, KeyError, RuntimeError) as exc:
                logger.warning("index at %s is unreadable (%s); rebuilding it from the store", self.index_path, exc)
                return None
        if set(hashes) != set(index.ids()):
            logger.warning(
                "index %s holds other ids than its manifest %s; rebuilding it", self.index_path, self.manifest_path.name
            )
            return None
        return index, hashes

    def save(self, index: VectorIndex, hashes: dict[str, str], model: str) -> None:
        with self.lock():
            index.save(self.index_path)
            manifest = {"model": model, "hashes": hashes, "checksums": self.checksums()}
            tmp = self.manifest_path.with_suffix(".tmp")
            tmp.write_text(json.dumps(manifest))
            tmp.replace(self.manifest_path)


def fits(index: VectorIndex, kind: IndexKind, storage: Storage) -> bool:
    """Whether ``index`` is of ``kind`` and, for HNSW, keeps its vectors in ``storage``: else :func:`sync_index`
    rebuilds it."""
    return kind_of(index) == kind and (not isinstance(index, HnswIndex) or index.storage == storage)


def sync_index(
    index: VectorIndex | None,
    have: dict[str, str],
    wanted: dict[str, str],
    vectors_of: VectorsOf,
    *,
    kind: IndexKind,
    dim: int,
    threads: int | None = None,
    label: str = "index",
    storage: Storage = DEFAULT_STORAGE,
) -> tuple[VectorIndex, bool]:
    """Bring ``index`` (holding ``have``: id → hash) to ``wanted``; return it and whether it changed.

    A missing index, one of another kind than ``kind``, or an HNSW index keeping its vectors in another ``storage``
    is rebuilt from scratch; an HNSW index built from scratch has its ``efSearch`` tuned and its recall@10 measured
    (:meth:`HnswIndex.build`).
    """
    if index is not None and not fits(index, kind, storage):
        logger.info("%s: %d vectors, rebuilding it as %s (HNSW storage %s)", label, len(wanted), kind, storage)
        index, have = None, {}
    if index is None:
        index, have = create_index(kind, dim, threads=threads, storage=storage), {}
    stale = [i for i, h in have.items() if wanted.get(i) != h]
    fresh = [i for i, h in wanted.items() if have.get(i) != h]
    if not stale and not fresh and index.count() == len(wanted):
        return index, False
    logger.debug("%s update: %d removed or changed, %d added or changed", label, len(stale), len(fresh))
    index.remove(stale)
    vectors = vectors_of(fresh) if fresh else np.zeros((0, dim), dtype=np.float32)
    if isinstance(index, HnswIndex) and index.count() == 0 and index.tombstones == 0:
        index.build(fresh, vectors)
    else:
        index.add(fresh, vectors)
    return index, True
