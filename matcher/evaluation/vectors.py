"""An on-disk embedding cache for offline runs (evaluation, benchmarks), keyed by model and content hash."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np

from matcher.domain import content_hash
from matcher.embedding.base import Embedder


class CachedVectors:
    """Callable ``texts -> unit vectors`` that embeds each distinct text once and remembers it in ``path``."""

    def __init__(self, embedder: Embedder, path: Path | None = None, *, batch_size: int = 32) -> None:
        self.embedder = embedder
        self.path = path
        self.batch_size = batch_size
        self._cache: dict[str, np.ndarray] = {}
        self._dirty = False
        if path is not None and path.exists():
            with np.load(path, allow_pickle=False) as data:
                if str(data["model"]) == embedder.name:
                    self._cache = dict(zip(data["hashes"].tolist(), data["vectors"], strict=True))

    def __call__(self, texts: Sequence[str]) -> np.ndarray:
        hashes = [content_hash(t) for t in texts]
        missing = {h: t for h, t in zip(hashes, texts, strict=True) if h not in self._cache}
        if missing:
            encoded = self.embedder.encode(list(missing.values()), batch_size=self.batch_size)
            self._cache.update(zip(missing, encoded, strict=True))
            self._dirty = True
        if not hashes:
            return np.zeros((0, self.embedder.dim), dtype=np.float32)
        return np.stack([self._cache[h] for h in hashes]).astype(np.float32)

    def save(self) -> None:
        if self.path is None or not self._dirty:
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        hashes = list(self._cache)
        tmp = self.path.with_name(self.path.name + ".tmp.npz")
        np.savez(
            tmp,
            model=np.array(self.embedder.name),
            hashes=np.array(hashes),
            vectors=np.stack([self._cache[h] for h in hashes]) if hashes else np.zeros((0, self.embedder.dim)),
        )
        tmp.replace(self.path)
        self._dirty = False
